// Campaigns (design.md §4), their actions, and the statistics and views of
// a segment that involve them (§5).
#ifndef AUDIENCE_CAMPAIGN_H_
#define AUDIENCE_CAMPAIGN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audience/lead.h"
#include "audience/types.h"

namespace audience {

enum class CampaignStatus : uint8_t { kDraft, kActive, kPaused, kCompleted };

std::string_view CampaignStatusName(CampaignStatus status);  // "draft", ...
std::optional<CampaignStatus> ParseCampaignStatus(std::string_view name);

// What a host writes to create or replace a campaign. Names follow the
// segment name rules (trimmed, 1..200 characters, unique ignoring case).
struct CampaignDefinition {
  std::string name;
  CampaignStatus status = CampaignStatus::kDraft;
  std::optional<Timestamp> start;  // required
  std::optional<Timestamp> end;    // nullopt: open-ended; not before start
  // Segment names. Sources feed the audience and must be public; workflow
  // segments are the ones its actions move leads into or out of. A segment
  // listed twice counts once.
  std::vector<std::string> sources = {};
  std::vector<std::string> workflow_segments = {};
};

// A saved campaign: stored name spelling, the segments' current names (a
// rename keeps the reference), duplicates dropped.
struct Campaign {
  CampaignId id = 0;
  CampaignDefinition definition;
};

enum class ActionKind : uint8_t {
  // Performed by the engine.
  kChangeScore,
  kAddToSegment,
  kRemoveFromSegment,
  kTransfer,
  // Recorded from the host.
  kEmailSent,
  kEmailOpened,
  kEmailClicked,
  kSmsSent,
  kCustom,
};
inline constexpr size_t kActionKindCount = 9;

// "change_score", "add_to_segment", "remove_from_segment", "transfer",
// "email_sent", "email_opened", "email_clicked", "sms_sent", "custom".
std::string_view ActionKindName(ActionKind kind);
std::optional<ActionKind> ParseActionKind(std::string_view name);

// Action counts indexed by ActionKind.
using ActionCounts = std::array<uint64_t, kActionKindCount>;

// One campaign action on one lead. Engine-performed kinds read their
// operands: kChangeScore adds `score_delta` to the lead's score (an empty
// score counts as 0), kAddToSegment / kRemoveFromSegment use `segment`,
// kTransfer `from` and `to`.
struct CampaignAction {
  ActionKind kind = ActionKind::kCustom;
  LeadId lead = 0;
  std::optional<Timestamp> ts = {};  // nullopt: the engine's clock
  int64_t score_delta = 0;
  SegmentId segment = 0;
  SegmentId from = 0;
  SegmentId to = 0;
};

// A lead's actions in one campaign.
struct Participation {
  CampaignId campaign = 0;
  ActionCounts actions = {};
  Timestamp last_action = 0;  // the latest action's ts
};

// --- Segment statistics and views ------------------------------------------

// What one campaign using a segment (as source or workflow segment) did to
// the segment's current members.
struct CampaignUsage {
  CampaignId campaign = 0;
  uint64_t participated = 0;  // members with at least one action in it
  ActionCounts actions = {};  // those members' actions, by kind
};

struct SegmentStats {
  uint64_t total_leads = 0;
  // Campaigns using the segment as source or workflow segment that are
  // active at the engine's clock, and that have run (HasRunAt).
  uint64_t active_campaigns = 0;
  uint64_t campaigns_participated = 0;
  std::vector<CampaignUsage> by_campaign;  // by campaign id
};

// One row of a segment's leads tab.
struct LeadDetails {
  Lead lead;  // id and non-empty fields
  std::optional<int64_t> score;
  std::vector<SegmentId> segments;     // current memberships, by id
  std::vector<CampaignId> campaigns;   // participated in, by id
  std::vector<Event> recent_activity;  // newest first, at most 10
};

struct LeadsPage {
  std::vector<LeadDetails> leads;  // ascending lead id
  std::optional<LeadId> next;      // cursor of the next page, or nullopt
};

// A lead's memberships and active segments.
struct LeadSegments {
  std::vector<SegmentId> segments;  // by id
  // (category, segment) set by transfers within a category, by category id.
  std::vector<std::pair<CategoryId, SegmentId>> active_segments;
};

}  // namespace audience

#endif  // AUDIENCE_CAMPAIGN_H_
