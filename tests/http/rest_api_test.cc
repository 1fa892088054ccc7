// The REST resources of audience serve (docs/http.md), one test per
// resource over real HTTP: each route answers what its protocol command
// answers, ids in the path name the entity itself, and bad paths, bodies
// and references are errors that change nothing.
#include <catch2/catch.hpp>
#include <string>

#include "http/http_test_util.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

struct Answer {
  int status = 0;
  std::string body;
};

class Rest {
 public:
  Rest() : client_(server_.Client()) {}

  Answer Call(const std::string& method, const std::string& path,
              const std::string& body = "") {
    auto send = [&]() {
      if (method == "GET") return client_->Get(path.c_str());
      if (method == "POST") {
        return client_->Post(path.c_str(), body, "application/json");
      }
      if (method == "PUT") {
        return client_->Put(path.c_str(), body, "application/json");
      }
      if (method == "PATCH") {
        return client_->Patch(path.c_str(), body, "application/json");
      }
      return client_->Delete(path.c_str());
    };
    httplib::Result r = send();
    REQUIRE(r);
    return {r->status, r->body};
  }

  // REQUIREs the status and returns the body.
  std::string Expect(int status, const std::string& method,
                     const std::string& path, const std::string& body = "") {
    Answer a = Call(method, path, body);
    INFO(method << " " << path << " -> " << a.status << " " << a.body);
    REQUIRE(a.status == status);
    return a.body;
  }

  Engine& engine() { return server_.engine(); }

 private:
  TestServer server_;
  std::unique_ptr<httplib::Client> client_;
};

// Two leads and a US segment, through the API.
void Seed(Rest& r) {
  r.Expect(200, "PUT", "/v1/leads/7", R"({"country":"US","score":10})");
  r.Expect(200, "PUT", "/v1/leads/8", R"({"country":"CA","score":600})");
  r.Expect(201, "POST", "/v1/segments",
           R"({"name":"US","public":true,"filters":[{"field":"country",)"
           R"("op":"eq","value":"US"}]})");
}

TEST_CASE("REST: segments", "[http]") {
  Rest r;
  Seed(r);
  CHECK(r.Expect(200, "GET", "/v1/segments") ==
        R"({"segments":[{"id":1,"name":"US","category":null,"public":true,)"
        R"("description":"","filters":[{"field":"country","op":"eq",)"
        R"("value":"US"}],"count":1}]})");
  CHECK(r.Expect(200, "GET", "/v1/segments/1").find(R"("name":"US")") !=
        std::string::npos);
  CHECK(r.Expect(200, "GET", "/v1/segments/1/count") == R"({"count":1})");
  CHECK(r.Expect(200, "GET", "/v1/segments/1/members") == R"({"members":[7]})");
  // Replace: the path's id decides, whatever the name becomes.
  CHECK(r.Expect(200, "PUT", "/v1/segments/1",
                 R"({"name":"North America","public":true,"filters":[)"
                 R"({"field":"country","op":"in","value":["US","CA"]}]})") ==
        R"({"changes":[{"segment":"North America","lead":8,)"
        R"("change":"entered"}]})");
  CHECK(r.Expect(200, "GET", "/v1/segments/1/members?limit=1") ==
        R"({"members":[7],"next":7})");
  CHECK(r.Expect(200, "GET", "/v1/segments/1/members?after=7&limit=1") ==
        R"({"members":[8],"next":null})");
  CHECK(r.Expect(200, "POST", "/v1/segments/preview?limit=1",
                 R"({"filters":[{"field":"score","op":"gte","value":500}]})") ==
        R"({"count":1,"members":[8]})");
  // Errors, each leaving the segment as it was.
  r.Expect(400, "GET", "/v1/segments/abc/count");
  r.Expect(404, "GET", "/v1/segments/9/count");
  r.Expect(404, "GET", "/v1/segments/99999999999/count");
  CHECK(
      r.Expect(400, "POST", "/v1/segments", R"({"name":)") ==
      R"({"error":{"code":"INVALID_ARGUMENT","message":"request body: )"
      R"(malformed JSON (The JSON document has an improper structure: )"
      R"json(missing or superfluous commas, braces, missing keys, etc.)"}})json");
  r.Expect(400, "POST", "/v1/segments", "");
  r.Expect(400, "POST", "/v1/segments", R"({"filters":[]})");
  r.Expect(400, "PUT", "/v1/segments/1",
           R"({"name":"X","filters":[{"field":"score","op":"gte",)"
           R"("value":"high"}]})");
  r.Expect(400, "GET", "/v1/segments/1/members?limit=0");
  r.Expect(400, "GET", "/v1/segments/1/members?limit=many");
  CHECK(r.Expect(200, "GET", "/v1/segments/1/count") == R"({"count":2})");
  // Delete: refused while a campaign uses it, unless forced.
  r.Expect(201, "POST", "/v1/campaigns",
           R"({"name":"Spring","status":"active","start":0,)"
           R"("sources":["North America"]})");
  CHECK(r.Expect(409, "DELETE", "/v1/segments/1").find("Spring") !=
        std::string::npos);
  r.Expect(400, "DELETE", "/v1/segments/1?force=yes");
  CHECK(r.Expect(200, "DELETE", "/v1/segments/1?force=true") ==
        R"({"campaigns":["Spring"],"changes":[{"segment":"North America",)"
        R"("lead":7,"change":"left"},{"segment":"North America","lead":8,)"
        R"("change":"left"}]})");
  r.Expect(404, "GET", "/v1/segments/1");
}

