// Segment definitions in JSON (io/segment_json.h): every key, errors with
// paths, and the round trip through WriteSegment.
#include "io/segment_json.h"

#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

class Dom {
 public:
  simdjson::dom::element Parse(const std::string& json) {
    simdjson::dom::element e;
    INFO(json);
    REQUIRE(parser_.parse(json).get(e) == simdjson::SUCCESS);
    return e;
  }

 private:
  simdjson::dom::parser parser_;
};

bool Same(const Condition& a, const Condition& b) { return a == b; }
bool SameValue(const Operand& a, const Operand& b) { return a == b; }

void CheckSameDefinition(const SegmentDefinition& a,
                         const SegmentDefinition& b) {
  CHECK(a.name == b.name);
  CHECK(a.category == b.category);
  CHECK(a.is_public == b.is_public);
  CHECK(a.description == b.description);
  REQUIRE(a.filters.size() == b.filters.size());
  for (size_t i = 0; i < a.filters.size(); ++i) {
    INFO("filters[" << i << "]");
    CHECK(a.filters[i] == b.filters[i]);
  }
}

absl::StatusOr<SegmentDefinition> Parse(Dom& dom, const std::string& json,
                                        bool require_name = true) {
  return ParseSegmentDefinition(dom.Parse(json), require_name);
}

TEST_CASE("ParseSegmentDefinition reads every key", "[io]") {
  Dom dom;
  auto def = Parse(dom, R"({
    "name": "US VIPs", "category": "Lifecycle", "public": true,
    "description": "big ones", "unknown_key": [1, 2],
    "filters": [
      {"field": "country", "op": "in", "value": ["US", "CA"]},
      {"field": "score", "op": "gte", "value": 500},
      {"field": "mrr", "op": "between", "value": [1.5, 2]},
      {"field": "tags", "op": "has", "value": "vip"},
      {"field": "opted", "op": "eq", "value": false},
      {"field": "created_at", "op": "within_last", "value": {"days": 90}},
      {"field": "seen", "op": "older_than", "value": {"hours": 6}},
      {"field": "stage", "op": "empty"},
      {"field": "stage", "op": "not_empty", "value": null},
      {"activity": "email_open", "object": 17, "op": "did", "within_days": 30},
      {"activity": "form_submit", "op": "did", "at_least": 3},
      {"activity": "page_visit", "op": "did_not", "object": null},
      {"segment": "Newsletter", "op": "not_member"}]})");
  REQUIRE_OK(def);
  CHECK(def->name == "US VIPs");
  CHECK(def->category == "Lifecycle");
  CHECK(def->is_public);
  CHECK(def->description == "big ones");
  REQUIRE(def->filters.size() == 13);
  const auto& f = def->filters;
  CHECK(Same(f[0], F("country", Op::kIn, List({"US", "CA"}))));
  CHECK(Same(f[1], F("score", Op::kGte, int64_t{500})));
  CHECK(Same(f[2], F("mrr", Op::kBetween,
                     std::vector<Scalar>{Scalar(1.5), Scalar(int64_t{2})})));
  CHECK(Same(f[3], F("tags", Op::kHas, std::string("vip"))));
  CHECK(Same(f[4], F("opted", Op::kEq, false)));
  CHECK(Same(f[5], F("created_at", Op::kWithinLast,
                     Duration{90, Duration::Unit::kDays})));
  CHECK(Same(f[6],
             F("seen", Op::kOlderThan, Duration{6, Duration::Unit::kHours})));
  CHECK(Same(f[7], F("stage", Op::kEmpty)));
  CHECK(Same(f[8], F("stage", Op::kNotEmpty)));
  CHECK(Same(f[9], Condition::Activity("email_open", Op::kDid, 17, 1, 30)));
  CHECK(Same(f[10],
             Condition::Activity("form_submit", Op::kDid, std::nullopt, 3)));
  CHECK(Same(f[11], Condition::Activity("page_visit", Op::kDidNot)));
  CHECK(Same(f[12], Condition::Segment("Newsletter", Op::kNotMember)));
}

