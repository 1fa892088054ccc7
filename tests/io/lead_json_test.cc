// Leads and events from JSON text (io/lead_json.h), as bulk loads read them.
#include "io/lead_json.h"

#include <map>
#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

Schema TestSchema() {
  Schema schema;
  REQUIRE_OK(schema.Define("plan", FieldType::kKeyword));
  REQUIRE_OK(schema.Define("mrr", FieldType::kDouble));
  REQUIRE_OK(schema.Define("opted", FieldType::kBool));
  return schema;
}

// Parses one lead; the padded copy lives as long as the parser's views.
class LeadParse {
 public:
  absl::Status Run(const std::string& json) {
    text_ = simdjson::padded_string(json);
    return parser_.ParseLead(text_, schema_, &record_);
  }
  absl::Status RunEvent(const std::string& json, Event* event) {
    text_ = simdjson::padded_string(json);
    return parser_.ParseEvent(text_, event);
  }
  const LeadRecord& record() const { return record_; }
  const FieldInput& Field(std::string_view name) const {
    const FieldId id = *schema_.Find(name);
    for (const auto& [f, input] : record_.fields) {
      if (f == id) return input;
    }
    FAIL("field " << name << " not in the record");
    static const FieldInput kNone;
    return kNone;
  }

 private:
  Schema schema_ = TestSchema();
  LeadJsonParser parser_;
  simdjson::padded_string text_;
  LeadRecord record_;
};

TEST_CASE("ParseLead reads every field type", "[io]") {
  LeadParse p;
  REQUIRE_OK(p.Run(
      R"({"id": 7, "email": "a\"b@c.com", "country": "US", "stage": null,)"
      R"( "score": -12, "tags": ["vip", "", "N\u00e9"], "created_at": 1790000000,)"
      R"( "plan": "pro", "mrr": 12, "opted": false})"));
  CHECK(p.record().id == 7);
  CHECK(p.record().fields.size() == 9);
  CHECK(std::get<std::string_view>(p.Field("email")) == "a\"b@c.com");
  CHECK(std::get<std::string_view>(p.Field("country")) == "US");
  CHECK(std::holds_alternative<std::monostate>(p.Field("stage")));
  CHECK(std::get<int64_t>(p.Field("score")) == -12);
  const TagInput& tags = std::get<TagInput>(p.Field("tags"));
  REQUIRE(tags.size() == 3);
  CHECK(tags[0] == "vip");
  CHECK(tags[1] == "");
  CHECK(tags[2] == "N\xC3\xA9");
  CHECK(std::get<int64_t>(p.Field("created_at")) == 1790000000);
  CHECK(std::get<std::string_view>(p.Field("plan")) == "pro");
  CHECK(std::get<double>(p.Field("mrr")) == 12.0);  // integers for doubles
  CHECK(std::get<bool>(p.Field("opted")) == false);
}

TEST_CASE("ParseLead number edge cases", "[io]") {
  LeadParse p;
  REQUIRE_OK(
      p.Run(R"({"id": 18446744073709551615, "score": -9223372036854775808})"));
  CHECK(p.record().id == 18446744073709551615u);
  CHECK(std::get<int64_t>(p.Field("score")) ==
        std::numeric_limits<int64_t>::min());
  REQUIRE_OK(p.Run(R"({"id": 0, "mrr": -0.5, "score": 9223372036854775807})"));
  CHECK(p.record().id == 0);
  CHECK(std::get<double>(p.Field("mrr")) == -0.5);
  REQUIRE_OK(p.Run(R"({"id": 1, "mrr": 1e300})"));
  CHECK(std::get<double>(p.Field("mrr")) == 1e300);
  REQUIRE_OK(p.Run(R"({"id": 1, "mrr": 9223372036854775807})"));
  CHECK(std::get<double>(p.Field("mrr")) == 9223372036854775807.0);
  REQUIRE_OK(p.Run(R"({"id": 1, "mrr": 1.8446744073709552e19})"));
  CHECK(std::get<double>(p.Field("mrr")) == 18446744073709551615.0);
}

TEST_CASE("ParseLead refuses integers beyond int64 in double fields too",
          "[io]") {
  // As the protocol does (its values have no uint64); On Demand would read
  // them as doubles, even past 2^64 where the protocol's parser reports
  // malformed JSON.
  LeadParse p;
  REQUIRE_ERROR(p.Run(R"({"id": 1, "mrr": 9223372036854775808})"),
                absl::StatusCode::kInvalidArgument,
                "field \"mrr\": number 9223372036854775808 is out of range");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "mrr": 18446744073709551615})"),
                absl::StatusCode::kInvalidArgument, "is out of range");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "mrr": 100000000000000000000000})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"mrr\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "mrr": -9223372036854775809})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"mrr\"");
}

