// Activity conditions: did / did_not with an object, at_least n and
// within_days qualifiers; exact (case-sensitive) event types; window
// boundaries; events later than now; and windows sliding with the clock.
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr int64_t kDay = kSecondsPerDay;
constexpr Timestamp kNow = kProbeNow;
constexpr std::optional<int64_t> kAnyObject = std::nullopt;

Condition Did(std::string type, std::optional<int64_t> object = std::nullopt,
              int64_t at_least = 1,
              std::optional<int64_t> within_days = std::nullopt) {
  return Condition::Activity(std::move(type), Op::kDid, object, at_least,
                             within_days);
}

Condition DidNot(std::string type, std::optional<int64_t> object = std::nullopt,
                 int64_t at_least = 1,
                 std::optional<int64_t> within_days = std::nullopt) {
  return Condition::Activity(std::move(type), Op::kDidNot, object, at_least,
                             within_days);
}

SegmentProbe ActivityBase() {
  SegmentProbe probe(kNow);
  for (LeadId id = 1; id <= 9; ++id) probe.Lead(id);
  probe.Event(1, "email_open", 17, kNow - kDay)
      .Event(1, "email_open", 17, kNow - 40 * kDay)
      .Event(1, "email_open", 18, kNow - 2 * kDay)
      .Event(2, "email_open", 18, kNow - 10 * kDay)
      .Event(3, "form_submit", 3, kNow - kDay)
      .Event(3, "form_submit", 3, kNow - 2 * kDay)
      .Event(3, "form_submit", 4, kNow - 3 * kDay)
      // lead 4: no events at all
      .Event(5, "email_open", kAnyObject, kNow + 5 * kDay)  // the future
      .Event(5, "email_open", kAnyObject, kNow + 6 * kDay)
      .Event(6, "Email_Open", 17, kNow - kDay)  // another type: case matters
      .Event(7, "page_visit", kAnyObject, kNow - 7 * kDay)      // window start
      .Event(8, "page_visit", kAnyObject, kNow - 7 * kDay - 1)  // just before
      .Event(9, "page_visit", kAnyObject, kNow);
  return probe;
}

TEST_CASE("did and did_not of an event type", "[filter]") {
  const SegmentProbe probe = ActivityBase();
  CHECK(probe.Matching(Did("email_open")) == Ids({1, 2, 5}));
  CHECK(probe.Matching(DidNot("email_open")) == Ids({3, 4, 6, 7, 8, 9}));
  // Event types match exactly, case included.
  CHECK(probe.Matching(Did("Email_Open")) == Ids({6}));
  CHECK(probe.Matching(Did("EMAIL_OPEN")).empty());
  // A type nobody did: did matches nobody, did_not everybody.
  CHECK(probe.Matching(Did("sms_sent")).empty());
  CHECK(probe.Matching(DidNot("sms_sent")) == probe.All());
}

TEST_CASE("did with an object", "[filter]") {
  const SegmentProbe probe = ActivityBase();
  CHECK(probe.Matching(Did("email_open", 17)) == Ids({1}));
  CHECK(probe.Matching(Did("email_open", 18)) == Ids({1, 2}));
  CHECK(probe.Matching(Did("email_open", 99)).empty());
  CHECK(probe.Matching(DidNot("email_open", 17)) ==
        Ids({2, 3, 4, 5, 6, 7, 8, 9}));
  CHECK(probe.Matching(Did("form_submit", 4)) == Ids({3}));
}

TEST_CASE("an event without an object is not an event of object 0",
          "[filter]") {
  SegmentProbe probe(kNow);
  probe.Lead(1)
      .Lead(2)
      .Lead(3)
      .Event(1, "form_submit", kAnyObject, kNow)
      .Event(2, "form_submit", 0, kNow)
      .Event(3, "form_submit", -7, kNow);
  CHECK(probe.Matching(Did("form_submit", 0)) == Ids({2}));
  CHECK(probe.Matching(Did("form_submit", 0, 1, 1)) == Ids({2}));
  CHECK(probe.Matching(Did("form_submit", -7)) == Ids({3}));
  CHECK(probe.Matching(DidNot("form_submit", 0)) == Ids({1, 3}));
  CHECK(probe.Matching(Did("form_submit")) == Ids({1, 2, 3}));
}

