// The campaign and statistics commands of the line protocol: response shapes,
// error codes and messages, and that a failed command changes nothing.
#include <simdjson.h>

#include <string>

#include "io/protocol_session.h"

namespace audience::testing {
namespace {

constexpr char kNoActions[] =
    R"({"change_score":0,"add_to_segment":0,"remove_from_segment":0,)"
    R"("transfer":0,"email_sent":0,"email_opened":0,"email_clicked":0,)"
    R"("sms_sent":0,"custom":0})";

// Leads 1..4 and the segments the tests use:
//   US VIPs  public, tags has vip       {1, 2}
//   Cold     public, Lifecycle, manual  {1, 3}
//   Warm     Lifecycle, manual          {}
//   High     score >= 50                {2}
void SetUp(Session& s) {
  s.Ok(R"({"op":"create_category","name":"Lifecycle"})", {"id", "changes"});
  s.Ok(R"({"op":"upsert_leads","leads":[)"
       R"({"id":1,"email":"a@b.com","country":"US","score":10,"tags":["vip"]},)"
       R"({"id":2,"country":"CA","score":60,"tags":["vip"]},)"
       R"({"id":3,"country":"DE","score":5},{"id":4}]})",
       {"changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"US VIPs","public":true,)"
       R"("filters":[{"field":"tags","op":"has","value":"vip"}]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"Cold",)"
       R"("category":"Lifecycle","public":true}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"Warm",)"
       R"("category":"Lifecycle"}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"High",)"
       R"("filters":[{"field":"score","op":"gte","value":50}]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"add_to_segment","lead":1,"segment":"Cold"})", {"changes"});
  s.Ok(R"({"op":"add_to_segment","lead":3,"segment":"Cold"})", {"changes"});
}

const std::string kSpring =
    R"({"name":"Spring","status":"active","start":0,"end":1800000000,)"
    R"("sources":["US VIPs","cold"],"workflow_segments":["Warm"]})";

TEST_CASE("Protocol creates, reads and lists campaigns", "[io][protocol]") {
  Session s;
  SetUp(s);
  object o = s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
                  {"id", "changes"});
  CHECK(JsonOf(o, "id") == "1");
  CHECK(Changes(o) == "[]");
  o = s.Ok(R"({"op":"get_campaign","name":" spring "})", {"campaign"});
  CHECK(JsonOf(o, "campaign") ==
        R"({"id":1,"name":"Spring","status":"active","start":0,)"
        R"("end":1800000000,"sources":["US VIPs","Cold"],)"
        R"("workflow_segments":["Warm"]})");

  // Defaults: draft, open-ended, no segments; a segment listed twice counts
  // once; null is absent and unknown keys are ignored.
  o = s.Ok(R"({"op":"create_campaign","campaign":{"name":"Later",)"
           R"("start":100,"end":null,"status":null,"color":"red",)"
           R"("sources":["US VIPs","us vips"," US VIPS "]}})",
           {"id", "changes"});
  CHECK(JsonOf(o, "id") == "2");
  o = s.Ok(R"({"op":"list_campaigns"})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns") ==
        R"([{"id":1,"name":"Spring","status":"active","start":0,)"
        R"("end":1800000000,"sources":["US VIPs","Cold"],)"
        R"("workflow_segments":["Warm"]},)"
        R"({"id":2,"name":"Later","status":"draft","start":100,"end":null,)"
        R"("sources":["US VIPs"],"workflow_segments":[]}])");

