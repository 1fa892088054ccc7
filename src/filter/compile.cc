#include "filter/compile.h"

#include <cmath>
#include <limits>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_join.h"
#include "filter/activity_predicate.h"
#include "filter/bool_predicate.h"
#include "filter/emptiness_predicate.h"
#include "filter/numeric_predicate.h"
#include "filter/segment_predicate.h"
#include "filter/string_predicate.h"
#include "filter/term_predicate.h"
#include "store/field_input.h"
#include "store/numeric_column.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

constexpr size_t kMaxListValues = 10000;
constexpr uint64_t kMinKey = 0;
constexpr uint64_t kMaxKey = std::numeric_limits<uint64_t>::max();
// Larger day counts would overflow seconds.
constexpr int64_t kMaxDays =
    std::numeric_limits<int64_t>::max() / kSecondsPerDay;

using PredicatePtr = std::unique_ptr<Predicate>;

std::string DescribeScalar(const Scalar& s) {
  switch (s.index()) {
    case 1:
      return StrCat("boolean ", std::get<bool>(s) ? "true" : "false");
    case 2:
      return StrCat("integer ", std::get<int64_t>(s));
    case 3:
      return StrCat("number ", FormatDouble(std::get<double>(s)));
    case 4:
      return StrCat("string ", Quote(std::get<std::string>(s)));
  }
  return "null";
}

// Builds errors about one condition, all prefixed "filters[i]: ".
class ConditionCheck {
 public:
  // `path` names the condition: "filters[2]", "filters[1].any[0]".
  ConditionCheck(const Condition& c, std::string_view path)
      : c_(c), path_(path) {}

  absl::Status Invalid(std::string_view what) const {
    return absl::InvalidArgumentError(StrCat(path_, ": ", what));
  }
  absl::Status NotFound(std::string_view what) const {
    return absl::NotFoundError(StrCat(path_, ": ", what));
  }
  // `field "score" (int64) expects <expected>, got <operand>`.
  absl::Status Expects(const FieldDefinition& field,
                       std::string_view expected) const {
    return Invalid(StrCat("field ", Quote(field.name), " (",
                          FieldTypeName(field.type), ") with operator \"",
                          OpName(c_.op), "\" expects ", expected, ", got ",
                          DescribeOperand(c_.value)));
  }

  absl::StatusOr<std::string> String(const FieldDefinition& field) const {
    if (const auto* s = std::get_if<std::string>(&c_.value)) {
      RETURN_IF_ERROR(CheckLength(field, *s, ""));
      return *s;
    }
    return Expects(field, "a string");
  }

  // Operands are held to the limit of stored values (docs/decisions.md,
  // "Limits"): a longer one could never match `eq`, and it would only make
  // every comparison slower.
  absl::Status CheckLength(const FieldDefinition& field, const std::string& s,
                           std::string_view where) const {
    if (s.size() <= kMaxStringBytes) return absl::OkStatus();
    return Invalid(StrCat("field ", Quote(field.name), " with operator \"",
                          OpName(c_.op), "\": the value", where,
                          " is longer than ", kMaxStringBytes, " bytes"));
  }

  absl::StatusOr<std::vector<std::string>> StringList(
      const FieldDefinition& field) const {
    const auto* list = std::get_if<std::vector<Scalar>>(&c_.value);
    if (list == nullptr) return Expects(field, "a non-empty list of strings");
    if (list->empty()) {
      return Invalid(
          StrCat("operator \"", OpName(c_.op), "\" needs a non-empty list"));
    }
    if (list->size() > kMaxListValues) {
      return Invalid(StrCat("operator \"", OpName(c_.op), "\" takes at most ",
                            kMaxListValues, " values"));
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < list->size(); ++i) {
      const auto* s = std::get_if<std::string>(&(*list)[i]);
      if (s == nullptr) {
        return Invalid(StrCat("field ", Quote(field.name),
                              " expects strings in the list, got ",
                              DescribeScalar((*list)[i]), " at position ", i));
      }
      RETURN_IF_ERROR(CheckLength(field, *s, StrCat(" at position ", i)));
      out.push_back(*s);
    }
    return out;
  }

