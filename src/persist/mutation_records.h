// Journal records of the engine's mutations: each records the call's
// arguments, so replaying it on the state it first ran on gives the same
// state (mutations are deterministic given the state; "now" is the engine's
// clock, part of the state).
#ifndef AUDIENCE_PERSIST_MUTATION_RECORDS_H_
#define AUDIENCE_PERSIST_MUTATION_RECORDS_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "audience/engine.h"

namespace audience {

class EngineCore;

namespace record {

std::string DefineField(std::string_view name, FieldType type);
std::string CreateCategory(std::string_view name);
std::string RenameCategory(std::string_view name, std::string_view new_name);
std::string DeleteCategory(std::string_view name);
std::string CreateSegment(const SegmentDefinition& def);
std::string UpdateSegment(SegmentId id, const SegmentDefinition& def);
std::string DeleteSegment(SegmentId id, bool force);
std::string UpsertLeads(std::span<const Lead> leads);
std::string PatchLeads(std::span<const LeadPatch> patches);
std::string DeleteLeads(std::span<const LeadId> ids);
std::string RecordEvent(const Event& event);
std::string LoadLeads(std::string_view ndjson, std::string_view source);
std::string LoadEvents(std::string_view ndjson, std::string_view source);
std::string AddToSegment(SegmentId segment, LeadId lead);
std::string RemoveFromSegment(SegmentId segment, LeadId lead);
std::string Transfer(std::span<const LeadId> leads, SegmentId from,
                     SegmentId to);
std::string CreateCampaign(const CampaignDefinition& def);
std::string UpdateCampaign(CampaignId id, const CampaignDefinition& def);
std::string DeleteCampaign(CampaignId id);
std::string CampaignActions(CampaignId campaign, const CampaignAction& action,
                            std::span<const LeadId> leads);
std::string AdvanceClock(Timestamp now);

}  // namespace record

// Decodes a record (found at `where`, "<file> at offset N") and applies it
// to `core`. DATA_LOSS when it does not decode or no longer applies, since
// only mutations that succeeded are journaled.
absl::Status ReplayRecord(std::string_view payload, std::string_view where,
                          EngineCore& core);

}  // namespace audience

#endif  // AUDIENCE_PERSIST_MUTATION_RECORDS_H_