  s.Error(R"({"op":"get_campaign","name":"Nope"})", "NOT_FOUND",
          "unknown campaign \"Nope\"");
  s.Error(R"({"op":"get_campaign"})", "INVALID_ARGUMENT", "missing \"name\"");
}

TEST_CASE("Protocol rejects bad campaign definitions and changes nothing",
          "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  const std::string before = s.Snapshot(R"({"op":"list_campaigns"})");
  auto create = [](const std::string& campaign) {
    return R"({"op":"create_campaign","campaign":)" + campaign + "}";
  };
  s.Error(create(R"({"name":" SPRING ","start":0})"), "ALREADY_EXISTS",
          "campaign \"SPRING\" already exists");
  s.Error(create(R"({"name":"B"})"), "INVALID_ARGUMENT", "start is required");
  s.Error(create(R"({"name":"B","start":null})"), "INVALID_ARGUMENT",
          "start is required");
  s.Error(create(R"({"name":"B","start":1.5})"), "INVALID_ARGUMENT",
          "start: expected an integer, got 1.5");
  s.Error(create(R"({"name":"B","start":10,"end":5})"), "INVALID_ARGUMENT",
          "end (5) is before start (10)");
  s.Error(create(R"({"name":"B","start":10,"end":"never"})"),
          "INVALID_ARGUMENT", "end: expected an integer");
  s.Error(create(R"({"name":"B","start":0,"status":"live"})"),
          "INVALID_ARGUMENT",
          "unknown campaign status \"live\" (expected draft, active, paused "
          "or completed)");
  s.Error(create(R"({"name":"B","start":0,"status":1})"), "INVALID_ARGUMENT",
          "status: expected a string");
  s.Error(create(R"({"name":"B","start":0,"sources":["Warm"]})"),
          "FAILED_PRECONDITION",
          "sources[0]: segment \"Warm\" is not public; only public segments "
          "can be sources");
  s.Error(create(R"({"name":"B","start":0,"sources":["US VIPs","Nope"]})"),
          "NOT_FOUND", "sources[1]: unknown segment \"Nope\"");
  s.Error(create(R"({"name":"B","start":0,"sources":["US VIPs",3]})"),
          "INVALID_ARGUMENT", "sources[1]: expected a string, got 3");
  s.Error(create(R"({"name":"B","start":0,"sources":"US VIPs"})"),
          "INVALID_ARGUMENT", "sources: expected an array");
  s.Error(create(R"({"name":"B","start":0,"workflow_segments":["Nope"]})"),
          "NOT_FOUND", "workflow_segments[0]: unknown segment \"Nope\"");
  s.Error(create(R"({"name":"B","start":0,"workflow_segments":[null]})"),
          "INVALID_ARGUMENT", "workflow_segments[0]: expected a string");
  s.Error(create(R"({"name":"  ","start":0})"), "INVALID_ARGUMENT",
          "campaign name must not be empty");
  s.Error(create(R"({"name":7,"start":0})"), "INVALID_ARGUMENT",
          "name: expected a string");
  s.Error(create(R"({"start":0})"), "INVALID_ARGUMENT",
          "campaign: missing \"name\"");
  s.Error(create(R"("Spring")"), "INVALID_ARGUMENT",
          "campaign: expected an object");
  s.Error(R"({"op":"create_campaign"})", "INVALID_ARGUMENT",
          "missing \"campaign\"");
  // The ids of failed creates are not used up either.
  CHECK(s.Snapshot(R"({"op":"list_campaigns"})") == before);
  object o = s.Ok(create(R"({"name":"B","start":0})"), {"id", "changes"});
  CHECK(JsonOf(o, "id") == "2");
}

TEST_CASE("Protocol updates and deletes campaigns", "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  s.Ok(R"({"op":"create_campaign","campaign":{"name":"Other","start":0}})",
       {"id", "changes"});
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":1,)"
       R"("action":"email_sent","ts":50})",
       {"changes"});

  // The whole definition is replaced; participation is kept.
  object o = s.Ok(R"({"op":"update_campaign","name":"spring","campaign":)"
                  R"({"name":"Summer","status":"paused","start":10}})",
                  {"changes"});
  CHECK(Changes(o) == "[]");
  o = s.Ok(R"({"op":"get_campaign","name":"summer"})", {"campaign"});
  CHECK(JsonOf(o, "campaign") ==
        R"({"id":1,"name":"Summer","status":"paused","start":10,"end":null,)"
        R"("sources":[],"workflow_segments":[]})");
  s.Error(R"({"op":"get_campaign","name":"Spring"})", "NOT_FOUND",
          "unknown campaign \"Spring\"");
  o = s.Ok(R"({"op":"lead_campaigns","lead":1})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns").find(R"("campaign":"Summer")") !=
        std::string::npos);

  const std::string before = s.Snapshot(R"({"op":"list_campaigns"})");
  s.Error(R"({"op":"update_campaign","name":"Nope","campaign":)"
          R"({"name":"X","start":0}})",
          "NOT_FOUND", "unknown campaign \"Nope\"");
  s.Error(R"({"op":"update_campaign","name":"Summer","campaign":)"
          R"({"name":"other","start":0}})",
          "ALREADY_EXISTS", "campaign \"other\" already exists");
  s.Error(R"({"op":"update_campaign","name":"Summer","campaign":)"
          R"({"name":"Summer","start":10,"end":9}})",
          "INVALID_ARGUMENT", "end (9) is before start (10)");
  s.Error(R"({"op":"update_campaign","name":"Summer","campaign":)"
          R"({"name":"Summer","start":0,"sources":["Warm"]}})",
          "FAILED_PRECONDITION", "sources[0]: segment \"Warm\" is not public");
  s.Error(R"({"op":"update_campaign","name":"Summer"})", "INVALID_ARGUMENT",
          "missing \"campaign\"");
  s.Error(R"({"op":"update_campaign","campaign":{"name":"X","start":0}})",
          "INVALID_ARGUMENT", "missing \"name\"");
  CHECK(s.Snapshot(R"({"op":"list_campaigns"})") == before);

  // Deleting drops the campaign and its participation.
  o = s.Ok(R"({"op":"delete_campaign","name":"SUMMER"})", {"changes"});
  CHECK(Changes(o) == "[]");
  s.Error(R"({"op":"delete_campaign","name":"Summer"})", "NOT_FOUND",
          "unknown campaign \"Summer\"");
  s.Error(R"({"op":"delete_campaign"})", "INVALID_ARGUMENT",
          "missing \"name\"");
  o = s.Ok(R"({"op":"lead_campaigns","lead":1})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns") == "[]");
  o = s.Ok(R"({"op":"list_campaigns"})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns") ==
        R"([{"id":2,"name":"Other","status":"draft","start":0,"end":null,)"
        R"("sources":[],"workflow_segments":[]}])");
  // A new campaign may take the name; ids are not reused.
  o = s.Ok(R"({"op":"create_campaign","campaign":{"name":"Summer","start":0}})",
           {"id", "changes"});
  CHECK(JsonOf(o, "id") == "3");
}

