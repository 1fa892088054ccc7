// Leads and events from JSON objects (simdjson On Demand), checked against
// the schema: {"id": 7, "email": "a@b.com", "tags": ["vip"]} and
// {"lead": 7, "type": "email_open", "object": 17, "ts": 1790000000}.
#ifndef AUDIENCE_IO_LEAD_JSON_H_
#define AUDIENCE_IO_LEAD_JSON_H_

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "audience/lead.h"
#include "store/field_input.h"
#include "store/schema.h"

namespace audience {

// Reuses its buffers across calls; one per thread.
class LeadJsonParser {
 public:
  // Parses one lead document. On success `record` views into the parser's
  // buffers until the next call. Errors name the field: `field "score"
  // (int64) expects an integer, got 10.5`.
  absl::Status ParseLead(simdjson::padded_string_view json,
                         const Schema& schema, LeadRecord* record);

  // Parses one event document; keys other than lead, type, object and ts are
  // ignored (so a protocol command line parses as is). `ts` is nullopt when
  // missing or null.
  absl::Status ParseEvent(simdjson::padded_string_view json, Event* event);

 private:
  simdjson::ondemand::parser parser_;
};

}  // namespace audience

#endif  // AUDIENCE_IO_LEAD_JSON_H_
