// A type-checked field value on its way into the store. Strings are views
// into the caller's buffers (a parsed JSON line, a public Lead), valid for
// the duration of the store call.
#ifndef AUDIENCE_STORE_FIELD_INPUT_H_
#define AUDIENCE_STORE_FIELD_INPUT_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "audience/types.h"
#include "store/schema.h"

namespace audience {

using TagInput = std::vector<std::string_view>;

// The alternative follows the field type as in audience::Value; an empty
// string or tag list stands for "empty" as std::monostate does.
using FieldInput = std::variant<std::monostate, std::string_view, int64_t,
                                double, bool, TagInput>;

// A whole lead, validated against the schema: each field at most once.
struct LeadRecord {
  LeadId id = 0;
  std::vector<std::pair<FieldId, FieldInput>> fields;
};

// Limits that keep any single input from exhausting memory.
inline constexpr size_t kMaxStringBytes = 64 * 1024;
inline constexpr size_t kMaxTagsPerField = 1000;

}  // namespace audience

#endif  // AUDIENCE_STORE_FIELD_INPUT_H_