TEST_CASE("Protocol pages through a campaign audience", "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"upsert_lead","lead":{"id":0,"tags":["vip"]}})", {"changes"});
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  // The audience is US VIPs {0, 1, 2} ∪ Cold {1, 3}.
  object o = s.Ok(R"({"op":"campaign_audience","campaign":"SPRING"})",
                  {"count", "leads", "next"});
  CHECK(JsonOf(o, "count") == "4");
  CHECK(JsonOf(o, "leads") == "[0,1,2,3]");
  CHECK(JsonOf(o, "next") == "null");
  o = s.Ok(R"({"op":"campaign_audience","campaign":"Spring","limit":2,)"
           R"("after":null})",
           {"count", "leads", "next"});
  CHECK(JsonOf(o, "leads") == "[0,1]");
  CHECK(JsonOf(o, "next") == "1");
  o = s.Ok(R"({"op":"campaign_audience","campaign":"Spring","limit":2,)"
           R"("after":1})",
           {"count", "leads", "next"});
  CHECK(JsonOf(o, "count") == "4");
  CHECK(JsonOf(o, "leads") == "[2,3]");
  CHECK(JsonOf(o, "next") == "null");
  // `after` is exclusive, so 0 skips lead 0.
  o = s.Ok(R"({"op":"campaign_audience","campaign":"Spring","after":0})",
           {"count", "leads", "next"});
  CHECK(JsonOf(o, "leads") == "[1,2,3]");
  o = s.Ok(R"({"op":"campaign_audience","campaign":"Spring","after":99,)"
           R"("limit":1000})",
           {"count", "leads", "next"});
  CHECK(JsonOf(o, "leads") == "[]");
  CHECK(JsonOf(o, "next") == "null");

  s.Error(R"({"op":"campaign_audience","campaign":"Spring","limit":0})",
          "INVALID_ARGUMENT", "limit must be between 1 and 1000, got 0");
  s.Error(R"({"op":"campaign_audience","campaign":"Spring","limit":1001})",
          "INVALID_ARGUMENT", "limit must be between 1 and 1000, got 1001");
  s.Error(R"({"op":"campaign_audience","campaign":"Spring","limit":"5"})",
          "INVALID_ARGUMENT", "limit: expected an integer");
  s.Error(R"({"op":"campaign_audience","campaign":"Spring","after":-1})",
          "INVALID_ARGUMENT", "after: expected a non-negative integer, got -1");
  s.Error(R"({"op":"campaign_audience","campaign":"Nope"})", "NOT_FOUND",
          "unknown campaign \"Nope\"");
  s.Error(R"({"op":"campaign_audience"})", "INVALID_ARGUMENT",
          "missing \"campaign\"");
}

