// Validating conditions (and groups of them) against the schema and
// compiling them into a plan. Errors name the condition: `filters[2]: field
// "score" expects an integer, got string "abc"`, `filters[1].any[0]: ...`.
#ifndef AUDIENCE_FILTER_COMPILE_H_
#define AUDIENCE_FILTER_COMPILE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "audience/filter.h"
#include "filter/plan.h"
#include "store/schema.h"

namespace audience {

// Resolves a segment name (case-insensitive) to its id.
using SegmentLookup =
    absl::FunctionRef<std::optional<SegmentId>(std::string_view)>;

// NOT_FOUND for an unknown field or segment, INVALID_ARGUMENT for a wrong
// operator, operand or qualifier, a malformed group, or a tree beyond the
// limits (kMaxFilterDepth, kMaxFilterConditions). Errors name the condition's
// path ("filters[1].any[0]: ..."). `leaf_paths`, when given, receives the
// path of each leaf, in the plan's predicate order.
absl::StatusOr<Plan> CompileFilters(
    const std::vector<Condition>& filters, const Schema& schema,
    SegmentLookup lookup, std::vector<std::string>* leaf_paths = nullptr);

// A short rendering of an operand for error messages: `string "abc"`.
std::string DescribeOperand(const Operand& value);

}  // namespace audience

#endif  // AUDIENCE_FILTER_COMPILE_H_
