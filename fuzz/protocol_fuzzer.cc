// Fuzzes the replay line protocol (audience::Protocol, docs/protocol.md).
//
// The input is a replay transcript: it is split into lines as `audience
// replay` splits them (at '\n', one trailing '\r' dropped, lines of only
// spaces and tabs skipped) and each line runs on one fresh engine with the
// replay defaults (clock at 0, standard fields only), so a reproducer also
// reproduces with `audience replay FILE`. Whatever the input, it checks
// that:
// - every response is one JSON object with a boolean "ok"; a failure
//   carries "error" with string "code" (absl's name) and "message";
// - a failed command changes nothing that the list commands show (fields,
//   categories, segments with their counts, campaigns, the clock).
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audience/engine.h"
#include "audience/protocol.h"
#include "fuzz_check.h"

namespace audience::fuzz {

namespace {

// The codes design.md §8 allows; any other is a finding.
constexpr std::string_view kErrorCodes[] = {
    "INVALID_ARGUMENT",    "NOT_FOUND", "ALREADY_EXISTS",
    "FAILED_PRECONDITION", "DATA_LOSS", "RESOURCE_EXHAUSTED"};

// Checks the shape of a response and returns its "ok".
bool CheckResponse(simdjson::dom::parser& parser, std::string_view command,
                   std::string_view response) {
  const std::string context =
      Cat(" (command ", command, ", response ", response, ")");
  simdjson::dom::element doc;
  simdjson::dom::object object;
  FUZZ_CHECK(parser.parse(response.data(), response.size()).get(doc) ==
                 simdjson::SUCCESS,
             "response is not valid JSON" + context);
  FUZZ_CHECK(doc.get_object().get(object) == simdjson::SUCCESS,
             "response is not an object" + context);
  FUZZ_CHECK(response.find('\n') == std::string_view::npos,
             "response spans lines" + context);
  bool ok = false;
  FUZZ_CHECK(object["ok"].get(ok) == simdjson::SUCCESS,
             "response has no boolean \"ok\"" + context);
  if (ok) return true;
  std::string_view code, message;
  FUZZ_CHECK(object["error"]["code"].get(code) == simdjson::SUCCESS &&
                 object["error"]["message"].get(message) == simdjson::SUCCESS,
             "error response without string code and message" + context);
  FUZZ_CHECK(std::find(std::begin(kErrorCodes), std::end(kErrorCodes), code) !=
                 std::end(kErrorCodes),
             "unexpected error code" + context);
  FUZZ_CHECK(!message.empty(), "empty error message" + context);
  return false;
}

// What a failed command must leave as it was.
std::string Observable(Protocol& protocol) {
  std::string out;
  for (std::string_view query :
       {R"({"op":"list_fields"})", R"({"op":"list_categories"})",
        R"({"op":"list_segments"})", R"({"op":"list_campaigns"})",
        R"({"op":"now"})"}) {
    out += Cat(protocol.Execute(query), "\n");
  }
  return out;
}

}  // namespace

}  // namespace audience::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace audience;
  using namespace audience::fuzz;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      Engine::Open(EngineOptions{});
  FUZZ_CHECK(engine.ok(), engine.status().ToString());
  Protocol protocol(**engine);
  simdjson::dom::parser parser;
  std::string state = Observable(protocol);
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string response = protocol.Execute(line);
    const bool ok = CheckResponse(parser, line, response);
    std::string now = Observable(protocol);
    FUZZ_CHECK(ok || now == state,
               Cat("the failed command ", line, " (", response,
                   ") changed the engine from\n", state, "to\n", now));
    state = std::move(now);
  }
  return 0;
}