TEST_CASE("Protocol campaign actions", "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  s.Ok(R"({"op":"advance_clock","now":1000})", {"changes"});

  // Host actions change no membership; a missing ts is the clock.
  for (const char* kind :
       {"email_sent", "email_opened", "email_clicked", "sms_sent", "custom"}) {
    object o = s.Ok(std::string(R"({"op":"campaign_action","campaign":)") +
                        R"("spring","lead":1,"action":")" + kind + "\"}",
                    {"changes"});
    CHECK(Changes(o) == "[]");
  }
  object o = s.Ok(R"({"op":"lead_campaigns","lead":1})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns") ==
        R"([{"campaign":"Spring","actions":{"change_score":0,)"
        R"("add_to_segment":0,"remove_from_segment":0,"transfer":0,)"
        R"("email_sent":1,"email_opened":1,"email_clicked":1,"sms_sent":1,)"
        R"("custom":1},"last_action":1000}])");

  // Engine actions report their changes.
  o = s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":1,)"
           R"("action":"change_score","delta":45,"ts":2000})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":1,"change":"entered"}])");
  o = s.Ok(R"({"op":"get_lead","id":1})", {"lead"});
  CHECK(JsonOf(o, "lead").find(R"("score":55)") != std::string::npos);
  o = s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":4,)"
           R"("action":"change_score","delta":-3})",
           {"changes"});
  CHECK(Changes(o) == "[]");  // an empty score counts as 0
  o = s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":2,)"
           R"("action":"add_to_segment","segment":"cold"})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Cold","lead":2,"change":"entered"}])");
  o = s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":2,)"
           R"("action":"transfer","from":"Cold","to":"warm"})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Cold","lead":2,"change":"left"},)"
                      R"({"segment":"Warm","lead":2,"change":"entered"}])");
  o = s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":3,)"
           R"("action":"remove_from_segment","segment":"Cold","ts":5})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Cold","lead":3,"change":"left"}])");
  o = s.Ok(R"({"op":"lead_campaigns","lead":2})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns") ==
        R"([{"campaign":"Spring","actions":{"change_score":0,)"
        R"("add_to_segment":1,"remove_from_segment":0,"transfer":1,)"
        R"("email_sent":0,"email_opened":0,"email_clicked":0,"sms_sent":0,)"
        R"("custom":0},"last_action":1000}])");
  o = s.Ok(R"({"op":"lead_campaigns","lead":1})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns").find(R"("last_action":2000)") !=
        std::string::npos);

  // Failed actions record and change nothing.
  auto state = [&s] {
    std::string out;
    for (LeadId lead = 1; lead <= 4; ++lead) {
      out += s.Snapshot(R"({"op":"lead_campaigns","lead":)" +
                        std::to_string(lead) + "}");
      out += s.Snapshot(R"({"op":"lead_segments","lead":)" +
                        std::to_string(lead) + "}");
      out +=
          s.Snapshot(R"({"op":"get_lead","id":)" + std::to_string(lead) + "}");
    }
    return out;
  };
  const std::string before = state();
  auto action = [](const std::string& rest) {
    return R"({"op":"campaign_action","campaign":"Spring",)" + rest + "}";
  };
  s.Error(R"({"op":"campaign_action","campaign":"Nope","lead":1,)"
          R"("action":"custom"})",
          "NOT_FOUND", "unknown campaign \"Nope\"");
  s.Error(R"({"op":"campaign_action","lead":1,"action":"custom"})",
          "INVALID_ARGUMENT", "missing \"campaign\"");
  s.Error(action(R"("lead":99,"action":"email_sent")"), "NOT_FOUND",
          "unknown lead 99");
  s.Error(action(R"("lead":99,"action":"change_score","delta":1)"), "NOT_FOUND",
          "unknown lead 99");
  s.Error(action(R"("action":"email_sent")"), "INVALID_ARGUMENT",
          "missing \"lead\"");
  s.Error(action(R"("lead":-1,"action":"email_sent")"), "INVALID_ARGUMENT",
          "lead: expected a non-negative integer");
  s.Error(action(R"("lead":1)"), "INVALID_ARGUMENT", "missing \"action\"");
  s.Error(action(R"("lead":1,"action":"EMAIL_SENT")"), "INVALID_ARGUMENT",
          "unknown action \"EMAIL_SENT\" (expected change_score, "
          "add_to_segment, remove_from_segment, transfer, email_sent, "
          "email_opened, email_clicked, sms_sent or custom)");
  s.Error(action(R"("lead":1,"action":"custom","ts":"now")"),
          "INVALID_ARGUMENT", "ts: expected an integer");
  s.Error(action(R"("lead":1,"action":"change_score")"), "INVALID_ARGUMENT",
          "missing \"delta\" for action \"change_score\"");
  s.Error(action(R"("lead":1,"action":"change_score","delta":1.5)"),
          "INVALID_ARGUMENT", "delta: expected an integer, got 1.5");
  s.Error(action(R"("lead":1,"action":"change_score",)"
                 R"("delta":9223372036854775807)"),
          "INVALID_ARGUMENT", "overflows");
  s.Error(action(R"("lead":1,"action":"add_to_segment")"), "INVALID_ARGUMENT",
          "missing \"segment\" for action \"add_to_segment\"");
  s.Error(action(R"("lead":1,"action":"remove_from_segment")"),
          "INVALID_ARGUMENT",
          "missing \"segment\" for action \"remove_from_segment\"");
  s.Error(action(R"("lead":1,"action":"add_to_segment","segment":"Nope")"),
          "NOT_FOUND", "unknown segment \"Nope\"");
  s.Error(action(R"("lead":1,"action":"transfer","to":"Warm")"),
          "INVALID_ARGUMENT", "missing \"from\" for action \"transfer\"");
  s.Error(action(R"("lead":1,"action":"transfer","from":"Cold")"),
          "INVALID_ARGUMENT", "missing \"to\" for action \"transfer\"");
  s.Error(action(R"("lead":4,"action":"transfer","from":"Cold","to":"Warm")"),
          "FAILED_PRECONDITION", "lead 4 is not a member of \"Cold\"");
  s.Error(action(R"("lead":1,"action":"transfer","from":"Cold","to":"cold")"),
          "INVALID_ARGUMENT", "itself");
  CHECK(state() == before);

  s.Error(R"({"op":"lead_campaigns","lead":99})", "NOT_FOUND",
          "unknown lead 99");
  s.Error(R"({"op":"lead_campaigns"})", "INVALID_ARGUMENT", "missing \"lead\"");
  o = s.Ok(R"({"op":"lead_campaigns","lead":4})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns").find(R"("change_score":1)") !=
        std::string::npos);
}