TEST_CASE("did at least n times", "[filter]") {
  const SegmentProbe probe = ActivityBase();
  CHECK(probe.Matching(Did("email_open", kAnyObject, 2)) == Ids({1, 5}));
  CHECK(probe.Matching(Did("email_open", kAnyObject, 3)) == Ids({1}));
  CHECK(probe.Matching(Did("email_open", kAnyObject, 4)).empty());
  CHECK(probe.Matching(Did("email_open", 17, 2)) == Ids({1}));
  CHECK(probe.Matching(Did("email_open", 18, 2)).empty());
  CHECK(probe.Matching(Did("form_submit", 3, 2)) == Ids({3}));
  CHECK(probe.Matching(Did("form_submit", kAnyObject, 3)) == Ids({3}));
  CHECK(probe.Matching(Did("form_submit", kAnyObject, 4)).empty());
  // did_not with qualifiers is the negation of did with them.
  CHECK(probe.Matching(DidNot("email_open", kAnyObject, 2)) ==
        probe.AllBut({1, 5}));
  CHECK(probe.Matching(DidNot("form_submit", 3, 3)) == probe.All());
}

TEST_CASE("did within the last d days: window boundaries and future events",
          "[filter]") {
  const SegmentProbe probe = ActivityBase();
  // Lead 5's events are later than now: never inside a window.
  CHECK(probe.Matching(Did("email_open", kAnyObject, 1, 30)) == Ids({1, 2}));
  CHECK(probe.Matching(Did("email_open", kAnyObject, 1, 5)) == Ids({1}));
  CHECK(probe.Matching(Did("email_open", kAnyObject, 1, 1)) == Ids({1}));
  CHECK(probe.Matching(DidNot("email_open", kAnyObject, 1, 30)) ==
        probe.AllBut({1, 2}));
  // now - 7 days <= ts <= now.
  CHECK(probe.Matching(Did("page_visit", kAnyObject, 1, 7)) == Ids({7, 9}));
  CHECK(probe.Matching(Did("page_visit", kAnyObject, 1, 8)) == Ids({7, 8, 9}));
  CHECK(probe.Matching(DidNot("page_visit", kAnyObject, 1, 7)) ==
        probe.AllBut({7, 9}));
  // Combined qualifiers: object, count and window together.
  CHECK(probe.Matching(Did("email_open", kAnyObject, 2, 30)) == Ids({1}));
  CHECK(probe.Matching(Did("email_open", 17, 1, 30)) == Ids({1}));
  CHECK(probe.Matching(Did("email_open", 17, 2, 30)).empty());
  CHECK(probe.Matching(Did("email_open", 17, 2, 41)) == Ids({1}));
  CHECK(probe.Matching(Did("form_submit", 3, 2, 2)) == Ids({3}));
  CHECK(probe.Matching(Did("form_submit", 3, 2, 1)).empty());
}

TEST_CASE("explain shows the number of qualifying events", "[filter]") {
  auto engine = ActivityBase().Build();
  const SegmentId id = MakeSegment(
      *engine, Def("s", {Did("email_open", kAnyObject, 2, 30),
                         DidNot("form_submit"), Did("email_open", 17)}));
  auto lead1 = engine->Explain(1, id);
  REQUIRE_OK(lead1);
  REQUIRE(lead1->conditions.size() == 3);
  CHECK(lead1->conditions[0].value == Int(2));
  CHECK(lead1->conditions[0].held);
  CHECK(lead1->conditions[1].value == Int(0));
  CHECK(lead1->conditions[1].held);
  CHECK(lead1->conditions[2].value == Int(2));
  CHECK(lead1->member);
  auto lead3 = engine->Explain(3, id);
  REQUIRE_OK(lead3);
  CHECK(lead3->conditions[0].value == Int(0));
  CHECK(lead3->conditions[1].value == Int(3));
  CHECK_FALSE(lead3->conditions[1].held);
  CHECK_FALSE(lead3->member);
  // The future events count without a window only.
  auto lead5 = engine->Explain(5, id);
  REQUIRE_OK(lead5);
  CHECK(lead5->conditions[0].value == Int(0));
}