TEST_CASE("ParseLead rejects values of the wrong type, naming the field",
          "[io]") {
  LeadParse p;
  REQUIRE_ERROR(p.Run(R"({"id": 1, "score": 10.0})"),
                absl::StatusCode::kInvalidArgument,
                "field \"score\" (int64) expects an integer, got 10.0");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "score": 10.5})"),
                absl::StatusCode::kInvalidArgument, "got 10.5");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "score": 1e3})"),
                absl::StatusCode::kInvalidArgument, "field \"score\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "score": 9223372036854775808})"),
                absl::StatusCode::kInvalidArgument,
                "field \"score\" (int64) expects an integer, got "
                "9223372036854775808");
  REQUIRE_ERROR(
      p.Run(R"({"id": 1, "score": "10"})"), absl::StatusCode::kInvalidArgument,
      "field \"score\" (int64) expects an integer, got string \"10\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "created_at": 1.5})"),
                absl::StatusCode::kInvalidArgument,
                "field \"created_at\" (timestamp) expects an integer "
                "timestamp (unix seconds), got 1.5");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "email": 5})"),
                absl::StatusCode::kInvalidArgument,
                "field \"email\" (string) expects a string, got 5");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "country": ["US"]})"),
                absl::StatusCode::kInvalidArgument,
                "field \"country\" (keyword) expects a string, got an array");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "opted": "true"})"),
                absl::StatusCode::kInvalidArgument,
                "field \"opted\" (bool) expects a boolean, got string");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "opted": 1})"),
                absl::StatusCode::kInvalidArgument,
                "field \"opted\" (bool) expects a boolean, got 1");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "mrr": "1.5"})"),
                absl::StatusCode::kInvalidArgument,
                "field \"mrr\" (double) expects a number, got string");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "mrr": {}})"),
                absl::StatusCode::kInvalidArgument, "got an object");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "tags": "vip"})"),
                absl::StatusCode::kInvalidArgument,
                "field \"tags\" (tags) expects an array of strings, got "
                "string \"vip\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "tags": ["vip", 3]})"),
                absl::StatusCode::kInvalidArgument,
                "field \"tags\" (tags) expects an array of strings, got an "
                "array holding 3");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "tags": [null]})"),
                absl::StatusCode::kInvalidArgument, "array holding null");
}

TEST_CASE("ParseLead id, unknown fields and limits", "[io]") {
  LeadParse p;
  REQUIRE_ERROR(p.Run(R"({"email": "a@b.com"})"),
                absl::StatusCode::kInvalidArgument, "missing \"id\"");
  REQUIRE_ERROR(p.Run(R"({"id": -1})"), absl::StatusCode::kInvalidArgument,
                "\"id\" must be a non-negative integer, got -1");
  REQUIRE_ERROR(p.Run(R"({"id": 1.0})"), absl::StatusCode::kInvalidArgument,
                "\"id\" must be a non-negative integer, got 1.0");
  REQUIRE_ERROR(p.Run(R"({"id": "7"})"), absl::StatusCode::kInvalidArgument,
                "\"id\" must be a non-negative integer, got string \"7\"");
  REQUIRE_ERROR(p.Run(R"({"id": null})"), absl::StatusCode::kInvalidArgument,
                "\"id\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "bogus": 1})"),
                absl::StatusCode::kInvalidArgument, "unknown field \"bogus\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "Email": "x"})"),
                absl::StatusCode::kInvalidArgument, "unknown field \"Email\"");
  const std::string big(kMaxStringBytes + 1, 'x');
  REQUIRE_ERROR(p.Run(R"({"id": 1, "email": ")" + big + "\"}"),
                absl::StatusCode::kInvalidArgument,
                "field \"email\" is longer than 65536 bytes");
  REQUIRE_OK(p.Run(R"({"id": 1, "email": ")" + big.substr(1) + "\"}"));
  std::string many = R"({"id": 1, "tags": [)";
  for (size_t i = 0; i <= kMaxTagsPerField; ++i) {
    many += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  }
  REQUIRE_ERROR(p.Run(many + "]}"), absl::StatusCode::kInvalidArgument,
                "has more than 1000 tags");
}

