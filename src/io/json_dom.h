// Reading simdjson DOM values with errors that name where they were:
// `filters[2].at_least: expected an integer, got "3"`.
#ifndef AUDIENCE_IO_JSON_DOM_H_
#define AUDIENCE_IO_JSON_DOM_H_

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace audience {

// A short rendering of a JSON value for "got ..." in messages.
std::string DescribeJson(simdjson::dom::element e);

// `<path>: expected <what>, got <e>` as INVALID_ARGUMENT.
absl::Status ExpectedJson(std::string_view path, std::string_view what,
                          simdjson::dom::element e);

// The member `key` of `object`, or nullopt when missing or null.
std::optional<simdjson::dom::element> Member(simdjson::dom::object object,
                                             std::string_view key);

absl::StatusOr<std::string> JsonString(simdjson::dom::element e,
                                       std::string_view path);
absl::StatusOr<int64_t> JsonInt64(simdjson::dom::element e,
                                  std::string_view path);
absl::StatusOr<uint64_t> JsonUint64(simdjson::dom::element e,
                                    std::string_view path);
absl::StatusOr<bool> JsonBool(simdjson::dom::element e, std::string_view path);
absl::StatusOr<simdjson::dom::object> JsonObject(simdjson::dom::element e,
                                                 std::string_view path);
absl::StatusOr<simdjson::dom::array> JsonArray(simdjson::dom::element e,
                                               std::string_view path);

// INVALID_ARGUMENT naming the first key some object of `e` (at any depth)
// names twice, with that object's path: `segment.filters[1]: duplicate key
// "op"`. simdjson keeps every occurrence and at_key finds the first, so
// documents are checked once after parsing (docs/decisions.md). Cost: one
// walk of the document.
absl::Status CheckUniqueKeys(simdjson::dom::element e);

}  // namespace audience

#endif  // AUDIENCE_IO_JSON_DOM_H_
