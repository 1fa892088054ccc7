// Every way a segment definition is rejected (src/filter/compile.cc and the
// engine's Prepare): the error code, a message naming the condition
// ("filters[i]: ...") and what was expected — and that a rejected create,
// update or preview leaves the engine exactly as it was.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;

// Everything observable about the saved segments.
struct SavedSegment {
  SegmentId id;
  std::string name;
  std::optional<std::string> category;
  bool is_public;
  std::string description;
  std::vector<Condition> filters;
  uint64_t member_count;
  std::vector<LeadId> members;
  friend bool operator==(const SavedSegment&, const SavedSegment&) = default;
};

std::vector<SavedSegment> Snapshot(const Engine& engine) {
  std::vector<SavedSegment> out;
  for (const Segment& s : engine.ListSegments()) {
    const SegmentDefinition& d = s.definition;
    out.push_back(SavedSegment{s.id, d.name, d.category, d.is_public,
                               d.description, d.filters, s.member_count,
                               MembersOf(engine, s.id)});
  }
  return out;
}

// Fields of every type, three leads, a category and two segments ("Base",
// and "Top" that references it).
struct Fixture {
  std::unique_ptr<Engine> engine = OpenEngine(kProbeNow);
  SegmentId base = 0;
  SegmentId top = 0;

  Fixture() {
    REQUIRE_OK(engine->DefineField("bio", FieldType::kString));
    REQUIRE_OK(engine->DefineField("plan", FieldType::kKeyword));
    REQUIRE_OK(engine->DefineField("visits", FieldType::kInt64));
    REQUIRE_OK(engine->DefineField("mrr", FieldType::kDouble));
    REQUIRE_OK(engine->DefineField("opted", FieldType::kBool));
    REQUIRE_OK(engine->DefineField("seen", FieldType::kTimestamp));
    REQUIRE_OK(engine->DefineField("labels", FieldType::kTags));
    REQUIRE_OK(engine->CreateCategory("Lifecycle"));
    REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(50)}}}));
    REQUIRE_OK(engine->UpsertLead({2, {{"score", Int(5)}}}));
    REQUIRE_OK(engine->UpsertLead({3, {{"score", Int(500)}}}));
    SegmentDefinition def = Def("Base", {F("score", Op::kGte, int64_t{10})});
    def.category = "Lifecycle";
    def.description = "leads that scored";
    base = MakeSegment(*engine, def);
    top = MakeSegment(*engine,
                      Def("Top", {Condition::Segment("Base", Op::kMember),
                                  F("score", Op::kGte, int64_t{100})}));
  }
};

// REQUIREs that `filters` are rejected with `code` and a message containing
// `text` by CreateSegment, UpdateSegment (of "Top") and PreviewSegment, and
// that nothing changed.
// `also`, when given, must be in the message too.
void RequireRejected(const std::vector<Condition>& filters, StatusCode code,
                     const std::string& text, const std::string& also = "") {
  Fixture f;
  const std::vector<SavedSegment> before = Snapshot(*f.engine);
  const SegmentDefinition def = Def("New", filters);
  REQUIRE_ERROR(f.engine->CreateSegment(def), code, text);
  REQUIRE_ERROR(f.engine->CreateSegment(def), code, also);
  CHECK(Snapshot(*f.engine) == before);
  REQUIRE_ERROR(f.engine->UpdateSegment(f.top, def), code, text);
  CHECK(Snapshot(*f.engine) == before);
  REQUIRE_ERROR(f.engine->PreviewSegment(def, 10), code, text);
  CHECK_FALSE(f.engine->FindSegment("New").ok());
}

struct Rejection {
  std::vector<Condition> filters;
  StatusCode code;
  std::string text;
  std::string also = "";
};

void RequireAllRejected(const std::vector<Rejection>& cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i << ": expecting " << cases[i].text << " / "
                 << cases[i].also);
    RequireRejected(cases[i].filters, cases[i].code, cases[i].text,
                    cases[i].also);
  }
}

const Condition kValid = F("score", Op::kGte, int64_t{1});

