// Incremental membership: clock windows at their exact edges, dependency
// propagation, causes, batches, listeners and the history.
#include <atomic>
#include <thread>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr Timestamp kNow = kProbeNow;
constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kHour = kSecondsPerHour;

// Advances the clock and returns who moved.
std::vector<Moved> AdvanceTo(Engine& engine, Timestamp now) {
  auto result = engine.AdvanceClock(now);
  REQUIRE_OK(result);
  for (const MembershipChange& c : result->changes) {
    CHECK(c.cause == ChangeCause::kClock);
    CHECK(c.time == now);
  }
  return MovedBy(result->changes);
}

TEST_CASE("within_last windows open and close at the exact second",
          "[engine]") {
  const bool incremental = GENERATE(true, false);
  INFO((incremental ? "incremental" : "naive"));
  auto engine = OpenEngine(kNow, incremental);
  const SegmentId day = MakeSegment(
      *engine, Def("day", {F("created_at", Op::kWithinLast, Days(1))}));
  const SegmentId hour = MakeSegment(
      *engine, Def("hour", {F("created_at", Op::kWithinLast, Hours(2))}));
  REQUIRE_OK(engine->UpsertLead({1, {{"created_at", Int(kNow)}}}));
  REQUIRE_OK(engine->UpsertLead({2, {{"created_at", Int(kNow + 10)}}}));
  CHECK(MembersOf(*engine, day) == Ids({1}));

  // The future value enters at exactly its time.
  CHECK(AdvanceTo(*engine, kNow + 9).empty());
  CHECK(AdvanceTo(*engine, kNow + 10) ==
        std::vector<Moved>{{day, 2, kIn}, {hour, 2, kIn}});
  // now - 2h == ts is still inside; one second later it is not.
  CHECK(AdvanceTo(*engine, kNow + 2 * kHour).empty());
  CHECK(AdvanceTo(*engine, kNow + 2 * kHour + 1) ==
        std::vector<Moved>{{hour, 1, kOut}});
  CHECK(AdvanceTo(*engine, kNow + 10 + 2 * kHour + 1) ==
        std::vector<Moved>{{hour, 2, kOut}});
  CHECK(AdvanceTo(*engine, kNow + kDay).empty());
  CHECK(AdvanceTo(*engine, kNow + kDay + 1) ==
        std::vector<Moved>{{day, 1, kOut}});
  // A jump over a whole window: lead 3 enters and leaves within it, so
  // nothing is reported; lead 2 leaves.
  REQUIRE_OK(engine->UpsertLead({3, {{"created_at", Int(kNow + 2 * kDay)}}}));
  CHECK(AdvanceTo(*engine, kNow + 5 * kDay) ==
        std::vector<Moved>{{day, 2, kOut}});
  CHECK(MembersOf(*engine, day).empty());
  CHECK(MembersOf(*engine, hour).empty());
}

TEST_CASE("older_than begins one second after the window edge", "[engine]") {
  const bool incremental = GENERATE(true, false);
  auto engine = OpenEngine(kNow, incremental);
  const SegmentId old = MakeSegment(
      *engine, Def("old", {F("created_at", Op::kOlderThan, Days(1))}));
  const SegmentId old_scored = MakeSegment(
      *engine, Def("old scored", {F("created_at", Op::kOlderThan, Days(1)),
                                  F("score", Op::kGte, int64_t{10})}));
  REQUIRE_OK(engine->UpsertLead({1, {{"created_at", Int(kNow)}}}));
  REQUIRE_OK(engine->UpsertLead(
      {2, {{"created_at", Int(kNow - 100)}, {"score", Int(20)}}}));
  CHECK(AdvanceTo(*engine, kNow + kDay - 100).empty());
  CHECK(AdvanceTo(*engine, kNow + kDay - 99) ==
        std::vector<Moved>{{old, 2, kIn}, {old_scored, 2, kIn}});
  CHECK(AdvanceTo(*engine, kNow + kDay).empty());
  CHECK(AdvanceTo(*engine, kNow + kDay + 1) ==
        std::vector<Moved>{{old, 1, kIn}});
}

