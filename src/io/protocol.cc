#include "audience/protocol.h"

#include <simdjson.h>

#include <functional>
#include <limits>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "io/json_dom.h"
#include "io/json_writer.h"
#include "io/lead_dom.h"
#include "io/segment_json.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr size_t kMaxLineBytes = 16 << 20;

absl::StatusOr<element> Require(object cmd, std::string_view key) {
  std::optional<element> e = Member(cmd, key);
  if (!e) return absl::InvalidArgumentError(StrCat("missing \"", key, "\""));
  return *e;
}

absl::StatusOr<std::string> RequireString(object cmd, std::string_view key) {
  ASSIGN_OR_RETURN(element e, Require(cmd, key));
  return JsonString(e, key);
}

absl::StatusOr<uint64_t> RequireLeadId(object cmd, std::string_view key) {
  ASSIGN_OR_RETURN(element e, Require(cmd, key));
  return JsonUint64(e, key);
}

std::string_view ManualName(Explanation::Manual manual) {
  return manual == Explanation::Manual::kAdded ? "added" : "removed";
}

}  // namespace

class Protocol::Impl {
 public:
  explicit Impl(Engine& engine) : engine_(engine) {}

  std::string Execute(std::string_view line) {
    JsonWriter out;
    out.BeginObject().Key("ok").Bool(true);
    absl::Status status = Dispatch(line, out);
    if (status.ok()) return out.EndObject().Take();
    JsonWriter error;
    error.BeginObject().Key("ok").Bool(false).Key("error").BeginObject();
    error.Key("code").String(absl::StatusCodeToString(status.code()));
    error.Key("message").String(std::string(status.message()));
    return error.EndObject().EndObject().Take();
  }

 private:
  using Handler = absl::Status (Impl::*)(object, JsonWriter&);

  absl::Status Dispatch(std::string_view line, JsonWriter& out) {
    if (line.size() > kMaxLineBytes) {
      return absl::InvalidArgumentError(
          StrCat("command line is longer than ", kMaxLineBytes, " bytes"));
    }
    element doc;
    if (auto error = parser_.parse(line.data(), line.size()).get(doc)) {
      return absl::InvalidArgumentError(
          StrCat("malformed JSON (", simdjson::error_message(error), ")"));
    }
    ASSIGN_OR_RETURN(object cmd, JsonObject(doc, "command"));
    ASSIGN_OR_RETURN(std::string op, RequireString(cmd, "op"));
    static const auto* handlers = new absl::flat_hash_map<std::string, Handler>{
        {"define_field", &Impl::DefineField},
        {"list_fields", &Impl::ListFields},
        {"create_category", &Impl::CreateCategory},
        {"rename_category", &Impl::RenameCategory},
        {"delete_category", &Impl::DeleteCategory},
        {"list_categories", &Impl::ListCategories},
        {"create_segment", &Impl::CreateSegment},
        {"update_segment", &Impl::UpdateSegment},
        {"delete_segment", &Impl::DeleteSegment},
        {"get_segment", &Impl::GetSegment},
        {"list_segments", &Impl::ListSegments},
        {"upsert_lead", &Impl::UpsertLead},
        {"patch_lead", &Impl::PatchLead},
        {"delete_lead", &Impl::DeleteLead},
        {"upsert_leads", &Impl::UpsertLeads},
        {"patch_leads", &Impl::PatchLeads},
        {"delete_leads", &Impl::DeleteLeads},
        {"leads_over_time", &Impl::LeadsOverTime},
        {"add_to_segment", &Impl::AddToSegment},
        {"remove_from_segment", &Impl::RemoveFromSegment},
        {"transfer", &Impl::Transfer},
        {"active_segment", &Impl::ActiveSegment},
        {"get_lead", &Impl::GetLead},
        {"event", &Impl::RecordEvent},
        {"advance_clock", &Impl::AdvanceClock},
        {"now", &Impl::Now},
        {"members", &Impl::Members},
        {"count", &Impl::Count},
        {"contains", &Impl::Contains},
        {"explain", &Impl::Explain},
        {"preview", &Impl::Preview},
    };
    auto it = handlers->find(op);
    if (it == handlers->end()) {
      return absl::InvalidArgumentError(StrCat("unknown op ", Quote(op)));
    }
    names_.clear();
    return (this->*(it->second))(cmd, out);
  }