TEST_CASE("ParseSegmentDefinition defaults and nulls", "[io]") {
  Dom dom;
  auto def = Parse(dom, R"({"name": "Manual", "category": null,
                            "public": null, "description": null,
                            "filters": null})");
  REQUIRE_OK(def);
  CHECK(def->name == "Manual");
  CHECK_FALSE(def->category.has_value());
  CHECK_FALSE(def->is_public);
  CHECK(def->description.empty());
  CHECK(def->filters.empty());
  // "" is a category name (an unknown one), not "uncategorised".
  auto empty_category = Parse(dom, R"({"name": "x", "category": ""})");
  REQUIRE_OK(empty_category);
  CHECK(empty_category->category == std::string());
  // Names are checked here and kept as written; the engine trims them.
  auto spaced = Parse(dom, R"({"name": "  padded  "})");
  REQUIRE_OK(spaced);
  CHECK(spaced->name == "  padded  ");
}

TEST_CASE("ParseSegmentDefinition name is required unless previewing", "[io]") {
  Dom dom;
  REQUIRE_ERROR(Parse(dom, R"({"filters": []})"),
                absl::StatusCode::kInvalidArgument,
                "segment: missing \"name\"");
  REQUIRE_ERROR(Parse(dom, R"({"name": null})"),
                absl::StatusCode::kInvalidArgument,
                "segment: missing \"name\"");
  auto preview = Parse(dom, R"({"filters": []})", /*require_name=*/false);
  REQUIRE_OK(preview);
  CHECK(preview->name.empty());
}

TEST_CASE("ParseSegmentDefinition checks a given name", "[io]") {
  Dom dom;
  for (bool require_name : {true, false}) {
    INFO("require_name " << require_name);
    REQUIRE_ERROR(Parse(dom, R"({"name": ""})", require_name),
                  absl::StatusCode::kInvalidArgument,
                  "segment name must not be empty");
    REQUIRE_ERROR(Parse(dom, R"({"name": " \t "})", require_name),
                  absl::StatusCode::kInvalidArgument,
                  "segment name must not be empty");
    REQUIRE_ERROR(Parse(dom, R"({"name": ")" + std::string(201, 'n') + "\"}",
                        require_name),
                  absl::StatusCode::kInvalidArgument,
                  "segment name is longer than 200 characters");
    REQUIRE_OK(Parse(dom, R"({"name": ")" + std::string(200, 'n') + "\"}",
                     require_name));
  }
}

TEST_CASE("ParseSegmentDefinition wrong types name their path", "[io]") {
  Dom dom;
  auto error = [&](const std::string& json, const std::string& text) {
    INFO(json);
    REQUIRE_ERROR(Parse(dom, json), absl::StatusCode::kInvalidArgument, text);
  };
  error("[]", "segment: expected an object, got an array");
  error(R"({"name": 5})", "name: expected a string, got 5");
  error(R"({"name": "x", "category": 1})",
        "category: expected a string, got 1");
  error(R"({"name": "x", "public": "yes"})",
        "public: expected true or false, got string \"yes\"");
  error(R"({"name": "x", "description": []})",
        "description: expected a string, got an array");
  error(R"({"name": "x", "filters": {}})",
        "filters: expected an array, got an object");
  error(R"({"name": "x", "filters": [{"field": "a", "op": "eq"}, 3]})",
        "filters[1]: expected an object, got 3");
  error(R"({"name": "x", "filters": [{"field": "a", "op": "eq"},
                                      {"field": "b", "op": 5}]})",
        "filters[1].op: expected a string, got 5");
  error(R"({"name": "x", "filters": [{"field": "a"}]})",
        "filters[0]: missing \"op\"");
  error(R"({"name": "x", "filters": [{"field": "a", "op": "equals"}]})",
        "filters[0]: unknown operator \"equals\"");
  error(R"({"name": "x", "filters": [{"field": "a", "op": "EQ"}]})",
        "filters[0]: unknown operator \"EQ\"");
  error(R"({"name": "x", "filters": [{"field": 1, "op": "eq"}]})",
        "filters[0].field: expected a string, got 1");
  error(R"({"name": "x", "filters": [{"activity": false, "op": "did"}]})",
        "filters[0].activity: expected a string, got false");
  error(R"({"name": "x", "filters": [{"segment": [], "op": "member"}]})",
        "filters[0].segment: expected a string, got an array");
  error(
      R"({"name": "x", "filters": [{"activity": "a", "op": "did", "at_least": "3"}]})",
      "filters[0].at_least: expected an integer, got string \"3\"");
  error(
      R"({"name": "x", "filters": [{"activity": "a", "op": "did", "object": 1.5}]})",
      "filters[0].object: expected an integer, got 1.5");
  error(
      R"({"name": "x", "filters": [{"activity": "a", "op": "did", "within_days": true}]})",
      "filters[0].within_days: expected an integer, got true");
  error(
      R"({"name": "x", "filters": [{"field": "a", "op": "in", "value": ["a", ["b"]]}]})",
      "filters[0].value[1]: expected a string, number or boolean, got an "
      "array");
  error(
      R"({"name": "x", "filters": [{"field": "a", "op": "in", "value": [{}]}]})",
      "filters[0].value[0]: expected a string, number or boolean, got an "
      "object");
  error(
      R"({"name": "x", "filters": [{"field": "a", "op": "eq", "value": 18446744073709551615}]})",
      "filters[0].value: number 18446744073709551615 is out of range");
  error(R"({"name": "x", "description": ")" + std::string(64 * 1024 + 1, 'd') +
            "\"}",
        "description: longer than 65536 bytes");
}

