// One segment's membership: the rows its filters match, the manual
// overrides, and members = (matches | added) - removed.
#ifndef AUDIENCE_ENGINE_SEGMENT_MEMBERS_H_
#define AUDIENCE_ENGINE_SEGMENT_MEMBERS_H_

#include "util/bitmap.h"

namespace audience {

// Invariants: added_ and removed_ are disjoint; members_ is materialised
// only while an override exists (otherwise members() is matches_, which
// halves the memory of the usual segment); every bitmap holds live rows.
class SegmentMembers {
 public:
  const Roaring& members() const { return overridden() ? members_ : matches_; }
  const Roaring& matches() const { return matches_; }
  const Roaring& added() const { return added_; }
  const Roaring& removed() const { return removed_; }
  bool IsMember(Row row) const { return members().contains(row); }

  // Records whether `row` matches the filters; true when its membership
  // changed.
  bool SetMatch(Row row, bool match);
  // Replaces the matches within `scope` by `fresh` (REQUIRES: fresh is a
  // subset of scope) and returns the rows of `scope` whose membership
  // changed.
  Roaring ReplaceMatches(const Roaring& scope, Roaring fresh);

  // Manual overrides of `rows`: adding clears a removal and vice versa.
  // Return the rows whose membership changed.
  Roaring AddManually(const Roaring& rows);
  Roaring RemoveManually(const Roaring& rows);

  // Drops every trace of deleted leads' rows; returns those that were
  // members.
  Roaring Forget(const Roaring& rows);

  size_t MemoryBytes() const;

  // Restores saved bitmaps. REQUIRES: added and removed are disjoint.
  void Restore(Roaring matches, Roaring added, Roaring removed);

 private:
  bool overridden() const { return !added_.isEmpty() || !removed_.isEmpty(); }
  // Recomputes members_ after overrides appear or change in bulk.
  void Materialize();

  Roaring matches_;
  Roaring added_;
  Roaring removed_;
  Roaring members_;  // valid only while overridden()
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_SEGMENT_MEMBERS_H_
