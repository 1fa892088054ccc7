// An invariant checked under random mutations: for every segment and lead,
// Explain's per-condition answers (evaluated on the spot) agree with the
// membership the engine maintains incrementally, and Count, Contains and
// Members agree with each other. Stale state after a clock step, an event
// or a segment edit would show up as a disagreement.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr Timestamp kNow = kProbeNow;
constexpr int64_t kDay = kSecondsPerDay;

void CheckConsistent(const Engine& engine, LeadId max_lead) {
  for (const Segment& s : engine.ListSegments()) {
    const std::vector<LeadId> members = MembersOf(engine, s.id);
    CHECK(s.member_count == members.size());
    CHECK(*engine.Count(s.id) == members.size());
    for (LeadId lead = 0; lead <= max_lead; ++lead) {
      INFO("segment " << s.definition.name << ", lead " << lead);
      const bool member =
          std::binary_search(members.begin(), members.end(), lead);
      CHECK(*engine.Contains(s.id, lead) == member);
      auto explained = engine.Explain(lead, s.id);
      if (!explained.ok()) {
        CHECK(explained.status().code() == absl::StatusCode::kNotFound);
        CHECK_FALSE(member);
        continue;
      }
      REQUIRE(explained->conditions.size() == s.definition.filters.size());
      bool all = !explained->conditions.empty();
      for (const ConditionOutcome& c : explained->conditions) {
        all = all && c.held;
      }
      CHECK(explained->matches == all);
      CHECK(explained->member == member);
      CHECK(explained->member == explained->matches);
    }
  }
}

TEST_CASE("explain agrees with maintained membership under random mutations",
          "[engine]") {
  SeededRandom rng(GENERATE(11u, 12u, 13u));
  INFO("seed " << rng.seed());
  constexpr LeadId kMaxLead = 24;
  auto engine = OpenEngine(kNow);
  Timestamp now = kNow;
  const SegmentId recent = MakeSegment(
      *engine, Def("recent", {F("created_at", Op::kWithinLast, Days(2))}));
  const SegmentId active = MakeSegment(
      *engine,
      Def("active", {Condition::Activity("visit", Op::kDid, std::nullopt, 2, 3),
                     F("score", Op::kGte, int64_t{0})}));
  MakeSegment(*engine, Def("vip or idle",
                           {F("tags", Op::kHasAny, List({"vip", "idle"})),
                            Condition::Segment("active", Op::kNotMember)}));
  MakeSegment(*engine, Def("fresh and active",
                           {Condition::Segment("recent", Op::kMember),
                            Condition::Segment("active", Op::kMember),
                            F("email", Op::kNotContains, "spam")}));
  MakeSegment(*engine, Def("quiet", {Condition::Activity("visit", Op::kDidNot,
                                                         std::nullopt, 1, 1)}));

  for (int step = 0; step < 120; ++step) {
    const LeadId lead = rng.Below(kMaxLead + 1);
    const uint64_t kind = rng.Below(10);
    if (kind < 3) {
      Lead l{lead, {}};
      l.fields["created_at"] = Int(now - rng.Between(-kDay, 4 * kDay));
      if (rng.Chance(0.8)) l.fields["score"] = Int(rng.Between(-5, 5));
      if (rng.Chance(0.5))
        l.fields["tags"] = Tags({rng.Chance(0.5) ? "VIP" : "idle"});
      if (rng.Chance(0.3))
        l.fields["email"] = Str(rng.Chance(0.5) ? "Spam@x" : "a@b");
      REQUIRE_OK(engine->UpsertLead(l));
    } else if (kind < 6) {
      auto recorded = engine->RecordEvent(
          {lead, "visit", std::nullopt, now - rng.Between(-kDay, 4 * kDay)});
      if (!recorded.ok()) {
        CHECK(recorded.status().code() == absl::StatusCode::kNotFound);
      }
    } else if (kind < 7) {
      auto deleted = engine->DeleteLead(lead);
      if (!deleted.ok()) {
        CHECK(deleted.status().code() == absl::StatusCode::kNotFound);
      }
    } else if (kind < 9) {
      now += rng.Between(1, kDay);
      REQUIRE_OK(engine->AdvanceClock(now));
    } else {
      // Re-define a segment that others read.
      const bool first = rng.Chance(0.5);
      const int64_t days = rng.Between(1, 3);
      std::vector<Condition> filters;
      if (rng.Chance(0.5)) {
        filters = {F("created_at", Op::kWithinLast, Days(days))};
      } else {
        filters = {Condition::Activity("visit", Op::kDid, std::nullopt,
                                       rng.Between(1, 2), days)};
      }
      REQUIRE_OK(engine->UpdateSegment(
          first ? recent : active,
          Def(first ? "recent" : "active", std::move(filters))));
    }
    if (step % 6 == 5) CheckConsistent(*engine, kMaxLead);
  }
}

}  // namespace
}  // namespace audience::testing
