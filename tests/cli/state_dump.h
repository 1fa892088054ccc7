// A canonical text of everything an engine lets a host observe, made with
// public queries only, so that two engines can be compared whatever their
// history: the crash test compares a reopened data directory with an
// in-memory engine that ran the acknowledged commands.
#ifndef AUDIENCE_TESTS_CLI_STATE_DUMP_H_
#define AUDIENCE_TESTS_CLI_STATE_DUMP_H_

#include <string>

#include "audience/engine.h"

namespace audience::testing {

// One line per query and its answer, through the line protocol: the clock,
// fields, categories, segment definitions, members, statistics and history,
// campaigns and their audiences, and for every lead of CommandStream::LeadIds
// its fields, segments, active segments, campaign participation, an
// explanation against every segment (manual overrides show there) and its
// exact number of events per type and object (through previews).
std::string DumpState(Engine& engine);

// The first line where two dumps differ, both versions, for a failure
// message; "" when they are equal.
std::string FirstDifference(const std::string& got, const std::string& want);

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_CLI_STATE_DUMP_H_