TEST_CASE("Protocol campaign actions for many leads", "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  object o = s.Ok(R"({"op":"campaign_action","campaign":"Spring",)"
                  R"("leads":[3,1],"action":"transfer","from":"Cold",)"
                  R"("to":"Warm"})",
                  {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Cold","lead":1,"change":"left"},)"
                      R"({"segment":"Cold","lead":3,"change":"left"},)"
                      R"({"segment":"Warm","lead":1,"change":"entered"},)"
                      R"({"segment":"Warm","lead":3,"change":"entered"}])");
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","leads":[1,2],)"
       R"("action":"email_sent"})",
       {"changes"});
  o = s.Ok(R"({"op":"lead_campaigns","lead":1})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns").find(R"("transfer":1,"email_sent":1)") !=
        std::string::npos);
  s.Error(R"({"op":"campaign_action","campaign":"Spring","leads":[2,9],)"
          R"("action":"email_sent"})",
          "NOT_FOUND", "leads[1]: unknown lead 9");
  s.Error(R"({"op":"campaign_action","campaign":"Spring","leads":[2,"x"],)"
          R"("action":"email_sent"})",
          "INVALID_ARGUMENT", "leads[1]");
  s.Error(R"({"op":"campaign_action","campaign":"Spring","leads":[4,4],)"
          R"("action":"custom"})",
          "INVALID_ARGUMENT", "listed more than once");
  o = s.Ok(R"({"op":"lead_campaigns","lead":4})", {"campaigns"});
  CHECK(JsonOf(o, "campaigns") == "[]");
}

