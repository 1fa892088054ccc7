// Boolean groups in segment filters (design.md §2.1): any / all / not,
// nested, over empty values, with segment references inside, their JSON
// form and its errors, the limits, explain trees and persistence. Every
// membership check goes through SegmentProbe, which evaluates each way the
// engine can (set-at-a-time, row by row, preview, explain).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "audience/json.h"
#include "audience/protocol.h"
#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;

SegmentProbe People() {
  SegmentProbe probe;
  probe
      .Lead(1, {{"country", Str("US")},
                {"score", Int(700)},
                {"tags", Tags({"vip"})}})
      .Lead(2, {{"country", Str("CA")}, {"score", Int(100)}})
      .Lead(3, {{"country", Str("FR")},
                {"score", Int(900)},
                {"tags", Tags({"unsubscribed"})}})
      .Lead(4, {{"score", Int(50)}})  // no country, no tags
      .Lead(5, {{"country", Str("US")}, {"stage", Str("churned")}});
  return probe;
}

TEST_CASE("any, all and not combine conditions", "[filter]") {
  SegmentProbe probe = People();
  const Condition us = F("country", Op::kEq, std::string("US"));
  const Condition vip = F("tags", Op::kHas, std::string("vip"));
  const Condition high = F("score", Op::kGte, int64_t{500});
  CHECK(probe.Matching({Condition::Any({vip, high})}) == Ids({1, 3}));
  CHECK(probe.Matching({Condition::All({us, high})}) == Ids({1}));
  CHECK(probe.Matching({us, Condition::Any({vip, high})}) == Ids({1}));
  // "US and (vip or score >= 500)" vs "(US and vip) or score >= 500".
  CHECK(probe.Matching({Condition::Any({Condition::All({us, vip}), high})}) ==
        Ids({1, 3}));
  // A single child.
  CHECK(probe.Matching({Condition::Any({us})}) == Ids({1, 5}));
  CHECK(probe.Matching({Condition::All({us})}) == Ids({1, 5}));
}

TEST_CASE("not is the complement within live leads, empty values included",
          "[filter]") {
  SegmentProbe probe = People();
  // not(country eq US) matches the lead without a country, as neq does.
  CHECK(probe.Matching({Condition::Not(
            F("country", Op::kEq, std::string("US")))}) == Ids({2, 3, 4}));
  CHECK(probe.Matching({F("country", Op::kNeq, std::string("US"))}) ==
        Ids({2, 3, 4}));
  // not of a negative operator: only leads with the value.
  CHECK(probe.Matching({Condition::Not(
            F("country", Op::kNeq, std::string("US")))}) == Ids({1, 5}));
  // not(tags has vip): everyone but lead 1, tagless leads included.
  CHECK(probe.Matching({Condition::Not(
            F("tags", Op::kHas, std::string("vip")))}) == Ids({2, 3, 4, 5}));
  // A double negation is the condition.
  CHECK(probe.Matching({Condition::Not(Condition::Not(
            F("score", Op::kGte, int64_t{500})))}) == Ids({1, 3}));
  // not(empty) is not_empty.
  CHECK(probe.Matching({Condition::Not(F("country", Op::kEmpty))}) ==
        Ids({1, 2, 3, 5}));
}

TEST_CASE(
    "the example of the issue: in [US, CA] and not (churned or "
    "unsubscribed)",
    "[filter]") {
  SegmentProbe probe = People();
  CHECK(probe.Matching(
            {F("country", Op::kIn, List({"US", "CA"})),
             Condition::Not(Condition::Any(
                 {F("stage", Op::kIn, List({"churned", "lost"})),
                  F("tags", Op::kHas, std::string("unsubscribed"))}))}) ==
        Ids({1, 2}));
}

TEST_CASE("groups nest; activity and time conditions work inside them",
          "[filter]") {
  SegmentProbe probe = People();
  probe.Event(1, "email_open", 17, kProbeNow - 3600)
      .Event(4, "email_open", 17, kProbeNow - 40 * kSecondsPerDay);
  const Condition opened =
      Condition::Activity("email_open", Op::kDid, 17, 1, 30);
  CHECK(probe.Matching({Condition::Any(
            {opened, Condition::All(
                         {F("score", Op::kLt, int64_t{60}),
                          Condition::Not(F("country", Op::kNotEmpty))})})}) ==
        Ids({1, 4}));
  CHECK(probe.Matching({Condition::Not(opened)}) == Ids({2, 3, 4, 5}));
}

TEST_CASE("groups are checked, with errors naming their path", "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  const Condition us = F("country", Op::kEq, std::string("US"));
  REQUIRE_ERROR(engine->CreateSegment(Def("a", {Condition::Any({})})),
                StatusCode::kInvalidArgument,
                "filters[0].any: needs at least one condition");
  Condition two_nots = Condition::Not(us);
  two_nots.children.push_back(us);
  REQUIRE_ERROR(engine->CreateSegment(Def("a", {us, two_nots})),
                StatusCode::kInvalidArgument,
                "filters[1].not: \"not\" takes exactly one condition, got 2");
  REQUIRE_ERROR(
      engine->CreateSegment(
          Def("a", {us, Condition::Any(
                            {us, F("score", Op::kGte, std::string("high"))})})),
      StatusCode::kInvalidArgument, "filters[1].any[1]: field \"score\"");
  REQUIRE_ERROR(engine->CreateSegment(
                    Def("a", {Condition::Not(F("nope", Op::kEq, int64_t{1}))})),
                StatusCode::kNotFound, "filters[0].not: unknown field");
  CHECK(engine->ListSegments().empty());
}

