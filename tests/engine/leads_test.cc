// Leads, events and the clock: upsert replaces fields and keeps events;
// patch applies set, unset, add_tags, remove_tags in that order and changes
// nothing when it fails; delete removes events too; every uint64 lead id
// works; events need a known lead; the clock never moves backwards.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;
constexpr Timestamp kNow = kProbeNow;

FieldValues FieldsOf(const Engine& engine, LeadId id) {
  auto lead = engine.GetLead(id);
  REQUIRE_OK(lead);
  CHECK(lead->id == id);
  return lead->fields;
}

LeadPatch Patch(LeadId id) {
  LeadPatch patch;
  patch.id = id;
  return patch;
}

TEST_CASE("upsert replaces the fields and keeps the events", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId opened = MakeSegment(
      *engine, Def("opened", {Condition::Activity("email_open", Op::kDid)}));
  const SegmentId has_email =
      MakeSegment(*engine, Def("has email", {F("email", Op::kNotEmpty)}));
  REQUIRE_OK(
      engine->UpsertLead({7, {{"email", Str("a@b.com")}, {"score", Int(10)}}}));
  REQUIRE_OK(engine->RecordEvent({7, "email_open", 17, kNow}));
  CHECK(MembersOf(*engine, opened) == Ids({7}));

  auto replaced = engine->UpsertLead({7, {{"score", Int(20)}}});
  REQUIRE_OK(replaced);
  CHECK(FieldsOf(*engine, 7) == FieldValues{{"score", Int(20)}});
  CHECK(MovedBy(replaced->changes) == std::vector<Moved>{{has_email, 7, kOut}});
  CHECK(MembersOf(*engine, opened) == Ids({7}));
  CHECK(engine->LeadCount() == 1);

  // Empty values are not kept: "" and [] read back as absent.
  REQUIRE_OK(engine->UpsertLead(
      {7, {{"email", Str("")}, {"tags", Tags({})}, {"country", Str("")}}}));
  CHECK(FieldsOf(*engine, 7).empty());
  CHECK(MembersOf(*engine, opened) == Ids({7}));
}

TEST_CASE("upsert rejects undeclared fields and wrong types, changing nothing",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->DefineField("mrr", FieldType::kDouble));
  REQUIRE_OK(engine->DefineField("opted", FieldType::kBool));
  const SegmentId scored =
      MakeSegment(*engine, Def("scored", {F("score", Op::kNotEmpty)}));
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(5)}}}));

  const std::vector<std::pair<FieldValues, std::string>> bad = {
      {{{"plan", Str("pro")}}, "unknown field \"plan\""},
      {{{"id", Int(1)}}, "unknown field \"id\""},
      {{{"Score", Int(1)}}, "unknown field \"Score\""},
      {{{"score", Str("10")}},
       "field \"score\" (int64) expects an integer, got a string"},
      {{{"score", Num(10.0)}},
       "field \"score\" (int64) expects an integer, got a floating-point "
       "number"},
      {{{"created_at", Num(1.5)}},
       "field \"created_at\" (timestamp) expects an integer timestamp"},
      {{{"opted", Int(1)}}, "field \"opted\" (bool) expects a boolean"},
      {{{"tags", Str("vip")}},
       "field \"tags\" (tags) expects an array of strings, got a string"},
      {{{"email", Tags({"a"})}}, "field \"email\" (string) expects a string"},
      {{{"country", Bool(true)}},
       "field \"country\" (keyword) expects a string"},
      {{{"mrr", Str("1")}}, "field \"mrr\" (double) expects a number"},
      {{{"mrr", Num(std::numeric_limits<double>::quiet_NaN())}}, "NaN"},
      {{{"email", Str(std::string(64 * 1024 + 1, 'e'))}},
       "field \"email\" is longer than 65536 bytes"},
  };
  for (const auto& [fields, text] : bad) {
    INFO(text);
    // A valid field next to the bad one is not applied either.
    FieldValues with_valid = fields;
    with_valid.emplace("email", Str("x@y.z"));
    REQUIRE_ERROR(engine->UpsertLead({1, with_valid}),
                  StatusCode::kInvalidArgument, text);
    REQUIRE_ERROR(engine->UpsertLead({2, with_valid}),
                  StatusCode::kInvalidArgument, text);
    CHECK(FieldsOf(*engine, 1) == FieldValues{{"score", Int(5)}});
    REQUIRE_ERROR(engine->GetLead(2), StatusCode::kNotFound, "unknown lead 2");
    CHECK(engine->LeadCount() == 1);
    CHECK(MembersOf(*engine, scored) == Ids({1}));
  }
  // A double field takes integers.
  REQUIRE_OK(engine->UpsertLead({3, {{"mrr", Int(3)}}}));
  CHECK(FieldsOf(*engine, 3) == FieldValues{{"mrr", Num(3.0)}});
}

