// Segment CRUD: create reports initial members, update replaces the whole
// definition and reports the difference, rename keeps references, delete is
// refused while referenced and reports members as left, ids are never
// reused, GetSegment / ListSegments / FindSegment report what was saved, an
// edit can be previewed (PreviewSegmentUpdate: who would enter and leave)
// and Usage names what a delete would affect.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;
constexpr Timestamp kNow = kProbeNow;

// Leads inserted out of id order, so rows and lead ids disagree.
std::unique_ptr<Engine> Scores() {
  auto engine = OpenEngine(kNow);
  for (LeadId id : {50, 10, 40, 20, 30}) {
    REQUIRE_OK(
        engine->UpsertLead({id, {{"score", Int(static_cast<int64_t>(id))}}}));
  }
  return engine;
}

TEST_CASE("creating a segment reports its initial members as entered",
          "[engine]") {
  auto engine = Scores();
  auto created =
      engine->CreateSegment(Def("high", {F("score", Op::kGte, int64_t{30})}));
  REQUIRE_OK(created);
  const SegmentId id = static_cast<SegmentId>(created->id);
  CHECK(id != 0);
  std::vector<MembershipChange> expected;
  for (LeadId lead : {30, 40, 50}) {
    expected.push_back(MembershipChange{
        id, ChangeKind::kEntered, ChangeCause::kSegmentEdited, lead, kNow});
  }
  CHECK(created->changes == expected);
  CHECK(MembersOf(*engine, id) == Ids({30, 40, 50}));
  CHECK(*engine->Count(id) == 3);

  // A manual list starts empty and reports nothing.
  auto manual = engine->CreateSegment(Def("manual", {}));
  REQUIRE_OK(manual);
  CHECK(manual->changes.empty());
  CHECK(*engine->Count(static_cast<SegmentId>(manual->id)) == 0);
}

TEST_CASE("GetSegment, ListSegments and FindSegment report what was saved",
          "[engine]") {
  auto engine = Scores();
  REQUIRE_OK(engine->CreateCategory("Lifecycle"));
  SegmentDefinition def;
  def.name = "  High Scorers ";
  def.category = "lifecycle";
  def.is_public = true;
  def.description = "score of 30 or more";
  def.filters = {F("score", Op::kGte, int64_t{30}),
                 Condition::Activity("email_open", Op::kDid, 17, 2, 30)};
  const SegmentId high = MakeSegment(*engine, def);
  const SegmentId low =
      MakeSegment(*engine, Def("Low", {F("score", Op::kLt, int64_t{30})}));

  auto got = engine->GetSegment(high);
  REQUIRE_OK(got);
  CHECK(got->id == high);
  CHECK(got->definition.name == "High Scorers");
  CHECK(got->definition.category == std::optional<std::string>("Lifecycle"));
  CHECK(got->definition.is_public);
  CHECK(got->definition.description == "score of 30 or more");
  CHECK(got->definition.filters == def.filters);
  CHECK(got->member_count == 0);  // nobody opened email 17 twice

  const std::vector<Segment> all = engine->ListSegments();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == high);
  CHECK(all[1].id == low);
  CHECK(all[1].definition.name == "Low");
  CHECK_FALSE(all[1].definition.category.has_value());
  CHECK_FALSE(all[1].definition.is_public);
  CHECK(all[1].definition.description.empty());
  CHECK(all[1].member_count == 2);

  CHECK(*engine->FindSegment("HIGH SCORERS") == high);
  CHECK(*engine->FindSegment(" low ") == low);
  REQUIRE_ERROR(engine->FindSegment("nobody"), StatusCode::kNotFound,
                "unknown segment \"nobody\"");
  REQUIRE_ERROR(engine->GetSegment(99), StatusCode::kNotFound,
                "unknown segment id 99");
}

TEST_CASE("updating a segment replaces its whole definition", "[engine]") {
  auto engine = Scores();
  REQUIRE_OK(engine->CreateCategory("Lifecycle"));
  SegmentDefinition def = Def("s", {F("score", Op::kGte, int64_t{30})});
  def.category = "Lifecycle";
  def.is_public = true;
  def.description = "first";
  const SegmentId id = MakeSegment(*engine, def);

  // Everything left out of the new definition is reset.
  auto updated = engine->UpdateSegment(
      id, Def("s", {F("score", Op::kBetween, Ints({20, 40}))}));
  REQUIRE_OK(updated);
  CHECK(updated->id == 0);
  CHECK(updated->changes ==
        std::vector<MembershipChange>{
            {id, ChangeKind::kEntered, ChangeCause::kSegmentEdited, 20, kNow},
            {id, ChangeKind::kLeft, ChangeCause::kSegmentEdited, 50, kNow}});
  auto got = engine->GetSegment(id);
  REQUIRE_OK(got);
  CHECK_FALSE(got->definition.category.has_value());
  CHECK_FALSE(got->definition.is_public);
  CHECK(got->definition.description.empty());
  CHECK(got->definition.filters ==
        std::vector<Condition>{F("score", Op::kBetween, Ints({20, 40}))});
  CHECK(MembersOf(*engine, id) == Ids({20, 30, 40}));

  // The same definition again changes nothing.
  auto same = engine->UpdateSegment(
      id, Def("s", {F("score", Op::kBetween, Ints({20, 40}))}));
  REQUIRE_OK(same);
  CHECK(same->changes.empty());

  // Dropping every filter makes it a manual list: everyone leaves.
  auto emptied = engine->UpdateSegment(id, Def("s", {}));
  REQUIRE_OK(emptied);
  CHECK(MovedBy(emptied->changes) ==
        std::vector<Moved>{{id, 20, kOut}, {id, 30, kOut}, {id, 40, kOut}});
  CHECK(MembersOf(*engine, id).empty());
}

