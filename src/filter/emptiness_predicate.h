// empty / not_empty on any field: the column's present bitmap.
#ifndef AUDIENCE_FILTER_EMPTINESS_PREDICATE_H_
#define AUDIENCE_FILTER_EMPTINESS_PREDICATE_H_

#include "filter/predicate.h"

namespace audience {

class EmptinessPredicate final : public Predicate {
 public:
  EmptinessPredicate(FieldId field, bool want_empty)
      : field_(field), want_empty_(want_empty) {}

  void Filter(const EvalContext& ctx, Roaring& rows) const override {
    Narrow(rows, ctx.store.column(field_).present(), want_empty_);
  }
  bool Matches(const EvalContext& ctx, Row row) const override {
    return ctx.store.column(field_).Has(row) != want_empty_;
  }
  Value Observe(const EvalContext& ctx, Row row) const override {
    return ctx.store.GetValue(row, field_);
  }
  CostClass cost() const override { return CostClass::kIndex; }
  uint64_t Estimate(const EvalContext& ctx) const override {
    uint64_t present = ctx.store.column(field_).present().cardinality();
    return want_empty_ ? ctx.store.live().cardinality() - present : present;
  }
  bool HoldsWhenEmpty() const override { return want_empty_; }
  PredicateReads reads() const override {
    return {.watch = PredicateReads::Watch::kPresence, .field = field_};
  }

 private:
  FieldId field_;
  bool want_empty_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_EMPTINESS_PREDICATE_H_
