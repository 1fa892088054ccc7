#include "persist/mutation_records.h"

#include <vector>

#include "engine/engine_core.h"
#include "persist/codec.h"
#include "util/str_cat.h"

namespace audience {

namespace {

// Never renumber: journals on disk carry these.
enum class Kind : uint8_t {
  kDefineField = 1,
  kCreateCategory = 2,
  kRenameCategory = 3,
  kDeleteCategory = 4,
  kCreateSegment = 5,
  kUpdateSegment = 6,
  kDeleteSegment = 7,
  kUpsertLeads = 8,
  kPatchLeads = 9,
  kDeleteLeads = 10,
  kRecordEvent = 11,
  kLoadLeads = 12,
  kLoadEvents = 13,
  kAddToSegment = 14,
  kRemoveFromSegment = 15,
  kTransfer = 16,
  kCreateCampaign = 17,
  kUpdateCampaign = 18,
  kDeleteCampaign = 19,
  kCampaignActions = 20,
  kAdvanceClock = 21,
};

// A record: its kind, then what `fill` writes.
template <typename Fill>
std::string Make(Kind kind, Fill&& fill) {
  std::string out;
  Encoder e(&out);
  e.U8(static_cast<uint8_t>(kind));
  fill(e);
  return out;
}

void EncodeLeadIds(std::span<const LeadId> ids, Encoder& e) {
  e.Varint(ids.size());
  for (LeadId id : ids) e.Varint(id);
}

std::vector<LeadId> DecodeLeadIds(Decoder& d) {
  std::vector<LeadId> ids(d.Count());
  for (LeadId& id : ids) id = d.Varint();
  return ids;
}

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& r) {
  return r.status();
}
absl::Status StatusOf(const absl::Status& s) { return s; }

}  // namespace

namespace record {

std::string DefineField(std::string_view name, FieldType type) {
  return Make(Kind::kDefineField, [&](Encoder& e) {
    e.Bytes(name);
    e.U8(static_cast<uint8_t>(type));
  });
}

std::string CreateCategory(std::string_view name) {
  return Make(Kind::kCreateCategory, [&](Encoder& e) { e.Bytes(name); });
}

std::string RenameCategory(std::string_view name, std::string_view new_name) {
  return Make(Kind::kRenameCategory, [&](Encoder& e) {
    e.Bytes(name);
    e.Bytes(new_name);
  });
}

std::string DeleteCategory(std::string_view name) {
  return Make(Kind::kDeleteCategory, [&](Encoder& e) { e.Bytes(name); });
}

std::string CreateSegment(const SegmentDefinition& def) {
  return Make(Kind::kCreateSegment,
              [&](Encoder& e) { EncodeSegmentDefinition(def, e); });
}

std::string UpdateSegment(SegmentId id, const SegmentDefinition& def) {
  return Make(Kind::kUpdateSegment, [&](Encoder& e) {
    e.Varint(id);
    EncodeSegmentDefinition(def, e);
  });
}

std::string DeleteSegment(SegmentId id, bool force) {
  return Make(Kind::kDeleteSegment, [&](Encoder& e) {
    e.Varint(id);
    e.Bool(force);
  });
}

std::string UpsertLeads(std::span<const Lead> leads) {
  return Make(Kind::kUpsertLeads, [&](Encoder& e) {
    e.Varint(leads.size());
    for (const Lead& lead : leads) EncodeLead(lead, e);
  });
}

std::string PatchLeads(std::span<const LeadPatch> patches) {
  return Make(Kind::kPatchLeads, [&](Encoder& e) {
    e.Varint(patches.size());
    for (const LeadPatch& patch : patches) EncodePatch(patch, e);
  });
}

std::string DeleteLeads(std::span<const LeadId> ids) {
  return Make(Kind::kDeleteLeads, [&](Encoder& e) { EncodeLeadIds(ids, e); });
}

std::string RecordEvent(const Event& event) {
  return Make(Kind::kRecordEvent, [&](Encoder& e) { EncodeEvent(event, e); });
}

std::string LoadLeads(std::string_view ndjson, std::string_view source) {
  return Make(Kind::kLoadLeads, [&](Encoder& e) {
    e.Bytes(ndjson);
    e.Bytes(source);
  });
}

std::string LoadEvents(std::string_view ndjson, std::string_view source) {
  return Make(Kind::kLoadEvents, [&](Encoder& e) {
    e.Bytes(ndjson);
    e.Bytes(source);
  });
}

std::string AddToSegment(SegmentId segment, LeadId lead) {
  return Make(Kind::kAddToSegment, [&](Encoder& e) {
    e.Varint(segment);
    e.Varint(lead);
  });
}

std::string RemoveFromSegment(SegmentId segment, LeadId lead) {
  return Make(Kind::kRemoveFromSegment, [&](Encoder& e) {
    e.Varint(segment);
    e.Varint(lead);
  });
}

std::string Transfer(std::span<const LeadId> leads, SegmentId from,
                     SegmentId to) {
  return Make(Kind::kTransfer, [&](Encoder& e) {
    EncodeLeadIds(leads, e);
    e.Varint(from);
    e.Varint(to);
  });
}

std::string CreateCampaign(const CampaignDefinition& def) {
  return Make(Kind::kCreateCampaign,
              [&](Encoder& e) { EncodeCampaignDefinition(def, e); });
}

std::string UpdateCampaign(CampaignId id, const CampaignDefinition& def) {
  return Make(Kind::kUpdateCampaign, [&](Encoder& e) {
    e.Varint(id);
    EncodeCampaignDefinition(def, e);
  });
}

std::string DeleteCampaign(CampaignId id) {
  return Make(Kind::kDeleteCampaign, [&](Encoder& e) { e.Varint(id); });
}

std::string CampaignActions(CampaignId campaign, const CampaignAction& action,
                            std::span<const LeadId> leads) {
  return Make(Kind::kCampaignActions, [&](Encoder& e) {
    e.Varint(campaign);
    EncodeCampaignAction(action, e);
    EncodeLeadIds(leads, e);
  });
}

std::string AdvanceClock(Timestamp now) {
  return Make(Kind::kAdvanceClock, [&](Encoder& e) { e.Signed(now); });
}

}  // namespace record

