// The engine's snapshot sections. Derived state (the watch index, time
// orders, plans, the topological order's ranks) is rebuilt on restore;
// everything that exists nowhere else is saved: values and events by row,
// segment bitmaps and history, categories, campaigns with participation,
// active segments, the clock and the id counters.
#include "engine/engine_core.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

enum Section : uint32_t {
  kEngine = 1,
  kLeads = 2,
  kCategories = 3,
  kSegments = 4,
  kCampaigns = 5,
  kActive = 6,
};

void EncodeIds(const std::vector<SegmentId>& ids, Encoder& e) {
  e.Varint(ids.size());
  for (SegmentId id : ids) e.Varint(id);
}

}  // namespace

void EngineCore::EncodeSnapshot(SnapshotWriter& out) const {
  out.Section(kEngine, [&](Encoder& e) {
    e.Signed(now_);
    e.Varint(segments_.NextId());
    e.Varint(categories_.next_id());
    e.Varint(campaigns_.next_id());
  });
  out.Section(kLeads, [&](Encoder& e) { store_.EncodeTo(e); });
  out.Section(kCategories, [&](Encoder& e) {
    std::vector<Category> list = categories_.List();
    e.Varint(list.size());
    for (const Category& c : list) {
      e.Varint(c.id);
      e.Bytes(c.name);
    }
  });
  out.Section(kSegments, [&](Encoder& e) {
    e.Varint(segments_.size());
    for (SegmentId id : segments_.topo_order()) {
      const SegmentState& s = *segments_.Find(id);
      e.Varint(id);
      EncodeSegmentDefinition(Describe(s).definition, e);
      e.Bitmap(s.membership.matches());
      e.Bitmap(s.membership.added());
      e.Bitmap(s.membership.removed());
      s.history.EncodeTo(e);
    }
  });
  out.Section(kCampaigns, [&](Encoder& e) {
    e.Varint(campaigns_.all().size());
    for (const auto& [id, c] : campaigns_.all()) {
      e.Varint(id);
      e.Bytes(c->name);
      e.U8(static_cast<uint8_t>(c->status));
      e.Signed(c->start);
      e.OptionalSigned(c->end);
      EncodeIds(c->sources, e);
      EncodeIds(c->workflow, e);
      c->participation.EncodeTo(e);
    }
  });
  out.Section(kActive, [&](Encoder& e) { active_.EncodeTo(e); });
}