TEST_CASE("activity windows follow each event's time", "[engine]") {
  const bool incremental = GENERATE(true, false);
  auto engine = OpenEngine(kNow, incremental);
  const SegmentId opened = MakeSegment(
      *engine,
      Def("opened", {Condition::Activity("email_open", Op::kDid, 17, 1, 1)}));
  const SegmentId twice = MakeSegment(
      *engine, Def("twice", {Condition::Activity("email_open", Op::kDid,
                                                 std::nullopt, 2, 2)}));
  const SegmentId quiet = MakeSegment(
      *engine, Def("quiet", {Condition::Activity("email_open", Op::kDidNot,
                                                 std::nullopt, 1, 1)}));
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  CHECK(MembersOf(*engine, quiet) == Ids({1}));
  // The event type did not exist when the segments were made.
  auto first = engine->RecordEvent({1, "email_open", 17, kNow - kDay});
  REQUIRE_OK(first);
  CHECK(MovedBy(first->changes) ==
        std::vector<Moved>{{opened, 1, kIn}, {quiet, 1, kOut}});
  REQUIRE_OK(engine->RecordEvent({1, "email_open", 3, kNow + 5}));
  CHECK(MembersOf(*engine, twice).empty());  // the future is outside
  // The event of kNow - kDay sits on the 1-day window's edge until kNow.
  CHECK(AdvanceTo(*engine, kNow + 1) ==
        std::vector<Moved>{{opened, 1, kOut}, {quiet, 1, kIn}});
  CHECK(AdvanceTo(*engine, kNow + 4).empty());
  // The future event counts from its own second on.
  CHECK(AdvanceTo(*engine, kNow + 5) ==
        std::vector<Moved>{{twice, 1, kIn}, {quiet, 1, kOut}});
  // The first event leaves the 2-day window at kNow + kDay + 1.
  CHECK(AdvanceTo(*engine, kNow + kDay).empty());
  CHECK(AdvanceTo(*engine, kNow + kDay + 1) ==
        std::vector<Moved>{{twice, 1, kOut}});
  CHECK(AdvanceTo(*engine, kNow + kDay + 5).empty());
  CHECK(AdvanceTo(*engine, kNow + kDay + 6) ==
        std::vector<Moved>{{quiet, 1, kIn}});
}

TEST_CASE("a membership change cascades through dependents in order",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId high =
      MakeSegment(*engine, Def("high", {F("score", Op::kGte, int64_t{50})}));
  const SegmentId us_high = MakeSegment(
      *engine, Def("us high", {Condition::Segment("high", Op::kMember),
                               F("country", Op::kEq, "US")}));
  const SegmentId rest = MakeSegment(
      *engine, Def("rest", {Condition::Segment("us high", Op::kNotMember)}));
  const SegmentId both = MakeSegment(
      *engine, Def("both", {Condition::Segment("high", Op::kMember),
                            Condition::Segment("rest", Op::kMember)}));
  REQUIRE_OK(
      engine->UpsertLead({1, {{"score", Int(10)}, {"country", Str("US")}}}));
  CHECK(MembersOf(*engine, rest) == Ids({1}));

  auto up = engine->PatchLead({.id = 1, .set = {{"score", Int(60)}}});
  REQUIRE_OK(up);
  CHECK(MovedBy(up->changes) ==
        std::vector<Moved>{{high, 1, kIn}, {us_high, 1, kIn}, {rest, 1, kOut}});
  for (const MembershipChange& c : up->changes) {
    CHECK(c.cause == ChangeCause::kFilter);
  }
  // Moving country away flips us_high, which flips rest and then both.
  auto away = engine->PatchLead({.id = 1, .set = {{"country", Str("CA")}}});
  REQUIRE_OK(away);
  CHECK(MovedBy(away->changes) ==
        std::vector<Moved>{{us_high, 1, kOut}, {rest, 1, kIn}, {both, 1, kIn}});
  // Editing a referenced segment re-checks its dependents in the same
  // mutation, with the edit's cause.
  auto edit = engine->UpdateSegment(
      high, Def("high", {F("score", Op::kGte, int64_t{100})}));
  REQUIRE_OK(edit);
  CHECK(MovedBy(edit->changes) ==
        std::vector<Moved>{{high, 1, kOut}, {both, 1, kOut}});
  for (const MembershipChange& c : edit->changes) {
    CHECK(c.cause == ChangeCause::kSegmentEdited);
  }
}

