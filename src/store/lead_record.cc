#include "store/lead_record.h"

#include <cmath>

#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

std::string_view ExpectedValue(FieldType type) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kKeyword:
      return "a string";
    case FieldType::kInt64:
      return "an integer";
    case FieldType::kDouble:
      return "a number";
    case FieldType::kBool:
      return "a boolean";
    case FieldType::kTimestamp:
      return "an integer timestamp (unix seconds)";
    case FieldType::kTags:
      return "an array of strings";
  }
  return "?";
}

absl::Status TypeMismatch(const FieldDefinition& field, std::string_view got) {
  return absl::InvalidArgumentError(
      StrCat("field ", Quote(field.name), " (", FieldTypeName(field.type),
             ") expects ", ExpectedValue(field.type), ", got ", got));
}

absl::Status CheckLimits(const FieldDefinition& field,
                         const FieldInput& input) {
  if (const auto* s = std::get_if<std::string_view>(&input)) {
    if (s->size() > kMaxStringBytes) {
      return absl::InvalidArgumentError(StrCat("field ", Quote(field.name),
                                               " is longer than ",
                                               kMaxStringBytes, " bytes"));
    }
  } else if (const auto* tags = std::get_if<TagInput>(&input)) {
    if (tags->size() > kMaxTagsPerField) {
      return absl::InvalidArgumentError(StrCat("field ", Quote(field.name),
                                               " has more than ",
                                               kMaxTagsPerField, " tags"));
    }
    for (std::string_view tag : *tags) {
      if (tag.size() > kMaxStringBytes) {
        return absl::InvalidArgumentError(
            StrCat("a tag of field ", Quote(field.name), " is longer than ",
                   kMaxStringBytes, " bytes"));
      }
    }
  }
  return absl::OkStatus();
}

namespace {

std::string_view ValueKind(const Value& value) {
  switch (value.index()) {
    case 1:
      return "a string";
    case 2:
      return "an integer";
    case 3:
      return "a floating-point number";
    case 4:
      return "a boolean";
    case 5:
      return "a tag list";
  }
  return "nothing";
}

absl::StatusOr<FieldInput> Convert(const FieldDefinition& field,
                                   const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::monostate{};
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kKeyword:
      if (const auto* s = std::get_if<std::string>(&value)) {
        return std::string_view(*s);
      }
      break;
    case FieldType::kInt64:
    case FieldType::kTimestamp:
      if (const auto* i = std::get_if<int64_t>(&value)) return *i;
      break;
    case FieldType::kDouble:
      if (const auto* d = std::get_if<double>(&value)) {
        if (std::isnan(*d)) return TypeMismatch(field, "NaN");
        return *d;
      }
      if (const auto* i = std::get_if<int64_t>(&value)) {
        return static_cast<double>(*i);
      }
      break;
    case FieldType::kBool:
      if (const auto* b = std::get_if<bool>(&value)) return *b;
      break;
    case FieldType::kTags:
      if (const auto* tags = std::get_if<TagList>(&value)) {
        return TagInput(tags->begin(), tags->end());
      }
      break;
  }
  return TypeMismatch(field, ValueKind(value));
}

}  // namespace

absl::StatusOr<FieldInput> ToFieldInput(const FieldDefinition& field,
                                        const Value& value) {
  ASSIGN_OR_RETURN(FieldInput input, Convert(field, value));
  RETURN_IF_ERROR(CheckLimits(field, input));
  return input;
}

absl::StatusOr<FieldId> FindLeadField(const Schema& schema,
                                      std::string_view name) {
  std::optional<FieldId> id = schema.Find(name);
  if (!id) {
    return absl::InvalidArgumentError(
        StrCat("unknown field ", Quote(name),
               " (declare it with define_field first)"));
  }
  return *id;
}

absl::StatusOr<LeadRecord> ToLeadRecord(const Schema& schema,
                                        const Lead& lead) {
  LeadRecord record;
  record.id = lead.id;
  record.fields.reserve(lead.fields.size());
  for (const auto& [name, value] : lead.fields) {
    ASSIGN_OR_RETURN(FieldId id, FindLeadField(schema, name));
    ASSIGN_OR_RETURN(FieldInput input, ToFieldInput(schema.field(id), value));
    record.fields.emplace_back(id, std::move(input));
  }
  return record;
}

}  // namespace audience
