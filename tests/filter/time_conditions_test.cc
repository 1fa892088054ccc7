// Timestamp operators: before / after (strict), between (inclusive), and the
// clock-relative within_last (now - d <= ts <= now) and older_than
// (ts < now - d) at their exact boundaries, as the clock advances.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kHour = kSecondsPerHour;
constexpr Timestamp kNow = kProbeNow;

TEST_CASE("before and after are strict, between is inclusive", "[filter]") {
  const std::string field =
      GENERATE(std::string("created_at"), std::string("seen"));
  INFO("field " << field);
  SegmentProbe probe;
  probe.Field("seen", FieldType::kTimestamp)
      .Lead(1, {{field, Int(1000)}})
      .Lead(2, {{field, Int(2000)}})
      .Lead(3, {{field, Int(3000)}})
      .Lead(4)
      .Lead(5, {{field, Int(-50)}});  // before the epoch

  CHECK(probe.Matching(F(field, Op::kBefore, int64_t{2000})) == Ids({1, 5}));
  CHECK(probe.Matching(F(field, Op::kBefore, int64_t{2001})) == Ids({1, 2, 5}));
  CHECK(probe.Matching(F(field, Op::kAfter, int64_t{2000})) == Ids({3}));
  CHECK(probe.Matching(F(field, Op::kAfter, int64_t{1999})) == Ids({2, 3}));
  CHECK(probe.Matching(F(field, Op::kBefore, int64_t{0})) == Ids({5}));
  CHECK(probe.Matching(F(field, Op::kBefore, int64_t{-50})).empty());
  CHECK(probe.Matching(F(field, Op::kAfter, int64_t{3000})).empty());
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({1000, 2000}))) ==
        Ids({1, 2}));
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({2000, 2000}))) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({1001, 1999}))).empty());
  CHECK(
      probe.Matching(F(field, Op::kBefore, std::numeric_limits<int64_t>::min()))
          .empty());
  CHECK(
      probe.Matching(F(field, Op::kAfter, std::numeric_limits<int64_t>::max()))
          .empty());
  CHECK(probe.Matching(F(field, Op::kEmpty)) == Ids({4}));
  CHECK(probe.Matching(F(field, Op::kNotEmpty)) == Ids({1, 2, 3, 5}));
}

TEST_CASE("within_last and older_than in days at their exact boundaries",
          "[filter]") {
  const std::string field =
      GENERATE(std::string("created_at"), std::string("seen"));
  INFO("field " << field);
  SegmentProbe probe(kNow);
  probe.Field("seen", FieldType::kTimestamp)
      .Lead(1, {{field, Int(kNow - 2 * kDay)}})      // window start: in
      .Lead(2, {{field, Int(kNow - 2 * kDay - 1)}})  // just before it: out
      .Lead(3, {{field, Int(kNow)}})                 // now: in
      .Lead(4, {{field, Int(kNow + 1)}})             // the future: out
      .Lead(5)                                       // empty: out
      .Lead(6, {{field, Int(kNow - kDay)}});

  CHECK(probe.Matching(F(field, Op::kWithinLast, Days(2))) == Ids({1, 3, 6}));
  CHECK(probe.Matching(F(field, Op::kWithinLast, Hours(48))) == Ids({1, 3, 6}));
  CHECK(probe.Matching(F(field, Op::kWithinLast, Days(1))) == Ids({3, 6}));
  // older_than d: ts < now - d; the window start itself is not older.
  CHECK(probe.Matching(F(field, Op::kOlderThan, Days(2))) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kOlderThan, Days(1))) == Ids({1, 2}));
  CHECK(probe.Matching(F(field, Op::kOlderThan, Hours(48))) == Ids({2}));
}

