// The field registry: standard fields plus the custom fields a host
// declares. Field ids are dense and never reused (fields cannot be dropped).
#ifndef AUDIENCE_STORE_SCHEMA_H_
#define AUDIENCE_STORE_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "audience/schema.h"

namespace audience {

using FieldId = uint32_t;

// Upper bound on fields (the standard ones included), so no input can grow
// the schema without end.
inline constexpr size_t kMaxFields = 1024;

// Where a field definition comes from. A host defines kNew fields; kStored
// ones are read back from a snapshot or a journal. A stored definition was
// valid when it was made, so it may keep a name refused since (leading or
// trailing white space, a control character): data written before that rule
// still loads.
enum class FieldSource { kNew, kStored };

class Schema {
 public:
  // Starts with the standard fields of design.md §1.
  Schema();

  // ALREADY_EXISTS for a taken name, INVALID_ARGUMENT for a bad one (empty,
  // over 128 bytes, "id", and for kNew leading or trailing white space or a
  // control character), RESOURCE_EXHAUSTED past kMaxFields.
  absl::StatusOr<FieldId> Define(std::string_view name, FieldType type,
                                 FieldSource source = FieldSource::kNew);

  std::optional<FieldId> Find(std::string_view name) const;
  const FieldDefinition& field(FieldId id) const { return fields_[id]; }
  size_t size() const { return fields_.size(); }
  const std::vector<FieldDefinition>& fields() const { return fields_; }

  FieldId tags_field() const { return tags_field_; }

 private:
  FieldId Add(std::string_view name, FieldType type, bool standard);

  std::vector<FieldDefinition> fields_;
  absl::flat_hash_map<std::string, FieldId> by_name_;
  FieldId tags_field_ = 0;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_SCHEMA_H_
