// The public vocabulary of filter.h: operator names and condition builders.
#include <array>
#include <utility>

#include "audience/filter.h"
#include "audience/types.h"

namespace audience {

namespace {
constexpr std::array<std::pair<Op, std::string_view>, 28> kOpNames = {{
    {Op::kEq, "eq"},
    {Op::kNeq, "neq"},
    {Op::kIn, "in"},
    {Op::kNotIn, "not_in"},
    {Op::kContains, "contains"},
    {Op::kNotContains, "not_contains"},
    {Op::kStartsWith, "starts_with"},
    {Op::kEndsWith, "ends_with"},
    {Op::kEmpty, "empty"},
    {Op::kNotEmpty, "not_empty"},
    {Op::kGt, "gt"},
    {Op::kGte, "gte"},
    {Op::kLt, "lt"},
    {Op::kLte, "lte"},
    {Op::kBetween, "between"},
    {Op::kBefore, "before"},
    {Op::kAfter, "after"},
    {Op::kWithinLast, "within_last"},
    {Op::kOlderThan, "older_than"},
    {Op::kHas, "has"},
    {Op::kNotHas, "not_has"},
    {Op::kHasAny, "has_any"},
    {Op::kHasAll, "has_all"},
    {Op::kHasNone, "has_none"},
    {Op::kDid, "did"},
    {Op::kDidNot, "did_not"},
    {Op::kMember, "member"},
    {Op::kNotMember, "not_member"},
}};
}  // namespace

std::string_view OpName(Op op) {
  for (const auto& [o, name] : kOpNames) {
    if (o == op) return name;
  }
  return "?";
}

std::optional<Op> ParseOp(std::string_view name) {
  for (const auto& [o, n] : kOpNames) {
    if (n == name) return o;
  }
  return std::nullopt;
}

bool IsNegativeOp(Op op) {
  switch (op) {
    case Op::kNeq:
    case Op::kNotIn:
    case Op::kNotContains:
    case Op::kNotHas:
    case Op::kHasNone:
    case Op::kDidNot:
    case Op::kNotMember:
      return true;
    default:
      return false;
  }
}

std::span<const Op> FieldOperators(FieldType type) {
  static constexpr Op kString[] = {
      Op::kEq,       Op::kNeq,         Op::kIn,         Op::kNotIn,
      Op::kContains, Op::kNotContains, Op::kStartsWith, Op::kEndsWith,
      Op::kEmpty,    Op::kNotEmpty};
  static constexpr Op kKeyword[] = {Op::kEq,    Op::kNeq,   Op::kIn,
                                    Op::kNotIn, Op::kEmpty, Op::kNotEmpty};
  static constexpr Op kNumber[] = {Op::kEq,      Op::kNeq,   Op::kGt,
                                   Op::kGte,     Op::kLt,    Op::kLte,
                                   Op::kBetween, Op::kEmpty, Op::kNotEmpty};
  static constexpr Op kBool[] = {Op::kEq, Op::kEmpty, Op::kNotEmpty};
  static constexpr Op kTimestamp[] = {
      Op::kBefore,    Op::kAfter, Op::kBetween, Op::kWithinLast,
      Op::kOlderThan, Op::kEmpty, Op::kNotEmpty};
  static constexpr Op kTags[] = {Op::kHas,     Op::kNotHas,  Op::kHasAny,
                                 Op::kHasAll,  Op::kHasNone, Op::kEmpty,
                                 Op::kNotEmpty};
  switch (type) {
    case FieldType::kString:
      return kString;
    case FieldType::kKeyword:
      return kKeyword;
    case FieldType::kInt64:
    case FieldType::kDouble:
      return kNumber;
    case FieldType::kBool:
      return kBool;
    case FieldType::kTimestamp:
      return kTimestamp;
    case FieldType::kTags:
      return kTags;
  }
  return {};
}

int64_t Duration::seconds() const {
  return amount * (unit == Unit::kDays ? kSecondsPerDay : kSecondsPerHour);
}

Condition Condition::All(std::vector<Condition> children) {
  Condition c;
  c.kind = Kind::kAll;
  c.children = std::move(children);
  return c;
}

Condition Condition::Any(std::vector<Condition> children) {
  Condition c;
  c.kind = Kind::kAny;
  c.children = std::move(children);
  return c;
}

Condition Condition::Not(Condition child) {
  Condition c;
  c.kind = Kind::kNot;
  c.children.push_back(std::move(child));
  return c;
}

std::string_view GroupName(Condition::Kind kind) {
  switch (kind) {
    case Condition::Kind::kAll:
      return "all";
    case Condition::Kind::kAny:
      return "any";
    case Condition::Kind::kNot:
      return "not";
    default:
      return "";
  }
}

Condition Condition::Field(std::string field, Op op, Operand value) {
  Condition c;
  c.kind = Kind::kField;
  c.subject = std::move(field);
  c.op = op;
  c.value = std::move(value);
  return c;
}

Condition Condition::Activity(std::string type, Op op,
                              std::optional<int64_t> object, int64_t at_least,
                              std::optional<int64_t> within_days) {
  Condition c;
  c.kind = Kind::kActivity;
  c.subject = std::move(type);
  c.op = op;
  c.object = object;
  c.at_least = at_least;
  c.within_days = within_days;
  return c;
}

Condition Condition::Segment(std::string segment, Op op) {
  Condition c;
  c.kind = Kind::kSegment;
  c.subject = std::move(segment);
  c.op = op;
  return c;
}

}  // namespace audience
