// The harnesses' invariant check. A failed check prints the condition and a
// message and aborts, so libFuzzer keeps the input as a crash reproducer.
#ifndef AUDIENCE_FUZZ_FUZZ_CHECK_H_
#define AUDIENCE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace audience::fuzz {

[[noreturn]] inline void FailCheck(const char* file, int line,
                                   const char* condition,
                                   const std::string& message) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line,
               condition, message.c_str());
  std::fflush(stderr);
  std::abort();
}

// Concatenates strings, string views and numbers for check messages
// (Debian's absl::StrCat does not take std::string_view).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::ostringstream out;
  out.precision(17);
  (out << ... << parts);
  return out.str();
}

}  // namespace audience::fuzz

// `message` is any expression convertible to std::string; it is evaluated
// only when the check fails.
#define FUZZ_CHECK(condition, message)                            \
  do {                                                            \
    if (!(condition)) {                                           \
      ::audience::fuzz::FailCheck(__FILE__, __LINE__, #condition, \
                                  std::string(message));          \
    }                                                             \
  } while (false)

#endif  // AUDIENCE_FUZZ_FUZZ_CHECK_H_
