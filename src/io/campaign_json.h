// Campaigns, their actions and the statistics about them in their JSON form
// (design.md §4, §5).
#ifndef AUDIENCE_IO_CAMPAIGN_JSON_H_
#define AUDIENCE_IO_CAMPAIGN_JSON_H_

#include <simdjson.h>

#include "absl/status/statusor.h"
#include "audience/campaign.h"
#include "audience/engine.h"
#include "io/json_writer.h"

namespace audience {

// Reads {"name", "status", "start", "end", "sources", "workflow_segments"};
// unknown keys are ignored, null means absent. A missing start is left to
// the engine ("start is required"). Errors name the path:
// `sources[1]: expected a string, got 5`.
absl::StatusOr<CampaignDefinition> ParseCampaignDefinition(
    simdjson::dom::element json);

// Reads {"action", "ts"} and the operands of an engine action
// ("delta", "segment", "from", "to") from a campaign_action command,
// resolving segment names with `engine` (NOT_FOUND for an unknown one).
absl::StatusOr<CampaignAction> ParseCampaignAction(
    simdjson::dom::object command, const Engine& engine);

// {"id", "name", "status", "start", "end", "sources", "workflow_segments"};
// end is null when open-ended.
void WriteCampaign(const Campaign& c, JsonWriter& out);
// {"change_score": n, ...}: every action kind, in ActionKind order.
void WriteActionCounts(const ActionCounts& counts, JsonWriter& out);

}  // namespace audience

#endif  // AUDIENCE_IO_CAMPAIGN_JSON_H_
