// Fuzzes the bulk NDJSON loaders, Engine::LoadLeads and Engine::LoadEvents.
//
// The input is loaded twice into a seeded engine (seeded_engine.h): first as
// leads, then as events, so a file mixing lead and event lines exercises
// both (a lead line is not a valid event and the reverse). Whatever the
// input, it checks that:
// - every non-blank line is either loaded or rejected, and each rejection is
//   named by its line number;
// - the reported changes are exactly the membership difference;
// - every segment's members equal a fresh evaluation of its definition,
//   after the loads and after a clock advance;
// - the bulk path agrees with the single-command path: a second engine gets
//   each line through the protocol ({"op":"upsert_lead","lead":LINE}, and
//   {"op":"event",...} with the line's lead, type, object and ts), which
//   must accept exactly the lines the loader accepted and end with the same
//   leads and memberships;
// - a line that is not valid JSON, or repeats a key in any of its objects,
//   is rejected (docs/decisions.md: both paths refuse duplicate keys).
#include <simdjson.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audience/engine.h"
#include "audience/protocol.h"
#include "fuzz_check.h"
#include "seeded_engine.h"

namespace audience::fuzz {

namespace {

constexpr std::string_view kLeadSource = "leads";
constexpr std::string_view kEventSource = "events";

struct Line {
  size_t number;  // 1-based, blank lines counted
  std::string_view text;
};

// The lines the loaders read: split at '\n', one trailing '\r' dropped,
// lines of only spaces and tabs skipped (documented in docs/protocol.md).
std::vector<Line> NonBlankLines(std::string_view text) {
  std::vector<Line> out;
  size_t number = 0;
  size_t start = 0;
  while (start < text.size()) {
    ++number;
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      out.push_back({number, line});
    }
    start = end + 1;
  }
  return out;
}

// The line numbers named by the report's errors, "<source>:<n>: <what>".
std::vector<size_t> RejectedLines(const LoadReport& report,
                                  std::string_view source) {
  std::vector<size_t> out;
  const std::string prefix = Cat(source, ":");
  for (const std::string& error : report.errors) {
    FUZZ_CHECK(error.starts_with(prefix), "error without its source: " + error);
    size_t colon = error.find(':', prefix.size());
    FUZZ_CHECK(colon != std::string::npos, "error without a line: " + error);
    size_t n = 0;
    const char* first = error.data() + prefix.size();
    const char* last = error.data() + colon;
    FUZZ_CHECK(std::from_chars(first, last, n).ptr == last && first != last,
               "error without a line number: " + error);
    FUZZ_CHECK(error.size() > colon + 2, "error without a message: " + error);
    out.push_back(n);
  }
  return out;
}

// Checks the counts of a load and returns, per non-blank line, whether it
// was loaded.
std::vector<bool> CheckReport(const LoadReport& report,
                              const std::vector<Line>& lines,
                              std::string_view source) {
  FUZZ_CHECK(report.loaded + report.rejected == lines.size(),
             Cat(source, ": loaded ", report.loaded, " + rejected ",
                 report.rejected, " != ", lines.size(), " non-blank lines"));
  // The engine keeps every error (max_load_errors is not reached).
  FUZZ_CHECK(report.errors.size() == report.rejected,
             Cat(source, ": ", report.errors.size(), " errors for ",
                 report.rejected, " rejected lines"));
  std::vector<size_t> rejected = RejectedLines(report, source);
  std::vector<bool> loaded(lines.size(), true);
  size_t r = 0;
  for (size_t i = 0; i < lines.size() && r < rejected.size(); ++i) {
    if (lines[i].number == rejected[r]) {
      loaded[i] = false;
      ++r;
    }
  }
  FUZZ_CHECK(r == rejected.size(), Cat(source,
                                       ": an error names a line that is blank, "
                                       "absent or out of order: ",
                                       report.errors[r]));
  return loaded;
}

bool ResponseOk(std::string_view response) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  bool ok = false;
  FUZZ_CHECK(parser.parse(response.data(), response.size()).get(doc) ==
                     simdjson::SUCCESS &&
                 doc["ok"].get(ok) == simdjson::SUCCESS,
             "response is not JSON with \"ok\": " + std::string(response));
  return ok;
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The protocol command recording the event of an event object (which
// names no key twice): the keys the loader reads (lead, type, object, ts);
// the loader and the protocol ignore the other keys.
std::string EventCommand(simdjson::dom::object object) {
  std::map<std::string_view, simdjson::dom::element> wanted;
  for (auto [key, value] : object) {
    if (key == "lead" || key == "type" || key == "object" || key == "ts") {
      wanted[key] = value;
    }
  }
  std::string out = R"({"op":"event")";
  for (std::string_view key : {"lead", "type", "object", "ts"}) {
    auto it = wanted.find(key);
    if (it == wanted.end()) continue;
    out += Cat(",", JsonQuote(key), ":", simdjson::to_string(it->second));
  }
  return out + "}";
}

// Whether some object in `e`, at any depth, names a key twice: such a line
// is malformed for the loaders and the protocol alike.
bool HasDuplicateKeys(simdjson::dom::element e) {
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (e.get_object().get(object) == simdjson::SUCCESS) {
    std::set<std::string_view> keys;
    for (auto [key, value] : object) {
      if (!keys.insert(key).second || HasDuplicateKeys(value)) return true;
    }
  } else if (e.get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : array) {
      if (HasDuplicateKeys(item)) return true;
    }
  }
  return false;
}

// Runs each line through the protocol as the loader ran it through
// LoadLeads (events = false) or LoadEvents, and checks that the protocol
// accepts exactly the lines the loader loaded.
void ReplayLines(Protocol& protocol, const std::vector<Line>& lines,
                 const std::vector<bool>& loaded, bool events) {
  simdjson::dom::parser parser;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    simdjson::dom::element doc;
    simdjson::dom::object object;
    if (parser.parse(line.text.data(), line.text.size()).get(doc) !=
        simdjson::SUCCESS) {
      FUZZ_CHECK(!loaded[i], Cat("line ", line.number,
                                 " is not valid JSON but was loaded as ",
                                 events ? "an event" : "a lead"));
      continue;
    }
    if (doc.get_object().get(object) != simdjson::SUCCESS) {
      FUZZ_CHECK(!loaded[i],
                 Cat("line ", line.number, " is not an object but was loaded"));
      continue;
    }
    if (HasDuplicateKeys(doc)) {
      FUZZ_CHECK(!loaded[i],
                 Cat("line ", line.number, " repeats a key but was loaded as ",
                     events ? "an event" : "a lead"));
      // The event command carries only the keys the loader reads, so it
      // would not show the repeat; a lead line goes through as it is.
      if (events) continue;
    }
    std::string command =
        events ? EventCommand(object)
               : Cat(R"({"op":"upsert_lead","lead":)", line.text, "}");
    std::string response = protocol.Execute(command);
    bool ok = ResponseOk(response);
    FUZZ_CHECK(
        ok == loaded[i],
        Cat("line ", line.number, " was ", loaded[i] ? "loaded" : "rejected",
            " by ", events ? "LoadEvents" : "LoadLeads",
            " but the protocol answered ", response, " to ", command));
  }
}

