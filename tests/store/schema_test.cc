// The field registry (store/schema.h).
#include "store/schema.h"

#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("Schema starts with the standard fields", "[store]") {
  Schema schema;
  const std::vector<std::pair<std::string, FieldType>> expected = {
      {"email", FieldType::kString},  {"country", FieldType::kKeyword},
      {"stage", FieldType::kKeyword}, {"score", FieldType::kInt64},
      {"tags", FieldType::kTags},     {"created_at", FieldType::kTimestamp}};
  REQUIRE(schema.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const FieldDefinition& f = schema.field(static_cast<FieldId>(i));
    INFO(f.name);
    CHECK(f.name == expected[i].first);
    CHECK(f.type == expected[i].second);
    CHECK(f.standard);
    CHECK(schema.Find(expected[i].first) == static_cast<FieldId>(i));
  }
  CHECK(schema.field(schema.tags_field()).name == "tags");
  CHECK_FALSE(schema.Find("id").has_value());
  CHECK_FALSE(schema.Find("Email").has_value());  // case-sensitive
}

TEST_CASE("Schema Define adds custom fields with dense ids", "[store]") {
  Schema schema;
  auto plan = schema.Define("plan", FieldType::kKeyword);
  REQUIRE_OK(plan);
  CHECK(*plan == 6);
  auto mrr = schema.Define("mrr", FieldType::kDouble);
  REQUIRE_OK(mrr);
  CHECK(*mrr == 7);
  CHECK(schema.Find("plan") == 6u);
  CHECK_FALSE(schema.field(6).standard);
  CHECK(schema.field(7).type == FieldType::kDouble);
  // Names are case-sensitive: "Plan" and "EMAIL" are new fields.
  REQUIRE_OK(schema.Define("Plan", FieldType::kString));
  REQUIRE_OK(schema.Define("EMAIL", FieldType::kString));
  CHECK(schema.size() == 10);
}

TEST_CASE("Schema Define errors", "[store]") {
  Schema schema;
  REQUIRE_ERROR(schema.Define("", FieldType::kString),
                absl::StatusCode::kInvalidArgument, "must not be empty");
  REQUIRE_ERROR(schema.Define("id", FieldType::kInt64),
                absl::StatusCode::kInvalidArgument, "\"id\" is reserved");
  REQUIRE_ERROR(schema.Define("email", FieldType::kString),
                absl::StatusCode::kAlreadyExists,
                "field \"email\" already exists");
  REQUIRE_ERROR(schema.Define("score", FieldType::kDouble),
                absl::StatusCode::kAlreadyExists, "\"score\"");
  REQUIRE_OK(schema.Define("plan", FieldType::kKeyword));
  REQUIRE_ERROR(schema.Define("plan", FieldType::kKeyword),
                absl::StatusCode::kAlreadyExists, "\"plan\"");
  REQUIRE_ERROR(schema.Define(std::string(129, 'f'), FieldType::kBool),
                absl::StatusCode::kInvalidArgument, "longer than 128 bytes");
  REQUIRE_OK(schema.Define(std::string(128, 'f'), FieldType::kBool));
  // Failed definitions added nothing.
  CHECK(schema.size() == 8);
}

TEST_CASE("Schema Define refuses fields past the limit", "[store]") {
  Schema schema;
  while (schema.size() < kMaxFields) {
    REQUIRE_OK(
        schema.Define("f" + std::to_string(schema.size()), FieldType::kInt64));
  }
  REQUIRE_ERROR(schema.Define("one_more", FieldType::kInt64),
                absl::StatusCode::kResourceExhausted, "too many fields");
  CHECK(schema.size() == kMaxFields);
  // A taken name is still reported as taken.
  REQUIRE_ERROR(schema.Define("f10", FieldType::kInt64),
                absl::StatusCode::kAlreadyExists, "\"f10\"");
}

TEST_CASE("FieldTypeName and ParseFieldType round trip", "[store]") {
  for (FieldType t : {FieldType::kString, FieldType::kKeyword,
                      FieldType::kInt64, FieldType::kDouble, FieldType::kBool,
                      FieldType::kTimestamp, FieldType::kTags}) {
    CHECK(ParseFieldType(FieldTypeName(t)) == t);
  }
  CHECK(FieldTypeName(FieldType::kTimestamp) == "timestamp");
  CHECK_FALSE(ParseFieldType("Int64").has_value());
  CHECK_FALSE(ParseFieldType("integer").has_value());
  CHECK_FALSE(ParseFieldType("").has_value());
}

}  // namespace
}  // namespace audience::testing
