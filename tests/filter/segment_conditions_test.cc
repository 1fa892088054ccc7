// Segment conditions: member / not_member of another segment, manual lists
// (segments without filters), cascades through chains of references, and
// references that stay bound to the segment across renames.
#include <catch2/catch.hpp>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

Condition Member(std::string segment) {
  return Condition::Segment(std::move(segment), Op::kMember);
}
Condition NotMember(std::string segment) {
  return Condition::Segment(std::move(segment), Op::kNotMember);
}

std::unique_ptr<Engine> ThreeLeads() {
  auto engine = OpenEngine(kProbeNow);
  REQUIRE_OK(engine->UpsertLead({1, {{"tags", Tags({"vip"})}}}));
  REQUIRE_OK(engine->UpsertLead({2, {{"tags", Tags({"news"})}}}));
  REQUIRE_OK(engine->UpsertLead({3, {{"tags", Tags({"VIP"})}}}));
  return engine;
}

TEST_CASE("member and not_member read the referenced segment", "[filter]") {
  auto engine = ThreeLeads();
  const SegmentId vips =
      MakeSegment(*engine, Def("VIPs", {F("tags", Op::kHas, "vip")}));
  // Names resolve case-insensitively.
  const SegmentId in = MakeSegment(*engine, Def("in", {Member("vips")}));
  const SegmentId out = MakeSegment(*engine, Def("out", {NotMember("VIPS")}));
  CHECK(MembersOf(*engine, vips) == Ids({1, 3}));
  CHECK(MembersOf(*engine, in) == Ids({1, 3}));
  CHECK(MembersOf(*engine, out) == Ids({2}));

  auto explained = engine->Explain(2, out);
  REQUIRE_OK(explained);
  REQUIRE(explained->conditions.size() == 1);
  CHECK(explained->conditions[0].held);
  CHECK(explained->conditions[0].value == Bool(false));
  explained = engine->Explain(1, in);
  REQUIRE_OK(explained);
  CHECK(explained->conditions[0].value == Bool(true));

  // A lead with no data at all is not a member, so not_member holds.
  REQUIRE_OK(engine->UpsertLead({4, {}}));
  CHECK(MembersOf(*engine, out) == Ids({2, 4}));
  auto preview = engine->PreviewSegment(Def("", {NotMember("VIPs")}), 10);
  REQUIRE_OK(preview);
  CHECK(preview->first_members == Ids({2, 4}));
}

TEST_CASE("member of a manual list segment", "[filter]") {
  auto engine = ThreeLeads();
  const SegmentId manual = MakeSegment(*engine, Def("Manual", {}));
  const SegmentId in = MakeSegment(*engine, Def("in", {Member("manual")}));
  const SegmentId out = MakeSegment(*engine, Def("out", {NotMember("manual")}));
  CHECK(MembersOf(*engine, manual).empty());
  CHECK(MembersOf(*engine, in).empty());
  CHECK(MembersOf(*engine, out) == Ids({1, 2, 3}));
  // Lead changes never put anyone in a manual list by filter.
  auto upserted = engine->UpsertLead({9, {{"score", Int(1)}}});
  REQUIRE_OK(upserted);
  REQUIRE(upserted->changes.size() == 1);
  CHECK(upserted->changes[0].segment == out);
  CHECK(MembersOf(*engine, manual).empty());
}

TEST_CASE("a lead change cascades through a chain of segment references",
          "[filter]") {
  auto engine = ThreeLeads();
  const SegmentId vips =
      MakeSegment(*engine, Def("VIPs", {F("tags", Op::kHas, "vip")}));
  const SegmentId rich = MakeSegment(
      *engine,
      Def("Rich VIPs", {Member("VIPs"), F("score", Op::kGte, int64_t{100})}));
  const SegmentId others =
      MakeSegment(*engine, Def("Others", {NotMember("Rich VIPs")}));
  CHECK(MembersOf(*engine, rich).empty());
  CHECK(MembersOf(*engine, others) == Ids({1, 2, 3}));

  auto changed =
      engine->UpsertLead({2, {{"tags", Tags({"Vip"})}, {"score", Int(150)}}});
  REQUIRE_OK(changed);
  const Timestamp t = kProbeNow;
  CHECK(changed->changes ==
        std::vector<MembershipChange>{
            {vips, ChangeKind::kEntered, ChangeCause::kFilter, 2, t},
            {rich, ChangeKind::kEntered, ChangeCause::kFilter, 2, t},
            {others, ChangeKind::kLeft, ChangeCause::kFilter, 2, t}});

  // Editing the root re-evaluates its dependents within the same mutation.
  auto edited = engine->UpdateSegment(
      vips, Def("VIPs", {F("tags", Op::kHas, "nobody-has-this")}));
  REQUIRE_OK(edited);
  CHECK(MovedBy(edited->changes) == std::vector<Moved>{{vips, 1, kOut},
                                                       {vips, 2, kOut},
                                                       {vips, 3, kOut},
                                                       {rich, 2, kOut},
                                                       {others, 2, kIn}});
  CHECK(edited->changes[0].cause == ChangeCause::kSegmentEdited);
  CHECK(MembersOf(*engine, others) == Ids({1, 2, 3}));
}

TEST_CASE("segment references survive a rename of the referenced segment",
          "[filter]") {
  auto engine = ThreeLeads();
  const SegmentId vips =
      MakeSegment(*engine, Def("VIPs", {F("tags", Op::kHas, "vip")}));
  const SegmentId in = MakeSegment(*engine, Def("in", {Member("VIPs")}));
  REQUIRE_OK(engine->UpdateSegment(
      vips, Def("Very Important", {F("tags", Op::kHas, "vip")})));
  auto referencing = engine->GetSegment(in);
  REQUIRE_OK(referencing);
  REQUIRE(referencing->definition.filters.size() == 1);
  CHECK(referencing->definition.filters[0].subject == "Very Important");
  CHECK(referencing->definition.filters[0].kind == Condition::Kind::kSegment);
  // The old name is gone; the reference still follows the segment.
  REQUIRE_ERROR(engine->CreateSegment(Def("x", {Member("VIPs")})),
                absl::StatusCode::kNotFound, "unknown segment \"VIPs\"");
  REQUIRE_OK(engine->UpsertLead({2, {{"tags", Tags({"vip"})}}}));
  CHECK(MembersOf(*engine, in) == Ids({1, 2, 3}));
  // A new segment may take the old name; the reference does not move to it.
  MakeSegment(*engine, Def("VIPs", {F("tags", Op::kHas, "news")}));
  REQUIRE_OK(engine->UpsertLead({4, {{"tags", Tags({"news"})}}}));
  CHECK(MembersOf(*engine, in) == Ids({1, 2, 3}));
  referencing = engine->GetSegment(in);
  REQUIRE_OK(referencing);
  CHECK(referencing->definition.filters[0].subject == "Very Important");
}

}  // namespace
}  // namespace audience::testing
