// Lead fields: the standard ones every engine has and custom ones a host
// declares at runtime.
#ifndef AUDIENCE_SCHEMA_H_
#define AUDIENCE_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace audience {

enum class FieldType : uint8_t {
  kString,   // free text; substring search
  kKeyword,  // short, low-cardinality text; exact match
  kInt64,
  kDouble,
  kBool,
  kTimestamp,  // unix seconds
  kTags,       // a set of short texts
};

// "string", "keyword", "int64", "double", "bool", "timestamp", "tags".
std::string_view FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);

struct FieldDefinition {
  std::string name;  // case-sensitive
  FieldType type = FieldType::kString;
  bool standard = false;  // one of the fields below, present in every engine
};

// The standard fields.
inline constexpr std::string_view kEmailField = "email";           // string
inline constexpr std::string_view kCountryField = "country";       // keyword
inline constexpr std::string_view kStageField = "stage";           // keyword
inline constexpr std::string_view kScoreField = "score";           // int64
inline constexpr std::string_view kTagsField = "tags";             // tags
inline constexpr std::string_view kCreatedAtField = "created_at";  // timestamp

}  // namespace audience

#endif  // AUDIENCE_SCHEMA_H_