TEST_CASE("unknown fields are NOT_FOUND and name the condition", "[filter]") {
  RequireAllRejected({
      {{F("nope", Op::kEq, "x")},
       StatusCode::kNotFound,
       "filters[0]: unknown field \"nope\""},
      // Field names are case-sensitive.
      {{kValid, F("Score", Op::kEq, int64_t{1})},
       StatusCode::kNotFound,
       "filters[1]: unknown field \"Score\""},
      {{kValid, kValid, F("", Op::kEmpty)},
       StatusCode::kNotFound,
       "filters[2]: unknown field \"\""},
  });
}

TEST_CASE(
    "an operator that does not apply to the field type lists the "
    "allowed ones",
    "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  RequireAllRejected({
      {{F("score", Op::kContains, "x")},
       kInvalid,
       "filters[0]: operator \"contains\" does not apply to int64 field "
       "\"score\" (expected one of: eq, neq, gt, gte, lt, lte, between, "
       "empty, not_empty)"},
      {{F("mrr", Op::kHas, "x")},
       kInvalid,
       "filters[0]: operator \"has\" does not apply to double field \"mrr\" "
       "(expected one of: eq, neq, gt, gte, lt, lte, between, empty, "
       "not_empty)"},
      {{kValid, F("email", Op::kGt, int64_t{1})},
       kInvalid,
       "filters[1]: operator \"gt\" does not apply to string field \"email\" "
       "(expected one of: eq, neq, in, not_in, contains, not_contains, "
       "starts_with, ends_with, empty, not_empty)"},
      {{F("country", Op::kContains, "U")},
       kInvalid,
       "filters[0]: operator \"contains\" does not apply to keyword field "
       "\"country\" (expected one of: eq, neq, in, not_in, empty, "
       "not_empty)"},
      {{F("plan", Op::kStartsWith, "U")},
       kInvalid,
       "operator \"starts_with\" does not apply to keyword field \"plan\""},
      {{F("opted", Op::kNeq, true)},
       kInvalid,
       "filters[0]: operator \"neq\" does not apply to bool field \"opted\" "
       "(expected one of: eq, empty, not_empty)"},
      {{F("created_at", Op::kGt, int64_t{5})},
       kInvalid,
       "filters[0]: operator \"gt\" does not apply to timestamp field "
       "\"created_at\" (expected one of: before, after, between, "
       "within_last, older_than, empty, not_empty)"},
      {{F("seen", Op::kEq, int64_t{5})},
       kInvalid,
       "operator \"eq\" does not apply to timestamp field \"seen\""},
      {{F("tags", Op::kEq, "vip")},
       kInvalid,
       "filters[0]: operator \"eq\" does not apply to tags field \"tags\" "
       "(expected one of: has, not_has, has_any, has_all, has_none, empty, "
       "not_empty)"},
      {{F("labels", Op::kIn, List({"a"}))},
       kInvalid,
       "operator \"in\" does not apply to tags field \"labels\""},
      {{F("score", Op::kBefore, int64_t{1})},
       kInvalid,
       "operator \"before\" does not apply to int64 field \"score\""},
      {{F("visits", Op::kWithinLast, Days(1))},
       kInvalid,
       "operator \"within_last\" does not apply to int64 field \"visits\""},
      {{F("bio", Op::kHas, "x")},
       kInvalid,
       "operator \"has\" does not apply to string field \"bio\""},
      {{F("email", Op::kDid)},
       kInvalid,
       "operator \"did\" does not apply to string field \"email\""},
      {{F("score", Op::kMember)},
       kInvalid,
       "operator \"member\" does not apply to int64 field \"score\""},
  });
}

