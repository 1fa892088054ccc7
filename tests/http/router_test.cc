// Router and SplitPath (http/router.h): matching literal and {param}
// segments, route order, and the 404 / 405 replies of Dispatch.
#include "http/router.h"

#include <string>
#include <vector>

#include "http/api_request.h"
#include "testing/test_util.h"

namespace audience::http {
namespace {

using Segments = std::vector<std::string_view>;

// A handler that answers with `name` and the params it was given, so a test
// sees which route ran and with what.
Router::Handler Named(std::string name) {
  return [name](const ApiRequest& request) {
    ApiReply reply;
    reply.body = name;
    for (const auto& [key, value] : request.params) {
      reply.body += " " + key + "=" + value;
    }
    return reply;
  };
}

ApiRequest Request(std::string method, std::string path) {
  ApiRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

// Dispatches and returns the reply; `pattern` receives the matched pattern.
ApiReply Send(const Router& router, std::string method, std::string path,
              std::string* pattern = nullptr) {
  ApiRequest request = Request(std::move(method), std::move(path));
  std::string_view matched = "not set";
  ApiReply reply = router.Dispatch(request, &matched);
  if (pattern != nullptr) *pattern = std::string(matched);
  return reply;
}

std::string HeaderOf(const ApiReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

TEST_CASE("SplitPath splits on slashes and drops one trailing slash",
          "[http]") {
  CHECK(SplitPath("") == Segments{});
  CHECK(SplitPath("/") == Segments{});
  CHECK(SplitPath("/v1") == Segments{"v1"});
  CHECK(SplitPath("/v1/") == Segments{"v1"});
  CHECK(SplitPath("/v1/segments/7") == Segments{"v1", "segments", "7"});
  CHECK(SplitPath("/v1/segments/7/") == Segments{"v1", "segments", "7"});
  // Empty segments inside the path are kept, so they cannot match {id}.
  CHECK(SplitPath("/v1//7") == Segments{"v1", "", "7"});
  CHECK(SplitPath("/v1/segments//") == Segments{"v1", "segments", ""});
  // Only one trailing slash is dropped.
  CHECK(SplitPath("/a//") == Segments{"a", ""});
  // A path without a leading slash splits the same way.
  CHECK(SplitPath("a/b") == Segments{"a", "b"});
}

TEST_CASE("literal segments compare exactly", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments", Named("list"));
  router.Add("GET", "/v1/fields", Named("fields"));

  Router::Match match = router.Find("GET", "/v1/segments");
  REQUIRE(match.handler != nullptr);
  CHECK(match.pattern == "/v1/segments");
  CHECK(match.params.empty());
  CHECK(match.allowed.empty());

  CHECK(router.Find("GET", "/v1/fields").pattern == "/v1/fields");
  // Case, prefixes, extensions and extra segments do not match.
  CHECK(router.Find("GET", "/v1/Segments").handler == nullptr);
  CHECK(router.Find("GET", "/v1/segment").handler == nullptr);
  CHECK(router.Find("GET", "/v1/segmentsx").handler == nullptr);
  CHECK(router.Find("GET", "/v1").handler == nullptr);
  CHECK(router.Find("GET", "/v1/segments/7").handler == nullptr);
  CHECK(router.Find("GET", "/").handler == nullptr);
}

TEST_CASE("a trailing slash matches the same route", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments", Named("list"));
  router.Add("GET", "/v1/segments/{id}", Named("get"));
  CHECK(Send(router, "GET", "/v1/segments/").body == "list");
  CHECK(Send(router, "GET", "/v1/segments/7/").body == "get id=7");
}

TEST_CASE("{param} segments capture one path segment each", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments/{id}/explain/{lead}", Named("explain"));

  Router::Match match = router.Find("GET", "/v1/segments/7/explain/42");
  REQUIRE(match.handler != nullptr);
  CHECK(match.pattern == "/v1/segments/{id}/explain/{lead}");
  using Params = std::vector<std::pair<std::string, std::string>>;
  CHECK(match.params == Params{{"id", "7"}, {"lead", "42"}});

  // A parameter takes any text, but exactly one non-empty segment.
  CHECK(router.Find("GET", "/v1/segments/abc/explain/x.y").params ==
        Params{{"id", "abc"}, {"lead", "x.y"}});
  CHECK(router.Find("GET", "/v1/segments//explain/42").handler == nullptr);
  CHECK(router.Find("GET", "/v1/segments/7/explain").handler == nullptr);
  CHECK(router.Find("GET", "/v1/segments/7/explain/42/x").handler == nullptr);
  CHECK(router.Find("GET", "/v1/segments/7/explains/42").handler == nullptr);

  // Dispatch hands the params to the handler through the request.
  ApiRequest request = Request("GET", "/v1/segments/12/explain/99");
  std::string_view pattern;
  ApiReply reply = router.Dispatch(request, &pattern);
  CHECK(reply.status == 200);
  CHECK(reply.body == "explain id=12 lead=99");
  CHECK(request.Param("id") == "12");
  CHECK(request.Param("lead") == "99");
  CHECK(request.Param("other").empty());
}

TEST_CASE("routes are tried in the order added", "[http]") {
  SECTION("a literal added before a parameter of the same shape wins") {
    Router router;
    router.Add("POST", "/v1/segments/preview", Named("preview"));
    router.Add("POST", "/v1/segments/{id}", Named("replace"));
    CHECK(Send(router, "POST", "/v1/segments/preview").body == "preview");
    CHECK(Send(router, "POST", "/v1/segments/8").body == "replace id=8");
  }
  SECTION("a parameter added before a literal shadows it") {
    Router router;
    router.Add("POST", "/v1/segments/{id}", Named("replace"));
    router.Add("POST", "/v1/segments/preview", Named("preview"));
    CHECK(Send(router, "POST", "/v1/segments/preview").body ==
          "replace id=preview");
  }
  SECTION("a path that only another method's literal matches falls through") {
    Router router;
    router.Add("POST", "/v1/segments/preview", Named("preview"));
    router.Add("GET", "/v1/segments/{id}", Named("get"));
    std::string pattern;
    CHECK(Send(router, "GET", "/v1/segments/preview", &pattern).body ==
          "get id=preview");
    CHECK(pattern == "/v1/segments/{id}");
  }
}

TEST_CASE("the method picks among routes of one pattern", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments/{id}", Named("get"));
  router.Add("PUT", "/v1/segments/{id}", Named("put"));
  router.Add("DELETE", "/v1/segments/{id}", Named("delete"));
  CHECK(Send(router, "GET", "/v1/segments/3").body == "get id=3");
  CHECK(Send(router, "PUT", "/v1/segments/3").body == "put id=3");
  CHECK(Send(router, "DELETE", "/v1/segments/3").body == "delete id=3");
  // Methods compare exactly: HTTP methods are case-sensitive.
  CHECK(Send(router, "get", "/v1/segments/3").status == 405);
}

TEST_CASE("an unknown path is a 404 with the error envelope", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments", Named("list"));
  std::string pattern;
  ApiReply reply = Send(router, "GET", "/v1/nothing", &pattern);
  CHECK(reply.status == 404);
  CHECK(reply.content_type == "application/json");
  CHECK(
      reply.body ==
      R"({"error":{"code":"NOT_FOUND","message":"no route for GET /v1/nothing"}})");
  CHECK(reply.headers.empty());
  CHECK(pattern == "unmatched");

  // An empty router knows no path at all.
  Router empty;
  CHECK(Send(empty, "GET", "/").status == 404);
}

TEST_CASE("a known path with another method is a 405 with Allow", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments", Named("list"));
  router.Add("POST", "/v1/segments", Named("create"));
  router.Add("GET", "/v1/segments/{id}", Named("get"));
  router.Add("PUT", "/v1/segments/{id}", Named("put"));
  router.Add("GET", "/v1/segments/{id}", Named("get again"));  // listed once
  router.Add("DELETE", "/v1/segments/{id}", Named("delete"));

  std::string pattern;
  ApiReply reply = Send(router, "PATCH", "/v1/segments/7", &pattern);
  CHECK(reply.status == 405);
  CHECK(HeaderOf(reply, "Allow") == "GET, PUT, DELETE");
  CHECK(
      reply.body ==
      R"json({"error":{"code":"INVALID_ARGUMENT","message":"method PATCH )json"
      R"json(is not allowed on /v1/segments/7 (allowed: GET, PUT, DELETE)"}})json");
  CHECK(pattern == "unmatched");