  // An integer (int64 / timestamp) or a number (double) as an order key.
  absl::StatusOr<uint64_t> NumberKey(const FieldDefinition& field,
                                     const Scalar& s) const {
    if (field.type == FieldType::kDouble) {
      if (const auto* i = std::get_if<int64_t>(&s)) {
        return OrderKey(static_cast<double>(*i));
      }
      if (const auto* d = std::get_if<double>(&s)) {
        if (std::isnan(*d)) return Expects(field, "a number, not NaN");
        return OrderKey(*d == 0 ? 0.0 : *d);
      }
      return Expects(field, "a number");
    }
    if (const auto* i = std::get_if<int64_t>(&s)) return OrderKey(*i);
    return Expects(field, field.type == FieldType::kTimestamp
                              ? "an integer timestamp (unix seconds)"
                              : "an integer");
  }

  absl::StatusOr<uint64_t> ScalarKey(const FieldDefinition& field) const {
    Scalar s;
    if (const auto* i = std::get_if<int64_t>(&c_.value)) {
      s = *i;
    } else if (const auto* d = std::get_if<double>(&c_.value)) {
      s = *d;
    }
    return NumberKey(field, s);
  }

  absl::StatusOr<KeyRange> Between(const FieldDefinition& field) const {
    const auto* list = std::get_if<std::vector<Scalar>>(&c_.value);
    if (list == nullptr || list->size() != 2) {
      return Expects(field, "[low, high]");
    }
    ASSIGN_OR_RETURN(uint64_t lo, NumberKey(field, (*list)[0]));
    ASSIGN_OR_RETURN(uint64_t hi, NumberKey(field, (*list)[1]));
    if (lo > hi) {
      return Invalid(StrCat("between needs low <= high, got ",
                            DescribeScalar((*list)[0]), " > ",
                            DescribeScalar((*list)[1])));
    }
    return KeyRange{lo, hi};
  }

  absl::StatusOr<int64_t> DurationSeconds(const FieldDefinition& field) const {
    const auto* d = std::get_if<Duration>(&c_.value);
    if (d == nullptr) {
      return Expects(field, "{\"days\": n} or {\"hours\": n}");
    }
    int64_t limit = d->unit == Duration::Unit::kDays
                        ? kMaxDays
                        : std::numeric_limits<int64_t>::max() / kSecondsPerHour;
    if (d->amount < 1 || d->amount > limit) {
      return Invalid(StrCat("operator \"", OpName(c_.op),
                            "\" needs a duration between 1 and ", limit,
                            ", got ", d->amount));
    }
    return d->seconds();
  }

 private:
  const Condition& c_;
  std::string_view path_;
};

// "eq, neq, ..." for a message.
std::string OpsFor(FieldType type) {
  std::string out;
  for (Op op : FieldOperators(type)) {
    StrAppend(&out, out.empty() ? "" : ", ", OpName(op));
  }
  return out;
}

absl::StatusOr<PredicatePtr> CompileString(const ConditionCheck& check,
                                           const Condition& c, FieldId id,
                                           const FieldDefinition& field) {
  using Match = StringPredicate::Match;
  Match match = Match::kEquals;
  switch (c.op) {
    case Op::kIn:
    case Op::kNotIn: {
      ASSIGN_OR_RETURN(auto values, check.StringList(field));
      return std::make_unique<StringPredicate>(
          id, Match::kEquals, std::move(values), c.op == Op::kNotIn);
    }
    case Op::kEq:
    case Op::kNeq:
      match = Match::kEquals;
      break;
    case Op::kContains:
    case Op::kNotContains:
      match = Match::kContains;
      break;
    case Op::kStartsWith:
      match = Match::kStartsWith;
      break;
    case Op::kEndsWith:
      match = Match::kEndsWith;
      break;
    default:
      return nullptr;
  }
  ASSIGN_OR_RETURN(std::string value, check.String(field));
  return std::make_unique<StringPredicate>(
      id, match, std::vector<std::string>{std::move(value)},
      c.op == Op::kNeq || c.op == Op::kNotContains);
}

