// Manual membership and transfers: overrides beat filters, transfers move or
// copy leads by category, the active segment follows.
#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr Timestamp kNow = kProbeNow;

std::vector<LeadId> One(LeadId id) { return {id}; }

TEST_CASE("manual overrides survive filter changes", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId high =
      MakeSegment(*engine, Def("high", {F("score", Op::kGte, int64_t{50})}));
  const SegmentId follows = MakeSegment(
      *engine, Def("follows", {Condition::Segment("high", Op::kMember)}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(10)}}}));

  auto added = engine->AddToSegment(high, 1);
  REQUIRE_OK(added);
  CHECK(MovedBy(added->changes) ==
        std::vector<Moved>{{high, 1, kIn}, {follows, 1, kIn}});
  for (const MembershipChange& c : added->changes) {
    CHECK(c.cause == ChangeCause::kManual);
  }
  auto explained = engine->Explain(1, high);
  REQUIRE_OK(explained);
  CHECK(explained->member);
  CHECK_FALSE(explained->matches);
  CHECK(explained->manual == Explanation::Manual::kAdded);

  // The filter turning true and false again does not undo the add.
  REQUIRE_OK(engine->PatchLead({.id = 1, .set = {{"score", Int(60)}}}));
  auto down = engine->PatchLead({.id = 1, .set = {{"score", Int(1)}}});
  REQUIRE_OK(down);
  CHECK(down->changes.empty());

  // Removing clears the add; a later match does not bring the lead back.
  auto removed = engine->RemoveFromSegment(high, 1);
  REQUIRE_OK(removed);
  CHECK(MovedBy(removed->changes) ==
        std::vector<Moved>{{high, 1, kOut}, {follows, 1, kOut}});
  auto up = engine->PatchLead({.id = 1, .set = {{"score", Int(90)}}});
  REQUIRE_OK(up);
  CHECK(up->changes.empty());
  CHECK(engine->Explain(1, high)->manual == Explanation::Manual::kRemoved);

  // Overrides are kept across an upsert and go with a delete.
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(95)}}}));
  CHECK(MembersOf(*engine, high).empty());
  REQUIRE_OK(engine->DeleteLead(1));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(95)}}}));
  CHECK(MembersOf(*engine, high) == Ids({1}));
}

TEST_CASE("manual adds to a member and removes of a non-member are kept",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId high =
      MakeSegment(*engine, Def("high", {F("score", Op::kGte, int64_t{50})}));
  const SegmentId list = MakeSegment(*engine, Def("list", {}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(70)}}}));
  REQUIRE_OK(engine->UpsertLead({2, {{"score", Int(7)}}}));
  auto noop = engine->AddToSegment(high, 1);
  REQUIRE_OK(noop);
  CHECK(noop->changes.empty());
  REQUIRE_OK(engine->RemoveFromSegment(high, 2));
  // Lead 1 stays after its score drops (added); lead 2 stays out.
  REQUIRE_OK(engine->PatchLead({.id = 1, .set = {{"score", Int(0)}}}));
  REQUIRE_OK(engine->PatchLead({.id = 2, .set = {{"score", Int(99)}}}));
  CHECK(MembersOf(*engine, high) == Ids({1}));
  // A segment without filters is a manual list.
  REQUIRE_OK(engine->AddToSegment(list, 2));
  CHECK(MembersOf(*engine, list) == Ids({2}));

  REQUIRE_ERROR(engine->AddToSegment(99, 1), absl::StatusCode::kNotFound,
                "segment");
  REQUIRE_ERROR(engine->RemoveFromSegment(high, 42),
                absl::StatusCode::kNotFound, "unknown lead 42");
}