  absl::StatusOr<SegmentId> SegmentArg(object cmd, std::string_view key) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, key));
    return engine_.FindSegment(name);
  }

  // The current name of a segment; deleted ones keep the name they had
  // when the command began.
  const std::string& NameOf(SegmentId id) {
    auto it = names_.find(id);
    if (it != names_.end()) return it->second;
    absl::StatusOr<Segment> s = engine_.GetSegment(id);
    return names_[id] = s.ok() ? s->definition.name : StrCat("#", id);
  }

  void WriteChanges(const std::vector<MembershipChange>& changes,
                    JsonWriter& out) {
    out.Key("changes").BeginArray();
    for (const MembershipChange& c : changes) {
      out.BeginObject();
      out.Key("segment").String(NameOf(c.segment));
      out.Key("lead").Uint(c.lead);
      out.Key("change").String(ChangeKindName(c.kind));
      out.EndObject();
    }
    out.EndArray();
  }

  absl::Status Mutation(absl::StatusOr<MutationResult> result, JsonWriter& out,
                        bool with_id = false) {
    if (!result.ok()) return result.status();
    if (with_id) out.Key("id").Uint(result->id);
    WriteChanges(result->changes, out);
    return absl::OkStatus();
  }

  absl::Status NoChanges(JsonWriter& out) {
    return Mutation(MutationResult{}, out);
  }

  absl::Status DefineField(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, "name"));
    ASSIGN_OR_RETURN(std::string type_name, RequireString(cmd, "type"));
    std::optional<FieldType> type = ParseFieldType(type_name);
    if (!type) {
      return absl::InvalidArgumentError(StrCat(
          "unknown field type ", Quote(type_name),
          " (expected string, keyword, int64, double, bool, timestamp or "
          "tags)"));
    }
    RETURN_IF_ERROR(engine_.DefineField(name, *type));
    return NoChanges(out);
  }

  absl::Status ListFields(object, JsonWriter& out) {
    out.Key("fields").BeginArray();
    for (const FieldDefinition& f : engine_.Fields()) {
      out.BeginObject().Key("name").String(f.name);
      out.Key("type").String(FieldTypeName(f.type));
      out.Key("standard").Bool(f.standard).EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status CreateCategory(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, "name"));
    ASSIGN_OR_RETURN(CategoryId id, engine_.CreateCategory(name));
    out.Key("id").Uint(id);
    return NoChanges(out);
  }

  absl::Status RenameCategory(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, "name"));
    ASSIGN_OR_RETURN(std::string new_name, RequireString(cmd, "new_name"));
    RETURN_IF_ERROR(engine_.RenameCategory(name, new_name));
    return NoChanges(out);
  }

  absl::Status DeleteCategory(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, "name"));
    RETURN_IF_ERROR(engine_.DeleteCategory(name));
    return NoChanges(out);
  }

  absl::Status ListCategories(object, JsonWriter& out) {
    out.Key("categories").BeginArray();
    for (const Category& c : engine_.Categories()) {
      out.BeginObject().Key("id").Uint(c.id).Key("name").String(c.name);
      out.EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::StatusOr<SegmentDefinition> DefinitionArg(object cmd,
                                                  bool require_name) {
    ASSIGN_OR_RETURN(element segment, Require(cmd, "segment"));
    return ParseSegmentDefinition(segment, require_name);
  }

  absl::Status CreateSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, true));
    return Mutation(engine_.CreateSegment(def), out, /*with_id=*/true);
  }

  absl::Status UpdateSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, true));
    return Mutation(engine_.UpdateSegment(id, def), out);
  }

  absl::Status DeleteSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    if (std::optional<element> force = Member(cmd, "force")) {
      RETURN_IF_ERROR(JsonBool(*force, "force").status());
    }
    NameOf(id);  // remember the name before it goes
    return Mutation(engine_.DeleteSegment(id), out);
  }

  absl::Status GetSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    ASSIGN_OR_RETURN(Segment segment, engine_.GetSegment(id));
    out.Key("segment");
    WriteSegment(segment, out);
    return absl::OkStatus();
  }

  absl::Status ListSegments(object, JsonWriter& out) {
    out.Key("segments").BeginArray();
    for (const Segment& s : engine_.ListSegments()) WriteSegment(s, out);
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status UpsertLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(element json, Require(cmd, "lead"));
    ASSIGN_OR_RETURN(Lead lead, LeadFromJson(json));
    return Mutation(engine_.UpsertLead(lead), out);
  }

  absl::Status PatchLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadPatch patch, PatchFromJson(cmd));
    return Mutation(engine_.PatchLead(patch), out);
  }

  absl::Status DeleteLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId id, RequireLeadId(cmd, "id"));
    return Mutation(engine_.DeleteLead(id), out);
  }

  // Each element of the array at `key` through `parse`, errors prefixed
  // with "<key>[i]: ".
  template <typename T, typename Parse>
  absl::StatusOr<std::vector<T>> ListOf(object cmd, std::string_view key,
                                        Parse parse) {
    ASSIGN_OR_RETURN(element json, Require(cmd, key));
    ASSIGN_OR_RETURN(simdjson::dom::array list, JsonArray(json, key));
    std::vector<T> out;
    for (element e : list) {
      absl::StatusOr<T> item = parse(e);
      if (!item.ok()) {
        return absl::Status(
            item.status().code(),
            StrCat(key, "[", out.size(), "]: ", item.status().message()));
      }
      out.push_back(*std::move(item));
    }
    return out;
  }

  absl::Status UpsertLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::vector<Lead> leads,
                     ListOf<Lead>(cmd, "leads", LeadFromJson));
    return Mutation(engine_.UpsertLeads(leads), out);
  }

  absl::Status PatchLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(
        std::vector<LeadPatch> patches,
        ListOf<LeadPatch>(
            cmd, "patches", [](element e) -> absl::StatusOr<LeadPatch> {
              ASSIGN_OR_RETURN(object patch, JsonObject(e, "patch"));
              return PatchFromJson(patch);
            }));
    return Mutation(engine_.PatchLeads(patches), out);
  }

  absl::Status DeleteLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::vector<LeadId> ids,
                     ListOf<LeadId>(cmd, "ids", [](element e) {
                       return JsonUint64(e, "id");
                     }));
    return Mutation(engine_.DeleteLeads(ids), out);
  }

  absl::Status AddToSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    return Mutation(engine_.AddToSegment(id, lead), out);
  }

  absl::Status RemoveFromSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    return Mutation(engine_.RemoveFromSegment(id, lead), out);
  }

  // {"lead": 7} or {"leads": [7, 8]} (a batch: all move or none).
  absl::Status Transfer(object cmd, JsonWriter& out) {
    std::vector<LeadId> leads;
    if (Member(cmd, "leads")) {
      ASSIGN_OR_RETURN(leads, ListOf<LeadId>(cmd, "leads", [](element e) {
                         return JsonUint64(e, "lead");
                       }));
    } else {
      ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
      leads.push_back(lead);
    }
    ASSIGN_OR_RETURN(SegmentId from, SegmentArg(cmd, "from"));
    ASSIGN_OR_RETURN(SegmentId to, SegmentArg(cmd, "to"));
    return Mutation(engine_.Transfer(leads, from, to), out);
  }

  absl::Status ActiveSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(std::string category, RequireString(cmd, "category"));
    ASSIGN_OR_RETURN(std::optional<SegmentId> active,
                     engine_.ActiveSegment(lead, category));
    out.Key("segment");
    if (active) {
      out.String(NameOf(*active));
    } else {
      out.Null();
    }
    return absl::OkStatus();
  }

  absl::Status LeadsOverTime(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(element from_json, Require(cmd, "from"));
    ASSIGN_OR_RETURN(int64_t from, JsonInt64(from_json, "from"));
    ASSIGN_OR_RETURN(element to_json, Require(cmd, "to"));
    ASSIGN_OR_RETURN(int64_t to, JsonInt64(to_json, "to"));
    BucketWidth width = BucketWidth::kDay;
    if (std::optional<element> bucket = Member(cmd, "bucket")) {
      ASSIGN_OR_RETURN(std::string name, JsonString(*bucket, "bucket"));
      if (name == "hour") {
        width = BucketWidth::kHour;
      } else if (name != "day") {
        return absl::InvalidArgumentError(
            StrCat("bucket must be \"day\" or \"hour\", got ", Quote(name)));
      }
    }
    ASSIGN_OR_RETURN(std::vector<HistoryBucket> buckets,
                     engine_.LeadsOverTime(id, from, to, width));
    out.Key("buckets").BeginArray();
    for (const HistoryBucket& b : buckets) {
      out.BeginObject().Key("start").Int(b.start);
      out.Key("added").Uint(b.added).Key("removed").Uint(b.removed);
      out.Key("total").Uint(b.total).EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status GetLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId id, RequireLeadId(cmd, "id"));
    ASSIGN_OR_RETURN(Lead lead, engine_.GetLead(id));
    out.Key("lead").BeginObject().Key("id").Uint(lead.id);
    for (const auto& [name, value] : lead.fields) {
      out.Key(name).FieldValue(value);
    }
    out.EndObject();
    return absl::OkStatus();
  }

  absl::Status RecordEvent(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(Event event, EventFromJson(cmd));
    return Mutation(engine_.RecordEvent(event), out);
  }

  absl::Status AdvanceClock(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(element now, Require(cmd, "now"));
    ASSIGN_OR_RETURN(int64_t t, JsonInt64(now, "now"));
    return Mutation(engine_.AdvanceClock(t), out);
  }

  absl::Status Now(object, JsonWriter& out) {
    out.Key("now").Int(engine_.Now());
    return absl::OkStatus();
  }

  absl::Status Members(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(
        MembersPage page,
        engine_.Members(id, std::nullopt, std::numeric_limits<size_t>::max()));
    out.Key("members").BeginArray();
    for (LeadId lead : page.leads) out.Uint(lead);
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status Count(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(uint64_t count, engine_.Count(id));
    out.Key("count").Uint(count);
    return absl::OkStatus();
  }

  absl::Status Contains(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(bool member, engine_.Contains(id, lead));
    out.Key("member").Bool(member);
    return absl::OkStatus();
  }

  absl::Status Explain(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(Explanation e, engine_.Explain(lead, id));
    out.Key("member").Bool(e.member);
    out.Key("matches").Bool(e.matches);
    out.Key("manual");
    if (e.manual == Explanation::Manual::kNone) {
      out.Null();
    } else {
      out.String(ManualName(e.manual));
    }
    out.Key("conditions").BeginArray();
    for (const ConditionOutcome& c : e.conditions) {
      out.BeginObject().Key("index").Uint(c.index).Key("held").Bool(c.held);
      out.Key("value").FieldValue(c.value).EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status Preview(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, false));
    int64_t limit = 20;
    if (std::optional<element> e = Member(cmd, "limit")) {
      ASSIGN_OR_RETURN(limit, JsonInt64(*e, "limit"));
      if (limit < 1 || limit > 1000) {
        return absl::InvalidArgumentError(
            StrCat("limit must be between 1 and 1000, got ", limit));
      }
    }
    ASSIGN_OR_RETURN(audience::Preview preview,
                     engine_.PreviewSegment(def, static_cast<size_t>(limit)));
    out.Key("count").Uint(preview.count);
    out.Key("members").BeginArray();
    for (LeadId lead : preview.first_members) out.Uint(lead);
    out.EndArray();
    return absl::OkStatus();
  }

  Engine& engine_;
  simdjson::dom::parser parser_;
  absl::flat_hash_map<SegmentId, std::string> names_;
};

Protocol::Protocol(Engine& engine) : impl_(std::make_unique<Impl>(engine)) {}
Protocol::~Protocol() = default;

std::string Protocol::Execute(std::string_view line) {
  return impl_->Execute(line);
}

}  // namespace audience