absl::StatusOr<PredicatePtr> CompileKeyword(const ConditionCheck& check,
                                            const Condition& c, FieldId id,
                                            const FieldDefinition& field) {
  using Mode = TermPredicate::Mode;
  switch (c.op) {
    case Op::kEq:
    case Op::kNeq: {
      ASSIGN_OR_RETURN(std::string value, check.String(field));
      return std::make_unique<TermPredicate>(
          id, false, std::vector<std::string>{std::move(value)}, Mode::kAny,
          c.op == Op::kNeq);
    }
    case Op::kIn:
    case Op::kNotIn: {
      ASSIGN_OR_RETURN(auto values, check.StringList(field));
      return std::make_unique<TermPredicate>(id, false, std::move(values),
                                             Mode::kAny, c.op == Op::kNotIn);
    }
    default:
      return nullptr;
  }
}

absl::StatusOr<PredicatePtr> CompileTags(const ConditionCheck& check,
                                         const Condition& c, FieldId id,
                                         const FieldDefinition& field) {
  using Mode = TermPredicate::Mode;
  switch (c.op) {
    case Op::kHas:
    case Op::kNotHas: {
      ASSIGN_OR_RETURN(std::string value, check.String(field));
      return std::make_unique<TermPredicate>(
          id, true, std::vector<std::string>{std::move(value)}, Mode::kAny,
          c.op == Op::kNotHas);
    }
    case Op::kHasAny:
    case Op::kHasAll:
    case Op::kHasNone: {
      ASSIGN_OR_RETURN(auto values, check.StringList(field));
      return std::make_unique<TermPredicate>(
          id, true, std::move(values),
          c.op == Op::kHasAll ? Mode::kAll : Mode::kAny, c.op == Op::kHasNone);
    }
    default:
      return nullptr;
  }
}

absl::StatusOr<PredicatePtr> CompileNumber(const ConditionCheck& check,
                                           const Condition& c, FieldId id,
                                           const FieldDefinition& field) {
  const bool is_double = field.type == FieldType::kDouble;
  auto fixed = [&](uint64_t lo, uint64_t hi, bool negate = false) {
    return NumericPredicate::Fixed(id, is_double, KeyRange{lo, hi}, negate);
  };
  switch (c.op) {
    case Op::kEq:
    case Op::kNeq: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return fixed(key, key, c.op == Op::kNeq);
    }
    case Op::kGt: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return key == kMaxKey ? fixed(1, 0) : fixed(key + 1, kMaxKey);
    }
    case Op::kGte: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return fixed(key, kMaxKey);
    }
    case Op::kLt: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return key == kMinKey ? fixed(1, 0) : fixed(kMinKey, key - 1);
    }
    case Op::kLte: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return fixed(kMinKey, key);
    }
    case Op::kBetween: {
      ASSIGN_OR_RETURN(KeyRange range, check.Between(field));
      return fixed(range.lo, range.hi);
    }
    default:
      return nullptr;
  }
}

absl::StatusOr<PredicatePtr> CompileTimestamp(const ConditionCheck& check,
                                              const Condition& c, FieldId id,
                                              const FieldDefinition& field) {
  auto fixed = [&](uint64_t lo, uint64_t hi) {
    return NumericPredicate::Fixed(id, false, KeyRange{lo, hi}, false);
  };
  switch (c.op) {
    case Op::kBefore: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return key == kMinKey ? fixed(1, 0) : fixed(kMinKey, key - 1);
    }
    case Op::kAfter: {
      ASSIGN_OR_RETURN(uint64_t key, check.ScalarKey(field));
      return key == kMaxKey ? fixed(1, 0) : fixed(key + 1, kMaxKey);
    }
    case Op::kBetween: {
      ASSIGN_OR_RETURN(KeyRange range, check.Between(field));
      return fixed(range.lo, range.hi);
    }
    case Op::kWithinLast: {
      ASSIGN_OR_RETURN(int64_t seconds, check.DurationSeconds(field));
      return NumericPredicate::WithinLast(id, seconds);
    }
    case Op::kOlderThan: {
      ASSIGN_OR_RETURN(int64_t seconds, check.DurationSeconds(field));
      return NumericPredicate::OlderThan(id, seconds);
    }
    default:
      return nullptr;
  }
}

