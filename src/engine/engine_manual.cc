// Manual membership and transfers (design.md §3): overrides that dynamic
// rules never undo, and the active segment per lead and category.
#include <algorithm>

#include "engine/engine_core.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

void EngineCore::Override(const Roaring& rows, std::optional<SegmentId> add,
                          std::optional<SegmentId> remove, ChangeCause cause,
                          ChangeCollector& changes) {
  DirtyRows dependents;
  auto apply = [&](SegmentId id, bool adding) {
    SegmentState& s = *segments_.Find(id);
    const Roaring flipped = adding ? s.membership.AddManually(rows)
                                   : s.membership.RemoveManually(rows);
    if (flipped.isEmpty()) return;
    const ChangeKind kind = adding ? ChangeKind::kEntered : ChangeKind::kLeft;
    ForEachRow(flipped, [&](Row row) {
      changes.Add(id, store_.lead_id(row), kind, cause);
    });
    for (SegmentId user : s.dependents) dependents[user].rows |= flipped;
  };
  // In segment id order, so the changes come out in the order they are
  // reported in and need no sort.
  if (remove && (!add || *remove < *add)) {
    apply(*remove, false);
    remove.reset();
  }
  if (add) apply(*add, true);
  if (remove) apply(*remove, false);
  // One pass over every dependent, so each reports its net change once.
  if (!dependents.empty()) RecheckRows(std::move(dependents), cause, changes);
}

absl::StatusOr<MutationResult> EngineCore::OverrideRows(
    SegmentId segment, const std::vector<Row>& rows, bool adding) {
  RETURN_IF_ERROR(GetState(segment).status());
  ChangeCollector changes(now_);
  Override(RowSet(rows), adding ? std::optional(segment) : std::nullopt,
           adding ? std::nullopt : std::optional(segment), ChangeCause::kManual,
           changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::AddToSegment(SegmentId segment,
                                                        LeadId lead) {
  RETURN_IF_ERROR(GetState(segment).status());
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  return OverrideRows(segment, {row}, /*adding=*/true);
}

absl::StatusOr<MutationResult> EngineCore::RemoveFromSegment(SegmentId segment,
                                                             LeadId lead) {
  RETURN_IF_ERROR(GetState(segment).status());
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  return OverrideRows(segment, {row}, /*adding=*/false);
}

absl::StatusOr<Roaring> EngineCore::RowsOfMembers(
    std::span<const LeadId> leads, const SegmentState& source) const {
  auto fail = [&](size_t i, const absl::Status& status) {
    return ItemError("leads", i, leads.size(), status);
  };
  if (leads.size() == 1) {  // the usual campaign step: no sorting
    ASSIGN_OR_RETURN(Row row, GetRow(leads[0]));
    if (!source.members().contains(row)) {
      return absl::FailedPreconditionError(StrCat(
          "lead ", leads[0], " is not a member of ", Quote(source.name)));
    }
    return Roaring::bitmapOf(1, row);
  }
  std::vector<Row> rows;
  rows.reserve(leads.size());
  // The first lead before `end` that is not a member, reported as such.
  auto first_outsider = [&](size_t end) -> std::optional<absl::Status> {
    for (size_t i = 0; i < end; ++i) {
      if (!source.members().contains(rows[i])) {
        return fail(i, absl::FailedPreconditionError(
                           StrCat("lead ", leads[i], " is not a member of ",
                                  Quote(source.name))));
      }
    }
    return std::nullopt;
  };
  for (size_t i = 0; i < leads.size(); ++i) {
    absl::StatusOr<Row> row = GetRow(leads[i]);
    if (!row.ok()) {
      if (auto earlier = first_outsider(i)) return *earlier;
      return fail(i, row.status());
    }
    rows.push_back(*row);
  }
  Roaring set = RowSet(rows);
  if (!set.isSubset(source.members())) return *first_outsider(rows.size());
  return set;
}

absl::StatusOr<MutationResult> EngineCore::Transfer(
    std::span<const LeadId> leads, SegmentId from, SegmentId to) {
  ASSIGN_OR_RETURN(const SegmentState* source, GetState(from));
  ASSIGN_OR_RETURN(const SegmentState* target, GetState(to));
  if (from == to) {
    return absl::InvalidArgumentError(
        StrCat("cannot transfer from ", Quote(source->name), " to itself"));
  }
  // Check every lead before moving any.
  ASSIGN_OR_RETURN(Roaring rows, RowsOfMembers(leads, *source));
  // Within one category the leads move and the destination becomes their
  // active segment there; across categories they are only added.
  const bool move = source->category && source->category == target->category;
  ChangeCollector changes(now_);
  Override(rows, to, move ? std::optional<SegmentId>(from) : std::nullopt,
           ChangeCause::kTransfer, changes);
  if (move) active_.Set(rows, *target->category, to);
  return Finish(changes);
}

absl::StatusOr<std::optional<SegmentId>> EngineCore::ActiveSegment(
    LeadId lead, std::string_view category) const {
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  ASSIGN_OR_RETURN(CategoryId id, categories_.Lookup(category));
  return active_.Get(row, id);
}

}  // namespace audience
