// Case-insensitive text matching with ASCII folding, as design.md requires
// for string, keyword and tag comparisons, and name validation.
#ifndef AUDIENCE_UTIL_TEXT_H_
#define AUDIENCE_UTIL_TEXT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace audience {

// Debian's Abseil has its own string_view type; absl containers keyed by
// std::string look up with it.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline char FoldChar(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

std::string FoldAscii(std::string_view s);

// Comparisons of a value against an already folded needle, ignoring ASCII
// case in the value.
bool EqualsFolded(std::string_view value, std::string_view folded);
bool StartsWithFolded(std::string_view value, std::string_view folded);
bool EndsWithFolded(std::string_view value, std::string_view folded);

// True when `haystack` contains `folded_needle`, ignoring ASCII case.
// REQUIRES: folded_needle is already folded.
bool ContainsFolded(std::string_view haystack, std::string_view folded_needle);

std::string_view TrimAscii(std::string_view s);

// Formats a double the way JSON output does: shortest round trip, with ".0"
// when integral ("10.0", "0.5", "1e+300").
std::string FormatDouble(double v);

// Trims ASCII white space and checks 1..200 characters (UTF-8 code points).
// `what` names the thing in the error ("segment name").
absl::StatusOr<std::string> NormalizeName(std::string_view name,
                                          std::string_view what);

// A JSON-ish quoted rendering for error messages, shortened when long.
// Control characters (C0 and DEL) are written as \xNN, so the message stays
// printable.
std::string Quote(std::string_view s);

}  // namespace audience

#endif  // AUDIENCE_UTIL_TEXT_H_