TEST_CASE("ParseLead rejects malformed and non-object documents", "[io]") {
  LeadParse p;
  REQUIRE_ERROR(p.Run("[1, 2]"), absl::StatusCode::kInvalidArgument,
                "a lead must be a JSON object");
  REQUIRE_ERROR(p.Run("7"), absl::StatusCode::kInvalidArgument,
                "a lead must be a JSON object");
  REQUIRE_ERROR(p.Run("\"lead\""), absl::StatusCode::kInvalidArgument,
                "a lead must be a JSON object");
  REQUIRE_ERROR(p.Run(R"({"id": 1,)"), absl::StatusCode::kInvalidArgument,
                "malformed JSON");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "email" "x"})"),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "email": "unterminated})"),
                absl::StatusCode::kInvalidArgument, "");
  REQUIRE_ERROR(p.Run(""), absl::StatusCode::kInvalidArgument, "");
  // Whitespace around the object is fine.
  REQUIRE_OK(p.Run("  {\"id\": 3}  "));
  CHECK(p.record().id == 3);
}

TEST_CASE("ParseLead and ParseEvent call trailing content malformed JSON",
          "[io]") {
  // The document starts with an object, so "must be a JSON object" would
  // send the reader looking for the wrong problem.
  LeadParse p;
  Event e;
  REQUIRE_ERROR(p.Run(R"({"id": 1} x)"), absl::StatusCode::kInvalidArgument,
                "malformed JSON");
  REQUIRE_ERROR(p.Run(R"({"id": 1}{"id": 2})"),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": "x"} 5)", &e),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
}