TEST_CASE(
    "REST: a segment's members, statistics, history, leads and "
    "explanations",
    "[http]") {
  Rest r;
  Seed(r);
  CHECK(r.Expect(200, "GET", "/v1/segments/1/members/7") ==
        R"({"member":true})");
  CHECK(r.Expect(200, "PUT", "/v1/segments/1/members/8") ==
        R"({"changes":[{"segment":"US","lead":8,"change":"entered"}]})");
  CHECK(r.Expect(200, "DELETE", "/v1/segments/1/members/7") ==
        R"({"changes":[{"segment":"US","lead":7,"change":"left"}]})");
  r.Expect(404, "PUT", "/v1/segments/1/members/99");
  r.Expect(400, "PUT", "/v1/segments/1/members/-1");
  CHECK(r.Expect(200, "GET", "/v1/segments/1/stats") ==
        R"({"total_leads":1,"active_campaigns":0,"campaigns_participated":0,)"
        R"("by_campaign":[]})");
  CHECK(r.Expect(200, "GET",
                 "/v1/segments/1/leads_over_time?from=0&to=3600&bucket=hour") ==
        R"({"buckets":[{"start":0,"added":2,"removed":1,"total":1},)"
        R"({"start":3600,"added":0,"removed":0,"total":1}]})");
  r.Expect(400, "GET",
           "/v1/segments/1/leads_over_time?from=0&to=1&bucket=week");
  r.Expect(400, "GET", "/v1/segments/1/leads_over_time?from=0");
  const std::string leads =
      r.Expect(200, "GET", "/v1/segments/1/leads?limit=5");
  CHECK(leads.find(R"({"leads":[{"id":8,"fields":{)") == 0);
  CHECK(leads.find(R"("next":null)") != std::string::npos);
  CHECK(r.Expect(200, "GET", "/v1/segments/1/explain/8") ==
        R"({"member":true,"matches":false,"manual":"added","conditions":[)"
        R"({"index":0,"held":false,"value":"CA"}]})");
  r.Expect(404, "GET", "/v1/segments/1/explain/99");
}

