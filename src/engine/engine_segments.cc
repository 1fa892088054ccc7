// Segment definitions: create, update, delete, get, list, preview.
#include "absl/strings/str_join.h"
#include "engine/engine_core.h"
#include "engine/sorted_leads.h"
#include "filter/compile.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {
constexpr size_t kMaxDescriptionBytes = 64 * 1024;
constexpr size_t kMaxPreviewLimit = 1000;
}  // namespace

namespace {

// What is kept of a condition: empty / not_empty take no operand (one
// given is ignored, not kept); a group keeps only its children, a leaf none.
void Normalize(Condition& c) {
  if (c.is_group()) {
    Condition group;
    group.kind = c.kind;
    group.children = std::move(c.children);
    c = std::move(group);
    for (Condition& child : c.children) Normalize(child);
    return;
  }
  c.children.clear();
  if (c.op == Op::kEmpty || c.op == Op::kNotEmpty) c.value = std::monostate{};
}

}  // namespace

absl::StatusOr<std::unique_ptr<SegmentState>> EngineCore::Prepare(
    const SegmentDefinition& def, std::optional<SegmentId> self,
    bool preview) const {
  auto state = std::make_unique<SegmentState>();
  if (preview) {
    if (!def.name.empty()) {
      ASSIGN_OR_RETURN(state->name, NormalizeName(def.name, "segment name"));
    }
  } else {
    ASSIGN_OR_RETURN(state->name, segments_.names().Check(def.name, self));
  }
  if (def.category) {
    ASSIGN_OR_RETURN(state->category, categories_.Lookup(*def.category));
  }
  if (def.description.size() > kMaxDescriptionBytes) {
    return absl::InvalidArgumentError(
        StrCat("description is longer than ", kMaxDescriptionBytes, " bytes"));
  }
  state->is_public = def.is_public;
  state->description = def.description;
  state->filters = def.filters;
  for (Condition& c : state->filters) Normalize(c);
  std::vector<std::string> paths;
  ASSIGN_OR_RETURN(state->plan, CompileFilters(
                                    def.filters, store_.schema(),
                                    [this](std::string_view name) {
                                      return segments_.names().Find(name);
                                    },
                                    &paths));
  for (const auto& predicate : state->plan.predicates()) {
    state->refs.push_back(predicate->reads().segment);
  }
  if (self) {
    for (size_t i = 0; i < state->refs.size(); ++i) {
      const std::optional<SegmentId>& ref = state->refs[i];
      if (ref && segments_.DependsOn(*ref, *self)) {
        return absl::InvalidArgumentError(StrCat(
            paths[i], ": referencing segment ",
            Quote(segments_.Find(*ref)->name),
            *ref == *self ? " from itself" : ", which depends on this segment,",
            " would create a cycle"));
      }
    }
  }
  return state;
}

absl::StatusOr<MutationResult> EngineCore::CreateSegment(
    const SegmentDefinition& def) {
  if (segments_.NextId() > SegmentCatalog::kMaxId) {
    return absl::ResourceExhaustedError(
        StrCat("segment ids are exhausted: ", SegmentCatalog::kMaxId,
               " segments were created"));
  }
  ASSIGN_OR_RETURN(auto state, Prepare(def, std::nullopt, false));
  SegmentState& s = segments_.Insert(std::move(state));
  Register(s.id);
  ChangeCollector changes(now_);
  DirtyRows dirty;
  dirty[s.id].all = true;
  RecheckRows(std::move(dirty), ChangeCause::kSegmentEdited, changes);
  return Finish(changes, s.id);
}

