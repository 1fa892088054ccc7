// The field registry (store/schema.h).
#include "store/schema.h"

#include <string>

#include "testing/test_util.h"
#include "util/text.h"

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

TEST_CASE("Schema Define refuses padded names and control characters",
          "[store]") {
  Schema schema;
  for (const char* padded : {" padded ", " lead", "trail ", "\tplan", "plan\n",
                             "plan\r", "\vplan", "plan\f", " "}) {
    INFO(Quote(padded));
    REQUIRE_ERROR(schema.Define(padded, FieldType::kKeyword),
                  absl::StatusCode::kInvalidArgument,
                  "has leading or trailing whitespace");
  }
  REQUIRE_ERROR(schema.Define(" padded ", FieldType::kKeyword),
                absl::StatusCode::kInvalidArgument,
                "field name \" padded \" has leading or trailing whitespace");
  // Anywhere in the name, rendered escaped so the message stays printable.
  REQUIRE_ERROR(schema.Define("a\x01"
                              "b",
                              FieldType::kKeyword),
                absl::StatusCode::kInvalidArgument,
                "field name \"a\\x01b\" contains a control character");
  REQUIRE_ERROR(schema.Define("del\x7f", FieldType::kKeyword),
                absl::StatusCode::kInvalidArgument,
                "field name \"del\\x7f\" contains a control character");
  REQUIRE_ERROR(schema.Define(std::string("nul\0x", 5), FieldType::kKeyword),
                absl::StatusCode::kInvalidArgument,
                "\"nul\\x00x\" contains a control character");
  REQUIRE_ERROR(schema.Define("line\nbreak", FieldType::kKeyword),
                absl::StatusCode::kInvalidArgument, "control character");
  CHECK(schema.size() == 6);
  // Inner spaces, punctuation and UTF-8 are fine.
  REQUIRE_OK(schema.Define("plan name", FieldType::kKeyword));
  REQUIRE_OK(schema.Define("caf\xC3\xA9-1.x", FieldType::kKeyword));
  // A definition read back from a snapshot or journal written before the
  // rule still loads; the other rules hold for it too.
  REQUIRE_OK(
      schema.Define(" padded ", FieldType::kKeyword, FieldSource::kStored));
  CHECK(schema.Find(" padded ").has_value());
  CHECK_FALSE(schema.Find("padded").has_value());
  REQUIRE_OK(
      schema.Define("a\x01"
                    "b",
                    FieldType::kInt64, FieldSource::kStored));
  REQUIRE_ERROR(schema.Define("id", FieldType::kInt64, FieldSource::kStored),
                absl::StatusCode::kInvalidArgument, "reserved");
  REQUIRE_ERROR(schema.Define("", FieldType::kInt64, FieldSource::kStored),
                absl::StatusCode::kInvalidArgument, "must not be empty");
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
