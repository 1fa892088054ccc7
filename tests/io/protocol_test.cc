// The line protocol (audience/protocol.h): every command's response keys,
// error codes, and that a failed mutation changes nothing.
#include "audience/protocol.h"

#include <simdjson.h>

#include <set>
#include <string>

#include "io/protocol_session.h"

namespace audience::testing {
namespace {

TEST_CASE("Protocol rejects bad command lines", "[io]") {
  Session s;
  s.Error("{not json", "INVALID_ARGUMENT", "malformed JSON");
  s.Error("", "INVALID_ARGUMENT", "malformed JSON");
  s.Error("{\"op\":\"now\"} extra", "INVALID_ARGUMENT", "malformed JSON");
  s.Error("[1,2]", "INVALID_ARGUMENT", "command: expected an object");
  s.Error("\"now\"", "INVALID_ARGUMENT", "command: expected an object");
  s.Error("{}", "INVALID_ARGUMENT", "missing \"op\"");
  s.Error("{\"op\":null}", "INVALID_ARGUMENT", "missing \"op\"");
  s.Error("{\"op\":7}", "INVALID_ARGUMENT", "op: expected a string, got 7");
  s.Error("{\"op\":\"frobnicate\"}", "INVALID_ARGUMENT",
          "unknown op \"frobnicate\"");
  s.Error("{\"op\":\"COUNT\",\"segment\":\"x\"}", "INVALID_ARGUMENT",
          "unknown op \"COUNT\"");
  // Still working afterwards.
  s.Ok("{\"op\":\"now\"}", {"now"});
}

TEST_CASE("Protocol fields", "[io]") {
  Session s;
  object o = s.Ok(R"({"op":"define_field","name":"plan","type":"keyword"})",
                  {"changes"});
  CHECK(Changes(o) == "[]");
  s.Error(R"({"op":"define_field","name":"plan","type":"keyword"})",
          "ALREADY_EXISTS", "\"plan\"");
  s.Error(R"({"op":"define_field","name":"email","type":"string"})",
          "ALREADY_EXISTS", "\"email\"");
  s.Error(R"({"op":"define_field","name":"id","type":"int64"})",
          "INVALID_ARGUMENT", "reserved");
  s.Error(R"({"op":"define_field","name":" padded ","type":"keyword"})",
          "INVALID_ARGUMENT",
          R"(field name " padded " has leading or trailing whitespace)");
  s.Error(R"({"op":"define_field","name":"a\u0001b","type":"keyword"})",
          "INVALID_ARGUMENT",
          R"(field name "a\x01b" contains a control character)");
  s.Error(R"({"op":"define_field","name":"plan\t","type":"keyword"})",
          "INVALID_ARGUMENT", "leading or trailing whitespace");
  s.Error(R"({"op":"define_field","name":"x","type":"integer"})",
          "INVALID_ARGUMENT", "unknown field type \"integer\"");
  s.Error(R"({"op":"define_field","type":"bool"})", "INVALID_ARGUMENT",
          "missing \"name\"");
  s.Error(R"({"op":"define_field","name":"x"})", "INVALID_ARGUMENT",
          "missing \"type\"");
  o = s.Ok(R"({"op":"list_fields"})", {"fields"});
  CHECK(simdjson::minify(o["fields"].value_unsafe()) ==
        R"([{"name":"email","type":"string","standard":true},)"
        R"({"name":"country","type":"keyword","standard":true},)"
        R"({"name":"stage","type":"keyword","standard":true},)"
        R"({"name":"score","type":"int64","standard":true},)"
        R"({"name":"tags","type":"tags","standard":true},)"
        R"({"name":"created_at","type":"timestamp","standard":true},)"
        R"({"name":"plan","type":"keyword","standard":false}])");
}

TEST_CASE("Protocol categories", "[io]") {
  Session s;
  object o = s.Ok(R"({"op":"create_category","name":" Lifecycle "})",
                  {"id", "changes"});
  uint64_t id = 0;
  REQUIRE(o["id"].get(id) == simdjson::SUCCESS);
  s.Error(R"({"op":"create_category","name":"LIFECYCLE"})", "ALREADY_EXISTS",
          "\"LIFECYCLE\"");
  s.Error(R"({"op":"create_category","name":"  "})", "INVALID_ARGUMENT",
          "must not be empty");
  s.Ok(R"({"op":"rename_category","name":"lifecycle","new_name":"Stages"})",
       {"changes"});
  s.Error(R"({"op":"rename_category","name":"Nope","new_name":"X"})",
          "NOT_FOUND", "unknown category \"Nope\"");
  o = s.Ok(R"({"op":"list_categories"})", {"categories"});
  CHECK(simdjson::minify(o["categories"].value_unsafe()) ==
        R"([{"id":)" + std::to_string(id) + R"(,"name":"Stages"}])");
  s.Ok(R"({"op":"create_segment","segment":{"name":"S","category":"stages"}})",
       {"id", "changes"});
  s.Error(R"({"op":"delete_category","name":"Stages"})", "FAILED_PRECONDITION",
          "\"S\"");
  s.Ok(R"({"op":"delete_segment","name":"S"})", {"changes"});
  s.Ok(R"({"op":"delete_category","name":"Stages"})", {"changes"});
  s.Error(R"({"op":"delete_category","name":"Stages"})", "NOT_FOUND",
          "unknown category");
  o = s.Ok(R"({"op":"list_categories"})", {"categories"});
  CHECK(simdjson::minify(o["categories"].value_unsafe()) == "[]");
}

TEST_CASE("Protocol segments and their membership changes", "[io]") {
  Session s;
  s.Ok(R"({"op":"upsert_lead","lead":{"id":7,"country":"US","score":10}})",
       {"changes"});
  s.Ok(R"({"op":"upsert_lead","lead":{"id":8,"country":"ca","score":600}})",
       {"changes"});
  object o = s.Ok(
      R"({"op":"create_segment","segment":{"name":"US VIPs","public":true,)"
      R"("filters":[{"field":"country","op":"in","value":["us","CA"]}]}})",
      {"id", "changes"});
  CHECK(Changes(o) == R"([{"segment":"US VIPs","lead":7,"change":"entered"},)"
                      R"({"segment":"US VIPs","lead":8,"change":"entered"}])");

  s.Error(R"({"op":"create_segment","segment":{"name":"us vips"}})",
          "ALREADY_EXISTS", "already exists");
  s.Error(R"({"op":"create_segment","segment":{"name":"Bad",)"
          R"("filters":[{"field":"score","op":"gte","value":"abc"}]}})",
          "INVALID_ARGUMENT", "filters[0]");
  s.Error(R"({"op":"create_segment","segment":{"name":"Bad",)"
          R"("filters":[{"field":"nope","op":"eq","value":1}]}})",
          "NOT_FOUND", "filters[0]");
  s.Error(
      R"({"op":"create_segment","segment":{"name":"Bad","category":"Nope"}})",
      "NOT_FOUND", "unknown category \"Nope\"");
  s.Error(
      R"({"op":"create_segment","segment":{"name":"Bad","filters":[{"op":"eq"}]}})",
      "INVALID_ARGUMENT", "exactly one of");
  s.Error(R"({"op":"create_segment"})", "INVALID_ARGUMENT",
          "missing \"segment\"");
  s.Error(R"({"op":"create_segment","segment":{"filters":[]}})",
          "INVALID_ARGUMENT", "missing \"name\"");
  // None of the failures created anything.
  o = s.Ok(R"({"op":"list_segments"})", {"segments"});
  CHECK(simdjson::minify(o["segments"].value_unsafe()) ==
        R"([{"id":1,"name":"US VIPs","category":null,"public":true,)"
        R"("description":"","filters":[{"field":"country","op":"in",)"
        R"("value":["us","CA"]}],"count":2}])");

  o = s.Ok(R"({"op":"get_segment","name":"us VIPS"})", {"segment"});
  CHECK(simdjson::minify(o["segment"]["name"].value_unsafe()) == "\"US VIPs\"");
  s.Error(R"({"op":"get_segment","name":"Nope"})", "NOT_FOUND",
          "unknown segment \"Nope\"");

  o = s.Ok(R"({"op":"members","segment":"US VIPs"})", {"members"});
  CHECK(simdjson::minify(o["members"].value_unsafe()) == "[7,8]");
  o = s.Ok(R"({"op":"count","segment":"US VIPs"})", {"count"});
  CHECK(simdjson::minify(o["count"].value_unsafe()) == "2");
  o = s.Ok(R"({"op":"contains","segment":"US VIPs","lead":8})", {"member"});
  CHECK(simdjson::minify(o["member"].value_unsafe()) == "true");
  o = s.Ok(R"({"op":"contains","segment":"US VIPs","lead":12345})", {"member"});
  CHECK(simdjson::minify(o["member"].value_unsafe()) == "false");
  s.Error(R"({"op":"members","segment":"Nope"})", "NOT_FOUND", "\"Nope\"");
  s.Error(R"({"op":"count"})", "INVALID_ARGUMENT", "missing \"segment\"");
  // With "after" or "limit", one page and the cursor of the next.
  o = s.Ok(R"({"op":"members","segment":"US VIPs","limit":1})",
           {"members", "next"});
  CHECK(simdjson::minify(o["members"].value_unsafe()) == "[7]");
  CHECK(simdjson::minify(o["next"].value_unsafe()) == "7");
  o = s.Ok(R"({"op":"members","segment":"US VIPs","after":7})",
           {"members", "next"});
  CHECK(simdjson::minify(o["members"].value_unsafe()) == "[8]");
  CHECK(simdjson::minify(o["next"].value_unsafe()) == "null");
  s.Error(R"({"op":"members","segment":"US VIPs","limit":0})",
          "INVALID_ARGUMENT", "limit must be between 1 and 1000");
  s.Error(R"({"op":"members","segment":"US VIPs","after":-1})",
          "INVALID_ARGUMENT", "after");

  o = s.Ok(
      R"({"op":"update_segment","name":"US VIPs","segment":{"name":"VIPs",)"
      R"("filters":[{"field":"score","op":"gte","value":500}]}})",
      {"changes"});
  CHECK(Changes(o) == R"([{"segment":"VIPs","lead":7,"change":"left"}])");
  s.Error(R"({"op":"update_segment","name":"Nope","segment":{"name":"X"}})",
          "NOT_FOUND", "\"Nope\"");
  s.Error(R"({"op":"update_segment","name":"VIPs","segment":{"name":"VIPs",)"
          R"("filters":[{"field":"score","op":"gte","value":1.5}]}})",
          "INVALID_ARGUMENT", "filters[0]");
  o = s.Ok(R"({"op":"members","segment":"VIPs"})", {"members"});
  CHECK(simdjson::minify(o["members"].value_unsafe()) == "[8]");

  // A reference blocks the delete; nothing changes.
  s.Ok(R"({"op":"create_segment","segment":{"name":"Not VIPs",)"
       R"("filters":[{"segment":"vips","op":"not_member"}]}})",
       {"id", "changes"});
  s.Error(R"({"op":"delete_segment","name":"VIPs"})", "FAILED_PRECONDITION",
          "\"Not VIPs\"");
  o = s.Ok(R"({"op":"count","segment":"VIPs"})", {"count"});
  CHECK(simdjson::minify(o["count"].value_unsafe()) == "1");
  s.Error(R"({"op":"delete_segment","name":"VIPs","force":"yes"})",
          "INVALID_ARGUMENT", "force");
  o = s.Ok(R"({"op":"delete_segment","name":"Not VIPs"})", {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Not VIPs","lead":7,"change":"left"}])");
  o = s.Ok(R"({"op":"delete_segment","name":"VIPs","force":false})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"VIPs","lead":8,"change":"left"}])");
  s.Error(R"({"op":"delete_segment","name":"VIPs"})", "NOT_FOUND", "\"VIPs\"");
}

TEST_CASE("Protocol leads", "[io]") {
  Session s;
  s.Ok(R"({"op":"create_segment","segment":{"name":"High",)"
       R"("filters":[{"field":"score","op":"gt","value":5}]}})",
       {"id", "changes"});
  object o = s.Ok(
      R"({"op":"upsert_lead","lead":{"id":7,"email":"a@b.com","country":"US",)"
      R"("score":10,"tags":["vip",""],"stage":null}})",
      {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":7,"change":"entered"}])");
  o = s.Ok(R"({"op":"get_lead","id":7})", {"lead"});
  CHECK(
      simdjson::minify(o["lead"].value_unsafe()) ==
      R"({"id":7,"country":"US","email":"a@b.com","score":10,"tags":["vip"]})");
  s.Error(R"({"op":"get_lead","id":8})", "NOT_FOUND", "unknown lead 8");
  s.Error(R"({"op":"get_lead","id":-1})", "INVALID_ARGUMENT",
          "id: expected a non-negative integer");
  s.Error(R"({"op":"get_lead"})", "INVALID_ARGUMENT", "missing \"id\"");

  // Failed upserts change nothing.
  const std::string before = s.Snapshot(R"({"op":"get_lead","id":7})");
  s.Error(R"({"op":"upsert_lead","lead":{"id":7,"score":"high"}})",
          "INVALID_ARGUMENT", "field \"score\"");
  s.Error(R"({"op":"upsert_lead","lead":{"id":7,"score":10.0}})",
          "INVALID_ARGUMENT", "field \"score\"");
  s.Error(R"({"op":"upsert_lead","lead":{"id":7,"bogus":1}})",
          "INVALID_ARGUMENT", "unknown field \"bogus\"");
  s.Error(R"({"op":"upsert_lead","lead":{"email":"x"}})", "INVALID_ARGUMENT",
          "missing \"id\"");
  s.Error(R"({"op":"upsert_lead"})", "INVALID_ARGUMENT", "missing \"lead\"");
  s.Error(R"({"op":"upsert_lead","lead":{"id":9,"email":5}})",
          "INVALID_ARGUMENT", "field \"email\"");
  CHECK(s.Snapshot(R"({"op":"get_lead","id":7})") == before);
  s.Error(R"({"op":"get_lead","id":9})", "NOT_FOUND", "unknown lead 9");

  // Patches: set, unset, tags; failures change nothing.
  o = s.Ok(R"({"op":"patch_lead","id":7,"set":{"score":1},"unset":["country"],)"
           R"("add_tags":["new"],"remove_tags":["VIP"]})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":7,"change":"left"}])");
  o = s.Ok(R"({"op":"get_lead","id":7})", {"lead"});
  CHECK(simdjson::minify(o["lead"].value_unsafe()) ==
        R"({"id":7,"email":"a@b.com","score":1,"tags":["new"]})");
  const std::string patched = s.Snapshot(R"({"op":"get_lead","id":7})");
  s.Error(R"({"op":"patch_lead","id":7,"set":{"score":50},"unset":["score"]})",
          "INVALID_ARGUMENT", "both set and unset");
  s.Error(R"({"op":"patch_lead","id":7,"set":{"score":50,"email":3}})",
          "INVALID_ARGUMENT", "field \"email\"");
  s.Error(R"({"op":"patch_lead","id":7,"set":{"score":50},"unset":["nope"]})",
          "INVALID_ARGUMENT", "unknown field \"nope\"");
  s.Error(R"({"op":"patch_lead","id":70,"set":{"score":50}})", "NOT_FOUND",
          "unknown lead 70");
  CHECK(s.Snapshot(R"({"op":"get_lead","id":7})") == patched);
  o = s.Ok(R"({"op":"count","segment":"High"})", {"count"});
  CHECK(simdjson::minify(o["count"].value_unsafe()) == "0");

  // Delete.
  s.Ok(R"({"op":"patch_lead","id":7,"set":{"score":6}})", {"changes"});
  o = s.Ok(R"({"op":"delete_lead","id":7})", {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":7,"change":"left"}])");
  s.Error(R"({"op":"delete_lead","id":7})", "NOT_FOUND", "unknown lead 7");
  s.Error(R"({"op":"get_lead","id":7})", "NOT_FOUND", "unknown lead 7");
}

TEST_CASE("Protocol events and the clock", "[io]") {
  Session s;
  s.Ok(R"({"op":"upsert_lead","lead":{"id":1}})", {"changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"Openers",)"
       R"("filters":[{"activity":"email_open","op":"did","within_days":1}]}})",
       {"id", "changes"});
  object o =
      s.Ok(R"({"op":"event","lead":1,"type":"email_open","object":17,"ts":0})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Openers","lead":1,"change":"entered"}])");
  s.Error(R"({"op":"event","lead":2,"type":"email_open"})", "NOT_FOUND",
          "unknown lead 2");
  s.Error(R"({"op":"event","lead":1})", "INVALID_ARGUMENT", "missing \"type\"");
  s.Error(R"({"op":"event","lead":1,"type":"x","ts":1.5})", "INVALID_ARGUMENT",
          "ts: expected an integer");
  s.Error(R"({"op":"event","lead":1,"type":""})", "INVALID_ARGUMENT",
          "event type must not be empty");

  o = s.Ok(R"({"op":"now"})", {"now"});
  CHECK(simdjson::minify(o["now"].value_unsafe()) == "0");
  o = s.Ok(R"({"op":"advance_clock","now":86400})", {"changes"});
  CHECK(Changes(o) == "[]");
  o = s.Ok(R"({"op":"advance_clock","now":86401})", {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Openers","lead":1,"change":"left"}])");
  s.Ok(R"({"op":"advance_clock","now":86401})", {"changes"});  // same: no-op
  s.Error(R"({"op":"advance_clock","now":5})", "FAILED_PRECONDITION",
          "backwards");
  s.Error(R"({"op":"advance_clock","now":"later"})", "INVALID_ARGUMENT",
          "now: expected an integer");
  s.Error(R"({"op":"advance_clock"})", "INVALID_ARGUMENT", "missing \"now\"");
  o = s.Ok(R"({"op":"now"})", {"now"});
  CHECK(simdjson::minify(o["now"].value_unsafe()) == "86401");
  // An event without ts happens now.
  o = s.Ok(R"({"op":"event","lead":1,"type":"email_open"})", {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Openers","lead":1,"change":"entered"}])");
}

TEST_CASE("Protocol batches of leads", "[io]") {
  Session s;
  s.Ok(R"({"op":"create_segment","segment":{"name":"High",)"
       R"("filters":[{"field":"score","op":"gte","value":50}]}})",
       {"id", "changes"});
  object o = s.Ok(R"({"op":"upsert_leads","leads":[{"id":1,"score":60},)"
                  R"({"id":2,"score":10},{"id":3}]})",
                  {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":1,"change":"entered"}])");
  o = s.Ok(R"({"op":"patch_leads","patches":[{"id":1,"set":{"score":5}},)"
           R"({"id":2,"set":{"score":70}}]})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":1,"change":"left"},)"
                      R"({"segment":"High","lead":2,"change":"entered"}])");
  const std::string before = s.Snapshot(R"({"op":"members","segment":"High"})");
  s.Error(R"({"op":"upsert_leads","leads":[{"id":4},{"id":5,"score":"x"}]})",
          "INVALID_ARGUMENT", "leads[1]: ");
  s.Error(R"({"op":"upsert_leads","leads":[{"id":4},7]})", "INVALID_ARGUMENT",
          "leads[1]: ");
  s.Error(R"({"op":"upsert_leads","leads":{"id":4}})", "INVALID_ARGUMENT",
          "leads");
  s.Error(R"({"op":"patch_leads","patches":[{"id":1,"set":{"score":90}},)"
          R"({"id":9,"set":{"score":1}}]})",
          "NOT_FOUND", "patches[1]: unknown lead 9");
  s.Error(R"({"op":"patch_leads","patches":[[]]})", "INVALID_ARGUMENT",
          "patches[0]: ");
  s.Error(R"({"op":"delete_leads","ids":[1,1]})", "INVALID_ARGUMENT",
          "more than once");
  s.Error(R"({"op":"delete_leads","ids":[1,-2]})", "INVALID_ARGUMENT",
          "ids[1]: ");
  s.Error(R"({"op":"delete_leads"})", "INVALID_ARGUMENT", "missing \"ids\"");
  CHECK(s.Snapshot(R"({"op":"members","segment":"High"})") == before);
  CHECK(s.engine().LeadCount() == 3);
  o = s.Ok(R"({"op":"delete_leads","ids":[2,3]})", {"changes"});
  CHECK(Changes(o) == R"([{"segment":"High","lead":2,"change":"left"}])");
  s.Ok(R"({"op":"upsert_leads","leads":[]})", {"changes"});
}

TEST_CASE("Protocol manual membership and transfers", "[io]") {
  Session s;
  s.Ok(R"({"op":"create_category","name":"Stage"})", {"id", "changes"});
  s.Ok(
      R"({"op":"create_segment","segment":{"name":"Cold","category":"Stage"}})",
      {"id", "changes"});
  s.Ok(
      R"({"op":"create_segment","segment":{"name":"Warm","category":"Stage"}})",
      {"id", "changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"List"}})",
       {"id", "changes"});
  s.Ok(R"({"op":"upsert_leads","leads":[{"id":1},{"id":2}]})", {"changes"});
  object o =
      s.Ok(R"({"op":"add_to_segment","lead":1,"segment":"cold"})", {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Cold","lead":1,"change":"entered"}])");
  o = s.Ok(R"({"op":"active_segment","lead":1,"category":"stage"})",
           {"segment"});
  CHECK(simdjson::minify(o["segment"].value_unsafe()) == "null");
  o = s.Ok(R"({"op":"transfer","lead":1,"from":"Cold","to":"Warm"})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"Cold","lead":1,"change":"left"},)"
                      R"({"segment":"Warm","lead":1,"change":"entered"}])");
  o = s.Ok(R"({"op":"active_segment","lead":1,"category":"Stage"})",
           {"segment"});
  CHECK(simdjson::minify(o["segment"].value_unsafe()) == R"("Warm")");
  o = s.Ok(R"({"op":"transfer","leads":[1],"from":"Warm","to":"List"})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"List","lead":1,"change":"entered"}])");
  s.Error(R"({"op":"transfer","lead":2,"from":"Cold","to":"Warm"})",
          "FAILED_PRECONDITION", "lead 2 is not a member of \"Cold\"");
  s.Error(R"({"op":"transfer","leads":[1,2],"from":"Warm","to":"Cold"})",
          "FAILED_PRECONDITION", "leads[1]: lead 2 is not a member");
  s.Error(R"({"op":"transfer","lead":1,"from":"Warm","to":"warm"})",
          "INVALID_ARGUMENT", "itself");
  s.Error(R"({"op":"transfer","lead":1,"from":"Warm"})", "INVALID_ARGUMENT",
          "missing \"to\"");
  s.Error(R"({"op":"add_to_segment","lead":9,"segment":"List"})", "NOT_FOUND",
          "unknown lead 9");
  s.Error(R"({"op":"remove_from_segment","lead":1,"segment":"Nope"})",
          "NOT_FOUND", "Nope");
  s.Error(R"({"op":"active_segment","lead":1,"category":"Nope"})", "NOT_FOUND",
          "Nope");
  o = s.Ok(R"({"op":"remove_from_segment","lead":1,"segment":"List"})",
           {"changes"});
  CHECK(Changes(o) == R"([{"segment":"List","lead":1,"change":"left"}])");
}

TEST_CASE("Protocol leads over time", "[io]") {
  Session s;
  s.Ok(R"({"op":"create_segment","segment":{"name":"All",)"
       R"("filters":[{"field":"score","op":"not_empty"}]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"upsert_lead","lead":{"id":1,"score":1}})", {"changes"});
  s.Ok(R"({"op":"advance_clock","now":90000})", {"changes"});
  s.Ok(R"({"op":"upsert_lead","lead":{"id":2,"score":1}})", {"changes"});
  object o =
      s.Ok(R"({"op":"leads_over_time","segment":"all","from":0,"to":90000})",
           {"buckets"});
  CHECK(simdjson::minify(o["buckets"].value_unsafe()) ==
        R"([{"start":0,"added":1,"removed":0,"total":1},)"
        R"({"start":86400,"added":1,"removed":0,"total":2}])");
  o = s.Ok(R"({"op":"leads_over_time","segment":"All","from":86400,)"
           R"("to":90000,"bucket":"hour"})",
           {"buckets"});
  CHECK(simdjson::minify(o["buckets"].value_unsafe()) ==
        R"([{"start":86400,"added":0,"removed":0,"total":1},)"
        R"({"start":90000,"added":1,"removed":0,"total":2}])");
  s.Error(R"({"op":"leads_over_time","segment":"All","from":0,"to":1,)"
          R"("bucket":"week"})",
          "INVALID_ARGUMENT", "bucket must be");
  s.Error(R"({"op":"leads_over_time","segment":"All","from":5,"to":1})",
          "INVALID_ARGUMENT", "after");
  s.Error(R"({"op":"leads_over_time","segment":"All","from":0,)"
          R"("to":1000000000})",
          "INVALID_ARGUMENT", "10000 buckets");
  s.Error(R"({"op":"leads_over_time","segment":"None","from":0,"to":1})",
          "NOT_FOUND", "None");
  s.Error(R"({"op":"leads_over_time","segment":"All","to":1})",
          "INVALID_ARGUMENT", "missing \"from\"");
}

TEST_CASE("Protocol explain", "[io]") {
  Session s;
  s.Ok(R"({"op":"upsert_lead","lead":{"id":3,"country":"US","score":4}})",
       {"changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"US high","filters":[)"
       R"({"field":"country","op":"eq","value":"us"},)"
       R"({"field":"score","op":"gte","value":5}]}})",
       {"id", "changes"});
  object o = s.Ok(R"({"op":"explain","lead":3,"segment":"US high"})",
                  {"member", "matches", "manual", "conditions"});
  CHECK(simdjson::minify(o["member"].value_unsafe()) == "false");
  CHECK(simdjson::minify(o["matches"].value_unsafe()) == "false");
  CHECK(simdjson::minify(o["manual"].value_unsafe()) == "null");
  CHECK(simdjson::minify(o["conditions"].value_unsafe()) ==
        R"([{"index":0,"held":true,"value":"US"},)"
        R"({"index":1,"held":false,"value":4}])");
  s.Error(R"({"op":"explain","lead":4,"segment":"US high"})", "NOT_FOUND",
          "unknown lead 4");
  s.Error(R"({"op":"explain","lead":3,"segment":"Nope"})", "NOT_FOUND",
          "\"Nope\"");
  s.Error(R"({"op":"explain","segment":"US high"})", "INVALID_ARGUMENT",
          "missing \"lead\"");
}

TEST_CASE("Protocol preview saves nothing", "[io]") {
  Session s;
  for (int id = 1; id <= 30; ++id) {
    s.Ok(R"({"op":"upsert_lead","lead":{"id":)" + std::to_string(id) +
             R"(,"score":)" + std::to_string(id) + "}}",
         {"changes"});
  }
  s.Ok(R"({"op":"create_segment","segment":{"name":"Existing"}})",
       {"id", "changes"});
  const std::string segments = s.Snapshot(R"({"op":"list_segments"})");
  object o = s.Ok(
      R"({"op":"preview","segment":{"filters":[{"field":"score","op":"gt","value":5}]}})",
      {"count", "members"});
  CHECK(simdjson::minify(o["count"].value_unsafe()) == "25");
  CHECK(simdjson::minify(o["members"].value_unsafe()) ==
        "[6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]");
  o = s.Ok(R"({"op":"preview","limit":2,"segment":{"name":"existing",)"
           R"("filters":[{"field":"score","op":"lte","value":3}]}})",
           {"count", "members"});
  CHECK(simdjson::minify(o["count"].value_unsafe()) == "3");
  CHECK(simdjson::minify(o["members"].value_unsafe()) == "[1,2]");
  s.Ok(R"({"op":"preview","limit":1000,"segment":{}})", {"count", "members"});
  s.Error(R"({"op":"preview","limit":0,"segment":{}})", "INVALID_ARGUMENT",
          "limit must be between 1 and 1000");
  s.Error(R"({"op":"preview","limit":1001,"segment":{}})", "INVALID_ARGUMENT",
          "limit must be between 1 and 1000");
  s.Error(R"({"op":"preview","limit":"5","segment":{}})", "INVALID_ARGUMENT",
          "limit: expected an integer");
  s.Error(
      R"({"op":"preview","segment":{"filters":[{"field":"score","op":"has","value":1}]}})",
      "INVALID_ARGUMENT", "filters[0]");
  s.Error(R"({"op":"preview","segment":{"name":"  "}})", "INVALID_ARGUMENT",
          "must not be empty");
  s.Error(R"({"op":"preview"})", "INVALID_ARGUMENT", "missing \"segment\"");
  CHECK(s.Snapshot(R"({"op":"list_segments"})") == segments);
}

TEST_CASE("Protocol ignores unknown keys in commands", "[io]") {
  Session s;
  s.Ok(R"({"op":"create_category","name":"A","extra":{"x":[1,2]}})",
       {"id", "changes"});
  s.Ok(R"({"note":"hi","op":"now"})", {"now"});
}

TEST_CASE("Protocol rejects a repeated key anywhere, naming it", "[io]") {
  // One rule for every JSON reader (docs/decisions.md). Before, a command
  // kept its first "op" and a lead its last field, while the bulk loaders
  // kept the last of each.
  Session s;
  s.Ok(R"({"op":"create_segment","segment":{"name":"High",)"
       R"("filters":[{"field":"score","op":"gt","value":5}]}})",
       {"id", "changes"});
  const std::string segments = s.Snapshot(R"({"op":"list_segments"})");
  s.Error(R"({"op":"now","op":"count","segment":"High"})", "INVALID_ARGUMENT",
          "duplicate key \"op\"");
  s.Error(R"({"op":"upsert_lead","lead":{"id":7,"score":10,"score":1}})",
          "INVALID_ARGUMENT", "lead: duplicate key \"score\"");
  s.Error(R"({"op":"upsert_lead","lead":{"id":7,"id":8}})", "INVALID_ARGUMENT",
          "lead: duplicate key \"id\"");
  s.Error(
      R"({"op":"upsert_lead","lead":{"id":7,"em\u0061il":"a","email":"b"}})",
      "INVALID_ARGUMENT", "lead: duplicate key \"email\"");
  s.Error(R"({"op":"upsert_leads","leads":[{"id":1},{"id":2,"stage":"a",)"
          R"("stage":"b"}]})",
          "INVALID_ARGUMENT", "leads[1]: duplicate key \"stage\"");
  s.Error(R"({"op":"patch_lead","id":7,"set":{"score":1,"score":2}})",
          "INVALID_ARGUMENT", "set: duplicate key \"score\"");
  s.Error(R"({"op":"event","lead":7,"lead":8,"type":"x"})", "INVALID_ARGUMENT",
          "duplicate key \"lead\"");
  s.Error(R"({"op":"update_segment","name":"High","segment":{"name":"High",)"
          R"("filters":[{"field":"score","op":"gt","op":"lt","value":5}]}})",
          "INVALID_ARGUMENT", "segment.filters[0]: duplicate key \"op\"");
  s.Error(R"({"op":"now","extra":{"a":{"b":1,"b":1}}})", "INVALID_ARGUMENT",
          "extra.a: duplicate key \"b\"");
  CHECK(s.Snapshot(R"({"op":"list_segments"})") == segments);
  s.Error(R"({"op":"get_lead","id":7})", "NOT_FOUND", "unknown lead 7");
  // The same key in different objects is fine.
  s.Ok(R"({"op":"upsert_lead","lead":{"id":7,"score":10},"id":1})",
       {"changes"});
}

TEST_CASE("Protocol checks keys of values nested as deep as JSON may", "[io]") {
  // simdjson's DOM allows values down to depth 1024, the command at depth
  // 1; the key check walks them without recursion.
  Session s;
  auto nested = [](int n, const std::string& inner) {
    std::string line = R"({"op":"now","x":)";
    for (int i = 0; i < n; ++i) line += R"({"a":)";
    line += inner;
    for (int i = 0; i < n; ++i) line += "}";
    return line + "}";
  };
  s.Ok(nested(1022, "[]"), {"now"});
  s.Error(nested(1021, R"({"b":1,"b":2})"), "INVALID_ARGUMENT",
          "duplicate key \"b\"");
  s.Error(nested(1023, "[]"), "INVALID_ARGUMENT", "malformed JSON");
}

TEST_CASE("Protocol takes lead id -0 for 0, as the bulk loaders", "[io]") {
  Session s;
  s.Ok(R"({"op":"upsert_lead","lead":{"id":-0,"score":-0}})", {"changes"});
  object o = s.Ok(R"({"op":"get_lead","id":0})", {"lead"});
  CHECK(JsonOf(o, "lead") == R"({"id":0,"score":0})");
  s.Ok(R"({"op":"event","lead":-0,"type":"x","object":-0,"ts":-0})",
       {"changes"});
}

TEST_CASE("Protocol refuses a command line longer than 16 MiB", "[io]") {
  Session s;
  const size_t limit = size_t{16} << 20;
  const std::string command = R"({"op":"now"})";
  s.Error(command + std::string(limit - command.size() + 1, ' '),
          "INVALID_ARGUMENT", "command line is longer than 16777216 bytes");
  s.Ok(command + std::string(limit - command.size(), ' '), {"now"});
}

TEST_CASE("Protocol error responses stay valid JSON for odd input", "[io]") {
  Session s;
  // Control characters and quotes in names end up in messages.
  s.Error("{\"op\":\"count\",\"segment\":\"a\\\"b\\n\\u0001\"}", "NOT_FOUND",
          "unknown segment");
  // A too-long name of two-byte characters, shifted by one byte, is quoted
  // and shortened in the message: the response must still be valid UTF-8.
  std::string name = "a";
  for (int i = 0; i < 201; ++i) name += "\xC3\xA9";
  s.Error(R"({"op":"create_category","name":")" + name + "\"}",
          "INVALID_ARGUMENT", "longer than 200 characters");
}

TEST_CASE("Protocol snapshot needs a data directory", "[io]") {
  Session s;
  s.Error(R"({"op":"snapshot"})", "FAILED_PRECONDITION", "");
}

TEST_CASE("Protocol snapshot writes the data directory's state", "[io]") {
  TempDir dir;
  EngineOptions options;
  options.data_dir = dir / "data";
  simdjson::dom::parser parser;
  // {"ok":true,"generation":N,"bytes":B}: the generation.
  auto snapshot = [&](Protocol& protocol) {
    std::string response = protocol.Execute(R"({"op":"snapshot"})");
    INFO(response);
    object o;
    REQUIRE(parser.parse(response).get(o) == simdjson::SUCCESS);
    REQUIRE(KeysOf(o) == std::set<std::string>{"ok", "generation", "bytes"});
    bool ok = false;
    uint64_t generation = 0, bytes = 0;
    REQUIRE(o["ok"].get(ok) == simdjson::SUCCESS);
    REQUIRE(ok);
    REQUIRE(o["generation"].get(generation) == simdjson::SUCCESS);
    REQUIRE(o["bytes"].get(bytes) == simdjson::SUCCESS);
    CHECK(bytes > 0);
    return generation;
  };
  uint64_t generation = 0;
  {
    auto engine = Engine::Open(options);
    REQUIRE_OK(engine);
    Protocol protocol(**engine);
    protocol.Execute(R"({"op":"upsert_lead","lead":{"id":7,"score":10}})");
    uint64_t first = snapshot(protocol);
    protocol.Execute(R"({"op":"patch_lead","id":7,"set":{"score":20}})");
    generation = snapshot(protocol);
    CHECK(generation > first);
  }
  auto engine = Engine::Open(options);
  REQUIRE_OK(engine);
  CHECK((*engine)->recovery().generation == generation);
  CHECK((*engine)->recovery().replayed == 0);
  Protocol protocol(**engine);
  CHECK(protocol.Execute(R"({"op":"get_lead","id":7})") ==
        R"({"ok":true,"lead":{"id":7,"score":20}})");
}

}  // namespace
}  // namespace audience::testing

namespace audience::testing {
namespace {

TEST_CASE("Protocol preview_update, segment_usage and list_operators", "[io]") {
  Session s;
  s.Ok(R"({"op":"upsert_lead","lead":{"id":7,"score":10}})", {"changes"});
  s.Ok(R"({"op":"upsert_lead","lead":{"id":8,"score":600}})", {"changes"});
  s.Ok(R"({"op":"create_segment","segment":{"name":"High","public":true,)"
       R"("filters":[{"field":"score","op":"gte","value":500}]}})",
       {"id", "changes"});
  object o =
      s.Ok(R"({"op":"preview_update","name":"high","segment":{"name":"High",)"
           R"("filters":[{"field":"score","op":"gte","value":5}]}})",
           {"count", "members", "entering", "leaving"});
  CHECK(simdjson::minify(o["members"].value_unsafe()) == "[7,8]");
  CHECK(simdjson::minify(o["entering"].value_unsafe()) == "1");
  CHECK(simdjson::minify(o["leaving"].value_unsafe()) == "0");
  o = s.Ok(R"({"op":"count","segment":"High"})", {"count"});
  CHECK(simdjson::minify(o["count"].value_unsafe()) == "1");  // unchanged
  s.Error(R"({"op":"preview_update","name":"Nope","segment":{}})", "NOT_FOUND",
          "\"Nope\"");
  s.Error(R"({"op":"preview_update","name":"High","segment":{"filters":[)"
          R"({"segment":"High","op":"member"}]}})",
          "INVALID_ARGUMENT", "cycle");

  o = s.Ok(R"({"op":"segment_usage","segment":"High"})",
           {"campaigns", "segments"});
  CHECK(simdjson::minify(o["campaigns"].value_unsafe()) == "[]");
  s.Ok(R"({"op":"create_segment","segment":{"name":"Low",)"
       R"("filters":[{"segment":"High","op":"not_member"}]}})",
       {"id", "changes"});
  s.Ok(R"({"op":"create_campaign","campaign":{"name":"Spring","start":0,)"
       R"("sources":["High"]}})",
       {"id", "changes"});
  o = s.Ok(R"({"op":"segment_usage","segment":"High"})",
           {"campaigns", "segments"});
  CHECK(simdjson::minify(o["campaigns"].value_unsafe()) == R"(["Spring"])");
  CHECK(simdjson::minify(o["segments"].value_unsafe()) == R"(["Low"])");
  s.Error(R"({"op":"segment_usage"})", "INVALID_ARGUMENT",
          "missing \"segment\"");

  o = s.Ok(R"({"op":"list_operators"})", {"fields", "activity", "segment"});
  CHECK(simdjson::minify(o["fields"]["bool"].value_unsafe()) ==
        R"(["eq","empty","not_empty"])");
  CHECK(simdjson::minify(o["activity"].value_unsafe()) ==
        R"(["did","did_not"])");
}

}  // namespace
}  // namespace audience::testing