TEST_CASE("patch applies set, unset, add_tags and remove_tags in order",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->UpsertLead({1,
                                 {{"email", Str("a@b.com")},
                                  {"score", Int(1)},
                                  {"tags", Tags({"old", "keep"})}}}));

  SECTION("set and unset touch only the named fields") {
    LeadPatch patch = Patch(1);
    patch.set = {{"score", Int(2)}, {"country", Str("US")}};
    patch.unset = {"email"};
    REQUIRE_OK(engine->PatchLead(patch));
    CHECK(FieldsOf(*engine, 1) == FieldValues{{"score", Int(2)},
                                              {"country", Str("US")},
                                              {"tags", Tags({"old", "keep"})}});
  }
  SECTION("tags are added to the set list, then removed ignoring case") {
    LeadPatch patch = Patch(1);
    patch.set = {{"tags", Tags({"a", "b"})}};
    patch.add_tags = {"c", "B", "d"};
    patch.remove_tags = {"A", "D"};
    REQUIRE_OK(engine->PatchLead(patch));
    // "B" duplicates "b": the first spelling stays.
    CHECK(FieldsOf(*engine, 1).at("tags") == Tags({"b", "c"}));
  }
  SECTION("add_tags after unset starts from no tags") {
    LeadPatch patch = Patch(1);
    patch.unset = {"tags"};
    patch.add_tags = {"fresh"};
    REQUIRE_OK(engine->PatchLead(patch));
    CHECK(FieldsOf(*engine, 1).at("tags") == Tags({"fresh"}));
  }
  SECTION("add_tags and remove_tags start from the stored tags") {
    LeadPatch patch = Patch(1);
    patch.add_tags = {"new"};
    patch.remove_tags = {"OLD", "missing"};
    REQUIRE_OK(engine->PatchLead(patch));
    CHECK(FieldsOf(*engine, 1).at("tags") == Tags({"keep", "new"}));
  }
  SECTION("a tag both added and removed ends removed") {
    LeadPatch patch = Patch(1);
    patch.add_tags = {"x"};
    patch.remove_tags = {"X", "keep", "old"};
    REQUIRE_OK(engine->PatchLead(patch));
    CHECK_FALSE(FieldsOf(*engine, 1).contains("tags"));
  }
  SECTION("an empty patch changes nothing") {
    auto result = engine->PatchLead(Patch(1));
    REQUIRE_OK(result);
    CHECK(result->changes.empty());
    CHECK(FieldsOf(*engine, 1).size() == 3);
  }
}

TEST_CASE("a failed patch changes nothing", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId vip =
      MakeSegment(*engine, Def("vip", {F("tags", Op::kHas, "vip")}));
  const FieldValues original = {
      {"email", Str("a@b.com")}, {"score", Int(1)}, {"tags", Tags({"vip"})}};
  REQUIRE_OK(engine->UpsertLead({1, original}));

  std::vector<std::pair<LeadPatch, std::string>> bad;
  {
    LeadPatch p = Patch(1);
    p.set = {{"score", Int(2)}};
    p.unset = {"score"};
    p.remove_tags = {"vip"};
    bad.emplace_back(p, "field \"score\" is both set and unset");
  }
  {
    LeadPatch p = Patch(1);
    p.set = {{"email", Str("new@b.com")}, {"plan", Str("pro")}};
    p.remove_tags = {"vip"};
    bad.emplace_back(p, "unknown field \"plan\"");
  }
  {
    LeadPatch p = Patch(1);
    p.unset = {"email", "nope"};
    bad.emplace_back(p, "unknown field \"nope\"");
  }
  {
    LeadPatch p = Patch(1);
    p.set = {{"email", Str("new@b.com")}, {"score", Str("high")}};
    p.remove_tags = {"vip"};
    bad.emplace_back(p, "field \"score\" (int64) expects an integer");
  }
  {
    LeadPatch p = Patch(1);
    p.set = {{"tags", Int(3)}};
    bad.emplace_back(p, "field \"tags\" (tags) expects an array of strings");
  }
  for (const auto& [patch, text] : bad) {
    INFO(text);
    REQUIRE_ERROR(engine->PatchLead(patch), StatusCode::kInvalidArgument, text);
    CHECK(FieldsOf(*engine, 1) == original);
    CHECK(MembersOf(*engine, vip) == Ids({1}));
  }
  LeadPatch unknown = Patch(99);
  unknown.set = {{"score", Int(2)}};
  REQUIRE_ERROR(engine->PatchLead(unknown), StatusCode::kNotFound,
                "unknown lead 99");
  CHECK(engine->LeadCount() == 1);
}

