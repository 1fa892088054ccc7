#include "http/metrics.h"

#include <cmath>
#include <cstdio>

#include "util/str_cat.h"

namespace audience::http {

namespace {

std::string_view KnownMethod(std::string_view method) {
  for (std::string_view known :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return StrCat(static_cast<int64_t>(value));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", value);
  return buf;
}

}  // namespace

std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendSample(std::string* out, std::string_view name,
                  std::string_view labels, double value) {
  StrAppend(out, name);
  if (!labels.empty()) StrAppend(out, "{", labels, "}");
  StrAppend(out, " ", FormatValue(value), "\n");
}

void AppendFamily(std::string* out, std::string_view name,
                  std::string_view type, std::string_view help) {
  StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type,
            "\n");
}

void HttpMetrics::Record(std::string_view method, std::string_view route,
                         int status, double seconds) {
  Key key(std::string(KnownMethod(method)), std::string(route));
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  absl::MutexLock lock(&mu_);
  ++requests_[{key, status}];
  Latency& latency = latency_[std::move(key)];
  if (bucket < kBuckets.size()) ++latency.buckets[bucket];
  ++latency.count;
  latency.sum += seconds;
}

void HttpMetrics::Render(std::string* out) const {
  absl::MutexLock lock(&mu_);
  AppendFamily(out, "audience_http_requests_total", "counter",
               "HTTP requests answered, by method, route pattern and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [method_route, status] = key;
    AppendSample(
        out, "audience_http_requests_total",
        StrCat("method=\"", method_route.first, "\",route=\"",
               EscapeLabel(method_route.second), "\",status=\"", status, "\""),
        static_cast<double>(count));
  }
  AppendFamily(out, "audience_http_request_duration_seconds", "histogram",
               "Time from a request's headers to its last response byte.");
  for (const auto& [key, latency] : latency_) {
    const std::string labels = StrCat("method=\"", key.first, "\",route=\"",
                                      EscapeLabel(key.second), "\"");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += latency.buckets[i];
      AppendSample(out, "audience_http_request_duration_seconds_bucket",
                   StrCat(labels, ",le=\"", FormatValue(kBuckets[i]), "\""),
                   static_cast<double>(cumulative));
    }
    AppendSample(out, "audience_http_request_duration_seconds_bucket",
                 StrCat(labels, ",le=\"+Inf\""),
                 static_cast<double>(latency.count));
    AppendSample(out, "audience_http_request_duration_seconds_sum", labels,
                 latency.sum);
    AppendSample(out, "audience_http_request_duration_seconds_count", labels,
                 static_cast<double>(latency.count));
  }
}

}  // namespace audience::http
