#include "cli/state_dump.h"

#include <sstream>
#include <string>
#include <vector>

#include "audience/protocol.h"
#include "cli/command_stream.h"

namespace audience::testing {

namespace {

constexpr int kMaxEventsProbed = 500;

class Dumper {
 public:
  explicit Dumper(Engine& engine) : engine_(engine), protocol_(engine) {}

  // Appends the command and its response; returns the response.
  std::string Query(const std::string& command) {
    std::string response = protocol_.Execute(command);
    out_ += command;
    out_ += "\n  -> ";
    out_ += response;
    out_ += "\n";
    return response;
  }

  std::string Take() { return std::move(out_); }

  void Everything() {
    out_ += "lead count " + std::to_string(engine_.LeadCount()) + "\n";
    Query(R"({"op":"now"})");
    Query(R"({"op":"list_fields"})");
    Query(R"({"op":"list_categories"})");
    Query(R"({"op":"list_segments"})");
    Query(R"({"op":"list_campaigns"})");
    std::vector<Segment> segments = engine_.ListSegments();
    Timestamp now = engine_.Now();
    for (const Segment& s : segments) {
      std::string name = JsonQuote(s.definition.name);
      Query(R"({"op":"members","segment":)" + name + "}");
      Query(R"({"op":"stats","segment":)" + name + "}");
      Query(R"({"op":"segment_leads","segment":)" + name + R"(,"limit":1000})");
      Query(R"({"op":"leads_over_time","segment":)" + name + R"(,"from":)" +
            std::to_string(now - 150 * kSecondsPerDay) + R"(,"to":)" +
            std::to_string(now + kSecondsPerDay) + "}");
      Query(R"({"op":"leads_over_time","segment":)" + name + R"(,"from":)" +
            std::to_string(now - 4 * kSecondsPerDay) + R"(,"to":)" +
            std::to_string(now + kSecondsPerHour) + R"(,"bucket":"hour"})");
    }
    for (const Campaign& c : engine_.ListCampaigns()) {
      Query(R"({"op":"campaign_audience","campaign":)" +
            JsonQuote(c.definition.name) + R"(,"limit":1000})");
    }
    for (LeadId lead : CommandStream::LeadIds()) {
      std::string id = std::to_string(lead);
      Query(R"({"op":"get_lead","id":)" + id + "}");
      Query(R"({"op":"lead_segments","lead":)" + id + "}");
      Query(R"({"op":"lead_campaigns","lead":)" + id + "}");
      for (const Segment& s : segments) {
        Query(R"({"op":"explain","lead":)" + id + R"(,"segment":)" +
              JsonQuote(s.definition.name) + "}");
      }
    }
    Events();
  }

 private:
  // Each lead's exact number of events per type, per object and in recent
  // windows: previews of "did at_least k" for k = 1, 2, ... until none
  // match, so an event is visible however many the lead has.
  void Events() {
    for (const std::string& type : CommandStream::EventTypes()) {
      for (const std::string& object :
           {std::string(), std::string("17"), std::string("18")}) {
        std::string condition =
            R"({"activity":)" + JsonQuote(type) + R"(,"op":"did")";
        if (!object.empty()) condition += R"(,"object":)" + object;
        for (int k = 1; k <= kMaxEventsProbed; ++k) {
          std::string response =
              Query(R"({"op":"preview","limit":1000,"segment":{"filters":[)" +
                    condition + R"(,"at_least":)" + std::to_string(k) + "}]}}");
          if (response.find(R"("count":0,)") != std::string::npos ||
              response.find(R"("ok":false)") != std::string::npos) {
            break;
          }
        }
        for (int days : {1, 7, 30}) {
          Query(R"({"op":"preview","limit":1000,"segment":{"filters":[)" +
                condition + R"(,"within_days":)" + std::to_string(days) +
                "}]}}");
        }
      }
    }
  }

  Engine& engine_;
  Protocol protocol_;
  std::string out_;
};

}  // namespace

std::string DumpState(Engine& engine) {
  Dumper dumper(engine);
  dumper.Everything();
  return dumper.Take();
}

std::string FirstDifference(const std::string& got, const std::string& want) {
  if (got == want) return "";
  std::istringstream a(got), b(want);
  std::string line_a, line_b, previous;
  size_t number = 0;
  while (true) {
    bool more_a = static_cast<bool>(std::getline(a, line_a));
    bool more_b = static_cast<bool>(std::getline(b, line_b));
    ++number;
    if (!more_a) line_a = "<end>";
    if (!more_b) line_b = "<end>";
    if (line_a != line_b || (!more_a && !more_b)) break;
    previous = line_a;
  }
  return "dump line " + std::to_string(number) + ", after\n  " + previous +
         "\n got: " + line_a + "\nwant: " + line_b;
}

}  // namespace audience::testing
