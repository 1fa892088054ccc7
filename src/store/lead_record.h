// Checking lead values against the schema on their way in: from the public
// Lead / LeadPatch types here, from JSON in io/lead_json.
#ifndef AUDIENCE_STORE_LEAD_RECORD_H_
#define AUDIENCE_STORE_LEAD_RECORD_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audience/lead.h"
#include "store/field_input.h"
#include "store/schema.h"

namespace audience {

// "a string", "an integer", ... for error messages.
std::string_view ExpectedValue(FieldType type);

// INVALID_ARGUMENT: field "<name>" expects <expected>, got <got>.
absl::Status TypeMismatch(const FieldDefinition& field, std::string_view got);

// Enforces the size limits on a checked input.
absl::Status CheckLimits(const FieldDefinition& field, const FieldInput& input);

// The input for `value` in `field`, viewing into `value`.
absl::StatusOr<FieldInput> ToFieldInput(const FieldDefinition& field,
                                        const Value& value);

// INVALID_ARGUMENT for an undeclared field or a value of the wrong type.
// The record views into `lead`.
absl::StatusOr<LeadRecord> ToLeadRecord(const Schema& schema, const Lead& lead);

// Looks up a field a lead or patch names; INVALID_ARGUMENT when undeclared.
absl::StatusOr<FieldId> FindLeadField(const Schema& schema,
                                      std::string_view name);

}  // namespace audience

#endif  // AUDIENCE_STORE_LEAD_RECORD_H_