  ApiReply collection = Send(router, "DELETE", "/v1/segments");
  CHECK(collection.status == 405);
  CHECK(HeaderOf(collection, "Allow") == "GET, POST");

  // Find reports the same list without a handler.
  Router::Match match = router.Find("HEAD", "/v1/segments/7");
  CHECK(match.handler == nullptr);
  CHECK(match.allowed == std::vector<std::string_view>{"GET", "PUT", "DELETE"});
}

TEST_CASE("Dispatch reports the pattern that ran", "[http]") {
  Router router;
  router.Add("GET", "/v1/segments/{id}/members", Named("members"));
  router.Add("GET", "/healthz", Named("health"));
  std::string pattern;
  CHECK(Send(router, "GET", "/v1/segments/5/members", &pattern).body ==
        "members id=5");
  CHECK(pattern == "/v1/segments/{id}/members");
  CHECK(Send(router, "GET", "/healthz", &pattern).body == "health");
  CHECK(pattern == "/healthz");
  CHECK(Send(router, "POST", "/healthz", &pattern).status == 405);
  CHECK(pattern == "unmatched");
  CHECK(Send(router, "GET", "/v1/segments/5", &pattern).status == 404);
  CHECK(pattern == "unmatched");
}

TEST_CASE("the handler's reply is returned as it is", "[http]") {
  Router router;
  router.Add("POST", "/v1/things", [](const ApiRequest& request) {
    ApiReply reply;
    reply.status = 201;
    reply.content_type = "text/plain";
    reply.body = request.body;
    reply.headers.emplace_back("Location", "/v1/things/1");
    return reply;
  });
  ApiRequest request = Request("POST", "/v1/things");
  request.body = "hello";
  std::string_view pattern;
  ApiReply reply = router.Dispatch(request, &pattern);
  CHECK(reply.status == 201);
  CHECK(reply.content_type == "text/plain");
  CHECK(reply.body == "hello");
  CHECK(HeaderOf(reply, "Location") == "/v1/things/1");
}

}  // namespace
}  // namespace audience::http
