// The public JSON helpers of audience/json.h.
#include <simdjson.h>

#include "audience/json.h"
#include "io/json_dom.h"
#include "io/segment_json.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

absl::StatusOr<simdjson::dom::element> ParseDocument(
    simdjson::dom::parser& parser, std::string_view json) {
  simdjson::dom::element doc;
  if (auto error = parser.parse(json.data(), json.size()).get(doc)) {
    return absl::InvalidArgumentError(
        StrCat("malformed JSON (", simdjson::error_message(error), ")"));
  }
  RETURN_IF_ERROR(CheckUniqueKeys(doc));
  return doc;
}

}  // namespace

absl::StatusOr<SegmentDefinition> ParseSegmentJson(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::element doc, ParseDocument(parser, json));
  return ParseSegmentDefinition(doc, /*require_name=*/true);
}

std::string SegmentToJson(const Segment& segment) {
  JsonWriter out;
  WriteSegment(segment, out);
  return out.Take();
}

absl::StatusOr<FieldDefinition> ParseFieldJson(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(simdjson::dom::element doc, ParseDocument(parser, json));
  ASSIGN_OR_RETURN(simdjson::dom::object o, JsonObject(doc, "field"));
  std::optional<simdjson::dom::element> name = Member(o, "name");
  std::optional<simdjson::dom::element> type = Member(o, "type");
  if (!name || !type) {
    return absl::InvalidArgumentError("a field needs \"name\" and \"type\"");
  }
  FieldDefinition field;
  ASSIGN_OR_RETURN(field.name, JsonString(*name, "name"));
  ASSIGN_OR_RETURN(std::string type_name, JsonString(*type, "type"));
  std::optional<FieldType> parsed = ParseFieldType(type_name);
  if (!parsed) {
    return absl::InvalidArgumentError(StrCat(
        "unknown field type ", Quote(type_name),
        " (expected string, keyword, int64, double, bool, timestamp or tags)"));
  }
  field.type = *parsed;
  return field;
}

}  // namespace audience
