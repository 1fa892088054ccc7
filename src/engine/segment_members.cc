#include "engine/segment_members.h"

namespace audience {

void SegmentMembers::Materialize() {
  if (!overridden()) {
    members_ = Roaring();
    return;
  }
  members_ = matches_;
  members_ |= added_;
  members_ -= removed_;
}

bool SegmentMembers::SetMatch(Row row, bool match) {
  // One traversal finds and changes the bit.
  const bool changed =
      match ? matches_.addChecked(row) : matches_.removeChecked(row);
  if (!changed || !overridden()) return changed;
  if (added_.contains(row) || removed_.contains(row)) return false;
  match ? members_.add(row) : members_.remove(row);
  return true;
}

Roaring SegmentMembers::ReplaceMatches(const Roaring& scope, Roaring fresh) {
  Roaring old_in_scope = members() & scope;
  matches_ -= scope;
  matches_ |= fresh;
  if (overridden()) {
    fresh |= added_ & scope;
    fresh -= removed_;
    members_ -= scope;
    members_ |= fresh;
  }
  return old_in_scope ^ fresh;
}

Roaring SegmentMembers::AddManually(const Roaring& rows) {
  Roaring entered = RowsNotIn(rows, members());
  const bool first = !overridden();
  RemoveRows(rows, &removed_);
  AddRows(rows, &added_);
  // The first override copies matches once; later ones touch their rows.
  if (first) {
    Materialize();
  } else {
    AddRows(rows, &members_);
  }
  return entered;
}

Roaring SegmentMembers::RemoveManually(const Roaring& rows) {
  Roaring left = RowsIn(rows, members());
  const bool first = !overridden();
  RemoveRows(rows, &added_);
  AddRows(rows, &removed_);
  if (first) {
    Materialize();
  } else {
    RemoveRows(rows, &members_);
  }
  return left;
}

Roaring SegmentMembers::Forget(const Roaring& rows) {
  Roaring gone = RowsIn(rows, members());
  RemoveRows(rows, &matches_);
  if (overridden()) {
    RemoveRows(rows, &added_);
    RemoveRows(rows, &removed_);
    RemoveRows(rows, &members_);
  }
  if (!overridden()) members_ = Roaring();
  return gone;
}

size_t SegmentMembers::MemoryBytes() const {
  return BitmapBytes(matches_) + BitmapBytes(added_) + BitmapBytes(removed_) +
         BitmapBytes(members_);
}

void SegmentMembers::Restore(Roaring matches, Roaring added, Roaring removed) {
  matches_ = std::move(matches);
  added_ = std::move(added);
  removed_ = std::move(removed);
  members_ = Roaring();
  if (overridden()) Materialize();
}

}  // namespace audience
