// Segment definitions and conditions in their JSON form (design.md §2).
#ifndef AUDIENCE_IO_SEGMENT_JSON_H_
#define AUDIENCE_IO_SEGMENT_JSON_H_

#include <simdjson.h>

#include "absl/status/statusor.h"
#include "audience/segment.h"
#include "io/json_writer.h"

namespace audience {

// Reads {"name", "category", "public", "description", "filters"}; unknown
// keys are ignored, null means absent. With require_name false (preview) the
// name may be missing. Errors name the path: `filters[1].op: ...`.
absl::StatusOr<SegmentDefinition> ParseSegmentDefinition(
    simdjson::dom::element json, bool require_name);

absl::StatusOr<Condition> ParseCondition(simdjson::dom::element json,
                                         size_t index);

void WriteCondition(const Condition& c, JsonWriter& out);
// {"id", "name", "category", "public", "description", "filters", "count"}.
void WriteSegment(const Segment& s, JsonWriter& out);

}  // namespace audience

#endif  // AUDIENCE_IO_SEGMENT_JSON_H_
