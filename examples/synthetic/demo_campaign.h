// The demo's two-week campaign (docs/protocol.md, `audience demo`), shared
// by `audience demo`, which prints what it did, and `audience serve --demo`,
// which serves the statistics it leaves.
#ifndef AUDIENCE_EXAMPLES_SYNTHETIC_DEMO_CAMPAIGN_H_
#define AUDIENCE_EXAMPLES_SYNTHETIC_DEMO_CAMPAIGN_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "audience/engine.h"

namespace audience::synthetic {

// What the campaign did.
struct DemoCampaign {
  CampaignId campaign = 0;
  SegmentId cold = 0;
  SegmentId warm = 0;
  Timestamp start = 0;
  Timestamp end = 0;
  uint64_t audience_before = 0;
  uint64_t cold_before = 0;
  ActionCounts actions = {};  // performed and recorded, by kind
  uint64_t calls = 0;         // engine calls that recorded them
  double ms = 0;              // time spent in those calls
};

inline constexpr int kDemoCampaignDays = 14;

// Creates the category "Lifecycle" with two public segments, "Cold"
// (score < 400) and "Warm" (no filters), and the active 30-day campaign
// "Autumn nurture" (sources Cold, "North America" and "VIP", which must
// exist; workflow segment Warm), then for 14 days advances the clock a day
// and sends, opens, clicks, transfers Cold -> Warm and unsubscribes
// through campaign actions. Deterministic (fixed seeds).
absl::StatusOr<DemoCampaign> RunDemoCampaign(Engine& engine);

}  // namespace audience::synthetic

#endif  // AUDIENCE_EXAMPLES_SYNTHETIC_DEMO_CAMPAIGN_H_