TEST_CASE("ParseSegmentDefinition needs exactly one subject", "[io]") {
  Dom dom;
  for (
      const char* json : {
          R"({"name": "x", "filters": [{"op": "eq"}]})",
          R"({"name": "x", "filters": [{"field": "a", "activity": "b", "op": "eq"}]})",
          R"({"name": "x", "filters": [{"field": "a", "segment": "b", "op": "eq"}]})",
          R"({"name": "x", "filters": [{"activity": "a", "segment": "b", "op": "did"}]})",
          R"({"name": "x", "filters": [{"field": null, "op": "eq"}]})",
      }) {
    INFO(json);
    REQUIRE_ERROR(Parse(dom, json), absl::StatusCode::kInvalidArgument,
                  "filters[0]: a condition names exactly one of \"field\", "
                  "\"activity\" or \"segment\"");
  }
}

TEST_CASE("ParseSegmentDefinition durations", "[io]") {
  Dom dom;
  auto duration = [&](const std::string& value) {
    return Parse(
        dom,
        R"({"name": "x", "filters": [{"field": "t", "op": "within_last", "value": )" +
            value + "}]}");
  };
  auto days = duration(R"({"days": 3})");
  REQUIRE_OK(days);
  CHECK(SameValue(days->filters[0].value, Duration{3, Duration::Unit::kDays}));
  auto hours = duration(R"({"hours": 2, "ignored": true})");
  REQUIRE_OK(hours);
  CHECK(
      SameValue(hours->filters[0].value, Duration{2, Duration::Unit::kHours}));
  // Only the shape is checked here; n >= 1 is the engine's rule.
  auto zero = duration(R"({"days": 0})");
  REQUIRE_OK(zero);
  REQUIRE_ERROR(duration(R"({"days": 1, "hours": 1})"),
                absl::StatusCode::kInvalidArgument,
                "filters[0].value: expected {\"days\": n} or {\"hours\": n}");
  REQUIRE_ERROR(duration("{}"), absl::StatusCode::kInvalidArgument,
                "filters[0].value: expected {\"days\": n} or {\"hours\": n}");
  REQUIRE_ERROR(duration(R"({"weeks": 1})"), absl::StatusCode::kInvalidArgument,
                "{\"days\": n}");
  REQUIRE_ERROR(duration(R"({"days": 1.5})"),
                absl::StatusCode::kInvalidArgument,
                "filters[0].value.days: expected an integer, got 1.5");
  REQUIRE_ERROR(duration(R"({"hours": "2"})"),
                absl::StatusCode::kInvalidArgument,
                "filters[0].value.hours: expected an integer");
}