TEST_CASE("delete removes the lead with its events", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId opened = MakeSegment(
      *engine, Def("opened", {Condition::Activity("email_open", Op::kDid)}));
  const SegmentId never = MakeSegment(
      *engine,
      Def("never opened", {Condition::Activity("email_open", Op::kDidNot)}));
  const SegmentId vip =
      MakeSegment(*engine, Def("vip", {F("tags", Op::kHas, "vip")}));
  REQUIRE_OK(engine->UpsertLead({5, {{"tags", Tags({"vip"})}}}));
  REQUIRE_OK(engine->UpsertLead({6, {}}));
  REQUIRE_OK(engine->RecordEvent({5, "email_open", 1, kNow}));

  auto deleted = engine->DeleteLead(5);
  REQUIRE_OK(deleted);
  CHECK(deleted->changes ==
        std::vector<MembershipChange>{
            {opened, ChangeKind::kLeft, ChangeCause::kLeadDeleted, 5, kNow},
            {vip, ChangeKind::kLeft, ChangeCause::kLeadDeleted, 5, kNow}});
  CHECK(engine->LeadCount() == 1);
  REQUIRE_ERROR(engine->GetLead(5), StatusCode::kNotFound, "unknown lead 5");
  REQUIRE_ERROR(engine->DeleteLead(5), StatusCode::kNotFound, "unknown lead 5");
  REQUIRE_ERROR(engine->Explain(5, opened), StatusCode::kNotFound,
                "unknown lead 5");
  CHECK_FALSE(*engine->Contains(opened, 5));

  // A lead re-created with the same id starts without events or fields.
  auto recreated = engine->UpsertLead({5, {}});
  REQUIRE_OK(recreated);
  CHECK(MovedBy(recreated->changes) == std::vector<Moved>{{never, 5, kIn}});
  CHECK(MembersOf(*engine, opened).empty());
  auto explained = engine->Explain(5, opened);
  REQUIRE_OK(explained);
  CHECK(explained->conditions[0].value == Int(0));
  CHECK(FieldsOf(*engine, 5).empty());

  // So does a new lead that may take over the freed storage.
  REQUIRE_OK(engine->DeleteLead(5));
  REQUIRE_OK(engine->UpsertLead({8, {}}));
  CHECK(MembersOf(*engine, opened).empty());
  CHECK(MembersOf(*engine, vip).empty());
  CHECK(MembersOf(*engine, never) == Ids({6, 8}));
  CHECK(FieldsOf(*engine, 8).empty());
}

TEST_CASE("lead ids 0 and UINT64_MAX are ordinary ids", "[engine]") {
  constexpr LeadId kLast = std::numeric_limits<LeadId>::max();
  auto engine = OpenEngine(kNow);
  const SegmentId all =
      MakeSegment(*engine, Def("all", {F("score", Op::kNotEmpty)}));
  for (LeadId id : {kLast, LeadId{0}, LeadId{1}, kLast - 1}) {
    REQUIRE_OK(engine->UpsertLead({id, {{"score", Int(1)}}}));
  }
  CHECK(MembersOf(*engine, all) == Ids({0, 1, kLast - 1, kLast}));
  auto page = engine->Members(all, LeadId{0}, 2);
  REQUIRE_OK(page);
  CHECK(page->leads == Ids({1, kLast - 1}));
  CHECK(page->next == std::optional<LeadId>(kLast - 1));
  page = engine->Members(all, kLast - 1, 2);
  REQUIRE_OK(page);
  CHECK(page->leads == Ids({kLast}));
  CHECK_FALSE(page->next.has_value());
  page = engine->Members(all, kLast, 2);
  REQUIRE_OK(page);
  CHECK(page->leads.empty());
  CHECK(*engine->Contains(all, 0));
  CHECK(*engine->Contains(all, kLast));
  REQUIRE_OK(engine->RecordEvent({kLast, "x", std::nullopt, std::nullopt}));
  REQUIRE_OK(engine->Explain(0, all));
  CHECK(FieldsOf(*engine, kLast) == FieldValues{{"score", Int(1)}});
  auto deleted = engine->DeleteLead(0);
  REQUIRE_OK(deleted);
  CHECK(MovedBy(deleted->changes) == std::vector<Moved>{{all, 0, kOut}});
  CHECK(MembersOf(*engine, all) == Ids({1, kLast - 1, kLast}));
}

