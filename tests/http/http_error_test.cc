// How errors travel over HTTP (http/http_error.h): the status table, the
// error envelope, and the code a bare HTTP status stands for.
#include "http/http_error.h"

#include <string>

#include "http/api_request.h"
#include "testing/test_util.h"

namespace audience::http {
namespace {

using Code = absl::StatusCode;

TEST_CASE("HttpStatusFor maps every absl code by the table", "[http]") {
  CHECK(HttpStatusFor(Code::kOk) == 200);
  CHECK(HttpStatusFor(Code::kInvalidArgument) == 400);
  CHECK(HttpStatusFor(Code::kUnauthenticated) == 401);
  CHECK(HttpStatusFor(Code::kPermissionDenied) == 403);
  CHECK(HttpStatusFor(Code::kNotFound) == 404);
  CHECK(HttpStatusFor(Code::kDeadlineExceeded) == 408);
  CHECK(HttpStatusFor(Code::kAlreadyExists) == 409);
  CHECK(HttpStatusFor(Code::kFailedPrecondition) == 409);
  CHECK(HttpStatusFor(Code::kResourceExhausted) == 429);
  CHECK(HttpStatusFor(Code::kUnavailable) == 503);
  // Everything else is the server's fault.
  for (Code code :
       {Code::kDataLoss, Code::kInternal, Code::kUnknown, Code::kCancelled,
        Code::kAborted, Code::kOutOfRange, Code::kUnimplemented}) {
    INFO(absl::StatusCodeToString(code));
    CHECK(HttpStatusFor(code) == 500);
  }
  // A code outside the enum (a future absl) is still an answer.
  CHECK(HttpStatusFor(static_cast<Code>(99)) == 500);
}

TEST_CASE("ErrorBody is the one envelope, exactly", "[http]") {
  CHECK(ErrorBody(absl::NotFoundError("unknown segment id 7")) ==
        R"({"error":{"code":"NOT_FOUND","message":"unknown segment id 7"}})");
  CHECK(ErrorBody(absl::InvalidArgumentError("")) ==
        R"({"error":{"code":"INVALID_ARGUMENT","message":""}})");
  CHECK(ErrorBody(absl::FailedPreconditionError("x")) ==
        R"({"error":{"code":"FAILED_PRECONDITION","message":"x"}})");
  CHECK(ErrorBody(absl::DataLossError("x")) ==
        R"({"error":{"code":"DATA_LOSS","message":"x"}})");
  CHECK(ErrorBody(absl::ResourceExhaustedError("x")) ==
        R"({"error":{"code":"RESOURCE_EXHAUSTED","message":"x"}})");
}

TEST_CASE("ErrorBody escapes the message as JSON", "[http]") {
  CHECK(ErrorBody(absl::InvalidArgumentError(
            "filters[2]: field \"score\" expects a number, got \"abc\"")) ==
        R"({"error":{"code":"INVALID_ARGUMENT","message":"filters[2]: field )"
        R"(\"score\" expects a number, got \"abc\""}})");
  CHECK(
      ErrorBody(absl::InvalidArgumentError("line 1\nline 2\r\tend")) ==
      R"({"error":{"code":"INVALID_ARGUMENT","message":"line 1\nline 2\r\tend"}})");
  CHECK(ErrorBody(absl::InvalidArgumentError("a\\b")) ==
        R"({"error":{"code":"INVALID_ARGUMENT","message":"a\\b"}})");
  // Other control characters become \u escapes; UTF-8 passes through.
  CHECK(ErrorBody(absl::InvalidArgumentError(std::string("\x01\x1f", 2))) ==
        R"({"error":{"code":"INVALID_ARGUMENT","message":"\u0001\u001f"}})");
  CHECK(ErrorBody(absl::NotFoundError("caf\xC3\xA9")) ==
        "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"caf\xC3\xA9\"}}");
}

TEST_CASE("ApiReply::Error pairs the envelope with the table's status",
          "[http]") {
  ApiReply reply = ApiReply::Error(absl::AlreadyExistsError("name \"a\""));
  CHECK(reply.status == 409);
  CHECK(reply.content_type == "application/json");
  CHECK(reply.body ==
        R"({"error":{"code":"ALREADY_EXISTS","message":"name \"a\""}})");
  ApiReply explicit_status =
      ApiReply::Error(413, absl::ResourceExhaustedError("too big"));
  CHECK(explicit_status.status == 413);
  CHECK(explicit_status.body ==
        R"({"error":{"code":"RESOURCE_EXHAUSTED","message":"too big"}})");
}

TEST_CASE("CodeForHttpStatus names the code of a bare HTTP error", "[http]") {
  CHECK(CodeForHttpStatus(400) == Code::kInvalidArgument);
  CHECK(CodeForHttpStatus(401) == Code::kUnauthenticated);
  CHECK(CodeForHttpStatus(403) == Code::kPermissionDenied);
  CHECK(CodeForHttpStatus(404) == Code::kNotFound);
  CHECK(CodeForHttpStatus(405) == Code::kInvalidArgument);
  CHECK(CodeForHttpStatus(408) == Code::kDeadlineExceeded);
  CHECK(CodeForHttpStatus(409) == Code::kFailedPrecondition);
  CHECK(CodeForHttpStatus(411) == Code::kInvalidArgument);
  CHECK(CodeForHttpStatus(413) == Code::kResourceExhausted);
  CHECK(CodeForHttpStatus(414) == Code::kResourceExhausted);
  CHECK(CodeForHttpStatus(415) == Code::kInvalidArgument);
  CHECK(CodeForHttpStatus(429) == Code::kResourceExhausted);
  CHECK(CodeForHttpStatus(431) == Code::kResourceExhausted);
  CHECK(CodeForHttpStatus(500) == Code::kInternal);
  CHECK(CodeForHttpStatus(501) == Code::kInternal);
  CHECK(CodeForHttpStatus(503) == Code::kUnavailable);
  CHECK(CodeForHttpStatus(505) == Code::kInternal);
}

TEST_CASE("statuses the table gives map back to a code with that status",
          "[http]") {
  // The two tables agree: a status HttpStatusFor produces names a code that
  // HttpStatusFor sends to the same status.
  for (int status : {400, 401, 403, 404, 408, 409, 429, 500, 503}) {
    INFO(status);
    CHECK(HttpStatusFor(CodeForHttpStatus(status)) == status);
  }
  // Every 4xx stays a client error and every 5xx a server error.
  for (int status = 400; status < 600; ++status) {
    INFO(status);
    const int back = HttpStatusFor(CodeForHttpStatus(status));
    CHECK(back / 100 == status / 100);
  }
}

}  // namespace
}  // namespace audience::http
