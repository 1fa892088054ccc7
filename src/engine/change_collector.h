// Gathers the membership changes of one mutation and hands them out in the
// order MutationResult promises (segment id, then lead id).
#ifndef AUDIENCE_ENGINE_CHANGE_COLLECTOR_H_
#define AUDIENCE_ENGINE_CHANGE_COLLECTOR_H_

#include <algorithm>
#include <vector>

#include "audience/membership.h"
#include "store/lead_store.h"
#include "util/bitmap.h"

namespace audience {

class ChangeCollector {
 public:
  explicit ChangeCollector(Timestamp now) : now_(now) {
    changes_.reserve(32);  // one allocation for the usual mutation
  }

  void Add(SegmentId segment, LeadId lead, ChangeKind kind, ChangeCause cause) {
    changes_.push_back(MembershipChange{segment, kind, cause, lead, now_});
  }

  // Records entered = after - before and left = before - after.
  void AddDiff(SegmentId segment, const Roaring& before, const Roaring& after,
               ChangeCause cause, const LeadStore& store) {
    ForEachRow(after - before, [&](Row row) {
      Add(segment, store.lead_id(row), ChangeKind::kEntered, cause);
    });
    ForEachRow(before - after, [&](Row row) {
      Add(segment, store.lead_id(row), ChangeKind::kLeft, cause);
    });
  }

  std::vector<MembershipChange> Finish() {
    auto order = [](const MembershipChange& a, const MembershipChange& b) {
      return a.segment != b.segment ? a.segment < b.segment : a.lead < b.lead;
    };
    // Changes usually arrive in order already (rows in lead id order, one
    // segment at a time); checking is much cheaper than sorting.
    if (!std::is_sorted(changes_.begin(), changes_.end(), order)) {
      std::sort(changes_.begin(), changes_.end(), order);
    }
    return std::move(changes_);
  }

 private:
  Timestamp now_;
  std::vector<MembershipChange> changes_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_CHANGE_COLLECTOR_H_
