// Every request example of docs/http.md runs against a fresh server, in
// document order, and must answer exactly what the document shows: the
// status, the headers it lists and the body, byte for byte. An example is
// a ```http block holding a request ("METHOD /path", optional headers, a
// blank line, the body) followed by a ```http block holding the response
// ("HTTP/1.1 200 OK", optional headers, a blank line, the body). Requests
// get the bearer token unless they carry an Authorization header of their
// own ($TOKEN in one stands for the token).
//
// AUDIENCE_UPDATE_HTTP_DOCS=1 rewrites the responses in docs/http.md with
// what the server answered, for a reviewer to read in the diff.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "http/http_test_util.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

const std::string kDocPath = std::string(AUDIENCE_SOURCE_DIR) + "/docs/http.md";

struct Block {
  size_t begin = 0;  // offset of the block's first content line
  size_t end = 0;    // offset of its closing fence
  std::string text;
};

std::vector<Block> HttpBlocks(const std::string& doc) {
  std::vector<Block> out;
  const std::string open = "```http\n";
  for (size_t at = doc.find(open); at != std::string::npos;
       at = doc.find(open, at)) {
    Block b;
    b.begin = at + open.size();
    b.end = doc.find("\n```", b.begin - 1);
    REQUIRE(b.end != std::string::npos);
    b.text = b.end >= b.begin ? doc.substr(b.begin, b.end - b.begin) : "";
    out.push_back(b);
    at = b.end + 4;
  }
  return out;
}

struct Message {
  std::string first_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

Message Parse(const std::string& text) {
  Message m;
  std::istringstream in(text);
  std::getline(in, m.first_line);
  std::string line;
  while (std::getline(in, line) && !line.empty()) {
    size_t colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    m.headers.emplace_back(
        line.substr(0, colon),
        line.substr(colon + 2 <= line.size() ? colon + 2 : line.size()));
  }
  std::ostringstream body;
  body << in.rdbuf();
  m.body = body.str();
  return m;
}

bool IsRequest(const std::string& first_line) {
  for (std::string method : {"GET ", "POST ", "PUT ", "PATCH ", "DELETE "}) {
    if (first_line.rfind(method, 0) == 0) return true;
  }
  return false;
}

// Sends a request over a raw connection and reads one response.
struct Response {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    }
    return "";
  }
};

Response Send(int port, const Message& request) {
  const size_t space = request.first_line.find(' ');
  const std::string method = request.first_line.substr(0, space);
  const std::string path = request.first_line.substr(space + 1);
  httplib::Client client("127.0.0.1", port);
  httplib::Headers headers;
  bool has_auth = false;
  for (auto [name, value] : request.headers) {
    if (name == "Authorization") {
      has_auth = true;
      size_t token = value.find("$TOKEN");
      if (token != std::string::npos) value.replace(token, 6, kTestToken);
    }
    headers.emplace(name, value);
  }
  if (!has_auth) {
    headers.emplace("Authorization", std::string("Bearer ") + kTestToken);
  }
  std::string body = request.body;
  if (!body.empty() && body.back() == '\n') body.pop_back();
  auto result = [&]() {
    const char* type = "application/json";
    if (method == "GET") return client.Get(path.c_str(), headers);
    if (method == "DELETE") return client.Delete(path.c_str(), headers);
    if (method == "POST") return client.Post(path.c_str(), headers, body, type);
    if (method == "PUT") return client.Put(path.c_str(), headers, body, type);
    return client.Patch(path.c_str(), headers, body, type);
  }();
  REQUIRE(result);
  Response r;
  r.status = result->status;
  r.reason = result->reason;
  for (const auto& [k, v] : result->headers) r.headers.emplace_back(k, v);
  r.body = result->body;
  // NDJSON answers end with a newline; the document's blocks show lines.
  if (!r.body.empty() && r.body.back() == '\n') r.body.pop_back();
  return r;
}

TEST_CASE("docs/http.md: every example answers as shown", "[http]") {
  std::ifstream in(kDocPath, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const bool update = std::getenv("AUDIENCE_UPDATE_HTTP_DOCS") != nullptr;

  TestServer server;
  const std::vector<Block> blocks = HttpBlocks(doc);
  // Rewrites, applied back to front so offsets stay valid.
  std::vector<std::pair<Block, std::string>> rewrites;
  size_t examples = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    Message request = Parse(blocks[i].text);
    if (!IsRequest(request.first_line)) continue;
    INFO("example: " << request.first_line);
    REQUIRE(i + 1 < blocks.size());
    Message expected = Parse(blocks[i + 1].text);
    REQUIRE(expected.first_line.rfind("HTTP/1.1 ", 0) == 0);
    Response actual = Send(server.port(), request);
    ++examples;
    std::string status_line =
        "HTTP/1.1 " + std::to_string(actual.status) + " " + actual.reason;
    if (update) {
      std::string rewritten = status_line + "\n";
      for (const auto& [name, value] : expected.headers) {
        rewritten += name + ": " + actual.Header(name) + "\n";
      }
      rewritten += "\n" + actual.body;
      rewrites.emplace_back(blocks[i + 1], rewritten);
      ++i;
      continue;
    }
    CHECK(expected.first_line == status_line);
    for (const auto& [name, value] : expected.headers) {
      INFO("header " << name);
      CHECK(actual.Header(name) == value);
    }
    std::string want = expected.body;
    if (!want.empty() && want.back() == '\n') want.pop_back();
    CHECK(actual.body == want);
    ++i;
  }
  CHECK(examples >= 30);
  if (update) {
    for (auto it = rewrites.rbegin(); it != rewrites.rend(); ++it) {
      doc.replace(it->first.begin, it->first.end - it->first.begin + 1,
                  it->second + "\n");
    }
    std::ofstream(kDocPath, std::ios::binary) << doc;
  }
}

}  // namespace
}  // namespace audience::testing