// Both engines hold the same leads with the same values and memberships.
void CheckSameState(const Engine& bulk, const Engine& single) {
  FUZZ_CHECK(bulk.LeadCount() == single.LeadCount(),
             Cat("bulk path has ", bulk.LeadCount(), " leads, single path ",
                 single.LeadCount()));
  Memberships a = MembersBySegment(bulk);
  Memberships b = MembersBySegment(single);
  for (const auto& [segment, members] : a) {
    FUZZ_CHECK(members == b[segment],
               Cat("segment ", segment, " has ", members.size(),
                   " members by the bulk path, ", b[segment].size(),
                   " by the single path"));
  }
  absl::StatusOr<SegmentId> everyone = bulk.FindSegment("Everyone");
  FUZZ_CHECK(everyone.ok(), everyone.status().ToString());
  const std::vector<LeadId>& ids = a[*everyone];
  FUZZ_CHECK(ids.size() == bulk.LeadCount(),
             Cat("\"Everyone\" has ", ids.size(), " members for ",
                 bulk.LeadCount(), " leads"));
  for (LeadId id : ids) {
    absl::StatusOr<Lead> x = bulk.GetLead(id);
    absl::StatusOr<Lead> y = single.GetLead(id);
    FUZZ_CHECK(x.ok() && y.ok(), Cat("lead ", id, " is missing"));
    FUZZ_CHECK(x->fields == y->fields,
               Cat("lead ", id, " differs between the paths"));
  }
}

}  // namespace

}  // namespace audience::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace audience;
  using namespace audience::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<Line> lines = NonBlankLines(input);

  EngineOptions options;
  options.max_load_errors = lines.size() + 1;
  std::unique_ptr<Engine> bulk = OpenSeededEngine(options);
  std::unique_ptr<Engine> single = OpenSeededEngine(options);
  Protocol protocol(*single);
  const size_t seeded_leads = bulk->LeadCount();

  Memberships before = MembersBySegment(*bulk);
  absl::StatusOr<LoadReport> leads = bulk->LoadLeads(input, kLeadSource);
  FUZZ_CHECK(leads.ok(), leads.status().ToString());
  std::vector<bool> lead_loaded = CheckReport(*leads, lines, kLeadSource);
  FUZZ_CHECK(bulk->LeadCount() >= seeded_leads &&
                 bulk->LeadCount() <= seeded_leads + leads->loaded,
             Cat(bulk->LeadCount(), " leads after loading ", leads->loaded,
                 " into ", seeded_leads));
  Memberships after = MembersBySegment(*bulk);
  CheckChanges(before, leads->changes, after);
  CheckSegmentsMatchPreview(*bulk);

  const size_t lead_count = bulk->LeadCount();
  absl::StatusOr<LoadReport> events = bulk->LoadEvents(input, kEventSource);
  FUZZ_CHECK(events.ok(), events.status().ToString());
  std::vector<bool> event_loaded = CheckReport(*events, lines, kEventSource);
  FUZZ_CHECK(bulk->LeadCount() == lead_count, "loading events changed leads");
  before = std::move(after);
  after = MembersBySegment(*bulk);
  CheckChanges(before, events->changes, after);
  CheckSegmentsMatchPreview(*bulk);

  ReplayLines(protocol, lines, lead_loaded, /*events=*/false);
  ReplayLines(protocol, lines, event_loaded, /*events=*/true);
  CheckSameState(*bulk, *single);

  // Time windows (within_last, older_than, within_days) move with the clock.
  const Timestamp later = kSeedNow + 8 * kSecondsPerDay;
  absl::StatusOr<MutationResult> a = bulk->AdvanceClock(later);
  absl::StatusOr<MutationResult> b = single->AdvanceClock(later);
  FUZZ_CHECK(a.ok() && b.ok(), "AdvanceClock failed");
  FUZZ_CHECK(a->changes == b->changes,
             "a clock advance reports different changes by the two paths");
  before = std::move(after);
  after = MembersBySegment(*bulk);
  CheckChanges(before, a->changes, after);
  CheckSegmentsMatchPreview(*bulk);
  return 0;
}