TEST_CASE("Protocol segment stats", "[io][protocol]") {
  Session s;
  SetUp(s);
  object o = s.Ok(R"({"op":"stats","segment":"us vips"})",
                  {"total_leads", "active_campaigns", "campaigns_participated",
                   "by_campaign"});
  CHECK(JsonOf(o, "total_leads") == "2");
  CHECK(JsonOf(o, "active_campaigns") == "0");
  CHECK(JsonOf(o, "campaigns_participated") == "0");
  CHECK(JsonOf(o, "by_campaign") == "[]");

  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  s.Ok(R"({"op":"create_campaign","campaign":{"name":"Done",)"
       R"("status":"completed","start":0,"workflow_segments":["US VIPs"]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_campaign","campaign":{"name":"Draft","start":0,)"
       R"("end":10,"sources":["US VIPs"]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_campaign","campaign":{"name":"Elsewhere",)"
       R"("status":"active","start":0,"sources":["Cold"]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":1,)"
       R"("action":"email_sent"})",
       {"changes"});
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":1,)"
       R"("action":"email_sent"})",
       {"changes"});
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":2,)"
       R"("action":"email_opened"})",
       {"changes"});
  // Lead 3 is not in US VIPs: its action does not count there.
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":3,)"
       R"("action":"email_sent"})",
       {"changes"});
  s.Ok(R"({"op":"campaign_action","campaign":"Done","lead":2,)"
       R"("action":"custom"})",
       {"changes"});
  s.Ok(R"({"op":"advance_clock","now":100})", {"changes"});

  // Spring is active; Done has run; Draft ended but never ran.
  o = s.Ok(R"({"op":"stats","segment":"US VIPs"})",
           {"total_leads", "active_campaigns", "campaigns_participated",
            "by_campaign"});
  CHECK(JsonOf(o, "total_leads") == "2");
  CHECK(JsonOf(o, "active_campaigns") == "1");
  CHECK(JsonOf(o, "campaigns_participated") == "1");
  CHECK(JsonOf(o, "by_campaign") ==
        R"([{"campaign":"Spring","participated":2,"actions":{)"
        R"("change_score":0,"add_to_segment":0,"remove_from_segment":0,)"
        R"("transfer":0,"email_sent":2,"email_opened":1,"email_clicked":0,)"
        R"("sms_sent":0,"custom":0}},)"
        R"({"campaign":"Done","participated":1,"actions":{)"
        R"("change_score":0,"add_to_segment":0,"remove_from_segment":0,)"
        R"("transfer":0,"email_sent":0,"email_opened":0,"email_clicked":0,)"
        R"("sms_sent":0,"custom":1}},)"
        R"({"campaign":"Draft","participated":0,"actions":)" +
            std::string(kNoActions) + "}]");

  // Past Spring's end it has run too.
  s.Ok(R"({"op":"advance_clock","now":1800000001})", {"changes"});
  o = s.Ok(R"({"op":"stats","segment":"US VIPs"})",
           {"total_leads", "active_campaigns", "campaigns_participated",
            "by_campaign"});
  CHECK(JsonOf(o, "active_campaigns") == "0");
  CHECK(JsonOf(o, "campaigns_participated") == "2");

  s.Error(R"({"op":"stats","segment":"Nope"})", "NOT_FOUND",
          "unknown segment \"Nope\"");
  s.Error(R"({"op":"stats"})", "INVALID_ARGUMENT", "missing \"segment\"");
}