TEST_CASE("renaming a segment keeps references bound to it", "[engine]") {
  auto engine = Scores();
  const SegmentId high =
      MakeSegment(*engine, Def("High", {F("score", Op::kGte, int64_t{30})}));
  const SegmentId user = MakeSegment(
      *engine, Def("Not high", {Condition::Segment("high", Op::kNotMember)}));
  auto renamed = engine->UpdateSegment(
      high, Def("Top", {F("score", Op::kGte, int64_t{30})}));
  REQUIRE_OK(renamed);
  CHECK(renamed->changes.empty());
  auto got = engine->GetSegment(user);
  REQUIRE_OK(got);
  REQUIRE(got->definition.filters.size() == 1);
  CHECK(got->definition.filters[0].subject == "Top");
  CHECK(*engine->FindSegment("top") == high);
  REQUIRE_ERROR(engine->FindSegment("High"), StatusCode::kNotFound,
                "unknown segment");
  // Updating the referencing segment with its definition as read back works.
  REQUIRE_OK(engine->UpdateSegment(user, got->definition));
  CHECK(MembersOf(*engine, user) == Ids({10, 20}));
}

TEST_CASE("deleting a segment", "[engine]") {
  auto engine = Scores();
  const SegmentId base =
      MakeSegment(*engine, Def("Base", {F("score", Op::kGte, int64_t{30})}));
  const SegmentId a =
      MakeSegment(*engine, Def("A", {Condition::Segment("Base", Op::kMember)}));
  const SegmentId b = MakeSegment(
      *engine, Def("B", {Condition::Segment("base", Op::kNotMember)}));

  SECTION("is refused while other segments reference it") {
    REQUIRE_ERROR(engine->DeleteSegment(base), StatusCode::kFailedPrecondition,
                  "segment \"Base\" is referenced by the filters of \"A\", "
                  "\"B\"");
    CHECK(MembersOf(*engine, base) == Ids({30, 40, 50}));
    CHECK(engine->ListSegments().size() == 3);
  }

  SECTION("reports its members as left and frees its name") {
    REQUIRE_OK(engine->DeleteSegment(a));
    REQUIRE_ERROR(engine->DeleteSegment(base), StatusCode::kFailedPrecondition,
                  "referenced by the filters of \"B\"");
    REQUIRE_OK(engine->DeleteSegment(b));
    auto deleted = engine->DeleteSegment(base);
    REQUIRE_OK(deleted);
    CHECK(
        deleted->changes ==
        std::vector<MembershipChange>{
            {base, ChangeKind::kLeft, ChangeCause::kSegmentEdited, 30, kNow},
            {base, ChangeKind::kLeft, ChangeCause::kSegmentEdited, 40, kNow},
            {base, ChangeKind::kLeft, ChangeCause::kSegmentEdited, 50, kNow}});
    CHECK(engine->ListSegments().empty());
    REQUIRE_ERROR(engine->GetSegment(base), StatusCode::kNotFound,
                  "unknown segment id");
    REQUIRE_ERROR(engine->Count(base), StatusCode::kNotFound,
                  "unknown segment id");
    REQUIRE_ERROR(engine->DeleteSegment(base), StatusCode::kNotFound,
                  "unknown segment id");
    REQUIRE_ERROR(engine->FindSegment("Base"), StatusCode::kNotFound,
                  "unknown segment");
    // The name can be used again; the id cannot.
    const SegmentId again = MakeSegment(*engine, Def("base", {}));
    CHECK(again > b);
  }
}

TEST_CASE("a segment may be deleted once no filter references it", "[engine]") {
  auto engine = Scores();
  const SegmentId base =
      MakeSegment(*engine, Def("Base", {F("score", Op::kGte, int64_t{30})}));
  const SegmentId user = MakeSegment(
      *engine, Def("User", {Condition::Segment("Base", Op::kMember)}));
  REQUIRE_ERROR(engine->DeleteSegment(base),
                absl::StatusCode::kFailedPrecondition, "\"User\"");
  // The user keeps its name but drops the reference.
  REQUIRE_OK(engine->UpdateSegment(
      user, Def("User", {F("score", Op::kLt, int64_t{30})})));
  auto deleted = engine->DeleteSegment(base);
  REQUIRE_OK(deleted);
  CHECK(deleted->changes.size() == 3);
  CHECK(MembersOf(*engine, user) == Ids({10, 20}));
}