TEST_CASE("an operand of the wrong type says what was expected", "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  RequireAllRejected({
      {{F("score", Op::kEq, "10")},
       kInvalid,
       "filters[0]: field \"score\" (int64) with operator \"eq\" expects an "
       "integer, got string \"10\""},
      // int64 places take integers only; 10.0 is a double.
      {{F("score", Op::kGt, 10.0)},
       kInvalid,
       "filters[0]: field \"score\" (int64) with operator \"gt\" expects an "
       "integer, got number 10"},
      {{F("visits", Op::kLte, true)},
       kInvalid,
       "field \"visits\" (int64) with operator \"lte\" expects an integer"},
      {{F("score", Op::kEq)}, kInvalid, "expects an integer, got nothing"},
      {{F("score", Op::kEq, Days(1))},
       kInvalid,
       "expects an integer, got a duration"},
      {{F("score", Op::kEq, Ints({1}))},
       kInvalid,
       "expects an integer, got a list of 1"},
      {{F("opted", Op::kEq, int64_t{1})},
       kInvalid,
       "filters[0]: field \"opted\" (bool) with operator \"eq\" expects a "
       "boolean, got integer 1"},
      {{F("opted", Op::kEq, "true")},
       kInvalid,
       "expects a boolean, got string \"true\""},
      {{F("opted", Op::kEq)}, kInvalid, "expects a boolean, got nothing"},
      {{F("email", Op::kEq, int64_t{5})},
       kInvalid,
       "filters[0]: field \"email\" (string) with operator \"eq\" expects a "
       "string, got integer 5"},
      {{F("bio", Op::kContains)}, kInvalid, "expects a string, got nothing"},
      {{F("country", Op::kEq, true)},
       kInvalid,
       "field \"country\" (keyword) with operator \"eq\" expects a string, "
       "got boolean true"},
      {{F("tags", Op::kHas, List({"a"}))},
       kInvalid,
       "field \"tags\" (tags) with operator \"has\" expects a string, got a "
       "list of 1"},
      {{F("created_at", Op::kBefore, "2024-01-01")},
       kInvalid,
       "field \"created_at\" (timestamp) with operator \"before\" expects an "
       "integer timestamp (unix seconds), got string \"2024-01-01\""},
      {{F("seen", Op::kAfter, 1.5)},
       kInvalid,
       "expects an integer timestamp (unix seconds), got number 1.5"},
      {{F("mrr", Op::kGt, "1")},
       kInvalid,
       "field \"mrr\" (double) with operator \"gt\" expects a number, got "
       "string \"1\""},
      {{F("mrr", Op::kEq, std::nan(""))}, kInvalid, "not NaN"},
      {{F("mrr", Op::kBetween, Nums({0, std::nan("")}))}, kInvalid, "NaN"},
  });
}

TEST_CASE("list operators need a non-empty list of strings", "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  std::vector<Rejection> cases;
  const std::vector<std::pair<std::string, Op>> list_ops = {
      {"email", Op::kIn},      {"email", Op::kNotIn}, {"country", Op::kIn},
      {"plan", Op::kNotIn},    {"tags", Op::kHasAny}, {"tags", Op::kHasAll},
      {"labels", Op::kHasNone}};
  for (const auto& [field, op] : list_ops) {
    const std::string name(OpName(op));
    cases.push_back(
        {{kValid, F(field, op, std::vector<Scalar>{})},
         kInvalid,
         "filters[1]: operator \"" + name + "\" needs a non-empty list"});
    cases.push_back({{F(field, op, "US")},
                     kInvalid,
                     "with operator \"" + name +
                         "\" expects a non-empty list of strings, got string "
                         "\"US\""});
    cases.push_back({{F(field, op)},
                     kInvalid,
                     "expects a non-empty list of strings, got nothing"});
    cases.push_back(
        {{F(field, op, std::vector<Scalar>{std::string("US"), int64_t{5}})},
         kInvalid,
         "filters[0]: field \"" + field +
             "\" expects strings in the list, got integer 5 at position 1"});
  }
  cases.push_back({{F("tags", Op::kHasAll, std::vector<Scalar>{Scalar{}})},
                   kInvalid,
                   "expects strings in the list, got null at position 0"});
  cases.push_back(
      {{F("country", Op::kIn, std::vector<Scalar>{true, std::string("US")})},
       kInvalid,
       "got boolean true at position 0"});
  cases.push_back(
      {{F("country", Op::kIn, std::vector<Scalar>(10001, std::string("US")))},
       kInvalid,
       "operator \"in\" takes at most 10000 values"});
  RequireAllRejected(cases);

  // The limit itself is fine.
  Fixture f;
  REQUIRE_OK(f.engine->CreateSegment(Def(
      "many",
      {F("country", Op::kIn, std::vector<Scalar>(10000, std::string("US")))})));
}

