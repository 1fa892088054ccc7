#include "http/api_request.h"

#include "http/http_error.h"

namespace audience::http {

std::string_view ApiRequest::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

ApiReply ApiReply::Error(const absl::Status& status) {
  return Error(HttpStatusFor(status.code()), status);
}

ApiReply ApiReply::Error(int http_status, const absl::Status& status) {
  ApiReply reply;
  reply.status = http_status;
  reply.body = ErrorBody(status);
  return reply;
}

}  // namespace audience::http
