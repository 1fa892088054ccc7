// Checking public lead values against the schema (store/lead_record.h).
#include "store/lead_record.h"

#include <cmath>
#include <limits>
#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

Schema TestSchema() {
  Schema schema;
  REQUIRE_OK(schema.Define("plan", FieldType::kKeyword));
  REQUIRE_OK(schema.Define("mrr", FieldType::kDouble));
  REQUIRE_OK(schema.Define("opted", FieldType::kBool));
  REQUIRE_OK(schema.Define("labels", FieldType::kTags));
  return schema;
}

const FieldDefinition& FieldNamed(const Schema& schema, std::string_view name) {
  return schema.field(*schema.Find(name));
}

TEST_CASE("ToLeadRecord converts every field type", "[store]") {
  const Schema schema = TestSchema();
  Lead lead;
  lead.id = 7;
  lead.fields["email"] = std::string("a@b.com");
  lead.fields["country"] = std::string("US");
  lead.fields["score"] = int64_t{-3};
  lead.fields["created_at"] = int64_t{1'790'000'000};
  lead.fields["tags"] = TagList{"vip", "", "VIP"};
  lead.fields["mrr"] = int64_t{12};  // integers are fine for doubles
  lead.fields["opted"] = false;
  lead.fields["plan"] = std::monostate{};
  lead.fields["stage"] = std::string("");
  auto record = ToLeadRecord(schema, lead);
  REQUIRE_OK(record);
  CHECK(record->id == 7);
  REQUIRE(record->fields.size() == lead.fields.size());
  std::map<std::string, FieldInput> by_name;
  for (const auto& [id, input] : record->fields) {
    by_name[schema.field(id).name] = input;
  }
  CHECK(std::get<std::string_view>(by_name["email"]) == "a@b.com");
  CHECK(std::get<std::string_view>(by_name["country"]) == "US");
  CHECK(std::get<int64_t>(by_name["score"]) == -3);
  CHECK(std::get<int64_t>(by_name["created_at"]) == 1'790'000'000);
  // The store drops "" tags and duplicates; the record passes them on.
  CHECK(std::get<TagInput>(by_name["tags"]).size() == 3);
  CHECK(std::get<double>(by_name["mrr"]) == 12.0);
  CHECK(std::get<bool>(by_name["opted"]) == false);
  CHECK(std::holds_alternative<std::monostate>(by_name["plan"]));
  CHECK(std::get<std::string_view>(by_name["stage"]).empty());
  // The record views into the lead.
  CHECK(std::get<std::string_view>(by_name["email"]).data() ==
        std::get<std::string>(lead.fields["email"]).data());
}

TEST_CASE("ToLeadRecord type errors name the field", "[store]") {
  const Schema schema = TestSchema();
  auto check = [&](std::string field, Value value, std::string text) {
    Lead lead;
    lead.id = 1;
    lead.fields[field] = std::move(value);
    INFO(field);
    REQUIRE_ERROR(ToLeadRecord(schema, lead),
                  absl::StatusCode::kInvalidArgument, text);
  };
  check("score", std::string("abc"),
        "field \"score\" (int64) expects an integer, got a string");
  check("score", 10.0,
        "field \"score\" (int64) expects an integer, got a floating-point "
        "number");
  check("created_at", 1.5,
        "field \"created_at\" (timestamp) expects an integer timestamp");
  check("email", int64_t{5},
        "field \"email\" (string) expects a string, got an integer");
  check("country", true,
        "field \"country\" (keyword) expects a string, got a boolean");
  check("tags", std::string("vip"),
        "field \"tags\" (tags) expects an array of strings, got a string");
  check("opted", int64_t{1},
        "field \"opted\" (bool) expects a boolean, got an integer");
  check("mrr", std::string("1.5"),
        "field \"mrr\" (double) expects a number, got a string");
  check("mrr", std::numeric_limits<double>::quiet_NaN(),
        "field \"mrr\" (double) expects a number, got NaN");
  check("email", TagList{"a"}, "got a tag list");
  check("nope", int64_t{1}, "unknown field \"nope\"");
  check("id", int64_t{1}, "unknown field \"id\"");
  check("Email", std::string("x"), "unknown field \"Email\"");
}

TEST_CASE("ToLeadRecord enforces the size limits", "[store]") {
  const Schema schema = TestSchema();
  Lead lead;
  lead.id = 1;
  lead.fields["email"] = std::string(kMaxStringBytes, 'a');
  REQUIRE_OK(ToLeadRecord(schema, lead));
  lead.fields["email"] = std::string(kMaxStringBytes + 1, 'a');
  REQUIRE_ERROR(ToLeadRecord(schema, lead), absl::StatusCode::kInvalidArgument,
                "field \"email\" is longer than 65536 bytes");
  lead.fields.erase("email");

  lead.fields["plan"] = std::string(kMaxStringBytes + 1, 'k');
  REQUIRE_ERROR(ToLeadRecord(schema, lead), absl::StatusCode::kInvalidArgument,
                "field \"plan\" is longer than 65536 bytes");
  lead.fields.erase("plan");

  TagList tags;
  for (size_t i = 0; i < kMaxTagsPerField; ++i) tags.push_back("t");
  lead.fields["labels"] = tags;
  REQUIRE_OK(ToLeadRecord(schema, lead));
  tags.push_back("t");
  lead.fields["labels"] = tags;
  REQUIRE_ERROR(ToLeadRecord(schema, lead), absl::StatusCode::kInvalidArgument,
                "field \"labels\" has more than 1000 tags");

  lead.fields["labels"] = TagList{"ok", std::string(kMaxStringBytes + 1, 't')};
  REQUIRE_ERROR(ToLeadRecord(schema, lead), absl::StatusCode::kInvalidArgument,
                "a tag of field \"labels\" is longer than 65536 bytes");
  lead.fields["labels"] = TagList{std::string(kMaxStringBytes, 't')};
  REQUIRE_OK(ToLeadRecord(schema, lead));
}

TEST_CASE("ToFieldInput and the helpers", "[store]") {
  const Schema schema = TestSchema();
  const FieldDefinition& score = FieldNamed(schema, "score");
  auto in = ToFieldInput(score, Value(int64_t{42}));
  REQUIRE_OK(in);
  CHECK(std::get<int64_t>(*in) == 42);
  auto empty = ToFieldInput(score, Value());
  REQUIRE_OK(empty);
  CHECK(std::holds_alternative<std::monostate>(*empty));
  auto inf = ToFieldInput(FieldNamed(schema, "mrr"),
                          Value(std::numeric_limits<double>::infinity()));
  REQUIRE_OK(inf);
  CHECK(std::isinf(std::get<double>(*inf)));

  CHECK(ExpectedValue(FieldType::kTags) == "an array of strings");
  CHECK(ExpectedValue(FieldType::kBool) == "a boolean");
  REQUIRE_ERROR(TypeMismatch(score, "something"),
                absl::StatusCode::kInvalidArgument,
                "field \"score\" (int64) expects an integer, got something");
  REQUIRE_OK(CheckLimits(score, FieldInput(int64_t{1})));

  auto found = FindLeadField(schema, "labels");
  REQUIRE_OK(found);
  CHECK(schema.field(*found).type == FieldType::kTags);
  REQUIRE_ERROR(FindLeadField(schema, "missing"),
                absl::StatusCode::kInvalidArgument,
                "unknown field \"missing\" (declare it with define_field");
}

}  // namespace
}  // namespace audience::testing