TEST_CASE("an edit that would close a cycle is refused and changes nothing",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId a =
      MakeSegment(*engine, Def("a", {F("score", Op::kGte, int64_t{1})}));
  MakeSegment(*engine, Def("b", {Condition::Segment("a", Op::kMember)}));
  MakeSegment(*engine, Def("c", {Condition::Segment("b", Op::kNotMember)}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(5)}}}));
  REQUIRE_ERROR(engine->UpdateSegment(
                    a, Def("a", {Condition::Segment("c", Op::kMember)})),
                absl::StatusCode::kInvalidArgument, "filters[0]");
  REQUIRE_ERROR(engine->UpdateSegment(
                    a, Def("a", {Condition::Segment("a", Op::kMember)})),
                absl::StatusCode::kInvalidArgument, "cycle");
  // The old definition still answers, and still reacts to changes.
  CHECK(MembersOf(*engine, a) == Ids({1}));
  auto down = engine->PatchLead({.id = 1, .set = {{"score", Int(0)}}});
  REQUIRE_OK(down);
  CHECK(down->changes.size() == 3);  // a, b left; c entered
}

TEST_CASE("changes carry their cause", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId s =
      MakeSegment(*engine, Def("s", {F("score", Op::kGte, int64_t{1})}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(5)}}}));
  auto deleted = engine->DeleteLead(1);
  REQUIRE_OK(deleted);
  REQUIRE(deleted->changes.size() == 1);
  CHECK(deleted->changes[0] ==
        MembershipChange{s, kOut, ChangeCause::kLeadDeleted, 1, kNow});
  REQUIRE_OK(engine->UpsertLead({2, {{"score", Int(5)}}}));
  auto gone = engine->DeleteSegment(s);
  REQUIRE_OK(gone);
  REQUIRE(gone->changes.size() == 1);
  CHECK(gone->changes[0].cause == ChangeCause::kSegmentEdited);
}

TEST_CASE("only segments whose bounds lie between the values are touched",
          "[engine]") {
  // Observable through the answers: many threshold segments, score moves,
  // and each segment's membership must equal its threshold test.
  auto engine = OpenEngine(kNow);
  std::vector<SegmentId> at_least;
  for (int64_t t = 0; t < 100; t += 5) {
    at_least.push_back(MakeSegment(
        *engine, Def("gte " + std::to_string(t), {F("score", Op::kGte, t)})));
  }
  const SegmentId band = MakeSegment(
      *engine, Def("band", {F("score", Op::kBetween, Ints({40, 60}))}));
  const SegmentId other =
      MakeSegment(*engine, Def("not 50", {F("score", Op::kNeq, int64_t{50})}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(12)}}}));
  auto move = engine->PatchLead({.id = 1, .set = {{"score", Int(48)}}});
  REQUIRE_OK(move);
  // 15..45 entered, band entered, nothing else.
  CHECK(move->changes.size() == 7 + 1);
  auto same = engine->PatchLead({.id = 1, .set = {{"score", Int(48)}}});
  REQUIRE_OK(same);
  CHECK(same->changes.empty());
  auto fifty = engine->PatchLead({.id = 1, .set = {{"score", Int(50)}}});
  REQUIRE_OK(fifty);
  CHECK(MovedBy(fifty->changes) ==
        std::vector<Moved>{{at_least[10], 1, kIn}, {other, 1, kOut}});
  auto cleared = engine->PatchLead({.id = 1, .unset = {"score"}});
  REQUIRE_OK(cleared);
  CHECK(MembersOf(*engine, other) == Ids({1}));  // neq holds for empty
  CHECK(MembersOf(*engine, band).empty());
  for (SegmentId id : at_least) CHECK(MembersOf(*engine, id).empty());
}

