// Request counts and latencies for GET /metrics, in Prometheus' text
// exposition format: audience_http_requests_total{method,route,status} and
// the histogram audience_http_request_duration_seconds{method,route}.
// Routes are patterns ("/v1/segments/{id}"), never raw paths, and unknown
// methods count as "other", so hostile requests cannot grow the label set.
//
// Thread safety: safe for concurrent access from multiple threads without
// external synchronization.
#ifndef AUDIENCE_HTTP_METRICS_H_
#define AUDIENCE_HTTP_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace audience::http {

class HttpMetrics {
 public:
  void Record(std::string_view method, std::string_view route, int status,
              double seconds);

  // Appends both families, HELP and TYPE lines included.
  void Render(std::string* out) const;

  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  1,      2.5,   10};

 private:
  struct Latency {
    std::array<uint64_t, kBuckets.size()> buckets = {};  // not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  using Key = std::pair<std::string, std::string>;  // method, route

  mutable absl::Mutex mu_;
  std::map<std::pair<Key, int>, uint64_t> requests_ ABSL_GUARDED_BY(mu_);
  std::map<Key, Latency> latency_ ABSL_GUARDED_BY(mu_);
};

// Appends one sample line: `name{labels} value`. `labels` is already
// rendered ("a=\"x\",b=\"y\"") or empty.
void AppendSample(std::string* out, std::string_view name,
                  std::string_view labels, double value);
// Appends "# HELP" and "# TYPE" lines.
void AppendFamily(std::string* out, std::string_view name,
                  std::string_view type, std::string_view help);
// A label value with \, " and newline escaped as the format requires.
std::string EscapeLabel(std::string_view value);

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_METRICS_H_
