// Manual membership and transfers (design.md §3): overrides that dynamic
// rules never undo, and the active segment per lead and category.
#include <algorithm>

#include "engine/engine_core.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

void EngineCore::Override(Row row, const std::vector<SegmentId>& add,
                          const std::vector<SegmentId>& remove,
                          ChangeCause cause, ChangeCollector& changes) {
  const LeadId lead = store_.lead_id(row);
  std::vector<SegmentId> dependents;
  auto apply = [&](SegmentId id, bool adding) {
    SegmentState& s = *segments_.Find(id);
    const bool flipped = adding ? s.membership.AddManually(row)
                                : s.membership.RemoveManually(row);
    if (!flipped) return;
    changes.Add(id, lead, adding ? ChangeKind::kEntered : ChangeKind::kLeft,
                cause);
    dependents.insert(dependents.end(), s.dependents.begin(),
                      s.dependents.end());
  };
  for (SegmentId id : add) apply(id, true);
  for (SegmentId id : remove) apply(id, false);
  // One pass over every dependent, so each reports its net change once.
  RecheckRow(row, dependents, cause, changes);
}

absl::StatusOr<MutationResult> EngineCore::AddToSegment(SegmentId segment,
                                                        LeadId lead) {
  RETURN_IF_ERROR(GetState(segment).status());
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  ChangeCollector changes(now_);
  Override(row, {segment}, {}, ChangeCause::kManual, changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::RemoveFromSegment(SegmentId segment,
                                                             LeadId lead) {
  RETURN_IF_ERROR(GetState(segment).status());
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  ChangeCollector changes(now_);
  Override(row, {}, {segment}, ChangeCause::kManual, changes);
  return Finish(changes);
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
  std::vector<Row> rows;
  rows.reserve(leads.size());
  for (size_t i = 0; i < leads.size(); ++i) {
    absl::StatusOr<Row> row = GetRow(leads[i]);
    absl::Status status = row.status();
    if (row.ok() && !source->members().contains(*row)) {
      status = absl::FailedPreconditionError(StrCat(
          "lead ", leads[i], " is not a member of ", Quote(source->name)));
    }
    if (!status.ok()) {
      if (leads.size() == 1) return status;
      return absl::Status(status.code(),
                          StrCat("leads[", i, "]: ", status.message()));
    }
    rows.push_back(*row);
  }
  // Within one category the lead moves and the destination becomes its
  // active segment there; across categories it is only added.
  const bool move = source->category && source->category == target->category;
  const std::vector<SegmentId> add = {to};
  const std::vector<SegmentId> remove =
      move ? std::vector<SegmentId>{from} : std::vector<SegmentId>{};
  ChangeCollector changes(now_);
  for (Row row : rows) {
    Override(row, add, remove, ChangeCause::kTransfer, changes);
    if (move) SetActive(row, *target->category, to);
  }
  return Finish(changes);
}

absl::StatusOr<std::optional<SegmentId>> EngineCore::ActiveSegment(
    LeadId lead, std::string_view category) const {
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  ASSIGN_OR_RETURN(CategoryId id, categories_.Lookup(category));
  auto it = active_.find(row);
  if (it != active_.end()) {
    for (const auto& [category, segment] : it->second) {
      if (category == id) return std::optional<SegmentId>(segment);
    }
  }
  return std::optional<SegmentId>();
}

void EngineCore::SetActive(Row row, CategoryId category, SegmentId segment) {
  auto& list = active_[row];
  for (auto& [c, s] : list) {
    if (c == category) {
      s = segment;
      return;
    }
  }
  list.emplace_back(category, segment);
}

void EngineCore::ForgetActiveSegment(SegmentId segment) {
  for (auto it = active_.begin(); it != active_.end();) {
    std::erase_if(it->second,
                  [&](const auto& entry) { return entry.second == segment; });
    if (it->second.empty()) {
      active_.erase(it++);
    } else {
      ++it;
    }
  }
}

}  // namespace audience