absl::Status ReplayRecord(std::string_view payload, std::string_view where,
                          EngineCore& core) {
  Decoder d(payload, 0);
  const auto kind = static_cast<Kind>(d.U8());
  auto id32 = [&d] { return static_cast<uint32_t>(d.Varint()); };
  // Each case decodes its arguments, checks the decoder, then applies.
  absl::Status applied;
  auto apply = [&](auto&& call) {
    if (!d.done()) d.Fail("unexpected data after the record");
    if (d.ok()) applied = StatusOf(call());
  };
  switch (kind) {
    case Kind::kDefineField: {
      std::string name(d.Bytes());
      FieldType type = d.Enum(FieldType::kTags);
      apply([&] { return core.DefineField(name, type, FieldSource::kStored); });
      break;
    }
    case Kind::kCreateCategory: {
      std::string name(d.Bytes());
      apply([&] { return core.CreateCategory(name); });
      break;
    }
    case Kind::kRenameCategory: {
      std::string name(d.Bytes());
      std::string new_name(d.Bytes());
      apply([&] { return core.RenameCategory(name, new_name); });
      break;
    }
    case Kind::kDeleteCategory: {
      std::string name(d.Bytes());
      apply([&] { return core.DeleteCategory(name); });
      break;
    }
    case Kind::kCreateSegment: {
      SegmentDefinition def = DecodeSegmentDefinition(d);
      apply([&] { return core.CreateSegment(def); });
      break;
    }
    case Kind::kUpdateSegment: {
      SegmentId id = id32();
      SegmentDefinition def = DecodeSegmentDefinition(d);
      apply([&] { return core.UpdateSegment(id, def); });
      break;
    }
    case Kind::kDeleteSegment: {
      SegmentId id = id32();
      bool force = d.Bool();
      apply([&] { return core.DeleteSegment(id, force); });
      break;
    }
    case Kind::kUpsertLeads: {
      std::vector<Lead> leads(d.Count(2));
      for (Lead& lead : leads) lead = DecodeLead(d);
      apply([&] { return core.UpsertLeads(leads); });
      break;
    }
    case Kind::kPatchLeads: {
      std::vector<LeadPatch> patches(d.Count(5));
      for (LeadPatch& patch : patches) patch = DecodePatch(d);
      apply([&] { return core.PatchLeads(patches); });
      break;
    }
    case Kind::kDeleteLeads: {
      std::vector<LeadId> ids = DecodeLeadIds(d);
      apply([&] { return core.DeleteLeads(ids); });
      break;
    }
    case Kind::kRecordEvent: {
      Event event = DecodeEvent(d);
      apply([&] { return core.RecordEvent(event); });
      break;
    }
    case Kind::kLoadLeads:
    case Kind::kLoadEvents: {
      std::string_view ndjson = d.Bytes();
      std::string_view source = d.Bytes();
      apply([&] {
        return kind == Kind::kLoadLeads ? core.LoadLeads(ndjson, source)
                                        : core.LoadEvents(ndjson, source);
      });
      break;
    }
    case Kind::kAddToSegment:
    case Kind::kRemoveFromSegment: {
      SegmentId segment = id32();
      LeadId lead = d.Varint();
      apply([&] {
        return kind == Kind::kAddToSegment
                   ? core.AddToSegment(segment, lead)
                   : core.RemoveFromSegment(segment, lead);
      });
      break;
    }
    case Kind::kTransfer: {
      std::vector<LeadId> leads = DecodeLeadIds(d);
      SegmentId from = id32();
      SegmentId to = id32();
      apply([&] { return core.Transfer(leads, from, to); });
      break;
    }
    case Kind::kCreateCampaign: {
      CampaignDefinition def = DecodeCampaignDefinition(d);
      apply([&] { return core.CreateCampaign(def); });
      break;
    }
    case Kind::kUpdateCampaign: {
      CampaignId id = id32();
      CampaignDefinition def = DecodeCampaignDefinition(d);
      apply([&] { return core.UpdateCampaign(id, def); });
      break;
    }
    case Kind::kDeleteCampaign: {
      CampaignId id = id32();
      apply([&] { return core.DeleteCampaign(id); });
      break;
    }
    case Kind::kCampaignActions: {
      CampaignId campaign = id32();
      CampaignAction action = DecodeCampaignAction(d);
      std::vector<LeadId> leads = DecodeLeadIds(d);
      apply(
          [&] { return core.RecordCampaignActions(campaign, action, leads); });
      break;
    }
    case Kind::kAdvanceClock: {
      Timestamp now = d.Signed();
      apply([&] { return core.AdvanceClock(now); });
      break;
    }
    default:
      d.Fail("unknown record kind");
  }
  if (!d.ok()) {
    absl::Status status = d.status("record");
    return absl::DataLossError(StrCat(where, ": ", status.message()));
  }
  if (!applied.ok()) {
    return absl::DataLossError(
        StrCat(where, ": the journaled mutation ",
               "no longer applies: ", applied.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace audience
