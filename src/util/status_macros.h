// Early-return helpers for absl::Status. Debian's Abseil (20220623) ships
// none, so the project keeps its own.
#ifndef AUDIENCE_UTIL_STATUS_MACROS_H_
#define AUDIENCE_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define AUDIENCE_CONCAT_INNER_(a, b) a##b
#define AUDIENCE_CONCAT_(a, b) AUDIENCE_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status audience_status_ = (expr);            \
    if (!audience_status_.ok()) return audience_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())` assigns the value of a StatusOr or returns
// its error.
#define ASSIGN_OR_RETURN(lhs, rexpr)                                          \
  ASSIGN_OR_RETURN_IMPL_(AUDIENCE_CONCAT_(audience_statusor_, __LINE__), lhs, \
                         rexpr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                           \
  if (!statusor.ok()) return statusor.status();      \
  lhs = *std::move(statusor)

#endif  // AUDIENCE_UTIL_STATUS_MACROS_H_
