// A segment's compiled filters: predicates in definition order, evaluated
// cheapest and most selective first with in-place intersection and early
// exit on empty.
#ifndef AUDIENCE_FILTER_PLAN_H_
#define AUDIENCE_FILTER_PLAN_H_

#include <memory>
#include <vector>

#include "filter/predicate.h"

namespace audience {

// Thread safety: immutable after construction; safe to share.
class Plan {
 public:
  Plan() = default;
  explicit Plan(std::vector<std::unique_ptr<Predicate>> predicates);

  // The rows matching every predicate; none for an empty plan (a segment
  // without filters is a manual list).
  Roaring Evaluate(const EvalContext& ctx) const;
  // The rows of `candidates` matching every predicate.
  // REQUIRES: candidates is a subset of the live rows.
  Roaring EvaluateWithin(const EvalContext& ctx, Roaring candidates) const;
  // Point evaluation of one live row.
  bool Matches(const EvalContext& ctx, Row row) const;

  // In definition order.
  const std::vector<std::unique_ptr<Predicate>>& predicates() const {
    return predicates_;
  }
  bool empty() const { return predicates_.empty(); }
  // Whether any predicate's answer moves with the clock.
  bool reads_clock() const { return reads_clock_; }

 private:
  // Predicate indexes in evaluation order for the data as it is now.
  std::vector<size_t> Order(const EvalContext& ctx) const;

  std::vector<std::unique_ptr<Predicate>> predicates_;
  std::vector<size_t> point_order_;  // by cost class only
  bool reads_clock_ = false;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_PLAN_H_
