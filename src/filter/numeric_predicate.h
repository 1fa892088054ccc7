// Range conditions on int64, double and timestamp fields: eq / neq / gt /
// gte / lt / lte / between, before / after, and the clock-relative
// within_last / older_than.
#ifndef AUDIENCE_FILTER_NUMERIC_PREDICATE_H_
#define AUDIENCE_FILTER_NUMERIC_PREDICATE_H_

#include <cstdint>

#include "filter/predicate.h"

namespace audience {

class NumericPredicate final : public Predicate {
 public:
  // A fixed key range; negate (neq) matches every row outside it, empty
  // rows included.
  static std::unique_ptr<NumericPredicate> Fixed(FieldId field, bool is_double,
                                                 KeyRange range, bool negate);
  // within_last: now - seconds <= ts <= now.
  static std::unique_ptr<NumericPredicate> WithinLast(FieldId field,
                                                      int64_t seconds);
  // older_than: ts < now - seconds.
  static std::unique_ptr<NumericPredicate> OlderThan(FieldId field,
                                                     int64_t seconds);

  void Filter(const EvalContext& ctx, Roaring& rows) const override;
  bool Matches(const EvalContext& ctx, Row row) const override;
  Value Observe(const EvalContext& ctx, Row row) const override;
  CostClass cost() const override { return CostClass::kScan; }
  bool HoldsWhenEmpty() const override { return negate_; }
  PredicateReads reads() const override;

  // The key range in force at `now`.
  KeyRange RangeAt(Timestamp now) const;

 private:
  enum class Relative : uint8_t { kNone, kWithinLast, kOlderThan };
  NumericPredicate(FieldId field, bool is_double, KeyRange range,
                   Relative relative, int64_t seconds, bool negate)
      : field_(field),
        is_double_(is_double),
        range_(range),
        relative_(relative),
        seconds_(seconds),
        negate_(negate) {}

  uint64_t KeyAt(const EvalContext& ctx, Row row) const;
  const Roaring& present(const EvalContext& ctx) const;

  FieldId field_;
  bool is_double_;
  KeyRange range_;
  Relative relative_;
  int64_t seconds_;
  bool negate_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_NUMERIC_PREDICATE_H_
