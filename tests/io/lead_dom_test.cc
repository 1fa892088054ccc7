// Leads, patches and events from protocol commands (io/lead_dom.h).
#include "io/lead_dom.h"

#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

// Keeps the parser (and so the DOM) alive while a test reads it.
class Dom {
 public:
  simdjson::dom::element Parse(const std::string& json) {
    simdjson::dom::element e;
    INFO(json);
    REQUIRE(parser_.parse(json).get(e) == simdjson::SUCCESS);
    return e;
  }
  simdjson::dom::object Object(const std::string& json) {
    simdjson::dom::object o;
    REQUIRE(Parse(json).get_object().get(o) == simdjson::SUCCESS);
    return o;
  }

 private:
  simdjson::dom::parser parser_;
};

TEST_CASE("ValueFromJson takes every value shape", "[io]") {
  Dom dom;
  auto v = [&](const std::string& json) {
    auto value = ValueFromJson(dom.Parse(json), "x");
    REQUIRE_OK(value);
    return *value;
  };
  CHECK(std::holds_alternative<std::monostate>(v("null")));
  CHECK(std::get<std::string>(v("\"a\\nb\"")) == "a\nb");
  CHECK(std::get<std::string>(v("\"\"")).empty());
  CHECK(std::get<int64_t>(v("-12")) == -12);
  CHECK(std::get<int64_t>(v("9223372036854775807")) ==
        std::numeric_limits<int64_t>::max());
  // A JSON number with a fraction stays a double: 10.0 is not an integer.
  CHECK(std::get<double>(v("10.0")) == 10.0);
  CHECK(std::get<double>(v("1e2")) == 100.0);
  CHECK(std::get<bool>(v("true")) == true);
  CHECK(std::get<TagList>(v("[\"a\", \"B\", \"\"]")) == TagList{"a", "B", ""});
  CHECK(std::get<TagList>(v("[]")).empty());
}

TEST_CASE("ValueFromJson errors name the path", "[io]") {
  Dom dom;
  REQUIRE_ERROR(ValueFromJson(dom.Parse("{}"), "set.score"),
                absl::StatusCode::kInvalidArgument,
                "set.score: expected a value (string, number, boolean, array "
                "of strings or null), got an object");
  REQUIRE_ERROR(ValueFromJson(dom.Parse("[\"a\", 1]"), "tags"),
                absl::StatusCode::kInvalidArgument,
                "tags[1]: expected a string, got 1");
  REQUIRE_ERROR(ValueFromJson(dom.Parse("[[\"a\"]]"), "tags"),
                absl::StatusCode::kInvalidArgument,
                "tags[0]: expected a string, got an array");
  REQUIRE_ERROR(ValueFromJson(dom.Parse("18446744073709551615"), "score"),
                absl::StatusCode::kInvalidArgument,
                "score: number 18446744073709551615 is out of range");
}

TEST_CASE("LeadFromJson reads the id and the fields", "[io]") {
  Dom dom;
  auto lead = LeadFromJson(dom.Parse(
      R"({"id": 7, "email": "a@b.com", "score": 10, "tags": ["vip"], "stage": null, "custom": 1.5})"));
  REQUIRE_OK(lead);
  CHECK(lead->id == 7);
  CHECK(lead->fields == FieldValues{{"email", std::string("a@b.com")},
                                    {"score", int64_t{10}},
                                    {"tags", TagList{"vip"}},
                                    {"stage", Value()},
                                    {"custom", 1.5}});
  auto big = LeadFromJson(dom.Parse(R"({"id": 18446744073709551615})"));
  REQUIRE_OK(big);
  CHECK(big->id == std::numeric_limits<uint64_t>::max());
  CHECK(big->fields.empty());
}

TEST_CASE("LeadFromJson errors", "[io]") {
  Dom dom;
  REQUIRE_ERROR(LeadFromJson(dom.Parse("[1]")),
                absl::StatusCode::kInvalidArgument,
                "lead: expected an object, got an array");
  REQUIRE_ERROR(LeadFromJson(dom.Parse(R"({"email": "a"})")),
                absl::StatusCode::kInvalidArgument, "lead: missing \"id\"");
  REQUIRE_ERROR(LeadFromJson(dom.Parse(R"({"id": -1})")),
                absl::StatusCode::kInvalidArgument,
                "id: expected a non-negative integer, got -1");
  REQUIRE_ERROR(LeadFromJson(dom.Parse(R"({"id": 1.0})")),
                absl::StatusCode::kInvalidArgument,
                "id: expected a non-negative integer");
  REQUIRE_ERROR(LeadFromJson(dom.Parse(R"({"id": "1"})")),
                absl::StatusCode::kInvalidArgument,
                "id: expected a non-negative integer, got string \"1\"");
  REQUIRE_ERROR(LeadFromJson(dom.Parse(R"({"id": 1, "score": {"a": 1}})")),
                absl::StatusCode::kInvalidArgument, "score: expected a value");
  REQUIRE_ERROR(LeadFromJson(dom.Parse(R"({"id": 1, "tags": ["a", false]})")),
                absl::StatusCode::kInvalidArgument,
                "tags[1]: expected a string, got false");
}

