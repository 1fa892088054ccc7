// bool eq: a lookup of the column's true or false rows.
#ifndef AUDIENCE_FILTER_BOOL_PREDICATE_H_
#define AUDIENCE_FILTER_BOOL_PREDICATE_H_

#include "filter/predicate.h"

namespace audience {

class BoolPredicate final : public Predicate {
 public:
  BoolPredicate(FieldId field, bool value) : field_(field), value_(value) {}

  void Filter(const EvalContext& ctx, Roaring& rows) const override {
    rows &= ctx.store.bool_column(field_).rows_with(value_);
  }
  bool Matches(const EvalContext& ctx, Row row) const override {
    return ctx.store.bool_column(field_).rows_with(value_).contains(row);
  }
  Value Observe(const EvalContext& ctx, Row row) const override {
    return ctx.store.GetValue(row, field_);
  }
  CostClass cost() const override { return CostClass::kIndex; }
  uint64_t Estimate(const EvalContext& ctx) const override {
    return ctx.store.bool_column(field_).rows_with(value_).cardinality();
  }
  bool HoldsWhenEmpty() const override { return false; }
  PredicateReads reads() const override { return {.field = field_}; }

 private:
  FieldId field_;
  bool value_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_BOOL_PREDICATE_H_