TEST_CASE("between takes [low, high] with low <= high", "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  RequireAllRejected({
      {{F("score", Op::kBetween, int64_t{5})},
       kInvalid,
       "filters[0]: field \"score\" (int64) with operator \"between\" expects "
       "[low, high], got integer 5"},
      {{F("score", Op::kBetween, Ints({5}))},
       kInvalid,
       "expects [low, high], got a list of 1"},
      {{F("score", Op::kBetween, Ints({1, 2, 3}))},
       kInvalid,
       "expects [low, high], got a list of 3"},
      {{F("score", Op::kBetween)}, kInvalid, "expects [low, high]"},
      {{F("score", Op::kBetween, Ints({5, 1}))},
       kInvalid,
       "filters[0]: between needs low <= high, got integer 5 > integer 1"},
      {{F("mrr", Op::kBetween, Nums({2.5, 1.5}))},
       kInvalid,
       "between needs low <= high, got number 2.5 > number 1.5"},
      {{F("created_at", Op::kBetween, Ints({10, 5}))},
       kInvalid,
       "between needs low <= high"},
      {{F("score", Op::kBetween, List({"1", "2"}))},
       kInvalid,
       "expects an integer, got"},
      {{F("score", Op::kBetween, Nums({1, 2.5}))},
       kInvalid,
       "expects an integer"},
      {{F("seen", Op::kBetween, Nums({1, 2}))},
       kInvalid,
       "expects an integer timestamp (unix seconds)"},
  });
}

TEST_CASE("relative time conditions need a duration of at least 1",
          "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  RequireAllRejected({
      {{F("created_at", Op::kWithinLast)},
       kInvalid,
       "filters[0]: field \"created_at\" (timestamp) with operator "
       "\"within_last\" expects {\"days\": n} or {\"hours\": n}, got nothing"},
      {{F("created_at", Op::kOlderThan, int64_t{5})},
       kInvalid,
       "expects {\"days\": n} or {\"hours\": n}, got integer 5"},
      {{F("created_at", Op::kWithinLast, Days(0))},
       kInvalid,
       "filters[0]: operator \"within_last\" needs a duration",
       "got 0"},
      {{F("seen", Op::kWithinLast, Days(-3))},
       kInvalid,
       "operator \"within_last\" needs a duration",
       "got -3"},
      {{F("seen", Op::kOlderThan, Hours(0))},
       kInvalid,
       "operator \"older_than\" needs a duration",
       "got 0"},
      {{kValid, F("created_at", Op::kOlderThan, Hours(-1))},
       kInvalid,
       "filters[1]: operator \"older_than\" needs a duration"},
      // A span of seconds that does not fit int64.
      {{F("created_at", Op::kWithinLast,
          Days(std::numeric_limits<int64_t>::max()))},
       kInvalid,
       "filters[0]: operator \"within_last\" needs a duration",
       "got 9223372036854775807"},
      {{F("created_at", Op::kOlderThan,
          Hours(std::numeric_limits<int64_t>::max() / kSecondsPerHour + 1))},
       kInvalid,
       "filters[0]: operator \"older_than\""},
  });
}

TEST_CASE("a JSON duration names days or hours, not both", "[filter]") {
  for (const char* value : {"{\"days\": 1, \"hours\": 2}", "{}"}) {
    INFO(value);
    const std::string json =
        std::string(
            "{\"name\": \"x\", \"filters\": [{\"field\": "
            "\"created_at\", \"op\": \"within_last\", \"value\": ") +
        value + "}]}";
    REQUIRE_ERROR(ParseSegmentJson(json), StatusCode::kInvalidArgument,
                  "filters[0].value: expected {\"days\": n} or {\"hours\": n}");
  }
  // JSON 10.0 stays a double and is no integer.
  auto parsed = ParseSegmentJson(
      "{\"name\": \"x\", \"filters\": [{\"field\": \"score\", \"op\": \"eq\", "
      "\"value\": 10.0}]}");
  REQUIRE_OK(parsed);
  Fixture f;
  REQUIRE_ERROR(f.engine->CreateSegment(*parsed), StatusCode::kInvalidArgument,
                "filters[0]: field \"score\" (int64) with operator \"eq\" "
                "expects an integer, got number 10");
}

