// audience serve's HTTP layer over real sockets (design.md §9): the bearer
// token, the limits on bodies, headers, connections and read and idle time,
// static files, no CORS, status mapping, the replay golden through
// POST /v1/commands and the change stream's resume and resync. Each hostile
// request is checked for its answer and for leaving the engine unchanged.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "http/http_test_util.h"
#include "http/rest_api.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(AUDIENCE_SOURCE_DIR) + "/" + relative,
                   std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fingerprint of what a hostile request could have changed.
std::string State(Engine& engine) {
  std::string out = std::to_string(engine.LeadCount()) + "/" +
                    std::to_string(engine.Now()) + "/" +
                    std::to_string(engine.Fields().size()) + "/" +
                    std::to_string(engine.Categories().size());
  for (const Segment& s : engine.ListSegments()) {
    out += "/" + s.definition.name + ":" + std::to_string(s.member_count);
  }
  return out;
}

void Seed(Engine& engine) {
  REQUIRE_OK(engine.UpsertLead(
      Lead{7, {{"country", std::string("US")}, {"score", int64_t{10}}}}));
  SegmentDefinition def;
  def.name = "US";
  def.is_public = true;
  def.filters = {Condition::Field("country", Op::kEq, std::string("US"))};
  REQUIRE_OK(engine.CreateSegment(def));
}

std::string Fill(std::string pattern) {
  for (std::string name : {"{id}", "{lead}"}) {
    size_t at;
    while ((at = pattern.find(name)) != std::string::npos) {
      pattern.replace(at, name.size(), "1");
    }
  }
  return pattern;
}

TEST_CASE("every /v1 route refuses a request without the right token",
          "[http]") {
  TestServer t;
  Seed(t.engine());
  const std::string before = State(t.engine());
  http::RestApi api(t.engine());
  std::vector<std::pair<std::string, std::string>> routes = api.Routes();
  routes.emplace_back("GET", "/v1/changes");
  routes.emplace_back("GET", "/v1/nothing-here");
  for (const auto& [method, pattern] : routes) {
    for (std::string header :
         {std::string(), std::string("Authorization: Bearer wrong\r\n"),
          std::string("Authorization: Basic ") + kTestToken + "\r\n",
          std::string("Authorization: Bearer ") + kTestToken + "x\r\n"}) {
      INFO(method << " " << pattern << " with [" << header << "]");
      RawConnection c(t.port());
      std::string request = method + " " + Fill(pattern) +
                            " HTTP/1.1\r\nHost: x\r\n" + header +
                            "Content-Length: 2\r\n\r\n{}";
      REQUIRE(c.Send(request));
      REQUIRE(c.ReadUntil("UNAUTHENTICATED", absl::Seconds(5)));
      CHECK(c.received().rfind("HTTP/1.1 401", 0) == 0);
      CHECK(c.received().find("WWW-Authenticate: Bearer") != std::string::npos);
    }
  }
  CHECK(State(t.engine()) == before);
  // The token works, and outside /v1 none is needed.
  auto client = t.Client();
  auto ok = client->Get("/v1/segments/1/count");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->body == R"({"count":1})");
  auto health = t.Client(false)->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == R"({"status":"ok"})");
}

TEST_CASE("errors carry the status of their code and the envelope", "[http]") {
  TestServer t;
  Seed(t.engine());
  auto client = t.Client();
  auto bad = client->Post("/v1/segments",
                          R"({"name":"X","filters":[{"field":"score",)"
                          R"("op":"gte","value":"abc"}]})",
                          "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->get_header_value("Content-Type") == "application/json");
  CHECK(bad->body.find(
            R"({"error":{"code":"INVALID_ARGUMENT","message":"filters[0]: )") ==
        0);
  auto missing = client->Get("/v1/segments/99/count");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->body ==
        R"({"error":{"code":"NOT_FOUND","message":"unknown segment id 99"}})");
  auto taken =
      client->Post("/v1/segments", R"({"name":"us"})", "application/json");
  REQUIRE(taken);
  CHECK(taken->status == 409);
  CHECK(taken->body.find("ALREADY_EXISTS") != std::string::npos);
  auto no_route = client->Get("/v1/nothing");
  REQUIRE(no_route);
  CHECK(no_route->status == 404);
  CHECK(
      no_route->body ==
      R"({"error":{"code":"NOT_FOUND","message":"no route for GET /v1/nothing"}})");
  auto wrong_method = client->Patch("/v1/clock", "{}", "application/json");
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->get_header_value("Allow") == "GET, PUT");
  auto created = client->Post("/v1/categories", R"({"name":"Lifecycle"})",
                              "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);
  CHECK(created->body == R"({"id":1,"changes":[]})");
}

