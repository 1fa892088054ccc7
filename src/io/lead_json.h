// Leads and events from JSON objects (simdjson On Demand), checked against
// the schema: {"id": 7, "email": "a@b.com", "tags": ["vip"]} and
// {"lead": 7, "type": "email_open", "object": 17, "ts": 1790000000}.
#ifndef AUDIENCE_IO_LEAD_JSON_H_
#define AUDIENCE_IO_LEAD_JSON_H_

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audience/lead.h"
#include "store/field_input.h"
#include "store/schema.h"

namespace audience {

// Reuses its buffers across calls; one per thread.
class LeadJsonParser {
 public:
  // Parses one lead document. On success `record` views into the parser's
  // buffers until the next call. Errors name the field: `field "score"
  // (int64) expects an integer, got 10.5`, `malformed JSON in "score" (...)`,
  // `duplicate key "score"`.
  absl::Status ParseLead(simdjson::padded_string_view json,
                         const Schema& schema, LeadRecord* record);

  // Parses one event document; keys other than lead, type, object and ts are
  // ignored (so a protocol command line parses as is), but their values
  // must be valid JSON and no key may repeat, as in the protocol. `ts` is
  // nullopt when missing or null.
  absl::Status ParseEvent(simdjson::padded_string_view json, Event* event);

 private:
  // The field the key at `position` named last time, if this raw key is
  // the same: NDJSON lines usually repeat their keys in one order.
  std::optional<FieldId> CachedField(
      size_t position, simdjson::ondemand::raw_json_string key) const;
  void Remember(size_t position, std::string_view key, FieldId id);

  // Stands for the "id" key in the cache.
  static constexpr FieldId kIdField = ~FieldId{0};

  simdjson::ondemand::parser parser_;
  // Fields seen on the current line (ParseLead), to refuse a repeated key
  // without clearing a table per line: seen_[field] == line_.
  std::vector<uint32_t> seen_;
  uint32_t line_ = 0;
  std::vector<std::pair<std::string, FieldId>> key_cache_;
  const Schema* cached_schema_ = nullptr;
  size_t cached_schema_size_ = 0;
};

}  // namespace audience

#endif  // AUDIENCE_IO_LEAD_JSON_H_