TEST_CASE(
    "activity conditions: did or did_not, qualifiers at least 1, a "
    "type",
    "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  auto activity = [](std::string type, Op op, int64_t at_least = 1,
                     std::optional<int64_t> within_days = std::nullopt) {
    return Condition::Activity(std::move(type), op, std::nullopt, at_least,
                               within_days);
  };
  RequireAllRejected({
      {{activity("email_open", Op::kEq)},
       kInvalid,
       "filters[0]: operator \"eq\" does not apply to activity conditions "
       "(expected did or did_not)"},
      {{kValid, activity("email_open", Op::kMember)},
       kInvalid,
       "filters[1]: operator \"member\" does not apply to activity"},
      {{activity("email_open", Op::kDid, 0)},
       kInvalid,
       "filters[0]: \"at_least\" must be at least 1, got 0"},
      {{activity("email_open", Op::kDidNot, -2)},
       kInvalid,
       "\"at_least\" must be at least 1, got -2"},
      {{activity("email_open", Op::kDid, 1, 0)},
       kInvalid,
       "filters[0]: \"within_days\" must be",
       "got 0"},
      {{activity("email_open", Op::kDidNot, 1, -5)},
       kInvalid,
       "\"within_days\" must be",
       "got -5"},
      {{activity("email_open", Op::kDid, 1,
                 std::numeric_limits<int64_t>::max())},
       kInvalid,
       "filters[0]: \"within_days\" must be",
       "got 9223372036854775807"},
      {{activity("", Op::kDid)},
       kInvalid,
       "filters[0]: activity type must not be empty"},
      {{activity(std::string(257, 'e'), Op::kDid)},
       kInvalid,
       "filters[0]: activity type is longer than 256 bytes"},
  });
  Fixture f;
  REQUIRE_OK(f.engine->CreateSegment(
      Def("ok", {activity(std::string(256, 'e'), Op::kDid, 1, 1)})));
}

TEST_CASE("segment conditions: known segment, member or not_member",
          "[filter]") {
  RequireAllRejected({
      {{Condition::Segment("Nope", Op::kMember)},
       StatusCode::kNotFound,
       "filters[0]: unknown segment \"Nope\""},
      {{kValid, Condition::Segment("", Op::kNotMember)},
       StatusCode::kNotFound,
       "filters[1]: unknown segment \"\""},
      {{Condition::Segment("Base", Op::kEq)},
       StatusCode::kInvalidArgument,
       "filters[0]: operator \"eq\" does not apply to segment conditions "
       "(expected member or not_member)"},
      {{Condition::Segment("Base", Op::kDid)},
       StatusCode::kInvalidArgument,
       "operator \"did\" does not apply to segment conditions"},
  });
}

TEST_CASE("the first bad condition is reported", "[filter]") {
  RequireRejected({kValid, F("score", Op::kEq, "x"), F("nope", Op::kEq, "x")},
                  StatusCode::kInvalidArgument, "filters[1]:");
  RequireRejected(
      {kValid, kValid, F("nope", Op::kEq, "x"), F("score", Op::kEq, "x")},
      StatusCode::kNotFound, "filters[2]:");
}

TEST_CASE("a segment has at most 256 conditions", "[filter]") {
  RequireRejected(std::vector<Condition>(257, kValid),
                  StatusCode::kInvalidArgument,
                  "a segment has at most 256 conditions, got 257");
  Fixture f;
  auto created =
      f.engine->CreateSegment(Def("wide", std::vector<Condition>(256, kValid)));
  REQUIRE_OK(created);
  CHECK(MembersOf(*f.engine, static_cast<SegmentId>(created->id)) ==
        Ids({1, 2, 3}));
}

TEST_CASE("a string operand is at most 64 KiB, as a stored value", "[filter]") {
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  const std::string big(64 * 1024 + 1, 'x');
  const std::string fits(64 * 1024, 'x');
  RequireAllRejected({
      {{F("email", Op::kContains, big)},
       kInvalid,
       "filters[0]: field \"email\" with operator \"contains\": the value is "
       "longer than 65536 bytes"},
      {{kValid, F("plan", Op::kEq, big)}, kInvalid, "filters[1]: "},
      {{F("country", Op::kIn, std::vector<Scalar>{std::string("US"), big})},
       kInvalid,
       "the value at position 1 is longer than 65536 bytes"},
      {{F("labels", Op::kHasAll, std::vector<Scalar>{big})},
       kInvalid,
       "longer than 65536 bytes"},
      {{F("tags", Op::kHas, big)}, kInvalid, "longer than 65536 bytes"},
  });
  Fixture f;
  REQUIRE_OK(f.engine->CreateSegment(
      Def("fits", {F("email", Op::kContains, fits),
                   F("country", Op::kIn, std::vector<Scalar>{fits})})));
}