TEST_CASE("within_last and older_than in hours at their exact boundaries",
          "[filter]") {
  SegmentProbe probe(kNow);
  probe.Lead(1, {{"created_at", Int(kNow - kHour)}})
      .Lead(2, {{"created_at", Int(kNow - kHour - 1)}})
      .Lead(3, {{"created_at", Int(kNow + kHour)}})
      .Lead(4, {{"created_at", Int(kNow - 1)}});
  CHECK(probe.Matching(F("created_at", Op::kWithinLast, Hours(1))) ==
        Ids({1, 4}));
  CHECK(probe.Matching(F("created_at", Op::kOlderThan, Hours(1))) == Ids({2}));
  // A huge window saturates instead of overflowing.
  CHECK(probe.Matching(F("created_at", Op::kWithinLast,
                         Days(std::numeric_limits<int64_t>::max() / kDay))) ==
        Ids({1, 2, 4}));
  CHECK(probe
            .Matching(F("created_at", Op::kOlderThan,
                        Days(std::numeric_limits<int64_t>::max() / kDay)))
            .empty());
}

TEST_CASE("timestamps at the ends of int64 and a clock before the epoch",
          "[filter]") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  SegmentProbe late(kNow);
  late.Lead(1, {{"created_at", Int(kMin)}})
      .Lead(2, {{"created_at", Int(kMax)}})
      .Lead(3, {{"created_at", Int(kNow)}});
  CHECK(late.Matching(F("created_at", Op::kWithinLast, Days(1))) == Ids({3}));
  CHECK(late.Matching(F("created_at", Op::kOlderThan, Days(1))) == Ids({1}));
  CHECK(late.Matching(F("created_at", Op::kBefore, kMax)) == Ids({1, 3}));
  CHECK(late.Matching(F("created_at", Op::kAfter, kMin)) == Ids({2, 3}));
  CHECK(late.Matching(F("created_at", Op::kBetween, Ints({kMin, kMin}))) ==
        Ids({1}));

  // now = -10 days: windows reach further back than the epoch.
  SegmentProbe early(-10 * kDay);
  early.Lead(1, {{"created_at", Int(-11 * kDay)}})
      .Lead(2, {{"created_at", Int(-11 * kDay - 1)}})
      .Lead(3, {{"created_at", Int(0)}})
      .Lead(4, {{"created_at", Int(kMin)}});
  CHECK(early.Matching(F("created_at", Op::kWithinLast, Days(1))) == Ids({1}));
  CHECK(early.Matching(F("created_at", Op::kOlderThan, Days(1))) ==
        Ids({2, 4}));
}

TEST_CASE("relative time conditions follow AdvanceClock", "[filter]") {
  auto engine = OpenEngine(kNow);
  const SegmentId recent = MakeSegment(
      *engine, Def("recent", {F("created_at", Op::kWithinLast, Days(1))}));
  const SegmentId old = MakeSegment(
      *engine, Def("old", {F("created_at", Op::kOlderThan, Days(1))}));
  const SegmentId fixed = MakeSegment(
      *engine, Def("fixed", {F("created_at", Op::kAfter, kNow - 1)}));
  REQUIRE_OK(engine->UpsertLead({1, {{"created_at", Int(kNow)}}}));
  REQUIRE_OK(engine->UpsertLead({2, {{"created_at", Int(kNow + 100)}}}));
  CHECK(MembersOf(*engine, recent) == Ids({1}));
  CHECK(MembersOf(*engine, old).empty());

  // The future timestamp enters the window when the clock reaches it.
  auto reached = engine->AdvanceClock(kNow + 100);
  REQUIRE_OK(reached);
  REQUIRE(reached->changes.size() == 1);
  CHECK(reached->changes[0] == MembershipChange{recent, ChangeKind::kEntered,
                                                ChangeCause::kClock, 2,
                                                kNow + 100});
  CHECK(MembersOf(*engine, recent) == Ids({1, 2}));

  // ts == now - d is still inside the window and not yet older.
  REQUIRE_OK(engine->AdvanceClock(kNow + kDay));
  CHECK(MembersOf(*engine, recent) == Ids({1, 2}));
  CHECK(MembersOf(*engine, old).empty());

  auto crossed = engine->AdvanceClock(kNow + kDay + 1);
  REQUIRE_OK(crossed);
  REQUIRE(crossed->changes.size() == 2);
  CHECK(crossed->changes[0] == MembershipChange{recent, ChangeKind::kLeft,
                                                ChangeCause::kClock, 1,
                                                kNow + kDay + 1});
  CHECK(crossed->changes[1] == MembershipChange{old, ChangeKind::kEntered,
                                                ChangeCause::kClock, 1,
                                                kNow + kDay + 1});
  CHECK(MembersOf(*engine, recent) == Ids({2}));
  CHECK(MembersOf(*engine, old) == Ids({1}));

  auto later = engine->AdvanceClock(kNow + 10 * kDay);
  REQUIRE_OK(later);
  CHECK(later->changes.size() == 2);
  CHECK(MembersOf(*engine, recent).empty());
  CHECK(MembersOf(*engine, old) == Ids({1, 2}));
  // Absolute conditions never move with the clock.
  CHECK(MembersOf(*engine, fixed) == Ids({1, 2}));

  // A lead upserted after the clock moved is judged against the new now.
  REQUIRE_OK(engine->UpsertLead({3, {{"created_at", Int(kNow + 10 * kDay)}}}));
  CHECK(MembersOf(*engine, recent) == Ids({3}));
  auto explained = engine->Explain(1, recent);
  REQUIRE_OK(explained);
  CHECK_FALSE(explained->member);
  REQUIRE(explained->conditions.size() == 1);
  CHECK_FALSE(explained->conditions[0].held);
  CHECK(explained->conditions[0].value == Int(kNow));
}

