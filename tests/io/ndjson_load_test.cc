// Bulk NDJSON loads through the engine (Engine::LoadLeads / LoadEvents):
// bad lines are rejected and named, good lines still load.
#include <string>

#include "testing/test_util.h"
#include "util/str_cat.h"

namespace audience::testing {
namespace {

std::unique_ptr<Engine> OpenWithErrorCap(size_t max_errors) {
  auto engine =
      Engine::Open(EngineOptions{.now = 0, .max_load_errors = max_errors});
  REQUIRE_OK(engine);
  return std::move(*engine);
}

TEST_CASE("LoadLeads loads good lines and names bad ones", "[io]") {
  auto engine = OpenEngine();
  const std::string text =
      "{\"id\":1,\"email\":\"a@b.com\",\"score\":10}\n"  // 1
      "\n"                                               // 2
      "{\"id\":2,\"score\":\"x\"}\r\n"                   // 3
      "   \t \n"                                         // 4
      "{\"id\":3,\"country\":\"US\"}\r\n"                // 5
      "{\"id\":4,\"bogus\":1}\n"                         // 6
      "{\"id\":7,\n"                                     // 7
      "{\"email\":\"no@id.com\"}\n"                      // 8
      "\r\n"                                             // 9
      "{\"id\":5,\"tags\":[\"vip\"]}";                   // 10, no newline
  auto report = engine->LoadLeads(text, "leads.ndjson");
  REQUIRE_OK(report);
  std::string all_errors;
  for (const std::string& e : report->errors) all_errors += e + "\n";
  INFO(all_errors);
  CHECK(report->loaded == 3);
  CHECK(report->rejected == 4);
  REQUIRE(report->errors.size() == 4);
  CHECK(report->errors[0] ==
        "leads.ndjson:3: field \"score\" (int64) expects an integer, got "
        "string \"x\"");
  CHECK(report->errors[1].rfind("leads.ndjson:6: unknown field \"bogus\"", 0) ==
        0);
  CHECK(report->errors[2].rfind("leads.ndjson:7: malformed JSON", 0) == 0);
  CHECK(report->errors[3] == "leads.ndjson:8: missing \"id\"");

  CHECK(engine->LeadCount() == 3);
  auto one = engine->GetLead(1);
  REQUIRE_OK(one);
  CHECK(one->fields ==
        FieldValues{{"email", std::string("a@b.com")}, {"score", int64_t{10}}});
  auto three = engine->GetLead(3);
  REQUIRE_OK(three);
  CHECK(three->fields == FieldValues{{"country", std::string("US")}});
  auto five = engine->GetLead(5);
  REQUIRE_OK(five);
  CHECK(five->fields == FieldValues{{"tags", TagList{"vip"}}});
  REQUIRE_ERROR(engine->GetLead(2), absl::StatusCode::kNotFound,
                "unknown lead 2");
  REQUIRE_ERROR(engine->GetLead(4), absl::StatusCode::kNotFound,
                "unknown lead 4");
}

TEST_CASE("LoadLeads uses the default source name", "[io]") {
  auto engine = OpenEngine();
  auto report = engine->LoadLeads("{\"id\":1,\"score\":1.5}\n");
  REQUIRE_OK(report);
  REQUIRE(report->errors.size() == 1);
  CHECK(report->errors[0].rfind("leads:1: field \"score\"", 0) == 0);
}

TEST_CASE("LoadLeads of nothing loads nothing", "[io]") {
  auto engine = OpenEngine();
  for (const char* text : {"", "\n", "\r\n\r\n", "  \n\t\n"}) {
    auto report = engine->LoadLeads(text);
    REQUIRE_OK(report);
    CHECK(report->loaded == 0);
    CHECK(report->rejected == 0);
    CHECK(report->errors.empty());
    CHECK(report->changes.empty());
  }
  CHECK(engine->LeadCount() == 0);
}

TEST_CASE("LoadLeads a rejected line leaves the lead unchanged", "[io]") {
  auto engine = OpenEngine();
  REQUIRE_OK(
      engine->LoadLeads("{\"id\":9,\"email\":\"keep@x.com\",\"score\":1}\n"));
  auto report = engine->LoadLeads(
      "{\"id\":9,\"email\":\"new@x.com\",\"score\":\"bad\"}\n"
      "{\"id\":10,\"email\":\"x@y.com\",\"stage\":7}\n");
  REQUIRE_OK(report);
  CHECK(report->loaded == 0);
  CHECK(report->rejected == 2);
  auto nine = engine->GetLead(9);
  REQUIRE_OK(nine);
  CHECK(nine->fields == FieldValues{{"email", std::string("keep@x.com")},
                                    {"score", int64_t{1}}});
  REQUIRE_ERROR(engine->GetLead(10), absl::StatusCode::kNotFound, "");
}

TEST_CASE("LoadLeads replaces leads and reports membership changes", "[io]") {
  auto engine = OpenEngine();
  const SegmentId high =
      MakeSegment(*engine, Def("High", {F("score", Op::kGte, int64_t{5})}));
  auto report = engine->LoadLeads(
      "{\"id\":1,\"score\":10}\n"
      "{\"id\":2,\"score\":1}\n"
      "{\"id\":3,\"score\":7}\n"
      "{\"id\":3}\n");  // a later line replaces: lead 3 ends with no score
  REQUIRE_OK(report);
  CHECK(report->loaded == 4);
  CHECK(MembersOf(*engine, high) == std::vector<LeadId>{1});
  REQUIRE(report->changes.size() == 1);
  CHECK(report->changes[0].segment == high);
  CHECK(report->changes[0].lead == 1);
  CHECK(report->changes[0].kind == ChangeKind::kEntered);
  auto three = engine->GetLead(3);
  REQUIRE_OK(three);
  CHECK(three->fields.empty());
}

TEST_CASE("LoadLeads keeps only the first errors but counts them all", "[io]") {
  auto engine = OpenWithErrorCap(2);
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += "{\"id\":" + std::to_string(i) + ",\"x\":1}\n";
  text += "{\"id\":100}\n";
  auto report = engine->LoadLeads(text, "big");
  REQUIRE_OK(report);
  CHECK(report->rejected == 10);
  CHECK(report->loaded == 1);
  REQUIRE(report->errors.size() == 2);
  CHECK(report->errors[0].rfind("big:1: ", 0) == 0);
  CHECK(report->errors[1].rfind("big:2: ", 0) == 0);
}

TEST_CASE("LoadEvents records good events and names bad lines", "[io]") {
  auto engine = OpenEngine(/*now=*/1000);
  REQUIRE_OK(engine->LoadLeads("{\"id\":1}\n{\"id\":2}\n"));
  const SegmentId twice = MakeSegment(
      *engine, Def("Twice", {Condition::Activity("email_open", Op::kDid,
                                                 std::nullopt, 2)}));
  const SegmentId recent = MakeSegment(
      *engine, Def("Recent", {Condition::Activity("email_open", Op::kDid,
                                                  std::nullopt, 1, 1)}));
  const std::string text =
      "{\"lead\":1,\"type\":\"email_open\",\"object\":17,\"ts\":100}\r\n"   // 1
      "\r\n"                                                                // 2
      "{\"lead\":1,\"type\":\"email_open\"}\r\n"                            // 3
      "{\"lead\":99,\"type\":\"email_open\"}\n"                             // 4
      "{\"lead\":2,\"object\":1}\n"                                         // 5
      "{\"lead\":2,\"type\":\"email_open\",\"ts\":1.5}\n"                   // 6
      "{\"lead\":2,\"type\":\"\"}\n"                                        // 7
      "{\"type\":\"email_open\"}\n"                                         // 8
      "{\"lead\":2,\"type\":\"email_open\",\"ts\":null,\"object\":null}\n"  // 9
      "[]";  // 10
  auto report = engine->LoadEvents(text, "events.ndjson");
  REQUIRE_OK(report);
  std::string all_errors;
  for (const std::string& e : report->errors) all_errors += e + "\n";
  INFO(all_errors);
  CHECK(report->loaded == 3);
  CHECK(report->rejected == 6);
  REQUIRE(report->errors.size() == 6);
  CHECK(report->errors[0] == "events.ndjson:4: unknown lead 99");
  CHECK(report->errors[1] == "events.ndjson:5: missing \"type\"");
  CHECK(report->errors[2] ==
        "events.ndjson:6: \"ts\" must be an integer, got 1.5");
  CHECK(report->errors[3] == "events.ndjson:7: event type must not be empty");
  CHECK(report->errors[4] == "events.ndjson:8: missing \"lead\"");
  CHECK(report->errors[5] ==
        "events.ndjson:10: an event must be a JSON object");

  // Lead 1 opened twice (one at ts 100, one at now); lead 2 once, at now.
  CHECK(MembersOf(*engine, twice) == std::vector<LeadId>{1});
  CHECK(MembersOf(*engine, recent) == std::vector<LeadId>{1, 2});
  std::vector<std::pair<SegmentId, LeadId>> entered;
  for (const MembershipChange& c : report->changes) {
    CHECK(c.kind == ChangeKind::kEntered);
    entered.emplace_back(c.segment, c.lead);
  }
  CHECK(entered == std::vector<std::pair<SegmentId, LeadId>>{
                       {twice, 1}, {recent, 1}, {recent, 2}});
}

TEST_CASE("LoadLeads names the line and field of a malformed value", "[io]") {
  // The lines of tests/fuzz/lead_ndjson/crash-invalid_null_atom.ndjson:
  // they used to load with the field emptied.
  auto engine = OpenEngine();
  REQUIRE_OK(engine->DefineField("opted_in", FieldType::kBool));
  auto report = engine->LoadLeads(
      "{\"id\":6,\"email\":nterminated}\n"
      "{\"id\":7,\"score\":nul}\n"
      "{\"id\":8,\"opted_in\":nil}\n",
      "leads.ndjson");
  REQUIRE_OK(report);
  CHECK(report->loaded == 0);
  REQUIRE(report->errors.size() == 3);
  CHECK(report->errors[0].rfind("leads.ndjson:1: malformed JSON in \"email\" (",
                                0) == 0);
  CHECK(report->errors[1].rfind("leads.ndjson:2: malformed JSON in \"score\" (",
                                0) == 0);
  CHECK(report->errors[2].rfind(
            "leads.ndjson:3: malformed JSON in \"opted_in\" (", 0) == 0);
  CHECK(engine->LeadCount() == 0);
}

TEST_CASE("LoadLeads and LoadEvents take lead id -0 as the protocol does",
          "[io]") {
  // tests/fuzz/lead_ndjson/crash-negative_zero_id.ndjson.
  auto engine = OpenEngine();
  auto leads = engine->LoadLeads("{\"id\":-0,\"score\":-0}\n");
  REQUIRE_OK(leads);
  CHECK(leads->loaded == 1);
  auto zero = engine->GetLead(0);
  REQUIRE_OK(zero);
  CHECK(zero->fields == FieldValues{{"score", int64_t{0}}});
  auto events = engine->LoadEvents(
      "{\"lead\":-0,\"type\":\"x\",\"object\":-0,\"ts\":-0}");
  REQUIRE_OK(events);
  CHECK(events->loaded == 1);
}

TEST_CASE("LoadEvents rejects lines with malformed ignored values", "[io]") {
  // tests/fuzz/lead_ndjson/crash-unvalidated_ignored_event_keys.ndjson.
  auto engine = OpenEngine();
  REQUIRE_OK(engine->LoadLeads("{\"id\":7}\n"));
  auto report = engine->LoadEvents(
      "{\"lead\":7,\"type\":\"x\",\"extra\":178\"ignored\"}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":nope}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":\"bad \\q escape\"}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":01}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":[1 2]}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":{\"a\" 1}}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":{\"a\":1,\"a\":2}}\n"
      "{\"lead\":7,\"type\":\"x\",\"extra\":{\"a\":1}}\n",
      "events.ndjson");
  REQUIRE_OK(report);
  std::string all_errors;
  for (const std::string& e : report->errors) all_errors += e + "\n";
  INFO(all_errors);
  CHECK(report->loaded == 1);
  REQUIRE(report->rejected == 7);
  for (size_t i = 0; i < 7; ++i) {
    CHECK(report->errors[i].rfind(StrCat("events.ndjson:", i + 1, ": "), 0) ==
          0);
  }
  CHECK(report->errors[6] == "events.ndjson:7: extra: duplicate key \"a\"");
}

TEST_CASE("LoadLeads and LoadEvents refuse a line longer than 16 MiB", "[io]") {
  // The protocol's line limit, for the same reason: one line must not cost
  // without bound. The rest of the file still loads.
  auto engine = OpenEngine();
  const size_t limit = size_t{16} << 20;
  // A valid lead that is one byte too long, between two good lines.
  std::string pad(limit - std::string("{\"id\":2,\"email\":\"\"}").size() + 1,
                  ' ');
  const std::string text =
      "{\"id\":1}\n{\"id\":2,\"email\":\"\"}" + pad + "\n{\"id\":3}\n";
  auto report = engine->LoadLeads(text, "big.ndjson");
  REQUIRE_OK(report);
  CHECK(report->loaded == 2);
  REQUIRE(report->errors.size() == 1);
  CHECK(report->errors[0] ==
        "big.ndjson:2: line is longer than 16777216 bytes");
  // Exactly at the limit it loads.
  pad.pop_back();
  auto exact = engine->LoadLeads("{\"id\":2,\"email\":\"\"}" + pad);
  REQUIRE_OK(exact);
  CHECK(exact->loaded == 1);
  auto events = engine->LoadEvents(
      "{\"lead\":1,\"type\":\"x\"}" + std::string(limit, ' '), "ev");
  REQUIRE_OK(events);
  REQUIRE(events->errors.size() == 1);
  CHECK(events->errors[0] == "ev:1: line is longer than 16777216 bytes");
}

TEST_CASE("LoadLeads rejects repeated keys, naming them", "[io]") {
  auto engine = OpenEngine();
  auto report = engine->LoadLeads(
      "{\"id\":30,\"score\":600,\"score\":5}\n"
      "{\"id\":31,\"tags\":[\"a\"],\"tags\":[\"b\"]}\n",
      "dup");
  REQUIRE_OK(report);
  CHECK(report->loaded == 0);
  REQUIRE(report->errors.size() == 2);
  CHECK(report->errors[0] == "dup:1: duplicate key \"score\"");
  CHECK(report->errors[1] == "dup:2: duplicate key \"tags\"");
}

TEST_CASE("LoadEvents default source and empty input", "[io]") {
  auto engine = OpenEngine();
  auto empty = engine->LoadEvents("\n\n");
  REQUIRE_OK(empty);
  CHECK(empty->loaded == 0);
  CHECK(empty->rejected == 0);
  auto report = engine->LoadEvents("{\"lead\":5,\"type\":\"x\"}");
  REQUIRE_OK(report);
  CHECK(report->rejected == 1);
  REQUIRE(report->errors.size() == 1);
  CHECK(report->errors[0] == "events:1: unknown lead 5");
}

}  // namespace
}  // namespace audience::testing
