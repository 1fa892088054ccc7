// Membership changes: what a mutation did to segment memberships.
#ifndef AUDIENCE_MEMBERSHIP_H_
#define AUDIENCE_MEMBERSHIP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audience/types.h"

namespace audience {

enum class ChangeKind : uint8_t { kEntered, kLeft };

// Why a membership changed.
enum class ChangeCause : uint8_t {
  kFilter,         // the lead's data or events changed
  kManual,         // manual add / remove
  kTransfer,       // a transfer between segments
  kLeadDeleted,    // the lead was deleted
  kSegmentEdited,  // the segment was created, edited or deleted
  kClock,          // the clock advanced across a time window
};

std::string_view ChangeKindName(ChangeKind kind);     // "entered", "left"
std::string_view ChangeCauseName(ChangeCause cause);  // "filter", "clock", ...

struct MembershipChange {
  SegmentId segment = 0;
  ChangeKind kind = ChangeKind::kEntered;
  ChangeCause cause = ChangeCause::kFilter;
  LeadId lead = 0;
  Timestamp time = 0;  // the engine's clock when the mutation ran

  friend bool operator==(const MembershipChange&,
                         const MembershipChange&) = default;
};

// What a successful mutation reports: the net difference of every membership
// before and after it, cascades through segment references included, ordered
// by segment id then lead id.
struct MutationResult {
  // The new entity's id for Create* calls, otherwise 0.
  uint64_t id = 0;
  std::vector<MembershipChange> changes;
  // The campaigns a forced DeleteSegment detached the segment from, by id.
  std::vector<CampaignId> detached_campaigns = {};
};

// Bulk NDJSON load outcome. A bad line is rejected with an error naming the
// line and the field; the other lines still load.
struct LoadReport {
  uint64_t loaded = 0;
  uint64_t rejected = 0;
  // The first errors, "<source>:<line>: <what>" (capped; see EngineOptions).
  std::vector<std::string> errors;
  std::vector<MembershipChange> changes;
};

}  // namespace audience

#endif  // AUDIENCE_MEMBERSHIP_H_