TEST_CASE("activity windows slide with the clock", "[filter]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  REQUIRE_OK(engine->UpsertLead({2, {}}));
  const SegmentId active = MakeSegment(
      *engine, Def("active", {Did("page_visit", kAnyObject, 1, 2)}));
  const SegmentId idle = MakeSegment(
      *engine, Def("idle", {DidNot("page_visit", kAnyObject, 1, 2)}));
  const SegmentId ever = MakeSegment(*engine, Def("ever", {Did("page_visit")}));
  REQUIRE_OK(engine->RecordEvent({1, "page_visit", std::nullopt, kNow - kDay}));
  // Lead 2 visits in the future: counts for "ever", not for the window.
  REQUIRE_OK(engine->RecordEvent({2, "page_visit", std::nullopt, kNow + kDay}));
  CHECK(MembersOf(*engine, active) == Ids({1}));
  CHECK(MembersOf(*engine, idle) == Ids({2}));
  CHECK(MembersOf(*engine, ever) == Ids({1, 2}));

  // Lead 1's visit sits at the window start: still in. Lead 2's is now.
  auto moved = engine->AdvanceClock(kNow + kDay);
  REQUIRE_OK(moved);
  CHECK(moved->changes ==
        std::vector<MembershipChange>{
            {active, ChangeKind::kEntered, ChangeCause::kClock, 2, kNow + kDay},
            {idle, ChangeKind::kLeft, ChangeCause::kClock, 2, kNow + kDay}});
  CHECK(MembersOf(*engine, active) == Ids({1, 2}));

  auto expired = engine->AdvanceClock(kNow + kDay + 1);
  REQUIRE_OK(expired);
  CHECK(expired->changes == std::vector<MembershipChange>{
                                {active, ChangeKind::kLeft, ChangeCause::kClock,
                                 1, kNow + kDay + 1},
                                {idle, ChangeKind::kEntered,
                                 ChangeCause::kClock, 1, kNow + kDay + 1}});
  CHECK(MembersOf(*engine, active) == Ids({2}));
  CHECK(MembersOf(*engine, idle) == Ids({1}));
  CHECK(MembersOf(*engine, ever) == Ids({1, 2}));
}

TEST_CASE("an event without a timestamp happens now", "[filter]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  const SegmentId today = MakeSegment(
      *engine, Def("today", {Did("form_submit", kAnyObject, 1, 1)}));
  REQUIRE_OK(engine->AdvanceClock(kNow + 10 * kDay));
  auto recorded = engine->RecordEvent({1, "form_submit", 3, std::nullopt});
  REQUIRE_OK(recorded);
  REQUIRE(recorded->changes.size() == 1);
  CHECK(recorded->changes[0] == MembershipChange{today, ChangeKind::kEntered,
                                                 ChangeCause::kFilter, 1,
                                                 kNow + 10 * kDay});
  // One day and one second later it has left the window.
  REQUIRE_OK(engine->AdvanceClock(kNow + 11 * kDay + 1));
  CHECK(MembersOf(*engine, today).empty());
}

TEST_CASE("recording events moves leads into counted segments one by one",
          "[filter]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  const SegmentId three =
      MakeSegment(*engine, Def("three", {Did("form_submit", kAnyObject, 3)}));
  const SegmentId fewer = MakeSegment(
      *engine, Def("fewer", {DidNot("form_submit", kAnyObject, 3)}));
  for (int i = 0; i < 2; ++i) {
    auto result = engine->RecordEvent({1, "form_submit", i, kNow - i});
    REQUIRE_OK(result);
    CHECK(result->changes.empty());
  }
  auto third = engine->RecordEvent({1, "form_submit", 9, kNow - 100});
  REQUIRE_OK(third);
  CHECK(third->changes ==
        std::vector<MembershipChange>{
            {three, ChangeKind::kEntered, ChangeCause::kFilter, 1, kNow},
            {fewer, ChangeKind::kLeft, ChangeCause::kFilter, 1, kNow}});
}

}  // namespace
}  // namespace audience::testing