TEST_CASE("ParseLead reports a truncated literal as malformed JSON", "[io]") {
  // A syntax error, not a value of the wrong type ("expects a boolean, got
  // a boolean" would be nonsense).
  LeadParse p;
  REQUIRE_ERROR(p.Run(R"({"id": 1, "opted": tru})"),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
}

TEST_CASE("ParseLead rejects malformed atoms, naming the field", "[io]") {
  // Regression (tests/fuzz/lead_ndjson/crash-invalid_null_atom.ndjson):
  // On Demand's type() looks at the first byte only, so "nterminated" and
  // "nul" passed for null and emptied the field.
  LeadParse p;
  REQUIRE_ERROR(p.Run(R"({"id": 6, "email": nterminated})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"email\" (");
  REQUIRE_ERROR(p.Run(R"({"id": 7, "score": nul})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"score\"");
  REQUIRE_ERROR(p.Run(R"({"id": 8, "opted": nil})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"opted\"");
  REQUIRE_ERROR(p.Run(R"({"id": 8, "opted": nullx})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"opted\"");
  REQUIRE_ERROR(p.Run(R"({"id": 8, "tags": ["a", nul]})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"tags\"");
  // A value of the wrong type that is malformed too is reported as
  // malformed, not as "got a boolean".
  REQUIRE_ERROR(p.Run(R"({"id": 8, "score": tru})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"score\"");
  REQUIRE_ERROR(p.Run(R"({"id": 8, "email": 01})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"email\"");
  REQUIRE_ERROR(p.Run(R"({"id": 8, "score": "bad \q escape"})"),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"score\"");
  REQUIRE_ERROR(p.Run(R"({"id": 8, "tags": ["a", [1 2]]})"),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
  REQUIRE_ERROR(p.Run(R"({"id": nope})"), absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"id\"");
  // Real nulls still empty the field.
  REQUIRE_OK(p.Run(R"({"id": 9, "email": null, "opted": null ,"tags":null})"));
  CHECK(std::holds_alternative<std::monostate>(p.Field("email")));
  CHECK(std::holds_alternative<std::monostate>(p.Field("opted")));
}

TEST_CASE("ParseLead and ParseEvent read lead id -0 as 0, as the protocol",
          "[io]") {
  // Regression (tests/fuzz/lead_ndjson/crash-negative_zero_id.ndjson): the
  // loaders refused -0, which the protocol takes for 0.
  LeadParse p;
  REQUIRE_OK(p.Run(R"({"id": -0, "score": -0})"));
  CHECK(p.record().id == 0);
  CHECK(std::get<int64_t>(p.Field("score")) == 0);
  Event e;
  REQUIRE_OK(
      p.RunEvent(R"({"lead": -0, "type": "x", "object": -0, "ts": -0})", &e));
  CHECK(e.lead == 0);
  CHECK(e.object == 0);
  CHECK(e.ts == 0);
  REQUIRE_ERROR(p.Run(R"({"id": -1})"), absl::StatusCode::kInvalidArgument,
                "\"id\" must be a non-negative integer, got -1");
  REQUIRE_ERROR(p.Run(R"({"id": -0.0})"), absl::StatusCode::kInvalidArgument,
                "\"id\" must be a non-negative integer, got -0.0");
}

TEST_CASE("ParseLead rejects a repeated key, naming it", "[io]") {
  // One rule for every JSON reader (docs/decisions.md): before, the loader
  // kept the last "score" and the protocol the first "id".
  LeadParse p;
  REQUIRE_ERROR(p.Run(R"({"id": 1, "score": 600, "score": 5})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"score\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "tags": ["a"], "tags": ["b"]})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"tags\"");
  REQUIRE_ERROR(p.Run(R"({"id": 1, "id": 2})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"id\"");
  // Spelled differently, the same key.
  REQUIRE_ERROR(p.Run(R"({"id": 1, "em\u0061il": "a@b.c", "email": null})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"email\"");
  REQUIRE_ERROR(p.Run(R"({"id": 10, "em\u0061il": "x", "\u0069d": 11})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"id\"");
  // A null repeated is a repeat too; the next line starts afresh.
  REQUIRE_ERROR(p.Run(R"({"id": 1, "plan": null, "plan": "pro"})"),
                absl::StatusCode::kInvalidArgument, "duplicate key \"plan\"");
  REQUIRE_OK(p.Run(R"({"id": 1, "plan": "pro", "score": 5})"));
  REQUIRE_OK(p.Run(R"({"id": 2, "plan": "pro", "score": 5})"));
  CHECK(p.record().fields.size() == 2);
}

TEST_CASE("ParseLead maps keys right whatever their order", "[io]") {
  // The parser remembers which field a key named at each position; lines
  // that change order, rename or drop keys must still map correctly.
  LeadParse p;
  REQUIRE_OK(
      p.Run(R"({"id": 1, "email": "a@b.com", "score": 1, "plan": "x"})"));
  CHECK(std::get<int64_t>(p.Field("score")) == 1);
  REQUIRE_OK(
      p.Run(R"({"id": 2, "score": 2, "email": "c@d.com", "plan": "y"})"));
  CHECK(std::get<int64_t>(p.Field("score")) == 2);
  CHECK(std::get<std::string_view>(p.Field("email")) == "c@d.com");
  CHECK(std::get<std::string_view>(p.Field("plan")) == "y");
  REQUIRE_OK(p.Run(R"({"email": "e@f.com", "id": 3, "plan": "z"})"));
  CHECK(p.record().id == 3);
  CHECK(p.record().fields.size() == 2);
  CHECK(std::get<std::string_view>(p.Field("email")) == "e@f.com");
  CHECK(std::get<std::string_view>(p.Field("plan")) == "z");
  // A near miss of a remembered key is still unknown.
  REQUIRE_ERROR(p.Run(R"({"email": "e@f.com", "id": 3, "pla": "z"})"),
                absl::StatusCode::kInvalidArgument, "unknown field \"pla\"");
  REQUIRE_ERROR(p.Run(R"({"emai": "e@f.com"})"),
                absl::StatusCode::kInvalidArgument, "unknown field \"emai\"");
  REQUIRE_OK(p.Run(R"({"email": "g@h.com", "id": 4})"));
  CHECK(std::get<std::string_view>(p.Field("email")) == "g@h.com");
}

TEST_CASE("ParseLead sees fields defined after earlier parses", "[io]") {
  Schema schema;
  LeadJsonParser parser;
  LeadRecord record;
  simdjson::padded_string first(std::string(R"({"id": 1, "score": 5})"));
  REQUIRE_OK(parser.ParseLead(first, schema, &record));
  simdjson::padded_string later(std::string(R"({"id": 2, "plan": "pro"})"));
  REQUIRE_ERROR(parser.ParseLead(later, schema, &record),
                absl::StatusCode::kInvalidArgument, "unknown field \"plan\"");
  auto plan = schema.Define("plan", FieldType::kKeyword);
  REQUIRE_OK(plan);
  REQUIRE_OK(parser.ParseLead(later, schema, &record));
  REQUIRE(record.fields.size() == 1);
  CHECK(record.fields[0].first == *plan);
  // The same parser with another schema of the same size, whose field 6 is
  // not "plan": the remembered key must not carry over.
  Schema other;
  REQUIRE_OK(other.Define("zzz", FieldType::kBool));
  REQUIRE(other.size() == schema.size());
  REQUIRE_ERROR(parser.ParseLead(later, other, &record),
                absl::StatusCode::kInvalidArgument, "unknown field \"plan\"");
  simdjson::padded_string swapped(std::string(R"({"id": 1, "zzz": true})"));
  REQUIRE_OK(parser.ParseLead(swapped, other, &record));
  CHECK(record.fields[0].first == *other.Find("zzz"));
}

TEST_CASE("ParseLead resets the record between calls", "[io]") {
  LeadParse p;
  REQUIRE_OK(p.Run(R"({"id": 1, "email": "a@b.com", "score": 3})"));
  CHECK(p.record().fields.size() == 2);
  REQUIRE_OK(p.Run(R"({"id": 2})"));
  CHECK(p.record().id == 2);
  CHECK(p.record().fields.empty());
}

TEST_CASE("ParseEvent reads events", "[io]") {
  LeadParse p;
  Event e;
  REQUIRE_OK(p.RunEvent(
      R"({"lead": 7, "type": "email_open", "object": 17, "ts": 1790000000})",
      &e));
  CHECK(e.lead == 7);
  CHECK(e.type == "email_open");
  CHECK(e.object == 17);
  CHECK(e.ts == 1790000000);

  // ts and object may be absent or null; other keys are ignored.
  REQUIRE_OK(p.RunEvent(
      R"({"op": "event", "type": "page_visit", "lead": 0, "extra": [1, {"a": 2}]})",
      &e));
  CHECK(e.lead == 0);
  CHECK(e.type == "page_visit");
  CHECK_FALSE(e.object.has_value());
  CHECK_FALSE(e.ts.has_value());
  REQUIRE_OK(p.RunEvent(
      R"({"lead": 1, "type": "x", "object": null, "ts": null})", &e));
  CHECK_FALSE(e.object.has_value());
  CHECK_FALSE(e.ts.has_value());
  REQUIRE_OK(
      p.RunEvent(R"({"lead": 1, "type": "x", "ts": -5, "object": -1})", &e));
  CHECK(e.ts == -5);
  CHECK(e.object == -1);
}

TEST_CASE("ParseEvent errors", "[io]") {
  LeadParse p;
  Event e;
  REQUIRE_ERROR(p.RunEvent(R"({"type": "x"})", &e),
                absl::StatusCode::kInvalidArgument, "missing \"lead\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1})", &e),
                absl::StatusCode::kInvalidArgument, "missing \"type\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": 5})", &e),
                absl::StatusCode::kInvalidArgument,
                "\"type\" must be a string, got 5");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": null})", &e),
                absl::StatusCode::kInvalidArgument, "\"type\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": -3, "type": "x"})", &e),
                absl::StatusCode::kInvalidArgument,
                "\"lead\" must be a non-negative integer, got -3");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": "3", "type": "x"})", &e),
                absl::StatusCode::kInvalidArgument,
                "\"lead\" must be a non-negative integer");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": "x", "ts": 1.5})", &e),
                absl::StatusCode::kInvalidArgument,
                "\"ts\" must be an integer, got 1.5");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": "x", "ts": "now"})", &e),
                absl::StatusCode::kInvalidArgument,
                "\"ts\" must be an integer, got string \"now\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": "x", "object": true})", &e),
                absl::StatusCode::kInvalidArgument,
                "\"object\" must be an integer, got a boolean");
  REQUIRE_ERROR(p.RunEvent(R"([1])", &e), absl::StatusCode::kInvalidArgument,
                "an event must be a JSON object");
  REQUIRE_ERROR(p.RunEvent(R"({"lead": 1, "type": "x")", &e),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
}

