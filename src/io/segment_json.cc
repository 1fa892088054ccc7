#include "io/segment_json.h"

#include "io/json_dom.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kMaxDescriptionBytes = 64 * 1024;

absl::StatusOr<Scalar> ParseScalar(element e, std::string_view path) {
  switch (e.type()) {
    case element_type::NULL_VALUE:
      return Scalar{};
    case element_type::BOOL:
      return Scalar{e.get_bool().value_unsafe()};
    case element_type::INT64:
      return Scalar{e.get_int64().value_unsafe()};
    case element_type::DOUBLE:
      return Scalar{e.get_double().value_unsafe()};
    case element_type::STRING:
      return Scalar{std::string(e.get_string().value_unsafe())};
    case element_type::UINT64:
      return absl::InvalidArgumentError(
          StrCat(path, ": number ", DescribeJson(e), " is out of range"));
    default:
      return ExpectedJson(path, "a string, number or boolean", e);
  }
}

absl::StatusOr<Duration> ParseDuration(simdjson::dom::object o,
                                       std::string_view path) {
  std::optional<element> days = Member(o, "days");
  std::optional<element> hours = Member(o, "hours");
  if (days.has_value() == hours.has_value()) {
    return absl::InvalidArgumentError(
        StrCat(path, ": expected {\"days\": n} or {\"hours\": n}"));
  }
  Duration d;
  d.unit = days ? Duration::Unit::kDays : Duration::Unit::kHours;
  ASSIGN_OR_RETURN(d.amount,
                   JsonInt64(days ? *days : *hours,
                             StrCat(path, days ? ".days" : ".hours")));
  return d;
}

absl::StatusOr<Operand> ParseOperand(element e, std::string_view path) {
  switch (e.type()) {
    case element_type::ARRAY: {
      std::vector<Scalar> list;
      size_t i = 0;
      const simdjson::dom::array array = e.get_array().value_unsafe();
      for (element item : array) {
        ASSIGN_OR_RETURN(Scalar s,
                         ParseScalar(item, StrCat(path, "[", i++, "]")));
        list.push_back(std::move(s));
      }
      return Operand{std::move(list)};
    }
    case element_type::OBJECT: {
      ASSIGN_OR_RETURN(Duration d,
                       ParseDuration(e.get_object().value_unsafe(), path));
      return Operand{d};
    }
    default: {
      ASSIGN_OR_RETURN(Scalar s, ParseScalar(e, path));
      return std::visit([](auto&& v) -> Operand { return v; }, std::move(s));
    }
  }
}

absl::StatusOr<std::optional<int64_t>> OptionalInt(simdjson::dom::object o,
                                                   std::string_view key,
                                                   std::string_view path) {
  std::optional<element> e = Member(o, key);
  if (!e) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t v, JsonInt64(*e, StrCat(path, ".", key)));
  return std::optional<int64_t>(v);
}

}  // namespace

namespace {

absl::StatusOr<Condition> ParseConditionAt(element json,
                                           const std::string& path, int level);

// {"any": [...]}, {"all": [...]} or {"not": {...}} at `path` (design.md
// §2.1), its children parsed recursively.
absl::StatusOr<Condition> ParseGroup(simdjson::dom::object o,
                                     const std::string& path, int level) {
  std::optional<element> any = Member(o, "any");
  std::optional<element> all = Member(o, "all");
  std::optional<element> negated = Member(o, "not");
  if (any.has_value() + all.has_value() + negated.has_value() != 1) {
    return absl::InvalidArgumentError(StrCat(
        path, ": a group names exactly one of \"any\", \"all\" or \"not\""));
  }
  for (std::string_view leaf_key : {"field", "activity", "segment", "op"}) {
    if (Member(o, leaf_key)) {
      return absl::InvalidArgumentError(
          StrCat(path, ": a group has no \"", leaf_key,
                 "\" (a condition is either a group or a field, activity or "
                 "segment condition)"));
    }
  }
  Condition c;
  c.kind = any   ? Condition::Kind::kAny
           : all ? Condition::Kind::kAll
                 : Condition::Kind::kNot;
  const std::string here = StrCat(path, ".", GroupName(c.kind));
  if (level >= kMaxFilterDepth) {
    return absl::InvalidArgumentError(StrCat(here, ": groups nest at most ",
                                             kMaxFilterDepth, " levels deep"));
  }
  if (negated) {
    if (!negated->is_object()) {
      return ExpectedJson(here, "one condition object", *negated);
    }
    ASSIGN_OR_RETURN(Condition child,
                     ParseConditionAt(*negated, here, level + 1));
    c.children.push_back(std::move(child));
    return c;
  }
  const element list = any ? *any : *all;
  simdjson::dom::array children;
  if (list.get_array().get(children) != simdjson::SUCCESS ||
      children.size() == 0) {
    return ExpectedJson(here, "a non-empty array of conditions", list);
  }
  size_t i = 0;
  for (element item : children) {
    ASSIGN_OR_RETURN(
        Condition child,
        ParseConditionAt(item, StrCat(here, "[", i++, "]"), level + 1));
    c.children.push_back(std::move(child));
  }
  return c;
}

absl::StatusOr<Condition> ParseConditionAt(element json,
                                           const std::string& path, int level) {
  ASSIGN_OR_RETURN(simdjson::dom::object o, JsonObject(json, path));
  if (Member(o, "any") || Member(o, "all") || Member(o, "not")) {
    return ParseGroup(o, path, level);
  }
  std::optional<element> field = Member(o, "field");
  std::optional<element> activity = Member(o, "activity");
  std::optional<element> segment = Member(o, "segment");
  int kinds = field.has_value() + activity.has_value() + segment.has_value();
  if (kinds != 1) {
    return absl::InvalidArgumentError(
        StrCat(path,
               ": a condition names exactly one of \"field\", \"activity\" or "
               "\"segment\" (or is a group: \"any\", \"all\" or \"not\")"));
  }
  Condition c;
  std::optional<element> subject;
  if (field) {
    c.kind = Condition::Kind::kField;
    subject = field;
    ASSIGN_OR_RETURN(c.subject, JsonString(*field, path + ".field"));
  } else if (activity) {
    c.kind = Condition::Kind::kActivity;
    ASSIGN_OR_RETURN(c.subject, JsonString(*activity, path + ".activity"));
  } else {
    c.kind = Condition::Kind::kSegment;
    ASSIGN_OR_RETURN(c.subject, JsonString(*segment, path + ".segment"));
  }
  std::optional<element> op = Member(o, "op");
  if (!op) {
    return absl::InvalidArgumentError(StrCat(path, ": missing \"op\""));
  }
  ASSIGN_OR_RETURN(std::string op_name, JsonString(*op, path + ".op"));
  std::optional<Op> parsed = ParseOp(op_name);
  if (!parsed) {
    return absl::InvalidArgumentError(
        StrCat(path, ": unknown operator ", Quote(op_name)));
  }
  c.op = *parsed;
  if (c.kind == Condition::Kind::kField) {
    if (std::optional<element> value = Member(o, "value")) {
      ASSIGN_OR_RETURN(c.value, ParseOperand(*value, path + ".value"));
    }
  } else if (c.kind == Condition::Kind::kActivity) {
    ASSIGN_OR_RETURN(c.object, OptionalInt(o, "object", path));
    ASSIGN_OR_RETURN(std::optional<int64_t> at_least,
                     OptionalInt(o, "at_least", path));
    c.at_least = at_least.value_or(1);
    ASSIGN_OR_RETURN(c.within_days, OptionalInt(o, "within_days", path));
  }
  return c;
}

}  // namespace

