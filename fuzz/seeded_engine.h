// The engine the lead and segment harnesses start from, and the membership
// checks they share.
#ifndef AUDIENCE_FUZZ_SEEDED_ENGINE_H_
#define AUDIENCE_FUZZ_SEEDED_ENGINE_H_

#include <map>
#include <memory>
#include <vector>

#include "audience/engine.h"

namespace audience::fuzz {

// The seeded engine's clock.
inline constexpr Timestamp kSeedNow = 1'790'000'000;

// A fresh engine at kSeedNow (options.now is overridden) with custom fields
// of every type (plan keyword, mrr double, opted_in bool, signup timestamp,
// note string, level int64, interests tags), the categories Lifecycle and
// Funnel, 40 leads with events, and segments covering every condition
// family, segment references included. "Manual" has no filters and
// "Everyone" (not_member Manual) holds every lead. No manual overrides.
// Aborts if the setup fails.
std::unique_ptr<Engine> OpenSeededEngine(EngineOptions options = {});

// Every member of a segment, ascending. Aborts if the segment is unknown.
std::vector<LeadId> AllMembers(const Engine& engine, SegmentId segment);

// Every segment's members, by segment id.
using Memberships = std::map<SegmentId, std::vector<LeadId>>;
Memberships MembersBySegment(const Engine& engine);

// Checks that each segment's count, member_count and first members equal a
// fresh PreviewSegment of its definition: incremental maintenance agrees
// with a full evaluation. Holds only while no manual override exists.
void CheckSegmentsMatchPreview(const Engine& engine);

// Checks that `changes` are exactly the difference from `before` to
// `after`: each entered lead was not a member and is one, each left lead
// the reverse, every difference is reported once, in (segment, lead) order.
void CheckChanges(const Memberships& before,
                  const std::vector<MembershipChange>& changes,
                  const Memberships& after);

}  // namespace audience::fuzz

#endif  // AUDIENCE_FUZZ_SEEDED_ENGINE_H_