absl::StatusOr<MutationResult> EngineCore::UpdateSegment(
    SegmentId id, const SegmentDefinition& def) {
  ASSIGN_OR_RETURN(const SegmentState* old, GetState(id));
  ASSIGN_OR_RETURN(auto state, Prepare(def, id, false));
  if (old->is_public && !state->is_public) {
    std::vector<std::string> users;
    for (const CampaignState* c : campaigns_.UsersOf(id)) {
      if (c->IsSource(id) && c->ActiveAt(now_)) users.push_back(Quote(c->name));
    }
    if (!users.empty()) {
      return absl::FailedPreconditionError(
          StrCat("segment ", Quote(old->name),
                 " cannot become non-public: it is a source of active "
                 "campaigns ",
                 absl::StrJoin(users, ", ")));
    }
  }
  // Active segments are per category: a segment that leaves its category
  // stops being any lead's active segment there.
  if (old->category != state->category) active_.ForgetSegment(id);
  Unregister(id);
  segments_.Redefine(id, std::move(state));
  Register(id);
  ChangeCollector changes(now_);
  DirtyRows dirty;
  dirty[id].all = true;
  RecheckRows(std::move(dirty), ChangeCause::kSegmentEdited, changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::DeleteSegment(SegmentId id,
                                                         bool force) {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(id));
  std::vector<std::string> users;
  for (SegmentId user : segments_.ReferencedBy(id)) {
    users.push_back(Quote(segments_.Find(user)->name));
  }
  if (!users.empty()) {
    return absl::FailedPreconditionError(
        StrCat("segment ", Quote(s->name), " is referenced by the filters of ",
               absl::StrJoin(users, ", ")));
  }
  std::vector<CampaignState*> campaigns = campaigns_.UsersOf(id);
  if (!campaigns.empty() && !force) {
    std::vector<std::string> names;
    for (const CampaignState* c : campaigns) names.push_back(Quote(c->name));
    return absl::FailedPreconditionError(
        StrCat("segment ", Quote(s->name), " is used by campaigns ",
               absl::StrJoin(names, ", "), " (force the delete to detach it)"));
  }
  std::vector<CampaignId> detached;
  for (CampaignState* c : campaigns) {
    std::erase(c->sources, id);
    std::erase(c->workflow, id);
    detached.push_back(c->id);
  }
  ChangeCollector changes(now_);
  changes.AddDiff(id, s->members(), Roaring(), ChangeCause::kSegmentEdited,
                  store_);
  Unregister(id);
  active_.ForgetSegment(id);
  segments_.Erase(id);
  MutationResult result = Finish(changes);
  result.detached_campaigns = std::move(detached);
  return result;
}

absl::StatusOr<SegmentId> EngineCore::FindSegment(std::string_view name) const {
  return segments_.names().Lookup(name);
}

Segment EngineCore::Describe(const SegmentState& s) const {
  Segment out;
  out.id = s.id;
  out.member_count = s.members().cardinality();
  SegmentDefinition& d = out.definition;
  d.name = s.name;
  if (s.category) d.category = categories_.name(*s.category);
  d.is_public = s.is_public;
  d.description = s.description;
  d.filters = s.filters;
  // Segment references bind to ids: name them as they are called now. The
  // leaves come in the plan's order, depth first, as refs does.
  size_t leaf = 0;
  const auto rename = [&](const auto& self, Condition& c) -> void {
    if (c.is_group()) {
      for (Condition& child : c.children) self(self, child);
      return;
    }
    const std::optional<SegmentId>& ref = s.refs[leaf++];
    if (ref) c.subject = segments_.Find(*ref)->name;
  };
  for (Condition& c : d.filters) rename(rename, c);
  return out;
}

absl::StatusOr<Segment> EngineCore::GetSegment(SegmentId id) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(id));
  return Describe(*s);
}

std::vector<Segment> EngineCore::ListSegments() const {
  std::vector<Segment> out;
  for (const auto& [id, s] : segments_.all()) out.push_back(Describe(*s));
  return out;
}

absl::StatusOr<Roaring> EngineCore::EvaluateDefinition(
    const SegmentDefinition& def) const {
  ASSIGN_OR_RETURN(auto state, Prepare(def, std::nullopt, true));
  return state->plan.Evaluate(Context());
}

namespace {

absl::Status CheckPreviewLimit(size_t limit) {
  if (limit < 1 || limit > kMaxPreviewLimit) {
    return absl::InvalidArgumentError(StrCat(
        "limit must be between 1 and ", kMaxPreviewLimit, ", got ", limit));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Preview> EngineCore::PreviewSegment(const SegmentDefinition& def,
                                                   size_t limit) const {
  RETURN_IF_ERROR(CheckPreviewLimit(limit));
  ASSIGN_OR_RETURN(Roaring matches, EvaluateDefinition(def));
  Preview preview;
  preview.count = matches.cardinality();
  preview.first_members =
      SortedLeads(store_, matches, std::nullopt, limit).leads;
  return preview;
}

absl::StatusOr<Preview> EngineCore::PreviewSegmentUpdate(
    SegmentId id, const SegmentDefinition& def, size_t limit) const {
  RETURN_IF_ERROR(CheckPreviewLimit(limit));
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(id));
  ASSIGN_OR_RETURN(auto state, Prepare(def, id, true));
  // members = (matches | added) - removed, as the update would leave them.
  Roaring members = state->plan.Evaluate(Context());
  members |= s->membership.added();
  members -= s->membership.removed();
  Preview preview;
  preview.count = members.cardinality();
  preview.first_members =
      SortedLeads(store_, members, std::nullopt, limit).leads;
  preview.entering = (members - s->members()).cardinality();
  preview.leaving = (s->members() - members).cardinality();
  return preview;
}

absl::StatusOr<SegmentUsage> EngineCore::Usage(SegmentId id) const {
  RETURN_IF_ERROR(GetState(id).status());
  SegmentUsage usage;
  for (const CampaignState* c : campaigns_.UsersOf(id)) {
    usage.campaigns.push_back(c->id);
  }
  std::sort(usage.campaigns.begin(), usage.campaigns.end());
  usage.segments = segments_.ReferencedBy(id);
  std::sort(usage.segments.begin(), usage.segments.end());
  return usage;
}

}  // namespace audience