absl::StatusOr<PredicatePtr> CompileField(const ConditionCheck& check,
                                          const Condition& c,
                                          const Schema& schema) {
  std::optional<FieldId> id = schema.Find(c.subject);
  if (!id) return check.NotFound(StrCat("unknown field ", Quote(c.subject)));
  const FieldDefinition& field = schema.field(*id);
  if (c.op == Op::kEmpty || c.op == Op::kNotEmpty) {
    return std::make_unique<EmptinessPredicate>(*id, c.op == Op::kEmpty);
  }
  absl::StatusOr<PredicatePtr> predicate = nullptr;
  switch (field.type) {
    case FieldType::kString:
      predicate = CompileString(check, c, *id, field);
      break;
    case FieldType::kKeyword:
      predicate = CompileKeyword(check, c, *id, field);
      break;
    case FieldType::kInt64:
    case FieldType::kDouble:
      predicate = CompileNumber(check, c, *id, field);
      break;
    case FieldType::kTimestamp:
      predicate = CompileTimestamp(check, c, *id, field);
      break;
    case FieldType::kTags:
      predicate = CompileTags(check, c, *id, field);
      break;
    case FieldType::kBool:
      if (c.op == Op::kEq) {
        const auto* b = std::get_if<bool>(&c.value);
        if (b == nullptr) return check.Expects(field, "a boolean");
        predicate = std::make_unique<BoolPredicate>(*id, *b);
      }
      break;
  }
  if (predicate.ok() && *predicate == nullptr) {
    return check.Invalid(
        StrCat("operator \"", OpName(c.op), "\" does not apply to ",
               FieldTypeName(field.type), " field ", Quote(field.name),
               " (expected one of: ", OpsFor(field.type), ")"));
  }
  return predicate;
}

absl::StatusOr<PredicatePtr> CompileActivity(const ConditionCheck& check,
                                             const Condition& c) {
  if (c.op != Op::kDid && c.op != Op::kDidNot) {
    return check.Invalid(StrCat("operator \"", OpName(c.op),
                                "\" does not apply to activity "
                                "conditions (expected did or did_not)"));
  }
  if (c.subject.empty())
    return check.Invalid("activity type must not be empty");
  if (c.subject.size() > 256) {
    return check.Invalid("activity type is longer than 256 bytes");
  }
  if (c.at_least < 1) {
    return check.Invalid(
        StrCat("\"at_least\" must be at least 1, got ", c.at_least));
  }
  if (c.within_days && (*c.within_days < 1 || *c.within_days > kMaxDays)) {
    return check.Invalid(StrCat("\"within_days\" must be between 1 and ",
                                kMaxDays, ", got ", *c.within_days));
  }
  return std::make_unique<ActivityPredicate>(
      c.subject, c.object, c.at_least, c.within_days, c.op == Op::kDidNot);
}

absl::StatusOr<PredicatePtr> CompileSegment(const ConditionCheck& check,
                                            const Condition& c,
                                            SegmentLookup lookup) {
  if (c.op != Op::kMember && c.op != Op::kNotMember) {
    return check.Invalid(
        StrCat("operator \"", OpName(c.op),
               "\" does not apply to segment conditions (expected member or "
               "not_member)"));
  }
  std::optional<SegmentId> id = lookup(c.subject);
  if (!id) return check.NotFound(StrCat("unknown segment ", Quote(c.subject)));
  return std::make_unique<SegmentPredicate>(*id, c.op == Op::kNotMember);
}

}  // namespace

std::string DescribeOperand(const Operand& value) {
  switch (value.index()) {
    case 0:
      return "nothing";
    case 1:
      return DescribeScalar(std::get<bool>(value));
    case 2:
      return DescribeScalar(std::get<int64_t>(value));
    case 3:
      return DescribeScalar(std::get<double>(value));
    case 4:
      return DescribeScalar(std::get<std::string>(value));
    case 5:
      return StrCat("a list of ", std::get<std::vector<Scalar>>(value).size());
    case 6:
      return "a duration";
  }
  return "?";
}