absl::Status EngineCore::DecodeSnapshot(SnapshotReader& in) {
  auto where = [&](std::string_view section) {
    return StrCat(in.file(), " section ", Quote(section));
  };

  ASSIGN_OR_RETURN(Decoder engine, in.Next(kEngine, "engine"));
  now_ = engine.Signed();
  const uint64_t next_segment = engine.Varint();
  const uint64_t next_category = engine.Varint();
  const uint64_t next_campaign = engine.Varint();
  for (uint64_t next : {next_segment, next_category, next_campaign}) {
    if (next == 0 || next > UINT32_MAX) engine.Fail("bad id counter");
  }
  if (next_segment > uint64_t{SegmentCatalog::kMaxId} + 1) {
    engine.Fail("bad segment id counter");
  }
  RETURN_IF_ERROR(engine.status(where("engine")));
  segments_.set_next_id(static_cast<SegmentId>(next_segment));
  categories_.set_next_id(static_cast<CategoryId>(next_category));
  campaigns_.set_next_id(static_cast<CampaignId>(next_campaign));

  ASSIGN_OR_RETURN(Decoder leads, in.Next(kLeads, "leads"));
  store_.DecodeFrom(leads);
  RETURN_IF_ERROR(leads.status(where("leads")));
  const Roaring& live = store_.live();

  ASSIGN_OR_RETURN(Decoder cats, in.Next(kCategories, "categories"));
  for (size_t n = cats.Count(2); n > 0 && cats.ok(); --n) {
    const uint64_t id = cats.Varint();
    std::string_view name = cats.Bytes();
    if (!cats.ok()) break;
    absl::StatusOr<std::string> checked =
        categories_.Lookup(name).ok()
            ? absl::AlreadyExistsError(StrCat("category ", Quote(name)))
            : NormalizeName(name, "category name");
    if (id == 0 || id >= next_category || !checked.ok() || *checked != name) {
      cats.Fail(StrCat("bad category ", id, " ", Quote(name)));
      break;
    }
    categories_.Restore(static_cast<CategoryId>(id), std::string(name));
  }
  RETURN_IF_ERROR(cats.status(where("categories")));

  ASSIGN_OR_RETURN(Decoder segs, in.Next(kSegments, "segments"));
  for (size_t n = segs.Count(8); n > 0 && segs.ok(); --n) {
    const uint64_t id = segs.Varint();
    SegmentDefinition def = DecodeSegmentDefinition(segs);
    Roaring matches = segs.Bitmap();
    Roaring added = segs.Bitmap();
    Roaring removed = segs.Bitmap();
    if (!segs.ok()) break;
    if (id == 0 || id >= next_segment || segments_.Find(id) != nullptr) {
      segs.Fail(StrCat("bad segment id ", id));
      break;
    }
    absl::StatusOr<std::unique_ptr<SegmentState>> state =
        Prepare(def, std::nullopt, false);
    if (!state.ok()) {
      segs.Fail(StrCat("segment ", id, ": ", state.status().message()));
      break;
    }
    if (!IsSubset(matches, live) || !IsSubset(added, live) ||
        !IsSubset(removed, live) || added.intersect(removed)) {
      segs.Fail(StrCat("segment ", id, ": bad membership bitmaps"));
      break;
    }
    (*state)->id = static_cast<SegmentId>(id);
    (*state)->membership.Restore(std::move(matches), std::move(added),
                                 std::move(removed));
    (*state)->history.DecodeFrom(segs,
                                 (*state)->membership.members().cardinality());
    if (!segs.ok()) break;
    // The watch index now, the time orders once at the end.
    const SegmentState& saved = segments_.Restore(*std::move(state));
    watch_.Add(saved.id, saved.plan);
  }
  RETURN_IF_ERROR(segs.status(where("segments")));

  ASSIGN_OR_RETURN(Decoder camps, in.Next(kCampaigns, "campaigns"));
  for (size_t n = camps.Count(8); n > 0 && camps.ok(); --n) {
    auto c = std::make_unique<CampaignState>();
    const uint64_t id = camps.Varint();
    std::string_view name = camps.Bytes();
    c->status = camps.Enum(CampaignStatus::kCompleted);
    c->start = camps.Signed();
    c->end = camps.OptionalSigned();
    for (std::vector<SegmentId>* ids : {&c->sources, &c->workflow}) {
      ids->resize(camps.Count());
      for (SegmentId& s : *ids) {
        s = static_cast<SegmentId>(camps.Varint());
        if (camps.ok() && segments_.Find(s) == nullptr) {
          camps.Fail(StrCat("campaign ", id, ": unknown segment ", s));
        }
      }
    }
    if (!camps.ok()) break;
    absl::StatusOr<std::string> checked =
        campaigns_.names().Check(name, std::nullopt);
    if (id == 0 || id >= next_campaign || campaigns_.Find(id) != nullptr ||
        !checked.ok() || *checked != name || (c->end && *c->end < c->start)) {
      camps.Fail(StrCat("bad campaign ", id, " ", Quote(name)));
      break;
    }
    c->id = static_cast<CampaignId>(id);
    c->name = std::string(name);
    c->participation.DecodeFrom(camps, live);
    if (!camps.ok()) break;
    campaigns_.Restore(std::move(c));
  }
  RETURN_IF_ERROR(camps.status(where("campaigns")));

  ASSIGN_OR_RETURN(Decoder active, in.Next(kActive, "active"));
  active_.DecodeFrom(active, live, [&](CategoryId category, SegmentId id) {
    const SegmentState* s = segments_.Find(id);
    return s != nullptr && s->category == category;
  });
  RETURN_IF_ERROR(active.status(where("active")));
  for (Decoder* d : {&engine, &leads, &cats, &segs, &camps, &active}) {
    if (!d->done()) {
      d->Fail("unexpected data at the end of the section");
      return d->status(StrCat(in.file(), " section"));
    }
  }
  EnableClockIndexes();
  return absl::OkStatus();
}

}  // namespace audience
