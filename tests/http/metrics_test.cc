// HttpMetrics (http/metrics.h): request counters and latency histograms in
// Prometheus' text exposition format.
#include "http/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/test_util.h"

namespace audience::http {
namespace {

constexpr std::string_view kRequests = "audience_http_requests_total";
constexpr std::string_view kDuration = "audience_http_request_duration_seconds";

std::string Rendered(const HttpMetrics& metrics) {
  std::string out;
  metrics.Render(&out);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The value of the sample line `name{labels}`; fails the test when absent.
double Sample(const std::string& text, std::string_view name,
              std::string_view labels) {
  std::string prefix(name);
  if (!labels.empty()) prefix += "{" + std::string(labels) + "}";
  prefix += " ";
  for (const std::string& line : Lines(text)) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      return std::strtod(line.c_str() + prefix.size(), nullptr);
    }
  }
  FAIL("no sample " << prefix << " in\n" << text);
  return -1;
}

size_t CountLinesStartingWith(const std::string& text,
                              std::string_view prefix) {
  size_t n = 0;
  for (const std::string& line : Lines(text)) {
    if (line.compare(0, prefix.size(), prefix) == 0) ++n;
  }
  return n;
}

TEST_CASE("with nothing recorded only HELP and TYPE lines render", "[http]") {
  HttpMetrics metrics;
  CHECK(Rendered(metrics) ==
        "# HELP audience_http_requests_total HTTP requests answered, by "
        "method, route pattern and status.\n"
        "# TYPE audience_http_requests_total counter\n"
        "# HELP audience_http_request_duration_seconds Time from a request's "
        "headers to its last response byte.\n"
        "# TYPE audience_http_request_duration_seconds histogram\n");
}

TEST_CASE("Render appends to what the output already holds", "[http]") {
  HttpMetrics metrics;
  std::string out = "# before\n";
  metrics.Render(&out);
  CHECK(out.rfind("# before\n# HELP audience_http_requests_total ", 0) == 0);
}

TEST_CASE("one request renders exactly", "[http]") {
  HttpMetrics metrics;
  metrics.Record("GET", "/v1/segments/{id}", 200, 0.003);
  const std::string labels = R"(method="GET",route="/v1/segments/{id}")";
  std::string expected =
      "# HELP audience_http_requests_total HTTP requests answered, by "
      "method, route pattern and status.\n"
      "# TYPE audience_http_requests_total counter\n"
      "audience_http_requests_total{" +
      labels +
      ",status=\"200\"} 1\n"
      "# HELP audience_http_request_duration_seconds Time from a request's "
      "headers to its last response byte.\n"
      "# TYPE audience_http_request_duration_seconds histogram\n";
  // 0.003 s falls in the 0.005 bucket: the buckets below are 0.
  const std::vector<std::pair<std::string, int>> buckets = {
      {"0.0001", 0}, {"0.00025", 0}, {"0.0005", 0}, {"0.001", 0}, {"0.0025", 0},
      {"0.005", 1},  {"0.01", 1},    {"0.025", 1},  {"0.05", 1},  {"0.1", 1},
      {"0.25", 1},   {"1", 1},       {"2.5", 1},    {"10", 1},    {"+Inf", 1}};
  for (const auto& [le, count] : buckets) {
    expected += "audience_http_request_duration_seconds_bucket{" + labels +
                ",le=\"" + le + "\"} " + std::to_string(count) + "\n";
  }
  expected += "audience_http_request_duration_seconds_sum{" + labels +
              "} 0.003\n" + "audience_http_request_duration_seconds_count{" +
              labels + "} 1\n";
  CHECK(Rendered(metrics) == expected);
}

TEST_CASE("a counter per method, route and status", "[http]") {
  HttpMetrics metrics;
  metrics.Record("GET", "/v1/segments", 200, 0.001);
  metrics.Record("GET", "/v1/segments", 200, 0.001);
  metrics.Record("GET", "/v1/segments", 401, 0.001);
  metrics.Record("POST", "/v1/segments", 201, 0.001);
  metrics.Record("GET", "/v1/segments/{id}", 404, 0.001);
  metrics.Record("GET", "unmatched", 404, 0.001);
  const std::string text = Rendered(metrics);

  CHECK(Sample(text, kRequests,
               R"(method="GET",route="/v1/segments",status="200")") == 2);
  CHECK(Sample(text, kRequests,
               R"(method="GET",route="/v1/segments",status="401")") == 1);
  CHECK(Sample(text, kRequests,
               R"(method="POST",route="/v1/segments",status="201")") == 1);
  CHECK(Sample(text, kRequests,
               R"(method="GET",route="/v1/segments/{id}",status="404")") == 1);
  CHECK(Sample(text, kRequests,
               R"(method="GET",route="unmatched",status="404")") == 1);
  CHECK(CountLinesStartingWith(text, "audience_http_requests_total{") == 5);
  // The histogram is per method and route, across statuses.
  CHECK(Sample(text, "audience_http_request_duration_seconds_count",
               R"(method="GET",route="/v1/segments")") == 3);
  CHECK(CountLinesStartingWith(
            text, "audience_http_request_duration_seconds_count{") == 4);
  // Each family's HELP and TYPE come once, before its samples.
  CHECK(CountLinesStartingWith(text, "# HELP") == 2);
  CHECK(CountLinesStartingWith(text, "# TYPE") == 2);
  CHECK(text.find("# TYPE audience_http_requests_total counter\n") <
        text.find("audience_http_requests_total{"));
  CHECK(text.find("# TYPE audience_http_request_duration_seconds histogram\n") <
        text.find("audience_http_request_duration_seconds_bucket{"));
}

TEST_CASE("histogram buckets are cumulative and +Inf equals the count",
          "[http]") {
  HttpMetrics metrics;
  const std::string route = "/v1/segments/{id}/stats";
  // On a bound counts in that bucket (le is "less than or equal").
  const std::vector<double> seconds = {
      0.00005, 0.0001, 0.0002, 0.001, 0.0011, 0.3, 1.0, 9.9, 10.0, 11.0, 120.0};
  double sum = 0;
  for (double s : seconds) {
    metrics.Record("PUT", route, 200, s);
    sum += s;
  }
  const std::string text = Rendered(metrics);
  const std::string labels = R"(method="PUT",route="/v1/segments/{id}/stats")";
  auto bucket = [&](std::string_view le) {
    return Sample(text, "audience_http_request_duration_seconds_bucket",
                  labels + ",le=\"" + std::string(le) + "\"");
  };
  CHECK(bucket("0.0001") == 2);
  CHECK(bucket("0.00025") == 3);
  CHECK(bucket("0.0005") == 3);
  CHECK(bucket("0.001") == 4);
  CHECK(bucket("0.0025") == 5);
  CHECK(bucket("0.25") == 5);
  CHECK(bucket("1") == 7);
  CHECK(bucket("2.5") == 7);
  CHECK(bucket("10") == 9);
  CHECK(bucket("+Inf") == 11);
  CHECK(Sample(text, "audience_http_request_duration_seconds_count", labels) ==
        11);
  CHECK(Sample(text, "audience_http_request_duration_seconds_sum", labels) ==
        Approx(sum).epsilon(1e-7));

  // Every bound renders once, in ascending order, never decreasing.
  std::vector<double> les;
  std::vector<double> counts;
  const std::string prefix =
      "audience_http_request_duration_seconds_bucket{" + labels + ",le=\"";
  for (const std::string& line : Lines(text)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = line.substr(prefix.size());
    les.push_back(rest.rfind("+Inf", 0) == 0
                      ? INFINITY
                      : std::strtod(rest.c_str(), nullptr));
    counts.push_back(std::strtod(rest.c_str() + rest.find("} ") + 2, nullptr));
  }
  REQUIRE(les.size() == HttpMetrics::kBuckets.size() + 1);
  for (size_t i = 0; i < HttpMetrics::kBuckets.size(); ++i) {
    CHECK(les[i] == HttpMetrics::kBuckets[i]);
  }
  CHECK(std::isinf(les.back()));
  CHECK(std::is_sorted(counts.begin(), counts.end()));
}

TEST_CASE("unknown methods count as other", "[http]") {
  HttpMetrics metrics;
  for (std::string_view method :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    metrics.Record(method, "/x", 200, 0.001);
  }
  metrics.Record("BREW", "/x", 405, 0.001);
  metrics.Record("get", "/x", 405, 0.001);
  metrics.Record("GET\"}", "/x", 405, 0.001);
  metrics.Record("", "/x", 405, 0.001);
  const std::string text = Rendered(metrics);
  for (std::string_view method :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    INFO(method);
    CHECK(Sample(text, kRequests,
                 "method=\"" + std::string(method) +
                     "\",route=\"/x\",status=\"200\"") == 1);
  }
  CHECK(Sample(text, kRequests, R"(method="other",route="/x",status="405")") ==
        4);
  CHECK(text.find("BREW") == std::string::npos);
  CHECK(text.find("method=\"get\"") == std::string::npos);
  CHECK(Sample(text, "audience_http_request_duration_seconds_count",
               R"(method="other",route="/x")") == 4);
}

TEST_CASE("EscapeLabel escapes backslash, quote and newline", "[http]") {
  CHECK(EscapeLabel("") == "");
  CHECK(EscapeLabel("/v1/segments/{id}") == "/v1/segments/{id}");
  CHECK(EscapeLabel("a\\b") == "a\\\\b");
  CHECK(EscapeLabel("say \"hi\"") == "say \\\"hi\\\"");
  CHECK(EscapeLabel("two\nlines") == "two\\nlines");
  CHECK(EscapeLabel("\\\"\n") == "\\\\\\\"\\n");
  // Nothing else is touched: tabs, UTF-8, braces.
  CHECK(EscapeLabel("\t\xC3\xA9}") == "\t\xC3\xA9}");
}

TEST_CASE("route labels are escaped in both families", "[http]") {
  HttpMetrics metrics;
  metrics.Record("GET", "/a\"b\\c\nd", 200, 0.5);
  const std::string text = Rendered(metrics);
  const std::string labels = R"(method="GET",route="/a\"b\\c\nd")";
  CHECK(Sample(text, kRequests, labels + ",status=\"200\"") == 1);
  CHECK(Sample(text, "audience_http_request_duration_seconds_count", labels) ==
        1);
  CHECK(Sample(text, "audience_http_request_duration_seconds_sum", labels) ==
        0.5);
  // The raw newline never reaches the output: every line is a comment or a
  // sample of one of the two families.
  for (const std::string& line : Lines(text)) {
    INFO(line);
    CHECK((line.rfind("# ", 0) == 0 || line.rfind(kRequests, 0) == 0 ||
           line.rfind(kDuration, 0) == 0));
  }
}

TEST_CASE("AppendSample and AppendFamily write single lines", "[http]") {
  std::string out;
  AppendFamily(&out, "audience_leads", "gauge", "Leads stored.");
  AppendSample(&out, "audience_leads", "", 12345);
  AppendSample(&out, "audience_journal_bytes", "kind=\"wal\"", 1.5);
  AppendSample(&out, "audience_x", "", INFINITY);
  CHECK(out ==
        "# HELP audience_leads Leads stored.\n"
        "# TYPE audience_leads gauge\n"
        "audience_leads 12345\n"
        "audience_journal_bytes{kind=\"wal\"} 1.5\n"
        "audience_x +Inf\n");
}

TEST_CASE("concurrent Record calls all count", "[http]") {
  HttpMetrics metrics;
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < kEach; ++i) {
        metrics.Record("GET", "/v1/segments", 200, 0.001);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string text = Rendered(metrics);
  CHECK(Sample(text, kRequests,
               R"(method="GET",route="/v1/segments",status="200")") ==
        kThreads * kEach);
  CHECK(Sample(text, "audience_http_request_duration_seconds_bucket",
               R"(method="GET",route="/v1/segments",le="+Inf")") ==
        kThreads * kEach);
}

}  // namespace
}  // namespace audience::http