namespace {

// Compiles one condition (a leaf or a group, recursively) into `node`,
// appending its leaves to `predicates` and their paths to `paths`.
class TreeCompiler {
 public:
  TreeCompiler(const Schema& schema, SegmentLookup lookup,
               std::vector<PredicatePtr>& predicates,
               std::vector<std::string>& paths)
      : schema_(schema),
        lookup_(lookup),
        predicates_(predicates),
        paths_(paths) {}

  absl::StatusOr<Plan::Node> Compile(const Condition& c,
                                     const std::string& path, int level) {
    Plan::Node node;
    if (!c.is_group()) {
      ConditionCheck check(c, path);
      absl::StatusOr<PredicatePtr> p;
      switch (c.kind) {
        case Condition::Kind::kField:
          p = CompileField(check, c, schema_);
          break;
        case Condition::Kind::kActivity:
          p = CompileActivity(check, c);
          break;
        default:
          p = CompileSegment(check, c, lookup_);
          break;
      }
      if (!p.ok()) return p.status();
      node.leaf = predicates_.size();
      predicates_.push_back(*std::move(p));
      paths_.push_back(path);
      return node;
    }
    const std::string_view name = GroupName(c.kind);
    const std::string here = StrCat(path, ".", name);
    if (level >= kMaxFilterDepth) {
      return absl::InvalidArgumentError(StrCat(
          here, ": groups nest at most ", kMaxFilterDepth, " levels deep"));
    }
    if (c.kind == Condition::Kind::kNot && c.children.size() != 1) {
      return absl::InvalidArgumentError(
          StrCat(here, ": \"not\" takes exactly one condition, got ",
                 c.children.size()));
    }
    if (c.children.empty()) {
      return absl::InvalidArgumentError(
          StrCat(here, ": needs at least one condition"));
    }
    node.kind = c.kind == Condition::Kind::kAll   ? Plan::Node::Kind::kAll
                : c.kind == Condition::Kind::kAny ? Plan::Node::Kind::kAny
                                                  : Plan::Node::Kind::kNot;
    for (size_t i = 0; i < c.children.size(); ++i) {
      const std::string child_path =
          c.kind == Condition::Kind::kNot ? here : StrCat(here, "[", i, "]");
      ASSIGN_OR_RETURN(Plan::Node child,
                       Compile(c.children[i], child_path, level + 1));
      node.children.push_back(std::move(child));
    }
    return node;
  }

 private:
  const Schema& schema_;
  SegmentLookup lookup_;
  std::vector<PredicatePtr>& predicates_;
  std::vector<std::string>& paths_;
};

// Conditions in a tree, groups included; stops descending below the depth
// limit (the compiler refuses such a tree anyway), so a hostile tree costs
// no deep recursion here.
size_t CountConditions(const std::vector<Condition>& conditions, int level) {
  size_t n = conditions.size();
  if (level > kMaxFilterDepth) return n;
  for (const Condition& c : conditions) {
    n += CountConditions(c.children, level + 1);
  }
  return n;
}

}  // namespace

absl::StatusOr<Plan> CompileFilters(const std::vector<Condition>& filters,
                                    const Schema& schema, SegmentLookup lookup,
                                    std::vector<std::string>* leaf_paths) {
  const size_t count = CountConditions(filters, 1);
  if (count > kMaxFilterConditions) {
    return absl::InvalidArgumentError(StrCat("a segment has at most ",
                                             kMaxFilterConditions,
                                             " conditions, got ", count));
  }
  std::vector<PredicatePtr> predicates;
  std::vector<std::string> paths;
  predicates.reserve(filters.size());
  TreeCompiler compiler(schema, lookup, predicates, paths);
  std::vector<Plan::Node> top;
  bool flat = true;
  for (size_t i = 0; i < filters.size(); ++i) {
    ASSIGN_OR_RETURN(Plan::Node node,
                     compiler.Compile(filters[i], StrCat("filters[", i, "]"),
                                      /*level=*/1));
    flat &= !filters[i].is_group();
    top.push_back(std::move(node));
  }
  if (leaf_paths != nullptr) *leaf_paths = std::move(paths);
  if (flat) return Plan(std::move(predicates));
  return Plan(std::move(predicates), std::move(top));
}

}  // namespace audience