TEST_CASE("Protocol segment leads tab", "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  s.Ok(R"({"op":"campaign_action","campaign":"Spring","lead":2,)"
       R"("action":"email_sent"})",
       {"changes"});
  s.Ok(R"({"op":"event","lead":1,"type":"email_open","object":17,"ts":5})",
       {"changes"});
  s.Ok(R"({"op":"event","lead":1,"type":"visit","ts":9})", {"changes"});
  s.Ok(R"({"op":"upsert_lead","lead":{"id":5,"tags":["VIP"],"stage":null}})",
       {"changes"});

  object o = s.Ok(R"({"op":"segment_leads","segment":"US VIPs","limit":2})",
                  {"leads", "next"});
  CHECK(JsonOf(o, "leads") ==
        R"([{"id":1,"fields":{"country":"US","email":"a@b.com","score":10,)"
        R"("tags":["vip"]},"score":10,"segments":["US VIPs","Cold"],)"
        R"("campaigns":[],"recent_activity":[)"
        R"({"type":"visit","object":null,"ts":9},)"
        R"({"type":"email_open","object":17,"ts":5}]},)"
        R"({"id":2,"fields":{"country":"CA","score":60,"tags":["vip"]},)"
        R"("score":60,"segments":["US VIPs","High"],"campaigns":["Spring"],)"
        R"("recent_activity":[]}])");
  CHECK(JsonOf(o, "next") == "2");
  o = s.Ok(R"({"op":"segment_leads","segment":"US VIPs","after":2})",
           {"leads", "next"});
  CHECK(JsonOf(o, "leads") ==
        R"([{"id":5,"fields":{"tags":["VIP"]},"score":null,)"
        R"("segments":["US VIPs"],"campaigns":[],"recent_activity":[]}])");
  CHECK(JsonOf(o, "next") == "null");
  o = s.Ok(R"({"op":"segment_leads","segment":"Warm","after":null})",
           {"leads", "next"});
  CHECK(JsonOf(o, "leads") == "[]");
  CHECK(JsonOf(o, "next") == "null");

  s.Error(R"({"op":"segment_leads","segment":"US VIPs","limit":0})",
          "INVALID_ARGUMENT", "limit must be between 1 and 1000, got 0");
  s.Error(R"({"op":"segment_leads","segment":"US VIPs","limit":-5})",
          "INVALID_ARGUMENT", "limit must be between 1 and 1000, got -5");
  s.Error(R"({"op":"segment_leads","segment":"US VIPs","limit":1001})",
          "INVALID_ARGUMENT", "limit must be between 1 and 1000, got 1001");
  s.Error(R"({"op":"segment_leads","segment":"US VIPs","limit":2.0})",
          "INVALID_ARGUMENT", "limit: expected an integer, got 2.0");
  s.Error(R"({"op":"segment_leads","segment":"US VIPs","after":"2"})",
          "INVALID_ARGUMENT", "after: expected a non-negative integer");
  s.Error(R"({"op":"segment_leads","segment":"Nope"})", "NOT_FOUND",
          "unknown segment \"Nope\"");
  s.Error(R"({"op":"segment_leads"})", "INVALID_ARGUMENT",
          "missing \"segment\"");
}

