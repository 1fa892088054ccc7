// A request and its reply as the API sees them: no sockets and no HTTP
// library, so routes can be tested by calling them.
#ifndef AUDIENCE_HTTP_API_REQUEST_H_
#define AUDIENCE_HTTP_API_REQUEST_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace audience::http {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/v1/segments/7", percent-decoded
  // Query parameters, percent-decoded; a repeated name keeps its first value.
  std::map<std::string, std::string, std::less<>> query;
  // The request's body, owned by the HTTP library's request, which outlives
  // the handling (bulk uploads reach 64 MiB: not copied).
  std::string_view body;
  // Filled by the router: the {name} segments of the matched pattern.
  std::vector<std::pair<std::string, std::string>> params;

  // A path parameter's text; "" when the pattern has none of that name.
  std::string_view Param(std::string_view name) const;
};

struct ApiReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra response headers, e.g. {"Allow", "GET, PUT"}.
  std::vector<std::pair<std::string, std::string>> headers;

  // The error envelope with the status HttpStatusFor gives its code.
  static ApiReply Error(const absl::Status& status);
  // The envelope with an explicit HTTP status (413, 405, ...).
  static ApiReply Error(int http_status, const absl::Status& status);
};

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_API_REQUEST_H_