TEST_CASE("transfers copy across categories and move within one", "[engine]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->CreateCategory("Lifecycle"));
  REQUIRE_OK(engine->CreateCategory("Interest"));
  auto in = [](std::string name, std::optional<std::string> category) {
    SegmentDefinition d = Def(std::move(name), {});
    d.category = std::move(category);
    return d;
  };
  const SegmentId cold = MakeSegment(*engine, in("Cold", "Lifecycle"));
  const SegmentId warm = MakeSegment(*engine, in("Warm", "Lifecycle"));
  const SegmentId news = MakeSegment(*engine, in("News", "Interest"));
  const SegmentId loose = MakeSegment(*engine, in("Loose", std::nullopt));
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  REQUIRE_OK(engine->UpsertLead({2, {}}));
  REQUIRE_OK(engine->AddToSegment(cold, 1));

  // Not a member of the source: an error, nothing changes.
  REQUIRE_ERROR(engine->Transfer(One(2), cold, warm),
                absl::StatusCode::kFailedPrecondition,
                "lead 2 is not a member of \"Cold\"");
  REQUIRE_ERROR(engine->Transfer(One(1), cold, cold),
                absl::StatusCode::kInvalidArgument, "itself");
  std::vector<LeadId> both = {1, 2};
  REQUIRE_ERROR(engine->Transfer(both, cold, warm),
                absl::StatusCode::kFailedPrecondition, "leads[1]");
  CHECK(MembersOf(*engine, warm).empty());

  // Same category: moved, and Warm becomes the active Lifecycle segment.
  auto moved = engine->Transfer(One(1), cold, warm);
  REQUIRE_OK(moved);
  CHECK(MovedBy(moved->changes) ==
        std::vector<Moved>{{cold, 1, kOut}, {warm, 1, kIn}});
  for (const MembershipChange& c : moved->changes) {
    CHECK(c.cause == ChangeCause::kTransfer);
  }
  CHECK(*engine->ActiveSegment(1, "lifecycle") == warm);
  CHECK(!engine->ActiveSegment(1, "Interest")->has_value());

  // Different categories, or uncategorised: added, kept in the source.
  auto copied = engine->Transfer(One(1), warm, news);
  REQUIRE_OK(copied);
  CHECK(MovedBy(copied->changes) == std::vector<Moved>{{news, 1, kIn}});
  REQUIRE_OK(engine->Transfer(One(1), news, loose));
  CHECK(MembersOf(*engine, warm) == Ids({1}));
  CHECK(MembersOf(*engine, loose) == Ids({1}));
  CHECK(*engine->ActiveSegment(1, "Lifecycle") == warm);

  REQUIRE_ERROR(engine->ActiveSegment(1, "Nope"), absl::StatusCode::kNotFound,
                "Nope");
  REQUIRE_ERROR(engine->ActiveSegment(9, "Lifecycle"),
                absl::StatusCode::kNotFound, "unknown lead 9");
  // Deleting the active segment clears it.
  REQUIRE_OK(engine->DeleteSegment(warm));
  CHECK(!engine->ActiveSegment(1, "Lifecycle")->has_value());
}

TEST_CASE("a segment that leaves its category stops being active there",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->CreateCategory("A"));
  REQUIRE_OK(engine->CreateCategory("B"));
  SegmentDefinition s1 = Def("S1", {});
  s1.category = "A";
  SegmentDefinition s2 = Def("S2", {});
  s2.category = "A";
  const SegmentId one = MakeSegment(*engine, s1);
  const SegmentId two = MakeSegment(*engine, s2);
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  REQUIRE_OK(engine->AddToSegment(one, 1));
  REQUIRE_OK(engine->Transfer(One(1), one, two));
  CHECK(*engine->ActiveSegment(1, "A") == two);
  // A rename in place keeps it.
  s2.name = "S2 renamed";
  REQUIRE_OK(engine->UpdateSegment(two, s2));
  CHECK(*engine->ActiveSegment(1, "A") == two);
  s2.category = "B";
  REQUIRE_OK(engine->UpdateSegment(two, s2));
  CHECK(!engine->ActiveSegment(1, "A")->has_value());
  CHECK(!engine->ActiveSegment(1, "B")->has_value());
  CHECK(engine->SegmentsOf(1)->active_segments.empty());
  // The category can go once no segment is in it, leaving nothing behind.
  s1.category = std::nullopt;
  REQUIRE_OK(engine->UpdateSegment(one, s1));
  REQUIRE_OK(engine->DeleteCategory("A"));
  CHECK(engine->SegmentsOf(1)->active_segments.empty());
  CHECK(MembersOf(*engine, two) == Ids({1}));
}

TEST_CASE("a batch transfer moves every lead or none", "[engine]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->CreateCategory("Stage"));
  SegmentDefinition a = Def("A", {F("score", Op::kGte, int64_t{1})});
  a.category = "Stage";
  SegmentDefinition b = Def("B", {});
  b.category = "Stage";
  const SegmentId sa = MakeSegment(*engine, a);
  const SegmentId sb = MakeSegment(*engine, b);
  const SegmentId watcher = MakeSegment(
      *engine, Def("not in A", {Condition::Segment("A", Op::kNotMember),
                                F("score", Op::kNotEmpty)}));
  std::vector<LeadId> ids;
  for (LeadId id = 1; id <= 100; ++id) {
    REQUIRE_OK(engine->UpsertLead({id, {{"score", Int(5)}}}));
    ids.push_back(id);
  }
  auto result = engine->Transfer(ids, sa, sb);
  REQUIRE_OK(result);
  CHECK(result->changes.size() == 300);  // left A, entered B and "not in A"
  CHECK(MembersOf(*engine, sa).empty());
  CHECK(MembersOf(*engine, sb).size() == 100);
  CHECK(MembersOf(*engine, watcher).size() == 100);
  // The filter of A still matches, but the manual removal wins.
  REQUIRE_OK(engine->PatchLead({.id = 1, .set = {{"score", Int(6)}}}));
  CHECK(MembersOf(*engine, sa).empty());
}

}  // namespace
}  // namespace audience::testing