absl::StatusOr<Condition> ParseCondition(element json, size_t index) {
  return ParseConditionAt(json, StrCat("filters[", index, "]"), 1);
}

absl::StatusOr<SegmentDefinition> ParseSegmentDefinition(element json,
                                                         bool require_name) {
  ASSIGN_OR_RETURN(simdjson::dom::object o, JsonObject(json, "segment"));
  SegmentDefinition def;
  if (std::optional<element> name = Member(o, "name")) {
    ASSIGN_OR_RETURN(def.name, JsonString(*name, "name"));
    // An empty name is "no name" to the engine; a given name must be valid
    // even where it is optional (preview).
    RETURN_IF_ERROR(NormalizeName(def.name, "segment name").status());
  } else if (require_name) {
    return absl::InvalidArgumentError("segment: missing \"name\"");
  }
  if (std::optional<element> category = Member(o, "category")) {
    ASSIGN_OR_RETURN(def.category, JsonString(*category, "category"));
  }
  if (std::optional<element> is_public = Member(o, "public")) {
    ASSIGN_OR_RETURN(def.is_public, JsonBool(*is_public, "public"));
  }
  if (std::optional<element> description = Member(o, "description")) {
    ASSIGN_OR_RETURN(def.description, JsonString(*description, "description"));
    if (def.description.size() > kMaxDescriptionBytes) {
      return absl::InvalidArgumentError(
          StrCat("description: longer than ", kMaxDescriptionBytes, " bytes"));
    }
  }
  if (std::optional<element> filters = Member(o, "filters")) {
    ASSIGN_OR_RETURN(simdjson::dom::array list, JsonArray(*filters, "filters"));
    size_t i = 0;
    for (element item : list) {
      ASSIGN_OR_RETURN(Condition c, ParseCondition(item, i++));
      def.filters.push_back(std::move(c));
    }
  }
  return def;
}

void WriteCondition(const Condition& c, JsonWriter& out) {
  out.BeginObject();
  switch (c.kind) {
    case Condition::Kind::kAll:
    case Condition::Kind::kAny:
      out.Key(GroupName(c.kind)).BeginArray();
      for (const Condition& child : c.children) WriteCondition(child, out);
      out.EndArray();
      break;
    case Condition::Kind::kNot:
      out.Key("not");
      if (c.children.empty()) {
        out.Null();
      } else {
        WriteCondition(c.children.front(), out);
      }
      break;
    case Condition::Kind::kField:
      out.Key("field").String(c.subject);
      out.Key("op").String(OpName(c.op));
      if (!std::holds_alternative<std::monostate>(c.value)) {
        out.Key("value").OperandValue(c.value);
      }
      break;
    case Condition::Kind::kActivity:
      out.Key("activity").String(c.subject);
      if (c.object) out.Key("object").Int(*c.object);
      out.Key("op").String(OpName(c.op));
      if (c.at_least != 1) out.Key("at_least").Int(c.at_least);
      if (c.within_days) out.Key("within_days").Int(*c.within_days);
      break;
    case Condition::Kind::kSegment:
      out.Key("segment").String(c.subject);
      out.Key("op").String(OpName(c.op));
      break;
  }
  out.EndObject();
}

void WriteSegment(const Segment& s, JsonWriter& out) {
  const SegmentDefinition& d = s.definition;
  out.BeginObject();
  out.Key("id").Uint(s.id);
  out.Key("name").String(d.name);
  out.Key("category");
  if (d.category) {
    out.String(*d.category);
  } else {
    out.Null();
  }
  out.Key("public").Bool(d.is_public);
  out.Key("description").String(d.description);
  out.Key("filters").BeginArray();
  for (const Condition& c : d.filters) WriteCondition(c, out);
  out.EndArray();
  out.Key("count").Uint(s.member_count);
  out.EndObject();
}

}  // namespace audience
