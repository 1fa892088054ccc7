// How errors travel over HTTP (design.md §9): one table from absl codes to
// HTTP statuses for every route, and one error envelope,
// {"error":{"code":"NOT_FOUND","message":"unknown segment id 7"}}.
#ifndef AUDIENCE_HTTP_HTTP_ERROR_H_
#define AUDIENCE_HTTP_HTTP_ERROR_H_

#include <string>

#include "absl/status/status.h"

namespace audience::http {

// INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
// NOT_FOUND 404, DEADLINE_EXCEEDED 408, ALREADY_EXISTS and
// FAILED_PRECONDITION 409, RESOURCE_EXHAUSTED 429 (a request body over the
// limit is answered 413 by the server itself), UNAVAILABLE 503, anything
// else (DATA_LOSS, INTERNAL, ...) 500.
int HttpStatusFor(absl::StatusCode code);

// The envelope for a non-OK status.
std::string ErrorBody(const absl::Status& status);

// The absl code a bare HTTP error stands for, for errors the HTTP library
// answers before any route runs (400, 404, 405, 413, 414, ...).
absl::StatusCode CodeForHttpStatus(int status);

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_HTTP_ERROR_H_