TEST_CASE("a body over the limit is 413 and changes nothing", "[http]") {
  http::ServerOptions options;
  options.max_body_bytes = 1024;
  TestServer t(options);
  Seed(t.engine());
  const std::string before = State(t.engine());
  std::string leads;
  for (int i = 100; leads.size() <= 1024; ++i) {
    leads += "{\"id\":" + std::to_string(i) + ",\"country\":\"US\"}\n";
  }
  RawConnection c(t.port());
  REQUIRE(c.Send(RawRequest("POST", "/v1/leads/bulk", leads)));
  bool closed = false;
  std::string answer = c.ReadUntilClosed(absl::Seconds(5), &closed);
  CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(
      answer.find(
          R"({"error":{"code":"RESOURCE_EXHAUSTED","message":"request body is larger than 1024 bytes"}})") !=
      std::string::npos);
  CHECK(closed);  // the unread body must not be read as a request
  CHECK(State(t.engine()) == before);
  // Within the limit it loads.
  auto ok = t.Client()->Post("/v1/leads/bulk", "{\"id\":100}\n",
                             "application/x-ndjson");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(t.engine().LeadCount() == 2);
}

TEST_CASE("headers over the limit are 431 and change nothing", "[http]") {
  http::ServerOptions options;
  options.limits.max_header_bytes = 4096;
  TestServer t(options);
  Seed(t.engine());
  const std::string before = State(t.engine());
  std::string request =
      "PUT /v1/clock HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
      std::string(kTestToken) + "\r\n";
  for (int i = 0; i < 100; ++i) {
    request +=
        "X-Filler-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
  }
  request += "Content-Length: 16\r\n\r\n{\"now\":1800000000}";
  RawConnection c(t.port());
  c.Send(request);
  bool closed = false;
  std::string answer = c.ReadUntilClosed(absl::Seconds(5), &closed);
  CHECK(answer.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(answer.find("request headers are longer than 4096 bytes") !=
        std::string::npos);
  CHECK(answer.find("HTTP/1.1 400") == std::string::npos);
  CHECK(closed);
  CHECK(State(t.engine()) == before);
}

TEST_CASE("a client too slow to send its request is dropped", "[http]") {
  http::ServerOptions options;
  options.limits.request_timeout = absl::Seconds(1);
  TestServer t(options);
  Seed(t.engine());
  const std::string before = State(t.engine());
  RawConnection c(t.port());
  // A header line every 200 ms: each read is quick, the request never ends.
  const absl::Time start = absl::Now();
  bool closed = false;
  REQUIRE(c.Send("PUT /v1/clock HTTP/1.1\r\nHost: x\r\n"));
  for (int i = 0; i < 25 && !closed; ++i) {
    if (!c.Send("X-Slow-" + std::to_string(i) + ": y\r\n")) break;
    c.ReadUntilClosed(absl::Milliseconds(200), &closed);
  }
  CHECK(closed);
  CHECK(absl::Now() - start < absl::Seconds(4));
  CHECK(State(t.engine()) == before);
}

TEST_CASE("an idle connection is closed after the idle time", "[http]") {
  http::ServerOptions options;
  options.limits.idle_timeout = absl::Milliseconds(500);
  TestServer t(options);
  RawConnection c(t.port());
  // A whole request, then nothing: kept alive only as long as allowed.
  REQUIRE(c.Send(RawRequest("GET", "/healthz")));
  REQUIRE(c.ReadUntil(R"({"status":"ok"})", absl::Seconds(5)));
  const absl::Time start = absl::Now();
  bool closed = false;
  c.ReadUntilClosed(absl::Seconds(5), &closed);
  CHECK(closed);
  CHECK(absl::Now() - start < absl::Seconds(3));
  // A connection that never sends anything, likewise.
  RawConnection silent(t.port());
  silent.ReadUntilClosed(absl::Seconds(5), &closed);
  CHECK(closed);
}

TEST_CASE("connections beyond the limit are answered 503", "[http]") {
  http::ServerOptions options;
  options.max_connections = 2;
  TestServer t(options);
  RawConnection a(t.port());
  RawConnection b(t.port());
  // Both are being served (each answered once) before the third comes.
  REQUIRE(a.Send(RawRequest("GET", "/healthz")));
  REQUIRE(a.ReadUntil(R"({"status":"ok"})", absl::Seconds(5)));
  REQUIRE(b.Send(RawRequest("GET", "/healthz")));
  REQUIRE(b.ReadUntil(R"({"status":"ok"})", absl::Seconds(5)));
  RawConnection c(t.port());
  REQUIRE(c.Send(RawRequest("GET", "/healthz")));
  bool closed = false;
  std::string answer = c.ReadUntilClosed(absl::Seconds(5), &closed);
  CHECK(answer.rfind("HTTP/1.1 503", 0) == 0);
  CHECK(
      answer.find(
          R"json({"error":{"code":"UNAVAILABLE","message":"too many connections (at most 2)"}})json") !=
      std::string::npos);
  CHECK(closed);
}

TEST_CASE("static files come from the web root and nowhere else", "[http]") {
  TempDir dir;
  const std::filesystem::path root = std::filesystem::path(dir.path()) / "web";
  std::filesystem::create_directories(root / "js");
  std::ofstream(root / "index.html") << "<!doctype html><title>screen</title>";
  std::ofstream(root / "js" / "app.js") << "export const x = 1;";
  std::ofstream(std::filesystem::path(dir.path()) / "secret.txt")
      << "do not serve";
  http::ServerOptions options;
  options.web_root = root.string();
  TestServer t(options);
  auto client = t.Client(false);
  auto index = client->Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->body == "<!doctype html><title>screen</title>");
  CHECK(index->get_header_value("Content-Type") == "text/html");
  auto js = client->Get("/js/app.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->get_header_value("X-Content-Type-Options") == "nosniff");
  for (std::string path :
       {"/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt",
        "/js/%2E%2E/%2E%2E/secret.txt", "/..%2fsecret.txt", "/missing.html"}) {
    INFO(path);
    RawConnection c(t.port());
    REQUIRE(c.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    std::string answer = c.ReadUntilClosed(absl::Seconds(3), &closed);
    CHECK(answer.find("do not serve") == std::string::npos);
    CHECK(answer.rfind("HTTP/1.1 4", 0) == 0);
  }
}

TEST_CASE("no CORS: nothing lets another origin's page call the API",
          "[http]") {
  TestServer t;
  Seed(t.engine());
  const std::string before = State(t.engine());
  RawConnection preflight(t.port());
  REQUIRE(preflight.Send(
      "OPTIONS /v1/segments HTTP/1.1\r\nHost: x\r\nOrigin: "
      "https://evil.example\r\nAccess-Control-Request-Method: DELETE\r\n"
      "Access-Control-Request-Headers: authorization\r\n\r\n"));
  bool closed = false;
  std::string answer = preflight.ReadUntilClosed(absl::Seconds(2), &closed);
  CHECK(answer.rfind("HTTP/1.1 2", 0) == std::string::npos);
  CHECK(answer.find("Access-Control-") == std::string::npos);
  auto client = t.Client();
  httplib::Headers origin = {{"Origin", "https://evil.example"}};
  auto get = client->Get("/v1/segments", origin);
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK(!get->has_header("Access-Control-Allow-Origin"));
  CHECK(State(t.engine()) == before);
}

TEST_CASE("POST /v1/commands answers exactly as audience replay", "[http]") {
  TestServer t;
  const std::string input = ReadSource("tests/cli/replay_input.ndjson");
  const std::string expected = ReadSource("tests/cli/replay_expected.ndjson");
  auto answer = t.Client()->Post("/v1/commands", input, "application/x-ndjson");
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->get_header_value("Content-Type") == "application/x-ndjson");
  CHECK(answer->body == expected);
}

TEST_CASE("metrics count requests by route pattern", "[http]") {
  TestServer t;
  Seed(t.engine());
  auto client = t.Client();
  for (int i = 0; i < 3; ++i) REQUIRE(client->Get("/v1/segments/1/count"));
  REQUIRE(t.Client(false)->Get("/v1/segments"));  // 401
  auto metrics = t.Client(false)->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type") ==
        "text/plain; version=0.0.4");
  const std::string& text = metrics->body;
  CHECK(text.find("audience_http_requests_total{method=\"GET\",route=\"/v1/"
                  "segments/{id}/count\",status=\"200\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("audience_http_requests_total{method=\"GET\",route=\""
                  "unauthorized\",status=\"401\"} 1\n") != std::string::npos);
  CHECK(text.find("audience_http_request_duration_seconds_count{method=\"GET\","
                  "route=\"/v1/segments/{id}/count\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("audience_leads 1\n") != std::string::npos);
  CHECK(text.find("audience_segments 1\n") != std::string::npos);
  CHECK(text.find(kTestToken) == std::string::npos);
}

// The events of a change stream's raw bytes (chunk framing aside: each
// write holds whole events).
int CountEvents(const std::string& raw, std::string_view event) {
  int n = 0;
  const std::string marker = "event: " + std::string(event) + "\n";
  for (size_t at = raw.find(marker); at != std::string::npos;
       at = raw.find(marker, at + 1)) {
    ++n;
  }
  return n;
}

TEST_CASE(
    "the change stream delivers, resumes after Last-Event-ID and "
    "says resync when it cannot",
    "[http]") {
  http::ServerOptions options;
  options.change_buffer = 4;
  options.heartbeat = absl::Milliseconds(200);
  TestServer t(options);
  Seed(t.engine());  // change 1: lead 7 entered US
  RawConnection live(t.port());
  REQUIRE(live.Send(RawRequest("GET", "/v1/changes")));
  REQUIRE(
      live.ReadUntil("event: ready\ndata: {\"latest\":1}", absl::Seconds(5)));
  CHECK(live.received().find("Content-Type: text/event-stream") !=
        std::string::npos);
  auto client = t.Client();
  auto patched = client->Patch("/v1/leads/7", R"({"set":{"country":"FR"}})",
                               "application/json");
  REQUIRE(patched);
  REQUIRE(patched->status == 200);
  REQUIRE(
      live.ReadUntil("id: 2\nevent: change\ndata: "
                     R"({"seq":2,"segment":"US","segment_id":1,"lead":7,)"
                     R"("change":"left","cause":"filter","time":0})",
                     absl::Seconds(5)));
  // A quiet stream sends comments.
  REQUIRE(live.ReadUntil(": keepalive\n", absl::Seconds(5)));

  // Resume after 1: change 2 again, then what comes next.
  RawConnection resumed(t.port());
  REQUIRE(
      resumed.Send("GET /v1/changes HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: Bearer " +
                   std::string(kTestToken) + "\r\nLast-Event-ID: 1\r\n\r\n"));
  REQUIRE(resumed.ReadUntil("id: 2\nevent: change", absl::Seconds(5)));
  CHECK(CountEvents(resumed.received(), "resync") == 0);

  // Five more changes: the buffer of 4 no longer holds change 2.
  for (int i = 0; i < 5; ++i) {
    REQUIRE(client->Patch("/v1/leads/7",
                          i % 2 == 0 ? R"({"set":{"country":"US"}})"
                                     : R"({"set":{"country":"FR"}})",
                          "application/json"));
  }
  REQUIRE(live.ReadUntil("id: 7\n", absl::Seconds(5)));
  CHECK(CountEvents(live.received(), "change") == 6);  // none lost
  RawConnection behind(t.port());
  REQUIRE(behind.Send(RawRequest("GET", "/v1/changes?last_event_id=1")));
  REQUIRE(behind.ReadUntil("event: ready", absl::Seconds(5)));
  CHECK(behind.received().find(
            "id: 7\nevent: resync\ndata: {\"reason\":\"resume\","
            "\"last_event_id\":\"1\",\"oldest\":4,\"latest\":7}") !=
        std::string::npos);
  // An id from another life of the server (ahead of this one's): resync.
  RawConnection future(t.port());
  REQUIRE(future.Send(RawRequest("GET", "/v1/changes?last_event_id=100")));
  REQUIRE(future.ReadUntil("event: ready", absl::Seconds(5)));
  CHECK(CountEvents(future.received(), "resync") == 1);
}

TEST_CASE("with a data directory a mutation is answered once durable",
          "[http]") {
  TempDir dir;
  {
    EngineOptions engine_options;
    engine_options.data_dir = dir.path();
    TestServer t({}, engine_options);
    auto client = t.Client();
    auto put =
        client->Put("/v1/leads/5", R"({"score":42})", "application/json");
    REQUIRE(put);
    REQUIRE(put->status == 200);
  }
  EngineOptions reopen;
  reopen.data_dir = dir.path();
  auto engine = Engine::Open(reopen);
  REQUIRE_OK(engine);
  auto lead = (*engine)->GetLead(5);
  REQUIRE_OK(lead);
  CHECK(std::get<int64_t>(lead->fields.at("score")) == 42);
}

}  // namespace
}  // namespace audience::testing