TEST_CASE("REST: categories", "[http]") {
  Rest r;
  CHECK(r.Expect(201, "POST", "/v1/categories", R"({"name":"Lifecycle"})") ==
        R"({"id":1,"changes":[]})");
  r.Expect(409, "POST", "/v1/categories", R"({"name":"lifecycle"})");
  r.Expect(400, "POST", "/v1/categories", R"({"name":5})");
  r.Expect(200, "PUT", "/v1/categories/1", R"({"name":"Stages"})");
  CHECK(r.Expect(200, "GET", "/v1/categories") ==
        R"({"categories":[{"id":1,"name":"Stages"}]})");
  r.Expect(404, "PUT", "/v1/categories/2", R"({"name":"X"})");
  r.Expect(201, "POST", "/v1/segments",
           R"({"name":"Cold","category":"Stages"})");
  CHECK(r.Expect(409, "DELETE", "/v1/categories/1").find("Cold") !=
        std::string::npos);
  r.Expect(200, "DELETE", "/v1/segments/1");
  r.Expect(200, "DELETE", "/v1/categories/1");
  CHECK(r.Expect(200, "GET", "/v1/categories") == R"({"categories":[]})");
}

TEST_CASE("REST: fields", "[http]") {
  Rest r;
  CHECK(r.Expect(201, "POST", "/v1/fields",
                 R"({"name":"plan","type":"keyword"})") == R"({"changes":[]})");
  r.Expect(409, "POST", "/v1/fields", R"({"name":"plan","type":"keyword"})");
  CHECK(r.Expect(400, "POST", "/v1/fields",
                 R"({"name":" padded ","type":"keyword"})")
            .find("leading or trailing whitespace") != std::string::npos);
  r.Expect(400, "POST", "/v1/fields", R"({"name":"x","type":"float"})");
  CHECK(r.Expect(200, "GET", "/v1/fields")
            .find(R"({"name":"plan","type":"keyword","standard":false})") !=
        std::string::npos);
}

TEST_CASE("REST: leads", "[http]") {
  Rest r;
  Seed(r);
  // POST takes the id in the body, PUT in the path (a body id must agree).
  r.Expect(200, "POST", "/v1/leads", R"({"id":9,"country":"us"})");
  CHECK(r.Expect(400, "PUT", "/v1/leads/10", R"({"id":11,"country":"US"})") ==
        R"({"error":{"code":"INVALID_ARGUMENT","message":"request body: )"
        R"(\"id\" is 11 but the path says 10"}})");
  r.Expect(200, "PUT", "/v1/leads/10", R"({"id":10,"country":"US"})");
  CHECK(r.Expect(200, "GET", "/v1/leads/10") ==
        R"({"lead":{"id":10,"country":"US"}})");
  CHECK(r.Expect(200, "PATCH", "/v1/leads/10",
                 R"({"set":{"score":5},"add_tags":["vip"]})") ==
        R"({"changes":[]})");
  r.Expect(400, "PATCH", "/v1/leads/10", R"({"set":{"score":"x"}})");
  r.Expect(404, "PATCH", "/v1/leads/99", R"({"set":{"score":5}})");
  r.Expect(400, "PATCH", "/v1/leads/10", R"([1,2])");
  CHECK(r.Expect(200, "GET", "/v1/leads/10/segments") ==
        R"({"segments":["US"],"active_segments":{}})");
  CHECK(r.Expect(200, "GET", "/v1/leads/10/campaigns") ==
        R"({"campaigns":[]})");
  CHECK(r.Expect(200, "DELETE", "/v1/leads/10") ==
        R"({"changes":[{"segment":"US","lead":10,"change":"left"}]})");
  r.Expect(404, "GET", "/v1/leads/10");
  CHECK(r.engine().LeadCount() == 3);
  // Bulk NDJSON: good lines load, bad ones are named.
  CHECK(r.Expect(200, "POST", "/v1/leads/bulk",
                 "{\"id\":20,\"country\":\"US\"}\n{\"id\":\"x\"}\n") ==
        R"({"loaded":1,"rejected":1,"errors":["body:2: \"id\" must be a )"
        R"(non-negative integer, got string \"x\""],"membership_changes":1})");
}