TEST_CASE("ParseEvent validates the values of keys it ignores", "[io]") {
  // Regression (tests/fuzz/lead_ndjson/crash-unvalidated_ignored_event_keys
  // .ndjson): On Demand skipped these values unread, so malformed lines
  // loaded while the protocol refused them.
  LeadParse p;
  Event e;
  for (const char* line :
       {R"({"lead":7,"type":"x","extra":178"ignored"})",
        R"({"lead":7,"type":"x","extra":nope})",
        R"({"lead":7,"type":"x","extra":"bad \q escape"})",
        R"({"lead":7,"type":"x","extra":01})",
        R"({"lead":7,"type":"x","extra":[1 2]})",
        R"({"lead":7,"type":"x","extra":{"a" 1}})",
        R"({"lead":7,"type":"x","extra":[1,{"a":[nul]}]})",
        R"({"lead":7,"type":"x","extra":100000000000000000000000})"}) {
    INFO(line);
    REQUIRE_ERROR(p.RunEvent(line, &e), absl::StatusCode::kInvalidArgument,
                  "malformed JSON");
  }
  REQUIRE_ERROR(
      p.RunEvent(R"({"lead":7,"type":"x","extra":[1,{"a":[nul]}]})", &e),
      absl::StatusCode::kInvalidArgument,
      "malformed JSON in \"extra[1].a[0]\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead":7,"type":"x","ts":nul})", &e),
                absl::StatusCode::kInvalidArgument, "malformed JSON in \"ts\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead":7,"type":"x","object":tru})", &e),
                absl::StatusCode::kInvalidArgument,
                "malformed JSON in \"object\"");
  // Valid values of any shape are still ignored.
  REQUIRE_OK(p.RunEvent(
      R"({"lead":7,"type":"x","extra":[1,-0,1.5e3,true,null,"s",{"a":{}},[]],)"
      R"("more":18446744073709551615})",
      &e));
  CHECK(e.lead == 7);
}