Condition Nest(int levels, Condition leaf) {
  for (int i = 1; i < levels; ++i) leaf = Condition::Any({std::move(leaf)});
  return leaf;
}

TEST_CASE("groups nest at most six levels and count toward 256 conditions",
          "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  const Condition us = F("country", Op::kEq, std::string("US"));
  REQUIRE_OK(engine->CreateSegment(Def("six", {Nest(6, us)})));
  REQUIRE_ERROR(engine->CreateSegment(Def("seven", {Nest(7, us)})),
                StatusCode::kInvalidArgument,
                "filters[0].any[0].any[0].any[0].any[0].any[0].any: groups "
                "nest at most 6 levels deep");
  // 255 leaves in one group: 256 conditions.
  std::vector<Condition> many(255, us);
  REQUIRE_OK(engine->CreateSegment(Def("full", {Condition::Any(many)})));
  many.push_back(us);
  REQUIRE_ERROR(engine->CreateSegment(Def("over", {Condition::Any(many)})),
                StatusCode::kInvalidArgument,
                "a segment has at most 256 conditions, got 257");
}

TEST_CASE("segment references inside groups are dependencies", "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  REQUIRE_OK(engine->UpsertLead({1, {{"country", Str("US")}}}));
  REQUIRE_OK(engine->UpsertLead({2, {{"country", Str("FR")}}}));
  const SegmentId us = MakeSegment(
      *engine, Def("US", {F("country", Op::kEq, std::string("US"))}));
  const SegmentId others = MakeSegment(
      *engine,
      Def("Others", {Condition::Any(
                        {Condition::Not(Condition::Segment("us", Op::kMember)),
                         F("score", Op::kGte, int64_t{1})})}));
  CHECK(MembersOf(*engine, others) == Ids({2}));
  // Membership follows the referenced segment, through the group.
  REQUIRE_OK(engine->PatchLead({.id = 2, .set = {{"country", Str("US")}}}));
  CHECK(MembersOf(*engine, others).empty());
  // A cycle through a group is refused.
  REQUIRE_ERROR(
      engine->UpdateSegment(
          us,
          Def("US", {Condition::All({F("country", Op::kEq, std::string("US")),
                                     Condition::Not(Condition::Segment(
                                         "Others", Op::kMember))})})),
      StatusCode::kInvalidArgument,
      "filters[0].all[1].not: referencing segment \"Others\", which depends "
      "on this segment, would create a cycle");
  // Delete refused while referenced from inside a group.
  REQUIRE_ERROR(engine->DeleteSegment(us), StatusCode::kFailedPrecondition,
                "\"Others\"");
  auto usage = engine->Usage(us);
  REQUIRE_OK(usage);
  CHECK(usage->segments == std::vector<SegmentId>{others});
  // A rename shows through the group.
  REQUIRE_OK(engine->UpdateSegment(
      us, Def("Americans", {F("country", Op::kEq, std::string("US"))})));
  auto saved = engine->GetSegment(others);
  REQUIRE_OK(saved);
  CHECK(saved->definition.filters[0].children[0].children[0].subject ==
        "Americans");
}

TEST_CASE("explain answers a tree for groups", "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  REQUIRE_OK(
      engine->UpsertLead({1, {{"country", Str("US")}, {"score", Int(100)}}}));
  const SegmentId id = MakeSegment(
      *engine,
      Def("x", {F("country", Op::kEq, std::string("US")),
                Condition::Any({F("score", Op::kGte, int64_t{500}),
                                Condition::Not(F("tags", Op::kHas,
                                                 std::string("vip")))})}));
  Protocol protocol(*engine);
  CHECK(protocol.Execute(R"({"op":"explain","lead":1,"segment":"x"})") ==
        R"({"ok":true,"member":true,"matches":true,"manual":null,)"
        R"("conditions":[{"index":0,"held":true,"value":"US"},)"
        R"({"index":1,"group":"any","held":true,"conditions":[)"
        R"({"index":0,"held":false,"value":100},)"
        R"({"index":1,"group":"not","held":true,"conditions":[)"
        R"({"index":0,"held":false,"value":null}]}]}]})");
  (void)id;
}

