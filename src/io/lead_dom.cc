#include "io/lead_dom.h"

#include "io/json_dom.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace audience {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

absl::StatusOr<std::vector<std::string>> StringList(element e,
                                                    std::string_view path) {
  ASSIGN_OR_RETURN(simdjson::dom::array array, JsonArray(e, path));
  std::vector<std::string> out;
  size_t i = 0;
  for (element item : array) {
    ASSIGN_OR_RETURN(std::string s,
                     JsonString(item, StrCat(path, "[", i++, "]")));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::optional<int64_t>> OptionalInt(simdjson::dom::object o,
                                                   std::string_view key) {
  std::optional<element> e = Member(o, key);
  if (!e) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t v, JsonInt64(*e, key));
  return std::optional<int64_t>(v);
}

}  // namespace

absl::StatusOr<Value> ValueFromJson(element e, std::string_view path) {
  switch (e.type()) {
    case element_type::NULL_VALUE:
      return Value{};
    case element_type::STRING:
      return Value{std::string(e.get_string().value_unsafe())};
    case element_type::INT64:
      return Value{e.get_int64().value_unsafe()};
    case element_type::UINT64:
      return absl::InvalidArgumentError(
          StrCat(path, ": number ", DescribeJson(e), " is out of range"));
    case element_type::DOUBLE:
      return Value{e.get_double().value_unsafe()};
    case element_type::BOOL:
      return Value{e.get_bool().value_unsafe()};
    case element_type::ARRAY: {
      ASSIGN_OR_RETURN(std::vector<std::string> tags, StringList(e, path));
      return Value{TagList(std::move(tags))};
    }
    case element_type::OBJECT:
      break;
  }
  return ExpectedJson(path,
                      "a value (string, number, boolean, array of "
                      "strings or null)",
                      e);
}

absl::StatusOr<Lead> LeadFromJson(element e) {
  ASSIGN_OR_RETURN(simdjson::dom::object o, JsonObject(e, "lead"));
  Lead lead;
  bool has_id = false;
  for (auto [key, value] : o) {
    if (key == "id") {
      ASSIGN_OR_RETURN(lead.id, JsonUint64(value, "id"));
      has_id = true;
      continue;
    }
    ASSIGN_OR_RETURN(Value v, ValueFromJson(value, key));
    lead.fields[std::string(key)] = std::move(v);
  }
  if (!has_id) return absl::InvalidArgumentError("lead: missing \"id\"");
  return lead;
}

absl::StatusOr<LeadPatch> PatchFromJson(simdjson::dom::object command) {
  LeadPatch patch;
  std::optional<element> id = Member(command, "id");
  if (!id) return absl::InvalidArgumentError("missing \"id\"");
  ASSIGN_OR_RETURN(patch.id, JsonUint64(*id, "id"));
  if (std::optional<element> set = Member(command, "set")) {
    ASSIGN_OR_RETURN(simdjson::dom::object fields, JsonObject(*set, "set"));
    for (auto [key, value] : fields) {
      ASSIGN_OR_RETURN(Value v, ValueFromJson(value, StrCat("set.", key)));
      patch.set[std::string(key)] = std::move(v);
    }
  }
  if (std::optional<element> unset = Member(command, "unset")) {
    ASSIGN_OR_RETURN(patch.unset, StringList(*unset, "unset"));
  }
  if (std::optional<element> add = Member(command, "add_tags")) {
    ASSIGN_OR_RETURN(patch.add_tags, StringList(*add, "add_tags"));
  }
  if (std::optional<element> remove = Member(command, "remove_tags")) {
    ASSIGN_OR_RETURN(patch.remove_tags, StringList(*remove, "remove_tags"));
  }
  return patch;
}

absl::StatusOr<Event> EventFromJson(simdjson::dom::object command) {
  Event event;
  std::optional<element> lead = Member(command, "lead");
  if (!lead) return absl::InvalidArgumentError("missing \"lead\"");
  ASSIGN_OR_RETURN(event.lead, JsonUint64(*lead, "lead"));
  std::optional<element> type = Member(command, "type");
  if (!type) return absl::InvalidArgumentError("missing \"type\"");
  ASSIGN_OR_RETURN(event.type, JsonString(*type, "type"));
  ASSIGN_OR_RETURN(event.object, OptionalInt(command, "object"));
  ASSIGN_OR_RETURN(event.ts, OptionalInt(command, "ts"));
  return event;
}

}  // namespace audience