TEST_CASE("WriteSegment writes every key", "[io]") {
  Segment s;
  s.id = 4;
  s.member_count = 12;
  s.definition.name = "A \"quoted\" name";
  s.definition.filters = {F("score", Op::kGt, int64_t{1})};
  JsonWriter out;
  WriteSegment(s, out);
  CHECK(
      out.str() ==
      R"({"id":4,"name":"A \"quoted\" name","category":null,"public":false,)"
      R"("description":"","filters":[{"field":"score","op":"gt","value":1}],"count":12})");
}

TEST_CASE("WriteCondition omits defaults", "[io]") {
  auto write = [](const Condition& c) {
    JsonWriter out;
    WriteCondition(c, out);
    return out.Take();
  };
  CHECK(write(F("stage", Op::kEmpty)) == R"({"field":"stage","op":"empty"})");
  CHECK(write(Condition::Activity("open", Op::kDid)) ==
        R"({"activity":"open","op":"did"})");
  CHECK(
      write(Condition::Activity("open", Op::kDidNot, 0, 2, 7)) ==
      R"({"activity":"open","object":0,"op":"did_not","at_least":2,"within_days":7})");
  CHECK(write(Condition::Segment("Other", Op::kMember)) ==
        R"({"segment":"Other","op":"member"})");
}

TEST_CASE("Segment definitions round trip through WriteSegment", "[io]") {
  Segment s;
  s.id = 9;
  s.member_count = 3;
  SegmentDefinition& d = s.definition;
  d.name = "Round \xC3\xA9 trip\n";
  d.category = "Life\"cycle";
  d.is_public = true;
  d.description = "line1\nline2\t\\";
  d.filters = {
      F("country", Op::kNotIn, List({"US", "ca"})),
      F("score", Op::kBetween,
        std::vector<Scalar>{Scalar(int64_t{-5}), Scalar(int64_t{5})}),
      F("mrr", Op::kLt, 2.0),  // an integral double stays a double
      F("mrr", Op::kGte, -0.125),
      F("opted", Op::kEq, true),
      F("email", Op::kContains, std::string("@GMAIL")),
      F("stage", Op::kNotEmpty),
      F("mixed", Op::kIn,
        std::vector<Scalar>{Scalar(), Scalar(false), Scalar(int64_t{1}),
                            Scalar(1.0), Scalar(std::string("s"))}),
      F("created_at", Op::kWithinLast, Duration{90, Duration::Unit::kDays}),
      F("created_at", Op::kOlderThan, Duration{1, Duration::Unit::kHours}),
      Condition::Activity("email_open", Op::kDid, 17, 1, 30),
      Condition::Activity("form_submit", Op::kDidNot, std::nullopt, 3),
      Condition::Activity("neg", Op::kDid, -4),
      Condition::Segment("Newsletter", Op::kMember),
  };
  JsonWriter out;
  WriteSegment(s, out);
  Dom dom;
  auto parsed = ParseSegmentDefinition(dom.Parse(out.str()), true);
  REQUIRE_OK(parsed);
  CheckSameDefinition(*parsed, d);

  // The uncategorised, empty definition too.
  Segment bare;
  bare.definition.name = "bare";
  JsonWriter bare_out;
  WriteSegment(bare, bare_out);
  auto bare_parsed = ParseSegmentDefinition(dom.Parse(bare_out.str()), true);
  REQUIRE_OK(bare_parsed);
  CheckSameDefinition(*bare_parsed, bare.definition);
}

TEST_CASE("ParseCondition alone uses its index in paths", "[io]") {
  Dom dom;
  REQUIRE_ERROR(ParseCondition(dom.Parse(R"({"field": "a"})"), 7),
                absl::StatusCode::kInvalidArgument,
                "filters[7]: missing \"op\"");
  auto c = ParseCondition(
      dom.Parse(R"({"segment": "S", "op": "member", "value": 1})"), 0);
  REQUIRE_OK(c);
  CHECK(c->kind == Condition::Kind::kSegment);
  CHECK(std::holds_alternative<std::monostate>(c->value));  // ignored
}

}  // namespace
}  // namespace audience::testing
