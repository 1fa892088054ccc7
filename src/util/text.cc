#include "util/text.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "util/str_cat.h"

namespace audience {

namespace {
constexpr size_t kMaxNameChars = 200;
constexpr size_t kMaxQuotedChars = 64;

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}
}  // namespace

std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = FoldChar(c);
  return out;
}

bool EqualsFolded(std::string_view value, std::string_view folded) {
  if (value.size() != folded.size()) return false;
  for (size_t i = 0; i < value.size(); ++i) {
    if (FoldChar(value[i]) != folded[i]) return false;
  }
  return true;
}

bool StartsWithFolded(std::string_view value, std::string_view folded) {
  return value.size() >= folded.size() &&
         EqualsFolded(value.substr(0, folded.size()), folded);
}

bool EndsWithFolded(std::string_view value, std::string_view folded) {
  return value.size() >= folded.size() &&
         EqualsFolded(value.substr(value.size() - folded.size()), folded);
}

bool ContainsFolded(std::string_view haystack, std::string_view folded_needle) {
  if (folded_needle.empty()) return true;
  if (folded_needle.size() > haystack.size()) return false;
  const char first = folded_needle[0];
  const char first_upper = absl::ascii_toupper(first);
  const size_t last_start = haystack.size() - folded_needle.size();
  for (size_t i = 0; i <= last_start; ++i) {
    if (haystack[i] != first && haystack[i] != first_upper) continue;
    size_t j = 1;
    while (j < folded_needle.size() &&
           FoldChar(haystack[i + j]) == folded_needle[j]) {
      ++j;
    }
    if (j == folded_needle.size()) return true;
  }
  return false;
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(s.front())) s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(s.back())) s.remove_suffix(1);
  return s;
}

std::string FormatDouble(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  std::string out(buf, r.ptr);
  if (std::isfinite(v) && out.find_first_of(".e") == std::string::npos) {
    out += ".0";
  }
  return out;
}

absl::StatusOr<std::string> NormalizeName(std::string_view name,
                                          std::string_view what) {
  std::string_view trimmed = TrimAscii(name);
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(StrCat(what, " must not be empty"));
  }
  // The byte bound keeps malformed UTF-8 (all continuation bytes) in check.
  if (CountCodePoints(trimmed) > kMaxNameChars ||
      trimmed.size() > 4 * kMaxNameChars) {
    return absl::InvalidArgumentError(StrCat(what, " is longer than ",
                                             kMaxNameChars,
                                             " characters: ", Quote(trimmed)));
  }
  return std::string(trimmed);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  size_t shown = 0;
  for (char c : s) {
    // Count characters, not bytes, so the cut never splits a UTF-8 sequence.
    const bool starts_char = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_char && shown == kMaxQuotedChars) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 ||
               static_cast<unsigned char>(c) == 0x7F) {
      StrAppend(&out, "\\x",
                absl::AlphaNum(
                    absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2)));
    } else {
      out += c;
    }
    if (starts_char) ++shown;
  }
  out += '"';
  return out;
}

}  // namespace audience