TEST_CASE("within_last stays exact on a large column as the clock moves",
          "[filter]") {
  // Enough timestamps for the column to choose bucket bounds; the window's
  // edges then fall inside buckets and move with every clock step, and new
  // leads arrive with timestamps above every bound.
  constexpr int kCount = 6000;
  auto engine = OpenEngine(kNow);
  std::vector<Timestamp> stamps;
  std::string ndjson;
  for (int i = 0; i < kCount; ++i) {
    const Timestamp ts = kNow - (int64_t{i} * 7919 % kCount) * 60 - i % 7;
    stamps.push_back(ts);
    ndjson += "{\"id\": " + std::to_string(i) +
              ", \"created_at\": " + std::to_string(ts) + "}\n";
  }
  REQUIRE_OK(engine->LoadLeads(ndjson));
  const SegmentId day = MakeSegment(
      *engine, Def("day", {F("created_at", Op::kWithinLast, Days(1))}));
  const SegmentId old = MakeSegment(
      *engine, Def("old", {F("created_at", Op::kOlderThan, Hours(30))}));
  Timestamp now = kNow;
  for (int step = 0; step < 6; ++step) {
    INFO("now = kNow + " << now - kNow);
    uint64_t in_day = 0;
    uint64_t in_old = 0;
    for (Timestamp ts : stamps) {
      in_day += ts >= now - kDay && ts <= now;
      in_old += ts < now - 30 * kHour;
    }
    CHECK(*engine->Count(day) == in_day);
    CHECK(*engine->Count(old) == in_old);
    // A new lead stamped now, above every bucket bound.
    const LeadId id = static_cast<LeadId>(kCount + step);
    REQUIRE_OK(engine->UpsertLead({id, {{"created_at", Int(now)}}}));
    stamps.push_back(now);
    CHECK(*engine->Contains(day, id));
    now += 3 * kHour + 17;
    REQUIRE_OK(engine->AdvanceClock(now));
  }
}

TEST_CASE("a segment created after the clock moved uses the current now",
          "[filter]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->UpsertLead({1, {{"created_at", Int(kNow)}}}));
  REQUIRE_OK(engine->AdvanceClock(kNow + 3 * kDay));
  const SegmentId recent = MakeSegment(
      *engine, Def("recent", {F("created_at", Op::kWithinLast, Days(2))}));
  CHECK(MembersOf(*engine, recent).empty());
  auto preview = engine->PreviewSegment(
      Def("", {F("created_at", Op::kWithinLast, Days(3))}), 10);
  REQUIRE_OK(preview);
  CHECK(preview->first_members == Ids({1}));
}

}  // namespace
}  // namespace audience::testing
