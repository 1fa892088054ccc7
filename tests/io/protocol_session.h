// A protocol session for tests: one engine and protocol, responses parsed
// and checked for their shape.
#ifndef AUDIENCE_TESTS_IO_PROTOCOL_SESSION_H_
#define AUDIENCE_TESTS_IO_PROTOCOL_SESSION_H_

#include <simdjson.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "audience/protocol.h"
#include "testing/test_util.h"

namespace audience::testing {

using simdjson::dom::element;
using simdjson::dom::object;

inline std::set<std::string> KeysOf(object o) {
  std::set<std::string> keys;
  for (auto [key, value] : o) keys.emplace(key);
  return keys;
}

// One engine and protocol; every response is parsed (so it must be valid
// JSON) and stays readable until the next command.
class Session {
 public:
  Session() : engine_(OpenEngine()), protocol_(*engine_) {}

  Engine& engine() { return *engine_; }
  const std::string& last() const { return last_; }

  element Run(const std::string& line) {
    last_ = protocol_.Execute(line);
    INFO(line << "\n -> " << last_);
    element e;
    REQUIRE(parser_.parse(last_).get(e) == simdjson::SUCCESS);
    REQUIRE(last_.back() != '\n');
    return e;
  }

  // REQUIREs {"ok": true, ...} with exactly `keys` besides "ok".
  object Ok(const std::string& line, std::set<std::string> keys) {
    object o = Run(line).get_object().value_unsafe();
    INFO(line << "\n -> " << last_);
    bool ok = false;
    REQUIRE(o["ok"].get(ok) == simdjson::SUCCESS);
    REQUIRE(ok);
    keys.insert("ok");
    REQUIRE(KeysOf(o) == keys);
    return o;
  }

  // REQUIREs {"ok": false, "error": {"code": code, "message": ...text...}}.
  void Error(const std::string& line, std::string_view code,
             std::string_view text) {
    object o = Run(line).get_object().value_unsafe();
    INFO(line << "\n -> " << last_);
    REQUIRE(KeysOf(o) == std::set<std::string>{"ok", "error"});
    bool ok = true;
    REQUIRE(o["ok"].get(ok) == simdjson::SUCCESS);
    REQUIRE_FALSE(ok);
    object error;
    REQUIRE(o["error"].get(error) == simdjson::SUCCESS);
    REQUIRE(KeysOf(error) == std::set<std::string>{"code", "message"});
    std::string_view got_code, message;
    REQUIRE(error["code"].get(got_code) == simdjson::SUCCESS);
    REQUIRE(error["message"].get(message) == simdjson::SUCCESS);
    CHECK(got_code == code);
    CHECK(message.find(text) != std::string_view::npos);
  }

  // The raw response text of a read-only command, for before/after checks.
  std::string Snapshot(const std::string& line) {
    Run(line);
    return last_;
  }

 private:
  std::unique_ptr<Engine> engine_;
  Protocol protocol_;
  simdjson::dom::parser parser_;
  std::string last_;
};

inline std::string Changes(object response) {
  return simdjson::minify(response["changes"].value_unsafe());
}

// The member `key` of a response, minified.
inline std::string JsonOf(object response, std::string_view key) {
  return simdjson::minify(response[key].value_unsafe());
}

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_IO_PROTOCOL_SESSION_H_
