#include "store/schema.h"

#include <algorithm>

#include "absl/status/status.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {
constexpr size_t kMaxFieldNameBytes = 128;

// ASCII control characters: C0 and DEL.
bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}
}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kKeyword:
      return "keyword";
    case FieldType::kInt64:
      return "int64";
    case FieldType::kDouble:
      return "double";
    case FieldType::kBool:
      return "bool";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kTags:
      return "tags";
  }
  return "?";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (FieldType t : {FieldType::kString, FieldType::kKeyword,
                      FieldType::kInt64, FieldType::kDouble, FieldType::kBool,
                      FieldType::kTimestamp, FieldType::kTags}) {
    if (FieldTypeName(t) == name) return t;
  }
  return std::nullopt;
}

Schema::Schema() {
  Add(kEmailField, FieldType::kString, true);
  Add(kCountryField, FieldType::kKeyword, true);
  Add(kStageField, FieldType::kKeyword, true);
  Add(kScoreField, FieldType::kInt64, true);
  tags_field_ = Add(kTagsField, FieldType::kTags, true);
  Add(kCreatedAtField, FieldType::kTimestamp, true);
}

FieldId Schema::Add(std::string_view name, FieldType type, bool standard) {
  FieldId id = static_cast<FieldId>(fields_.size());
  fields_.push_back(FieldDefinition{std::string(name), type, standard});
  by_name_.emplace(std::string(name), id);
  return id;
}

absl::StatusOr<FieldId> Schema::Define(std::string_view name, FieldType type,
                                       FieldSource source) {
  if (name.empty()) {
    return absl::InvalidArgumentError("field name must not be empty");
  }
  if (name.size() > kMaxFieldNameBytes) {
    return absl::InvalidArgumentError(StrCat("field name is longer than ",
                                             kMaxFieldNameBytes,
                                             " bytes: ", Quote(name)));
  }
  // design.md §8: "plan " reads as "plan" but is another field, and a
  // control character garbles every listing that shows the name.
  if (source == FieldSource::kNew) {
    if (TrimAscii(name).size() != name.size()) {
      return absl::InvalidArgumentError(StrCat(
          "field name ", Quote(name), " has leading or trailing whitespace"));
    }
    if (std::any_of(name.begin(), name.end(), IsControl)) {
      return absl::InvalidArgumentError(
          StrCat("field name ", Quote(name), " contains a control character"));
    }
  }
  if (name == "id") {
    return absl::InvalidArgumentError("field name \"id\" is reserved");
  }
  if (by_name_.contains(AbslView(name))) {
    return absl::AlreadyExistsError(
        StrCat("field ", Quote(name), " already exists"));
  }
  if (fields_.size() >= kMaxFields) {
    return absl::ResourceExhaustedError(
        StrCat("too many fields (at most ", kMaxFields, ")"));
  }
  return Add(name, type, false);
}

std::optional<FieldId> Schema::Find(std::string_view name) const {
  auto it = by_name_.find(AbslView(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace audience