TEST_CASE("batches check everything before changing anything", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId vip =
      MakeSegment(*engine, Def("vip", {F("tags", Op::kHas, "vip")}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(1)}}}));

  std::vector<Lead> leads = {{2, {{"score", Int(2)}}},
                             {3, {{"score", Str("high")}}}};
  REQUIRE_ERROR(engine->UpsertLeads(leads), absl::StatusCode::kInvalidArgument,
                "leads[1]");
  CHECK(engine->LeadCount() == 1);

  std::vector<LeadPatch> patches = {{.id = 1, .add_tags = {"vip"}},
                                    {.id = 9, .add_tags = {"vip"}}};
  REQUIRE_ERROR(engine->PatchLeads(patches), absl::StatusCode::kNotFound,
                "patches[1]: unknown lead 9");
  CHECK(MembersOf(*engine, vip).empty());

  std::vector<LeadId> twice = {1, 1};
  REQUIRE_ERROR(engine->DeleteLeads(twice), absl::StatusCode::kInvalidArgument,
                "more than once");
  std::vector<LeadId> unknown = {1, 4};
  REQUIRE_ERROR(engine->DeleteLeads(unknown), absl::StatusCode::kNotFound,
                "ids[1]");
  CHECK(engine->LeadCount() == 1);
}

TEST_CASE("a batch is one mutation reporting the net difference", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId vip =
      MakeSegment(*engine, Def("vip", {F("tags", Op::kHas, "vip")}));
  const SegmentId beta =
      MakeSegment(*engine, Def("beta", {F("tags", Op::kHas, "beta")}));
  std::vector<Lead> leads = {{1, {}}, {2, {{"tags", Tags({"vip"})}}}};
  auto upserted = engine->UpsertLeads(leads);
  REQUIRE_OK(upserted);
  CHECK(MovedBy(upserted->changes) == std::vector<Moved>{{vip, 2, kIn}});

  // Later patches of a lead see the tags earlier ones left; lead 2 leaves
  // vip and comes back, which is no change at all.
  std::vector<LeadPatch> patches = {{.id = 1, .add_tags = {"vip"}},
                                    {.id = 2, .remove_tags = {"VIP"}},
                                    {.id = 1, .add_tags = {"beta"}},
                                    {.id = 2, .add_tags = {"vip"}}};
  auto patched = engine->PatchLeads(patches);
  REQUIRE_OK(patched);
  CHECK(MovedBy(patched->changes) ==
        std::vector<Moved>{{vip, 1, kIn}, {beta, 1, kIn}});

  std::vector<LeadId> ids = {2, 1};
  auto deleted = engine->DeleteLeads(ids);
  REQUIRE_OK(deleted);
  CHECK(MovedBy(deleted->changes) ==
        std::vector<Moved>{{vip, 1, kOut}, {vip, 2, kOut}, {beta, 1, kOut}});
  CHECK(engine->LeadCount() == 0);
}

TEST_CASE("listeners hear every mutation's changes, in order", "[engine]") {
  auto engine = OpenEngine(kNow);
  std::vector<MembershipChange> heard;
  int calls = 0;
  const ListenerId id =
      engine->AddListener([&](const std::vector<MembershipChange>& changes) {
        ++calls;
        heard.insert(heard.end(), changes.begin(), changes.end());
        // Queries work from a listener; mutations are refused.
        CHECK(engine->LeadCount() >= 1);
        REQUIRE_ERROR(engine->AdvanceClock(kNow + 1),
                      absl::StatusCode::kFailedPrecondition, "listener");
      });
  const SegmentId s =
      MakeSegment(*engine, Def("s", {F("score", Op::kGte, int64_t{1})}));
  CHECK(calls == 0);  // no changes, no call
  auto up = engine->UpsertLead({1, {{"score", Int(5)}}});
  REQUIRE_OK(up);
  CHECK(calls == 1);
  CHECK(heard == up->changes);
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(6)}}}));
  CHECK(calls == 1);
  engine->RemoveListener(id);
  REQUIRE_OK(engine->DeleteLead(1));
  CHECK(calls == 1);
  CHECK(engine->Now() == kNow);
  CHECK(MembersOf(*engine, s).empty());
}

