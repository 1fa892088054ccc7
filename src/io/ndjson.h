// Walking NDJSON text a line at a time with simdjson On Demand, keeping line
// numbers for error messages.
#ifndef AUDIENCE_IO_NDJSON_H_
#define AUDIENCE_IO_NDJSON_H_

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "util/str_cat.h"

namespace audience {

// The longest line the protocol and the bulk loaders read (16 MiB): a bound
// on what one command, lead or event may cost, whatever the input.
inline constexpr size_t kMaxJsonLineBytes = size_t{16} << 20;

// Calls fn(line_number, padded_line) for every non-blank line (numbers start
// at 1). The padded view satisfies simdjson's padding rule.
template <typename Fn>
void ForEachNdjsonLine(const simdjson::padded_string& text, Fn&& fn) {
  const char* data = text.data();
  const size_t size = text.size();
  size_t start = 0;
  size_t line_number = 0;
  while (start < size) {
    ++line_number;
    const char* nl =
        static_cast<const char*>(std::memchr(data + start, '\n', size - start));
    size_t end = nl ? static_cast<size_t>(nl - data) : size;
    size_t len = end - start;
    if (len > 0 && data[start + len - 1] == '\r') --len;
    std::string_view line(data + start, len);
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      fn(line_number, simdjson::padded_string_view(
                          line.data(), line.size(),
                          size + simdjson::SIMDJSON_PADDING - start));
    }
    start = end + 1;
  }
}

// INVALID_ARGUMENT naming a JSON syntax problem.
inline absl::Status MalformedJson(simdjson::error_code error) {
  return absl::InvalidArgumentError(
      StrCat("malformed JSON (", simdjson::error_message(error), ")"));
}

}  // namespace audience

#endif  // AUDIENCE_IO_NDJSON_H_