TEST_CASE("a reference cycle is rejected at save", "[filter]") {
  Fixture f;
  const std::vector<SavedSegment> before = Snapshot(*f.engine);

  // Self reference on update.
  REQUIRE_ERROR(
      f.engine->UpdateSegment(
          f.base, Def("Base", {Condition::Segment("base", Op::kMember)})),
      StatusCode::kInvalidArgument,
      "filters[0]: referencing segment \"Base\" from itself would create a "
      "cycle");
  CHECK(Snapshot(*f.engine) == before);

  // Top -> Base; making Base read Top closes the loop.
  REQUIRE_ERROR(
      f.engine->UpdateSegment(
          f.base,
          Def("Base", {kValid, Condition::Segment("Top", Op::kNotMember)})),
      StatusCode::kInvalidArgument,
      "filters[1]: referencing segment \"Top\", which depends on this "
      "segment, would create a cycle");
  CHECK(Snapshot(*f.engine) == before);

  // Through a longer chain: Deep -> Top -> Base.
  const SegmentId deep = MakeSegment(
      *f.engine, Def("Deep", {Condition::Segment("Top", Op::kMember)}));
  const std::vector<SavedSegment> with_deep = Snapshot(*f.engine);
  REQUIRE_ERROR(
      f.engine->UpdateSegment(
          f.base, Def("Base", {Condition::Segment("Deep", Op::kMember)})),
      StatusCode::kInvalidArgument, "cycle");
  CHECK(Snapshot(*f.engine) == with_deep);
  // Renaming in the same update does not hide the cycle.
  REQUIRE_ERROR(
      f.engine->UpdateSegment(
          f.top, Def("Renamed", {Condition::Segment("Deep", Op::kMember)})),
      StatusCode::kInvalidArgument, "cycle");
  CHECK(Snapshot(*f.engine) == with_deep);

  // Shared dependencies without a loop are fine (a diamond).
  REQUIRE_OK(f.engine->UpdateSegment(
      deep, Def("Deep", {Condition::Segment("Top", Op::kMember),
                         Condition::Segment("Base", Op::kMember)})));
  // Keeping an existing reference on update is no cycle.
  REQUIRE_OK(f.engine->UpdateSegment(
      f.top, Def("Top", {Condition::Segment("Base", Op::kMember)})));
  CHECK(MembersOf(*f.engine, deep) == Ids({1, 3}));
}