TEST_CASE("listeners see mutations from several threads one at a time",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  MakeSegment(*engine, Def("s", {F("score", Op::kGte, int64_t{1})}));
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};
  engine->AddListener([&](const std::vector<MembershipChange>&) {
    if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
    std::this_thread::yield();
    inside.fetch_sub(1);
    calls.fetch_add(1);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const LeadId id = static_cast<LeadId>(t * 100 + i);
        if (!engine->UpsertLead({id, {{"score", Int(5)}}}).ok()) std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(calls.load() == 200);
  CHECK(overlaps.load() == 0);
}

TEST_CASE("leads over time counts changes per hour and day", "[engine]") {
  constexpr Timestamp kMidnight = kNow - kNow % kDay;
  auto engine = OpenEngine(kMidnight);
  const SegmentId s =
      MakeSegment(*engine, Def("s", {F("score", Op::kGte, int64_t{1})}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(5)}}}));
  REQUIRE_OK(engine->UpsertLead({2, {{"score", Int(5)}}}));
  REQUIRE_OK(engine->AdvanceClock(kMidnight + 3 * kHour + 5));
  REQUIRE_OK(engine->DeleteLead(1));
  REQUIRE_OK(engine->AdvanceClock(kMidnight + 2 * kDay));
  REQUIRE_OK(engine->UpsertLead({3, {{"score", Int(5)}}}));

  auto days = engine->LeadsOverTime(s, kMidnight - 1, kMidnight + 2 * kDay,
                                    BucketWidth::kDay);
  REQUIRE_OK(days);
  REQUIRE(days->size() == 4);
  CHECK((*days)[0].start == kMidnight - kDay);
  CHECK((*days)[0].total == 0);
  CHECK((*days)[1].added == 2);
  CHECK((*days)[1].removed == 1);
  CHECK((*days)[1].total == 1);
  CHECK((*days)[2].added == 0);  // an empty bucket is still there
  CHECK((*days)[2].total == 1);
  CHECK((*days)[3].added == 1);
  CHECK((*days)[3].total == 2);

  auto hours = engine->LeadsOverTime(
      s, kMidnight + kHour, kMidnight + 4 * kHour - 1, BucketWidth::kHour);
  REQUIRE_OK(hours);
  REQUIRE(hours->size() == 3);
  CHECK((*hours)[0].total == 2);
  CHECK((*hours)[2].start == kMidnight + 3 * kHour);
  CHECK((*hours)[2].removed == 1);
  CHECK((*hours)[2].total == 1);

  REQUIRE_ERROR(engine->LeadsOverTime(s, 10, 9, BucketWidth::kDay),
                absl::StatusCode::kInvalidArgument, "after");
  REQUIRE_ERROR(engine->LeadsOverTime(s, 0, 10000 * kHour, BucketWidth::kHour),
                absl::StatusCode::kInvalidArgument, "10000 buckets");
  // Extreme times are refused rather than overflowing the bucket maths.
  REQUIRE_ERROR(
      engine->LeadsOverTime(s, INT64_MIN, INT64_MIN + 1000, BucketWidth::kHour),
      absl::StatusCode::kInvalidArgument, "must lie within");
  REQUIRE_ERROR(
      engine->LeadsOverTime(s, INT64_MAX - 1000, INT64_MAX, BucketWidth::kHour),
      absl::StatusCode::kInvalidArgument, "must lie within");
  REQUIRE_OK(
      engine->LeadsOverTime(s, 0, 10000 * kHour - 1, BucketWidth::kHour));
  REQUIRE_ERROR(engine->LeadsOverTime(99, 0, 1, BucketWidth::kDay),
                absl::StatusCode::kNotFound, "segment");
}

TEST_CASE("memory stats report the indexes and the history", "[engine]") {
  auto engine = OpenEngine(kNow);
  MakeSegment(*engine,
              Def("recent", {F("created_at", Op::kWithinLast, Days(3))}));
  for (LeadId id = 1; id <= 100; ++id) {
    REQUIRE_OK(engine->UpsertLead({id, {{"created_at", Int(kNow)}}}));
  }
  MemoryStats stats = engine->Memory();
  CHECK(stats.index_bytes > 100 * 8);  // the created_at order at least
  CHECK(stats.history_bytes > 0);
}

}  // namespace
}  // namespace audience::testing