TEST_CASE("REST: events, the clock and transfers", "[http]") {
  Rest r;
  Seed(r);
  CHECK(r.Expect(200, "GET", "/v1/clock") == R"({"now":0})");
  r.Expect(200, "PUT", "/v1/clock", R"({"now":1790000000})");
  r.Expect(409, "PUT", "/v1/clock", R"({"now":5})");
  CHECK(r.Expect(200, "GET", "/v1/clock") == R"({"now":1790000000})");
  r.Expect(200, "POST", "/v1/events",
           R"({"lead":7,"type":"email_open","object":17})");
  r.Expect(404, "POST", "/v1/events", R"({"lead":99,"type":"email_open"})");
  CHECK(r.Expect(200, "POST", "/v1/events/bulk",
                 "{\"lead\":8,\"type\":\"page_visit\"}\n") ==
        R"({"loaded":1,"rejected":0,"errors":[],"membership_changes":0})");
  r.Expect(201, "POST", "/v1/categories", R"({"name":"Funnel"})");
  r.Expect(201, "POST", "/v1/segments", R"({"name":"A","category":"Funnel"})");
  r.Expect(201, "POST", "/v1/segments", R"({"name":"B","category":"Funnel"})");
  r.Expect(200, "PUT", "/v1/segments/2/members/7");
  CHECK(r.Expect(409, "POST", "/v1/transfers",
                 R"({"leads":[7,8],"from":"A","to":"B"})")
            .find("8") != std::string::npos);
  CHECK(r.Expect(200, "POST", "/v1/transfers",
                 R"({"lead":7,"from":"A","to":"B"})") ==
        R"({"changes":[{"segment":"A","lead":7,"change":"left"},)"
        R"({"segment":"B","lead":7,"change":"entered"}]})");
  CHECK(r.Expect(200, "GET", "/v1/leads/7/segments") ==
        R"({"segments":["US","B"],"active_segments":{"Funnel":"B"}})");
}

TEST_CASE("REST: campaigns", "[http]") {
  Rest r;
  Seed(r);
  r.Expect(201, "POST", "/v1/segments", R"({"name":"Private"})");
  CHECK(r.Expect(409, "POST", "/v1/campaigns",
                 R"({"name":"C","start":0,"sources":["Private"]})")
            .find("public") != std::string::npos);
  CHECK(r.Expect(201, "POST", "/v1/campaigns",
                 R"({"name":"Spring","status":"active","start":0,)"
                 R"("sources":["US"]})") == R"({"id":1,"changes":[]})");
  CHECK(r.Expect(200, "GET", "/v1/campaigns/1") ==
        R"({"campaign":{"id":1,"name":"Spring","status":"active","start":0,)"
        R"("end":null,"sources":["US"],"workflow_segments":[]}})");
  r.Expect(200, "PUT", "/v1/campaigns/1",
           R"({"name":"Spring","status":"active","start":0,)"
           R"("sources":["US"],"workflow_segments":["Private"]})");
  CHECK(r.Expect(200, "GET", "/v1/campaigns/1/audience?limit=10") ==
        R"({"count":1,"leads":[7],"next":null})");
  CHECK(r.Expect(200, "POST", "/v1/campaigns/1/actions",
                 R"({"action":"email_sent","lead":7})") == R"({"changes":[]})");
  r.Expect(404, "POST", "/v1/campaigns/1/actions",
           R"({"action":"email_sent","lead":99})");
  r.Expect(400, "POST", "/v1/campaigns/1/actions",
           R"({"action":"fax","lead":7})");
  CHECK(r.Expect(200, "GET", "/v1/leads/7/campaigns")
            .find(R"("campaign":"Spring")") != std::string::npos);
  CHECK(r.Expect(200, "GET", "/v1/campaigns").find(R"("name":"Spring")") !=
        std::string::npos);
  r.Expect(404, "GET", "/v1/campaigns/2");
  r.Expect(200, "DELETE", "/v1/campaigns/1");
  CHECK(r.Expect(200, "GET", "/v1/campaigns") == R"({"campaigns":[]})");
}

TEST_CASE("REST: a snapshot needs a data directory", "[http]") {
  Rest r;
  CHECK(r.Expect(409, "POST", "/v1/snapshot").find("FAILED_PRECONDITION") !=
        std::string::npos);
}

}  // namespace
}  // namespace audience::testing
