// Filter conditions: what a segment's `filters` list is made of. All
// conditions of a segment must hold (AND). docs/filters.md gives the exact
// semantics of every operator.
#ifndef AUDIENCE_FILTER_H_
#define AUDIENCE_FILTER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "audience/schema.h"

namespace audience {

enum class Op : uint8_t {
  // string, keyword, numbers, bool
  kEq,
  kNeq,
  kIn,
  kNotIn,
  // string
  kContains,
  kNotContains,
  kStartsWith,
  kEndsWith,
  // every field type
  kEmpty,
  kNotEmpty,
  // int64, double
  kGt,
  kGte,
  kLt,
  kLte,
  kBetween,  // also timestamp; inclusive
  // timestamp
  kBefore,
  kAfter,
  kWithinLast,
  kOlderThan,
  // tags
  kHas,
  kNotHas,
  kHasAny,
  kHasAll,
  kHasNone,
  // activity
  kDid,
  kDidNot,
  // segment
  kMember,
  kNotMember,
};

// The JSON spelling: "eq", "not_in", "within_last", ...
std::string_view OpName(Op op);
std::optional<Op> ParseOp(std::string_view name);

// True for the operators that match leads whose value is empty.
bool IsNegativeOp(Op op);

// The operators a field condition on a field of `type` takes, in the order
// docs/filters.md lists them (activity conditions take did and did_not,
// segment conditions member and not_member).
std::span<const Op> FieldOperators(FieldType type);

// A relative span of time: {"days": n} or {"hours": n}.
struct Duration {
  enum class Unit : uint8_t { kDays, kHours };
  int64_t amount = 0;
  Unit unit = Unit::kDays;

  int64_t seconds() const;

  friend bool operator==(const Duration&, const Duration&) = default;
};

// One element of a list operand.
using Scalar = std::variant<std::monostate, bool, int64_t, double, std::string>;

// A condition's operand as written, before it is checked against the field's
// type: nothing (empty / not_empty), a scalar, a list (in, has_any, between's
// [low, high], ...), or a duration (within_last, older_than).
using Operand = std::variant<std::monostate, bool, int64_t, double, std::string,
                             std::vector<Scalar>, Duration>;

// A condition of a segment's filters: a leaf (a field, activity or segment
// condition) or a group of conditions (design.md §2.1): all of them hold
// (kAll), at least one does (kAny), or its one child does not (kNot),
// nested up to kMaxFilterDepth levels.
struct Condition {
  enum class Kind : uint8_t { kField, kActivity, kSegment, kAll, kAny, kNot };

  Kind kind = Kind::kField;
  // kField: the field name. kActivity: the event type. kSegment: the name of
  // the referenced segment (bound to its id when the segment is saved).
  std::string subject;
  Op op = Op::kEq;
  Operand value;  // kField only

  // kActivity qualifiers.
  std::optional<int64_t> object;       // only events of this object
  int64_t at_least = 1;                // at least this many events, >= 1
  std::optional<int64_t> within_days;  // only events in the last n days

  // Groups: kAll and kAny take one or more conditions, kNot exactly one.
  std::vector<Condition> children;

  static Condition Field(std::string field, Op op, Operand value = {});
  static Condition Activity(std::string type, Op op,
                            std::optional<int64_t> object = std::nullopt,
                            int64_t at_least = 1,
                            std::optional<int64_t> within_days = std::nullopt);
  static Condition Segment(std::string segment, Op op);
  static Condition All(std::vector<Condition> children);
  static Condition Any(std::vector<Condition> children);
  static Condition Not(Condition child);

  bool is_group() const { return kind >= Kind::kAll; }

  friend bool operator==(const Condition&, const Condition&) = default;
};

// A top-level condition is at level 1 and a level-n group's children at
// level n + 1; a segment's filters may nest this deep.
inline constexpr int kMaxFilterDepth = 6;
// Conditions per segment, every leaf and every group counted.
inline constexpr size_t kMaxFilterConditions = 256;

// "any", "all", "not" for groups; "" for leaves.
std::string_view GroupName(Condition::Kind kind);

}  // namespace audience

#endif  // AUDIENCE_FILTER_H_