TEST_CASE("the JSON form of groups: parsed, echoed, and every error", "[io]") {
  const std::string json =
      R"({"name":"G","filters":[{"field":"country","op":"eq","value":"US"},)"
      R"({"any":[{"field":"tags","op":"has","value":"partner"},)"
      R"({"not":{"field":"stage","op":"in","value":["churned","lost"]}}]},)"
      R"({"all":[{"segment":"X","op":"not_member"}]}]})";
  auto def = ParseSegmentJson(json);
  REQUIRE_OK(def);
  REQUIRE(def->filters.size() == 3);
  CHECK(def->filters[1].kind == Condition::Kind::kAny);
  CHECK(def->filters[1].children[1].kind == Condition::Kind::kNot);
  CHECK(def->filters[1].children[1].children[0].subject == "stage");
  CHECK(def->filters[2].children[0].kind == Condition::Kind::kSegment);

  auto engine = OpenEngine(kProbeNow);
  Protocol protocol(*engine);
  const std::string create =
      R"({"op":"create_segment","segment":{"name":"G","filters":[)"
      R"({"any":[{"field":"tags","op":"has","value":"partner"},)"
      R"({"not":{"field":"stage","op":"in","value":["churned","lost"]}}]}]}})";
  CHECK(protocol.Execute(create) == R"({"ok":true,"id":1,"changes":[]})");
  CHECK(protocol.Execute(R"({"op":"get_segment","name":"G"})") ==
        R"({"ok":true,"segment":{"id":1,"name":"G","category":null,)"
        R"("public":false,"description":"","filters":[{"any":[{"field":)"
        R"("tags","op":"has","value":"partner"},{"not":{"field":"stage",)"
        R"("op":"in","value":["churned","lost"]}}]}],"count":0}})");

  struct Bad {
    const char* filters;
    const char* message;
  };
  for (const Bad& bad : std::vector<Bad>{
           {R"([{"any":[]}])",
            "filters[0].any: expected a non-empty array of conditions, got an "
            "array"},
           {R"([{"all":{"field":"score","op":"gte","value":1}}])",
            "filters[0].all: expected a non-empty array of conditions"},
           {R"([{"not":[{"field":"score","op":"gte","value":1}]}])",
            "filters[0].not: expected one condition object"},
           {R"([{"any":[{"field":"x"}],"all":[{"field":"y"}]}])",
            "filters[0]: a group names exactly one of"},
           {R"([{"any":[{"field":"score","op":"gte","value":1}],"op":"eq"}])",
            "filters[0]: a group has no"},
           {R"([{"field":"score","not":{"field":"score","op":"gte"}}])",
            "filters[0]: a group has no"},
           {R"([{"any":[{"op":"eq"}]}])",
            "filters[0].any[0]: a condition names exactly one of"},
           {R"([{"not":{"not":{"field":"score","op":"bogus"}}}])",
            "filters[0].not.not: unknown operator"},
           {R"([{"any":[{"any":[{"any":[{"any":[{"any":[{"any":[)"
            R"({"field":"score","op":"gte","value":1}]}]}]}]}]}]}])",
            "filters[0].any[0].any[0].any[0].any[0].any[0].any: groups nest "
            "at most 6 levels deep"},
       }) {
    INFO(bad.filters);
    const std::string line =
        std::string(
            R"({"op":"create_segment","segment":{"name":"B","filters":)") +
        bad.filters + "}}";
    const std::string answer = protocol.Execute(line);
    CHECK(answer.find(R"("code":"INVALID_ARGUMENT")") != std::string::npos);
    CHECK(answer.find(bad.message) != std::string::npos);
  }
  CHECK(engine->ListSegments().size() == 1);
}

TEST_CASE("groups survive a snapshot and a journal", "[persist]") {
  TempDir dir;
  const Condition grouped =
      Condition::Any({F("score", Op::kGte, int64_t{500}),
                      Condition::Not(Condition::All(
                          {F("country", Op::kIn, List({"US", "CA"})),
                           Condition::Segment("base", Op::kMember)}))});
  SegmentDefinition def = Def("grouped", {grouped});
  {
    EngineOptions options;
    options.data_dir = dir.path();
    auto engine = Engine::Open(options);
    REQUIRE_OK(engine);
    REQUIRE_OK((*engine)->UpsertLead({1, {{"country", Str("US")}}}));
    REQUIRE_OK((*engine)->UpsertLead({2, {{"country", Str("FR")}}}));
    MakeSegment(**engine, Def("base", {F("country", Op::kNotEmpty)}));
    MakeSegment(**engine, def);  // journaled
    REQUIRE_OK((*engine)->Snapshot());
    SegmentDefinition second = def;
    second.name = "after snapshot";
    MakeSegment(**engine, second);  // journaled after the snapshot
  }
  EngineOptions options;
  options.data_dir = dir.path();
  auto engine = Engine::Open(options);
  REQUIRE_OK(engine);
  for (const char* name : {"grouped", "after snapshot"}) {
    auto id = (*engine)->FindSegment(name);
    REQUIRE_OK(id);
    auto saved = (*engine)->GetSegment(*id);
    REQUIRE_OK(saved);
    CHECK(saved->definition.filters == def.filters);
    // Lead 2 is outside US/CA, so the "not" holds for it.
    CHECK(MembersOf(**engine, *id) == Ids({2}));
  }
}

}  // namespace
}  // namespace audience::testing
