#include "engine/engine_core.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

EngineCore::EngineCore(const EngineOptions& options)
    : options_(options), now_(options.now) {}

const Roaring& EngineCore::Members(SegmentId segment) const {
  static const Roaring kNone;
  const SegmentState* s = segments_.Find(segment);
  return s == nullptr ? kNone : s->members;
}

absl::Status EngineCore::DefineField(std::string_view name, FieldType type) {
  return store_.DefineField(name, type).status();
}

std::vector<FieldDefinition> EngineCore::Fields() const {
  return store_.schema().fields();
}

absl::StatusOr<CategoryId> EngineCore::CreateCategory(std::string_view name) {
  return categories_.Create(name);
}

absl::Status EngineCore::RenameCategory(std::string_view name,
                                        std::string_view new_name) {
  ASSIGN_OR_RETURN(CategoryId id, categories_.Lookup(name));
  return categories_.Rename(id, new_name);
}

absl::Status EngineCore::DeleteCategory(std::string_view name) {
  ASSIGN_OR_RETURN(CategoryId id, categories_.Lookup(name));
  std::vector<std::string> users;
  for (const auto& [sid, s] : segments_.all()) {
    if (s->category == id) users.push_back(Quote(s->name));
  }
  if (!users.empty()) {
    return absl::FailedPreconditionError(
        StrCat("category ", Quote(categories_.name(id)),
               " is used by segments ", absl::StrJoin(users, ", ")));
  }
  categories_.Remove(id);
  return absl::OkStatus();
}

const SegmentState* EngineCore::FindState(SegmentId id) const {
  return segments_.Find(id);
}

absl::StatusOr<const SegmentState*> EngineCore::GetState(SegmentId id) const {
  const SegmentState* s = segments_.Find(id);
  if (s == nullptr) {
    return absl::NotFoundError(StrCat("unknown segment id ", id));
  }
  return s;
}

absl::StatusOr<Row> EngineCore::GetRow(LeadId id) const {
  std::optional<Row> row = store_.Find(id);
  if (!row) return absl::NotFoundError(StrCat("unknown lead ", id));
  return *row;
}

void EngineCore::Refresh(const std::vector<SegmentId>& roots, ChangeCause cause,
                         ChangeCollector& changes) {
  absl::flat_hash_set<SegmentId> dirty(roots.begin(), roots.end());
  absl::flat_hash_set<SegmentId> changed;
  const EvalContext ctx = Context();
  for (SegmentId id : segments_.topo_order()) {
    SegmentState& s = *segments_.Find(id);
    bool needed = dirty.contains(id);
    for (size_t i = 0; !needed && i < s.refs.size(); ++i) {
      needed = s.refs[i] && changed.contains(*s.refs[i]);
    }
    if (!needed) continue;
    Roaring before = std::move(s.members);
    s.matches = s.plan.Evaluate(ctx);
    s.RecomputeMembers();
    if (before != s.members) {
      changes.AddDiff(id, before, s.members, cause, store_);
      changed.insert(id);
    }
  }
}

void EngineCore::RefreshRow(Row row, ChangeCause cause,
                            ChangeCollector& changes) {
  const EvalContext ctx = Context();
  const LeadId lead = store_.lead_id(row);
  for (SegmentId id : segments_.topo_order()) {
    SegmentState& s = *segments_.Find(id);
    const bool match = s.plan.Matches(ctx, row);
    if (match != s.matches.contains(row)) {
      match ? s.matches.add(row) : s.matches.remove(row);
    }
    const bool member = s.MemberGiven(row, match);
    if (member != s.members.contains(row)) {
      member ? s.members.add(row) : s.members.remove(row);
      changes.Add(id, lead, member ? ChangeKind::kEntered : ChangeKind::kLeft,
                  cause);
    }
  }
}

void EngineCore::RefreshRows(const std::vector<Row>& rows,
                             ChangeCollector& changes) {
  // Point evaluation costs a segment walk per row; past a small share of
  // the leads, re-evaluating each segment as a whole is cheaper.
  if (rows.size() * 16 >= store_.lead_count()) {
    std::vector<SegmentId> all(segments_.topo_order());
    Refresh(all, ChangeCause::kFilter, changes);
    return;
  }
  Roaring unique(rows.size(), rows.data());
  ForEachRow(unique, [&](Row row) {
    if (store_.live().contains(row))
      RefreshRow(row, ChangeCause::kFilter, changes);
  });
}

MutationResult EngineCore::Finish(ChangeCollector& changes, uint64_t id) {
  return MutationResult{id, changes.Finish()};
}

}  // namespace audience