TEST_CASE("segment ids are never reused", "[engine]") {
  auto engine = OpenEngine();
  const SegmentId first = MakeSegment(*engine, Def("one", {}));
  const SegmentId second = MakeSegment(*engine, Def("two", {}));
  CHECK(second > first);
  REQUIRE_OK(engine->DeleteSegment(second));  // the newest one
  const SegmentId third = MakeSegment(*engine, Def("two", {}));
  CHECK(third > second);
  REQUIRE_OK(engine->DeleteSegment(first));
  // A failed create takes no id from later segments' view of uniqueness.
  REQUIRE_FALSE(engine->CreateSegment(Def("two", {})).ok());
  const SegmentId fourth = MakeSegment(*engine, Def("four", {}));
  CHECK(fourth > third);
  std::vector<SegmentId> listed;
  for (const Segment& s : engine->ListSegments()) listed.push_back(s.id);
  CHECK(listed == std::vector<SegmentId>{third, fourth});
}

TEST_CASE(
    "an update preview counts who would enter and leave and changes "
    "nothing",
    "[engine]") {
  auto engine = Scores();
  const SegmentId high =
      MakeSegment(*engine, Def("high", {F("score", Op::kGte, int64_t{30})}));
  // Manual decisions survive an edit: 10 added, 50 removed.
  REQUIRE_OK(engine->AddToSegment(high, 10));
  REQUIRE_OK(engine->RemoveFromSegment(high, 50));
  REQUIRE(MembersOf(*engine, high) == Ids({10, 30, 40}));

  const SegmentDefinition lower =
      Def("high", {F("score", Op::kGte, int64_t{20})});
  auto preview = engine->PreviewSegmentUpdate(high, lower, 2);
  REQUIRE_OK(preview);
  CHECK(preview->count == 4);  // 10 (added), 20, 30, 40; 50 stays removed
  CHECK(preview->first_members == std::vector<LeadId>{10, 20});
  CHECK(preview->entering == 1);
  CHECK(preview->leaving == 0);
  CHECK(MembersOf(*engine, high) == Ids({10, 30, 40}));

  auto narrower = engine->PreviewSegmentUpdate(
      high, Def("renamed", {F("score", Op::kGte, int64_t{45})}), 20);
  REQUIRE_OK(narrower);
  CHECK(narrower->count == 1);  // 10 (added); 50 removed
  CHECK(narrower->entering == 0);
  CHECK(narrower->leaving == 2);

  // The update itself agrees with its preview.
  auto updated = engine->UpdateSegment(high, lower);
  REQUIRE_OK(updated);
  CHECK(updated->changes.size() == 1);
  CHECK(MembersOf(*engine, high) == Ids({10, 20, 30, 40}));
}

TEST_CASE("an update preview is checked as the update would be", "[engine]") {
  auto engine = Scores();
  const SegmentId a = MakeSegment(*engine, Def("a", {}));
  const SegmentId b =
      MakeSegment(*engine, Def("b", {Condition::Segment("a", Op::kMember)}));
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(
                    a, Def("a", {Condition::Segment("b", Op::kMember)}), 20),
                StatusCode::kInvalidArgument, "would create a cycle");
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(
                    a, Def("a", {F("score", Op::kGte, std::string("x"))}), 20),
                StatusCode::kInvalidArgument, "filters[0]");
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(99, Def("a", {}), 20),
                StatusCode::kNotFound, "unknown segment id 99");
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(a, Def("a", {}), 0),
                StatusCode::kInvalidArgument, "limit");
  (void)b;
}

TEST_CASE("Usage names the campaigns and segments that depend on a segment",
          "[engine]") {
  auto engine = Scores();
  SegmentDefinition base = Def("base", {F("score", Op::kGte, int64_t{30})});
  base.is_public = true;
  const SegmentId id = MakeSegment(*engine, base);
  const SegmentId user = MakeSegment(
      *engine, Def("user", {Condition::Segment("base", Op::kNotMember)}));
  auto unused = engine->Usage(user);
  REQUIRE_OK(unused);
  CHECK(unused->campaigns.empty());
  CHECK(unused->segments.empty());
  CampaignDefinition spring{.name = "Spring", .start = 0, .sources = {"base"}};
  auto campaign = engine->CreateCampaign(spring);
  REQUIRE_OK(campaign);
  CampaignDefinition autumn{
      .name = "Autumn", .start = 0, .workflow_segments = {"base"}};
  auto second = engine->CreateCampaign(autumn);
  REQUIRE_OK(second);
  auto usage = engine->Usage(id);
  REQUIRE_OK(usage);
  CHECK(usage->campaigns == std::vector<CampaignId>{*campaign, *second});
  CHECK(usage->segments == std::vector<SegmentId>{user});
  REQUIRE_ERROR(engine->Usage(99), StatusCode::kNotFound, "99");
}

}  // namespace
}  // namespace audience::testing