TEST_CASE("Protocol lead segments", "[io][protocol]") {
  Session s;
  SetUp(s);
  object o = s.Ok(R"({"op":"lead_segments","lead":1})",
                  {"segments", "active_segments"});
  CHECK(JsonOf(o, "segments") == R"(["US VIPs","Cold"])");
  CHECK(JsonOf(o, "active_segments") == "{}");
  s.Ok(R"({"op":"transfer","lead":1,"from":"Cold","to":"Warm"})", {"changes"});
  s.Ok(R"({"op":"create_category","name":"Tier"})", {"id", "changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"Gold","category":"Tier"}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"Silver",)"
       R"("category":"Tier"}})",
       {"id", "changes"});
  s.Ok(R"({"op":"add_to_segment","lead":1,"segment":"Gold"})", {"changes"});
  s.Ok(R"({"op":"transfer","lead":1,"from":"Gold","to":"Silver"})",
       {"changes"});
  s.Ok(R"({"op":"rename_category","name":"tier","new_name":"Tiers"})",
       {"changes"});
  o = s.Ok(R"({"op":"lead_segments","lead":1})",
           {"segments", "active_segments"});
  CHECK(JsonOf(o, "segments") == R"(["US VIPs","Warm","Silver"])");
  CHECK(JsonOf(o, "active_segments") ==
        R"({"Lifecycle":"Warm","Tiers":"Silver"})");
  o = s.Ok(R"({"op":"lead_segments","lead":4})",
           {"segments", "active_segments"});
  CHECK(JsonOf(o, "segments") == "[]");
  s.Error(R"({"op":"lead_segments","lead":99})", "NOT_FOUND",
          "unknown lead 99");
  s.Error(R"({"op":"lead_segments"})", "INVALID_ARGUMENT", "missing \"lead\"");
}

TEST_CASE("Protocol segment deletes and the public rule with campaigns",
          "[io][protocol]") {
  Session s;
  SetUp(s);
  s.Ok(R"({"op":"create_campaign","campaign":)" + kSpring + "}",
       {"id", "changes"});
  s.Ok(R"({"op":"create_campaign","campaign":{"name":"Paused",)"
       R"("status":"paused","start":0,"workflow_segments":["Warm"]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"transfer","lead":1,"from":"Cold","to":"Warm"})", {"changes"});
  const std::string campaigns = s.Snapshot(R"({"op":"list_campaigns"})");
  const std::string segments = s.Snapshot(R"({"op":"list_segments"})");

  // Unforced: refused while any campaign, in any status, names it.
  s.Error(R"({"op":"delete_segment","name":"Warm"})", "FAILED_PRECONDITION",
          "segment \"Warm\" is used by campaigns \"Spring\", \"Paused\"");
  s.Error(R"({"op":"delete_segment","name":"Warm","force":false})",
          "FAILED_PRECONDITION", "force the delete");
  // Making an active campaign's source non-public is refused.
  s.Error(R"({"op":"update_segment","name":"US VIPs","segment":)"
          R"({"name":"US VIPs","filters":[{"field":"tags","op":"has",)"
          R"("value":"vip"}]}})",
          "FAILED_PRECONDITION",
          "segment \"US VIPs\" cannot become non-public: it is a source of "
          "active campaigns \"Spring\"");
  CHECK(s.Snapshot(R"({"op":"list_campaigns"})") == campaigns);
  CHECK(s.Snapshot(R"({"op":"list_segments"})") == segments);

  // Forced: detached from the campaigns, which are reported.
  object o = s.Ok(R"({"op":"delete_segment","name":"warm","force":true})",
                  {"campaigns", "changes"});
  CHECK(JsonOf(o, "campaigns") == R"(["Spring","Paused"])");
  CHECK(Changes(o) == R"([{"segment":"Warm","lead":1,"change":"left"}])");
  o = s.Ok(R"({"op":"get_campaign","name":"Spring"})", {"campaign"});
  CHECK(JsonOf(o, "campaign").find(R"("workflow_segments":[])") !=
        std::string::npos);
  o = s.Ok(R"({"op":"lead_segments","lead":1})",
           {"segments", "active_segments"});
  CHECK(JsonOf(o, "active_segments") == "{}");
  // A forced delete of an unused segment detaches nothing.
  o = s.Ok(R"({"op":"delete_segment","name":"High","force":true})",
           {"campaigns", "changes"});
  CHECK(JsonOf(o, "campaigns") == "[]");
  // force never overrides references from other segments' filters.
  s.Ok(R"({"op":"create_segment","segment":{"name":"Not VIPs",)"
       R"("filters":[{"segment":"US VIPs","op":"not_member"}]}})",
       {"id", "changes"});
  s.Error(R"({"op":"delete_segment","name":"US VIPs","force":true})",
          "FAILED_PRECONDITION", "referenced by the filters of \"Not VIPs\"");

  // Once the campaign is paused, its source may become non-public.
  s.Ok(R"({"op":"update_campaign","name":"Spring","campaign":{"name":"Spring",)"
       R"("status":"paused","start":0,"sources":["US VIPs"]}})",
       {"changes"});
  s.Ok(R"({"op":"update_segment","name":"US VIPs","segment":)"
       R"({"name":"US VIPs","filters":[{"field":"tags","op":"has",)"
       R"("value":"vip"}]}})",
       {"changes"});
}

}  // namespace
}  // namespace audience::testing