TEST_CASE("events need a known lead and a type", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId did = MakeSegment(
      *engine, Def("did", {Condition::Activity("email_open", Op::kDid)}));
  REQUIRE_ERROR(engine->RecordEvent({42, "email_open", 1, kNow}),
                StatusCode::kNotFound, "unknown lead 42");
  REQUIRE_OK(engine->UpsertLead({42, {}}));
  CHECK(MembersOf(*engine, did).empty());  // the failed event left nothing
  REQUIRE_ERROR(engine->RecordEvent({42, "", 1, kNow}),
                StatusCode::kInvalidArgument, "event type must not be empty");
  REQUIRE_ERROR(engine->RecordEvent({42, std::string(257, 't'), 1, kNow}),
                StatusCode::kInvalidArgument, "longer than 256 bytes");
  auto recorded = engine->RecordEvent({42, "email_open", 1, kNow});
  REQUIRE_OK(recorded);
  CHECK(MovedBy(recorded->changes) == std::vector<Moved>{{did, 42, kIn}});
}

TEST_CASE("the clock never moves backwards; the same time is a no-op",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  CHECK(engine->Now() == kNow);
  REQUIRE_OK(engine->UpsertLead({1, {{"created_at", Int(kNow)}}}));
  const SegmentId recent = MakeSegment(
      *engine, Def("recent", {F("created_at", Op::kWithinLast, Hours(1))}));
  REQUIRE_ERROR(engine->AdvanceClock(kNow - 1), StatusCode::kFailedPrecondition,
                "the clock cannot move backwards");
  CHECK(engine->Now() == kNow);
  auto same = engine->AdvanceClock(kNow);
  REQUIRE_OK(same);
  CHECK(same->changes.empty());
  CHECK(engine->Now() == kNow);
  auto moved = engine->AdvanceClock(kNow + kSecondsPerHour + 1);
  REQUIRE_OK(moved);
  CHECK(MovedBy(moved->changes) == std::vector<Moved>{{recent, 1, kOut}});
  CHECK(engine->Now() == kNow + kSecondsPerHour + 1);
  REQUIRE_ERROR(engine->AdvanceClock(kNow), StatusCode::kFailedPrecondition,
                "backwards");

  // A fresh engine's clock starts where the options say (0 by default).
  CHECK(OpenEngine()->Now() == 0);
}

TEST_CASE(
    "custom fields: declared once, case-sensitive, id reserved, no padding or "
    "control characters",
    "[engine]") {
  auto engine = OpenEngine();
  REQUIRE_OK(engine->DefineField("plan", FieldType::kKeyword));
  REQUIRE_OK(engine->DefineField("Plan", FieldType::kInt64));
  REQUIRE_ERROR(engine->DefineField("plan", FieldType::kString),
                StatusCode::kAlreadyExists, "field \"plan\" already exists");
  REQUIRE_ERROR(engine->DefineField("score", FieldType::kInt64),
                StatusCode::kAlreadyExists, "already exists");
  REQUIRE_ERROR(engine->DefineField("id", FieldType::kInt64),
                StatusCode::kInvalidArgument, "reserved");
  REQUIRE_ERROR(engine->DefineField(" padded ", FieldType::kKeyword),
                StatusCode::kInvalidArgument,
                "field name \" padded \" has leading or trailing whitespace");
  REQUIRE_ERROR(engine->DefineField("plan\t", FieldType::kKeyword),
                StatusCode::kInvalidArgument,
                "has leading or trailing whitespace");
  REQUIRE_ERROR(engine->DefineField("a\x01"
                                    "b",
                                    FieldType::kKeyword),
                StatusCode::kInvalidArgument,
                "field name \"a\\x01b\" contains a control character");
  const std::vector<FieldDefinition> fields = engine->Fields();
  REQUIRE(fields.size() == 8);
  CHECK(fields[0].name == "email");
  CHECK(fields[0].standard);
  CHECK(fields[6].name == "plan");
  CHECK(fields[6].type == FieldType::kKeyword);
  CHECK_FALSE(fields[6].standard);
  CHECK(fields[7].name == "Plan");
  // A field declared after leads exist is empty for them.
  REQUIRE_OK(engine->UpsertLead({1, {}}));
  REQUIRE_OK(engine->DefineField("late", FieldType::kBool));
  const SegmentId empty =
      MakeSegment(*engine, Def("empty", {F("late", Op::kEmpty)}));
  CHECK(MembersOf(*engine, empty) == Ids({1}));
}

}  // namespace
}  // namespace audience::testing