TEST_CASE("ParseEvent rejects repeated keys at any depth", "[io]") {
  LeadParse p;
  Event e;
  REQUIRE_ERROR(p.RunEvent(R"({"lead":30,"lead":31,"type":"visit"})", &e),
                absl::StatusCode::kInvalidArgument, "duplicate key \"lead\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead":1,"type":"a","x":1,"x":2})", &e),
                absl::StatusCode::kInvalidArgument, "duplicate key \"x\"");
  REQUIRE_ERROR(p.RunEvent(R"({"lead":1,"type":"a","x":[{"k":1,"k":2}]})", &e),
                absl::StatusCode::kInvalidArgument,
                "x[0]: duplicate key \"k\"");
  // Many keys (past the linear scan) still find the repeat.
  std::string wide = R"({"lead":1,"type":"a")";
  for (int i = 0; i < 100; ++i) wide += ",\"k" + std::to_string(i) + "\":1";
  REQUIRE_OK(p.RunEvent(wide + "}", &e));
  REQUIRE_ERROR(p.RunEvent(wide + R"(,"k57":2})", &e),
                absl::StatusCode::kInvalidArgument, "duplicate key \"k57\"");
}

TEST_CASE("ParseEvent bounds the nesting of ignored values", "[io]") {
  // As deep as the protocol's parser allows, and no deeper: a value at most
  // at depth 1024, the line's object at depth 1. The walk does not recurse,
  // so deep input cannot overflow the stack.
  LeadParse p;
  Event e;
  auto nested = [](int n, const std::string& inner) {
    return R"({"lead":1,"type":"a","x":)" + std::string(n, '[') + inner +
           std::string(n, ']') + "}";
  };
  REQUIRE_OK(p.RunEvent(nested(1023, ""), &e));  // [] at depth 1024
  REQUIRE_ERROR(p.RunEvent(nested(1024, ""), &e),
                absl::StatusCode::kInvalidArgument, "malformed JSON in \"x");
  REQUIRE_OK(p.RunEvent(nested(1022, "1"), &e));  // 1 at depth 1024
  REQUIRE_ERROR(p.RunEvent(nested(1023, "1"), &e),
                absl::StatusCode::kInvalidArgument, "malformed JSON in \"x");
  REQUIRE_ERROR(p.RunEvent(nested(100000, ""), &e),
                absl::StatusCode::kInvalidArgument, "malformed JSON");
}

TEST_CASE("ParseEvent resets the event between calls", "[io]") {
  LeadParse p;
  Event e;
  REQUIRE_OK(
      p.RunEvent(R"({"lead": 1, "type": "a", "object": 2, "ts": 3})", &e));
  REQUIRE_OK(p.RunEvent(R"({"lead": 4, "type": "b"})", &e));
  CHECK(e.lead == 4);
  CHECK(e.type == "b");
  CHECK_FALSE(e.object.has_value());
  CHECK_FALSE(e.ts.has_value());
}

}  // namespace
}  // namespace audience::testing