TEST_CASE("segment names: trimmed, 1..200 characters, unique ignoring case",
          "[filter]") {
  Fixture f;
  const std::vector<SavedSegment> before = Snapshot(*f.engine);
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "segment name must not be empty"},
      {" \t\n ", "segment name must not be empty"},
      {std::string(201, 'x'), "segment name is longer than 200 characters"},
      {" " + std::string(201, 'x') + " ",
       "segment name is longer than 200 characters"},
  };
  std::string e201;
  for (int i = 0; i < 201; ++i) e201 += "\xC3\xA9";  // "é"
  for (const auto& [name, text] : bad) {
    INFO("name \"" << name << "\"");
    REQUIRE_ERROR(f.engine->CreateSegment(Def(name, {kValid})), kInvalid, text);
    REQUIRE_ERROR(f.engine->UpdateSegment(f.top, Def(name, {kValid})), kInvalid,
                  text);
    if (!name.empty()) {  // a preview may omit the name
      REQUIRE_ERROR(f.engine->PreviewSegment(Def(name, {kValid}), 5), kInvalid,
                    text);
    }
    CHECK(Snapshot(*f.engine) == before);
  }
  REQUIRE_ERROR(f.engine->CreateSegment(Def(e201, {kValid})), kInvalid,
                "longer than 200 characters");

  for (const std::string name : {"base", " BASE ", "bAsE\t"}) {
    INFO("name \"" << name << "\"");
    REQUIRE_ERROR(f.engine->CreateSegment(Def(name, {})),
                  StatusCode::kAlreadyExists, "already exists");
    REQUIRE_ERROR(f.engine->UpdateSegment(f.top, Def(name, {})),
                  StatusCode::kAlreadyExists, "already exists");
    CHECK(Snapshot(*f.engine) == before);
  }

  // Valid edges: 200 characters (counted as characters, not bytes), and
  // surrounding white space is trimmed before counting and storing.
  const SegmentId wide = MakeSegment(*f.engine, Def(std::string(200, 'x'), {}));
  e201.resize(400);  // 200 × "é"
  const SegmentId accented = MakeSegment(*f.engine, Def(e201, {}));
  const SegmentId trimmed =
      MakeSegment(*f.engine, Def("  Spaced Out \t", {kValid}));
  auto got = f.engine->GetSegment(trimmed);
  REQUIRE_OK(got);
  CHECK(got->definition.name == "Spaced Out");
  CHECK(f.engine->FindSegment("SPACED OUT").value() == trimmed);
  CHECK(f.engine->FindSegment(std::string(200, 'X')).value() == wide);
  CHECK(f.engine->GetSegment(accented)->definition.name == e201);

  // A case-only rename of a segment is no clash with itself.
  REQUIRE_OK(f.engine->UpdateSegment(f.base, Def("BASE", {kValid})));
  CHECK(f.engine->GetSegment(f.base)->definition.name == "BASE");
  CHECK(f.engine->FindSegment("base").value() == f.base);

  // Preview: the name may be omitted or equal an existing segment's.
  REQUIRE_OK(f.engine->PreviewSegment(Def("", {kValid}), 5));
  REQUIRE_OK(f.engine->PreviewSegment(Def("top", {kValid}), 5));
}

TEST_CASE("categories of a segment must exist", "[filter]") {
  Fixture f;
  const std::vector<SavedSegment> before = Snapshot(*f.engine);
  for (const std::string category : {"Nope", ""}) {
    SegmentDefinition def = Def("New", {kValid});
    def.category = category;
    INFO("category \"" << category << "\"");
    REQUIRE_ERROR(f.engine->CreateSegment(def), StatusCode::kNotFound,
                  "unknown category \"" + category + "\"");
    REQUIRE_ERROR(f.engine->UpdateSegment(f.top, def), StatusCode::kNotFound,
                  "unknown category");
    REQUIRE_ERROR(f.engine->PreviewSegment(def, 5), StatusCode::kNotFound,
                  "unknown category");
    CHECK(Snapshot(*f.engine) == before);
  }
  // Looked up ignoring case, reported in the stored spelling.
  SegmentDefinition def = Def("New", {kValid});
  def.category = "LIFECYCLE";
  const SegmentId id = MakeSegment(*f.engine, def);
  CHECK(f.engine->GetSegment(id)->definition.category ==
        std::optional<std::string>("Lifecycle"));
}

TEST_CASE("a description longer than 64 KiB is rejected", "[filter]") {
  Fixture f;
  const std::vector<SavedSegment> before = Snapshot(*f.engine);
  SegmentDefinition def = Def("New", {kValid});
  def.description = std::string(64 * 1024 + 1, 'd');
  REQUIRE_ERROR(f.engine->CreateSegment(def), StatusCode::kInvalidArgument,
                "description is longer than");
  REQUIRE_ERROR(f.engine->UpdateSegment(f.base, def),
                StatusCode::kInvalidArgument, "description is longer than");
  CHECK(Snapshot(*f.engine) == before);
}

TEST_CASE("updating or deleting an unknown segment is NOT_FOUND", "[filter]") {
  Fixture f;
  const std::vector<SavedSegment> before = Snapshot(*f.engine);
  REQUIRE_ERROR(f.engine->UpdateSegment(999, Def("x", {kValid})),
                StatusCode::kNotFound, "unknown segment id 999");
  REQUIRE_ERROR(f.engine->DeleteSegment(999), StatusCode::kNotFound,
                "unknown segment id 999");
  CHECK(Snapshot(*f.engine) == before);
}

}  // namespace
}  // namespace audience::testing