TEST_CASE("PatchFromJson reads set, unset, add_tags and remove_tags", "[io]") {
  Dom dom;
  auto patch = PatchFromJson(dom.Object(
      R"({"op": "patch_lead", "id": 7, "set": {"score": 20, "stage": null},)"
      R"( "unset": ["country"], "add_tags": ["x", "Y"], "remove_tags": ["z"]})"));
  REQUIRE_OK(patch);
  CHECK(patch->id == 7);
  CHECK(patch->set == FieldValues{{"score", int64_t{20}}, {"stage", Value()}});
  CHECK(patch->unset == std::vector<std::string>{"country"});
  CHECK(patch->add_tags == std::vector<std::string>{"x", "Y"});
  CHECK(patch->remove_tags == std::vector<std::string>{"z"});

  auto minimal = PatchFromJson(
      dom.Object(R"({"id": 8, "set": null, "unset": null, "add_tags": null})"));
  REQUIRE_OK(minimal);
  CHECK(minimal->id == 8);
  CHECK(minimal->set.empty());
  CHECK(minimal->unset.empty());
  CHECK(minimal->add_tags.empty());
  CHECK(minimal->remove_tags.empty());
}

TEST_CASE("PatchFromJson errors", "[io]") {
  Dom dom;
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"set": {}})")),
                absl::StatusCode::kInvalidArgument, "missing \"id\"");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": -7})")),
                absl::StatusCode::kInvalidArgument,
                "id: expected a non-negative integer");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": 1, "set": []})")),
                absl::StatusCode::kInvalidArgument,
                "set: expected an object, got an array");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": 1, "set": {"score": {}}})")),
                absl::StatusCode::kInvalidArgument,
                "set.score: expected a value");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": 1, "unset": "stage"})")),
                absl::StatusCode::kInvalidArgument,
                "unset: expected an array, got string \"stage\"");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": 1, "unset": ["a", 2]})")),
                absl::StatusCode::kInvalidArgument,
                "unset[1]: expected a string, got 2");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": 1, "add_tags": [null]})")),
                absl::StatusCode::kInvalidArgument,
                "add_tags[0]: expected a string, got null");
  REQUIRE_ERROR(PatchFromJson(dom.Object(R"({"id": 1, "remove_tags": {}})")),
                absl::StatusCode::kInvalidArgument,
                "remove_tags: expected an array, got an object");
}

TEST_CASE("EventFromJson reads events", "[io]") {
  Dom dom;
  auto e = EventFromJson(dom.Object(
      R"({"op": "event", "lead": 7, "type": "email_open", "object": 17, "ts": 1790000000})"));
  REQUIRE_OK(e);
  CHECK(e->lead == 7);
  CHECK(e->type == "email_open");
  CHECK(e->object == 17);
  CHECK(e->ts == 1790000000);
  auto bare =
      EventFromJson(dom.Object(R"({"lead": 0, "type": "x", "object": null})"));
  REQUIRE_OK(bare);
  CHECK(bare->lead == 0);
  CHECK_FALSE(bare->object.has_value());
  CHECK_FALSE(bare->ts.has_value());
}

TEST_CASE("EventFromJson errors", "[io]") {
  Dom dom;
  REQUIRE_ERROR(EventFromJson(dom.Object(R"({"type": "x"})")),
                absl::StatusCode::kInvalidArgument, "missing \"lead\"");
  REQUIRE_ERROR(EventFromJson(dom.Object(R"({"lead": 1})")),
                absl::StatusCode::kInvalidArgument, "missing \"type\"");
  REQUIRE_ERROR(EventFromJson(dom.Object(R"({"lead": 1, "type": null})")),
                absl::StatusCode::kInvalidArgument, "missing \"type\"");
  REQUIRE_ERROR(EventFromJson(dom.Object(R"({"lead": 1.5, "type": "x"})")),
                absl::StatusCode::kInvalidArgument,
                "lead: expected a non-negative integer, got 1.5");
  REQUIRE_ERROR(EventFromJson(dom.Object(R"({"lead": 1, "type": 3})")),
                absl::StatusCode::kInvalidArgument,
                "type: expected a string, got 3");
  REQUIRE_ERROR(
      EventFromJson(dom.Object(R"({"lead": 1, "type": "x", "ts": "now"})")),
      absl::StatusCode::kInvalidArgument,
      "ts: expected an integer, got string \"now\"");
  REQUIRE_ERROR(
      EventFromJson(dom.Object(R"({"lead": 1, "type": "x", "object": [1]})")),
      absl::StatusCode::kInvalidArgument,
      "object: expected an integer, got an array");
  REQUIRE_ERROR(
      EventFromJson(dom.Object(R"({"lead": 1, "type": "x", "ts": 1.0})")),
      absl::StatusCode::kInvalidArgument,
      // 1.0 must not read as the integer it was refused for.
      "ts: expected an integer, got 1.0");
}

}  // namespace
}  // namespace audience::testing
