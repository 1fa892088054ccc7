// The JSON forms of segment definitions and field declarations (design.md
// §2, docs/filters.md), for hosts that store or exchange them as JSON.
#ifndef AUDIENCE_JSON_H_
#define AUDIENCE_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "audience/schema.h"
#include "audience/segment.h"

namespace audience {

// {"name": ..., "category": ..., "public": ..., "description": ...,
//  "filters": [...]}. INVALID_ARGUMENT names the path of a bad part
// ("filters[2].op: ..."); so is a key repeated in any object
// ("filters[2]: duplicate key \"op\""). Only the JSON shape is checked
// here; fields, operators and references are checked when the engine saves
// it.
absl::StatusOr<SegmentDefinition> ParseSegmentJson(std::string_view json);

// A saved segment with its id and member count.
std::string SegmentToJson(const Segment& segment);

// {"name": "plan", "type": "keyword"}; a repeated key is INVALID_ARGUMENT.
absl::StatusOr<FieldDefinition> ParseFieldJson(std::string_view json);

}  // namespace audience

#endif  // AUDIENCE_JSON_H_
