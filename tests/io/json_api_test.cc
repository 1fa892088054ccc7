// The public JSON helpers (audience/json.h).
#include <simdjson.h>

#include <string>

#include "audience/json.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("ParseSegmentJson parses a definition", "[io]") {
  auto def = ParseSegmentJson(
      R"({"name": "US VIPs", "public": true,
          "filters": [{"field": "country", "op": "eq", "value": "US"}]})");
  REQUIRE_OK(def);
  CHECK(def->name == "US VIPs");
  CHECK(def->is_public);
  REQUIRE(def->filters.size() == 1);
  CHECK(def->filters[0].subject == "country");
  CHECK(def->filters[0].op == Op::kEq);
  CHECK(std::get<std::string>(def->filters[0].value) == "US");
}

TEST_CASE("ParseSegmentJson errors", "[io]") {
  REQUIRE_ERROR(ParseSegmentJson("{\"name\": "),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
  REQUIRE_ERROR(ParseSegmentJson(""), absl::StatusCode::kInvalidArgument,
                "malformed JSON");
  REQUIRE_ERROR(ParseSegmentJson("{\"name\": \"x\"} trailing"),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
  REQUIRE_ERROR(ParseSegmentJson("\"a segment\""),
                absl::StatusCode::kInvalidArgument,
                "segment: expected an object, got string \"a segment\"");
  REQUIRE_ERROR(ParseSegmentJson("{}"), absl::StatusCode::kInvalidArgument,
                "segment: missing \"name\"");
  REQUIRE_ERROR(
      ParseSegmentJson(
          R"({"name": "x", "filters": [{"field": "a", "op": "nope"}]})"),
      absl::StatusCode::kInvalidArgument,
      "filters[0]: unknown operator \"nope\"");
}

TEST_CASE("ParseSegmentJson and ParseFieldJson reject repeated keys", "[io]") {
  REQUIRE_ERROR(ParseSegmentJson(R"({"name": "a", "name": "b"})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"name\"");
  REQUIRE_ERROR(
      ParseSegmentJson(R"({"name": "x", "filters": [{"field": "score",)"
                       R"( "op": "gt", "value": 1}, {"field": "score",)"
                       R"( "op": "gt", "value": 1, "value": 2}]})"),
      absl::StatusCode::kInvalidArgument,
      "filters[1]: duplicate key \"value\"");
  REQUIRE_ERROR(
      ParseSegmentJson(R"({"name": "x", "filters": [{"field": "created_at",)"
                       R"( "op": "within_last", "value": {"days": 1,)"
                       R"( "days": 2}}]})"),
      absl::StatusCode::kInvalidArgument,
      "filters[0].value: duplicate key \"days\"");
  REQUIRE_ERROR(
      ParseFieldJson(R"({"name": "a", "type": "bool", "type": "tags"})"),
      absl::StatusCode::kInvalidArgument, "duplicate key \"type\"");
}

TEST_CASE("ParseSegmentJson reads text that is not NUL-terminated", "[io]") {
  const std::string buffer = R"({"name": "Cut"}XXXX)";
  auto def = ParseSegmentJson(std::string_view(buffer).substr(0, 15));
  REQUIRE_OK(def);
  CHECK(def->name == "Cut");
}

TEST_CASE("SegmentToJson writes a segment that parses back", "[io]") {
  Segment s;
  s.id = 3;
  s.member_count = 41;
  s.definition = Def("Warm", {F("score", Op::kGte, int64_t{100}),
                              F("created_at", Op::kWithinLast,
                                Duration{7, Duration::Unit::kDays})});
  s.definition.category = "Lifecycle";
  const std::string json = SegmentToJson(s);
  CHECK(
      json ==
      R"({"id":3,"name":"Warm","category":"Lifecycle","public":false,)"
      R"("description":"","filters":[{"field":"score","op":"gte","value":100},)"
      R"({"field":"created_at","op":"within_last","value":{"days":7}}],"count":41})");
  auto back = ParseSegmentJson(json);
  REQUIRE_OK(back);
  CHECK(back->name == "Warm");
  CHECK(back->category == "Lifecycle");
  REQUIRE(back->filters.size() == 2);
  CHECK(std::get<int64_t>(back->filters[0].value) == 100);
  CHECK(std::get<Duration>(back->filters[1].value).amount == 7);
}

TEST_CASE("ParseFieldJson reads a field declaration", "[io]") {
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, FieldType>>{
           {"string", FieldType::kString},
           {"keyword", FieldType::kKeyword},
           {"int64", FieldType::kInt64},
           {"double", FieldType::kDouble},
           {"bool", FieldType::kBool},
           {"timestamp", FieldType::kTimestamp},
           {"tags", FieldType::kTags}}) {
    auto field = ParseFieldJson(R"({"name": "f", "type": ")" + name + "\"}");
    REQUIRE_OK(field);
    CHECK(field->name == "f");
    CHECK(field->type == type);
    CHECK_FALSE(field->standard);
  }
}

TEST_CASE("ParseFieldJson errors", "[io]") {
  REQUIRE_ERROR(ParseFieldJson("{"), absl::StatusCode::kInvalidArgument,
                "malformed JSON");
  REQUIRE_ERROR(ParseFieldJson("[]"), absl::StatusCode::kInvalidArgument,
                "field: expected an object, got an array");
  REQUIRE_ERROR(ParseFieldJson(R"({"name": "plan"})"),
                absl::StatusCode::kInvalidArgument,
                "a field needs \"name\" and \"type\"");
  REQUIRE_ERROR(ParseFieldJson(R"({"type": "keyword"})"),
                absl::StatusCode::kInvalidArgument,
                "a field needs \"name\" and \"type\"");
  REQUIRE_ERROR(ParseFieldJson(R"({"name": 5, "type": "keyword"})"),
                absl::StatusCode::kInvalidArgument,
                "name: expected a string, got 5");
  REQUIRE_ERROR(ParseFieldJson(R"({"name": "plan", "type": ["keyword"]})"),
                absl::StatusCode::kInvalidArgument,
                "type: expected a string, got an array");
  REQUIRE_ERROR(ParseFieldJson(R"({"name": "plan", "type": "Keyword"})"),
                absl::StatusCode::kInvalidArgument,
                "unknown field type \"Keyword\" (expected string, keyword, "
                "int64, double, bool, timestamp or tags)");
}

}  // namespace
}  // namespace audience::testing
