// A seeded random stream of line-protocol mutations (and some queries and
// bad lines) for the crash test: every kind of mutation the protocol has,
// most of them meant to succeed, some to fail.
#ifndef AUDIENCE_TESTS_CLI_COMMAND_STREAM_H_
#define AUDIENCE_TESTS_CLI_COMMAND_STREAM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audience/engine.h"
#include "testing/test_util.h"

namespace audience::testing {

// `s` as a JSON string (the names used here need no escapes but quotes and
// backslashes).
std::string JsonQuote(std::string_view s);

class CommandStream {
 public:
  explicit CommandStream(uint64_t seed) : rng_(seed) {}

  // The next command line. It is chosen by looking at `state`, the engine
  // the commands so far were applied to (which segments, campaigns and
  // fields exist, who is a member, the clock), so that most succeed.
  std::string Next(const Engine& state);

  // The lead ids the stream uses (it also names a few unknown ones).
  static std::vector<LeadId> LeadIds();
  // The event types it records.
  static const std::vector<std::string>& EventTypes();

 private:
  std::string DefineField(const Engine& state);
  std::string CategoryCommand(const Engine& state);
  std::string CreateSegment(const Engine& state);
  std::string UpdateSegment(const Engine& state);
  std::string DeleteSegment(const Engine& state);
  std::string UpsertLead(const Engine& state);
  std::string UpsertLeads(const Engine& state);
  std::string PatchLead(const Engine& state);
  std::string PatchLeads(const Engine& state);
  std::string DeleteLead(const Engine& state);
  std::string DeleteLeads(const Engine& state);
  std::string RecordEvent(const Engine& state);
  std::string AdvanceClock(const Engine& state);
  std::string ManualMembership(const Engine& state);
  std::string Transfer(const Engine& state);
  std::string CampaignCommand(const Engine& state);
  std::string CampaignAction(const Engine& state);
  std::string Query(const Engine& state);
  std::string BadLine();

  // JSON pieces.
  std::string SegmentJson(const Engine& state, const std::string& name);
  std::string Condition(const Engine& state);
  std::string LeadJson(const Engine& state, LeadId id);
  std::string PatchJson(const Engine& state, LeadId id);
  std::string ValueOf(const Engine& state, const std::string& field,
                      FieldType type);
  std::string CampaignJson(const Engine& state, const std::string& name);
  std::string TagList();

  // Picks.
  LeadId SomeLead(const Engine& state);  // mostly one that exists
  // An existing segment's name (mostly; else one from the names used).
  std::string SomeSegment(const Engine& state);
  // Mostly a segment other than `from`.
  std::string OtherSegment(const Engine& state, const std::string& from);
  // A segment with members and some of them; false when none has members.
  bool SomeMembers(const Engine& state, std::string* segment,
                   std::vector<LeadId>* leads);
  std::string SomeCampaign(const Engine& state);

  SeededRandom rng_;
};

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_CLI_COMMAND_STREAM_H_
