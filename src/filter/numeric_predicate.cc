#include "filter/numeric_predicate.h"

#include <limits>
#include <memory>

namespace audience {

namespace {

int64_t SaturatingSub(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_sub_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<int64_t>::min()
                 : std::numeric_limits<int64_t>::max();
  }
  return out;
}

}  // namespace

std::unique_ptr<NumericPredicate> NumericPredicate::Fixed(FieldId field,
                                                          bool is_double,
                                                          KeyRange range,
                                                          bool negate) {
  return std::unique_ptr<NumericPredicate>(new NumericPredicate(
      field, is_double, range, Relative::kNone, 0, negate));
}

std::unique_ptr<NumericPredicate> NumericPredicate::WithinLast(
    FieldId field, int64_t seconds) {
  return std::unique_ptr<NumericPredicate>(new NumericPredicate(
      field, false, KeyRange{}, Relative::kWithinLast, seconds, false));
}

std::unique_ptr<NumericPredicate> NumericPredicate::OlderThan(FieldId field,
                                                              int64_t seconds) {
  return std::unique_ptr<NumericPredicate>(new NumericPredicate(
      field, false, KeyRange{}, Relative::kOlderThan, seconds, false));
}

PredicateReads NumericPredicate::reads() const {
  PredicateReads r;
  r.field = field_;
  if (relative_ == Relative::kNone) {
    r.watch = PredicateReads::Watch::kRange;
    r.range = range_;
  } else {
    r.watch = PredicateReads::Watch::kRelativeTime;
    r.within_last = relative_ == Relative::kWithinLast;
    r.seconds = seconds_;
    r.clock = true;
  }
  return r;
}

KeyRange NumericPredicate::RangeAt(Timestamp now) const {
  switch (relative_) {
    case Relative::kNone:
      return range_;
    case Relative::kWithinLast:
      return {OrderKey(SaturatingSub(now, seconds_)), OrderKey(now)};
    case Relative::kOlderThan: {
      int64_t limit = SaturatingSub(now, seconds_);
      if (limit == std::numeric_limits<int64_t>::min()) return KeyRange{};
      return {OrderKey(std::numeric_limits<int64_t>::min()),
              OrderKey(limit - 1)};
    }
  }
  return range_;
}

uint64_t NumericPredicate::KeyAt(const EvalContext& ctx, Row row) const {
  return is_double_ ? ctx.store.double_column(field_).KeyAt(row)
                    : ctx.store.int_column(field_).KeyAt(row);
}

const Roaring& NumericPredicate::present(const EvalContext& ctx) const {
  return ctx.store.column(field_).present();
}

void NumericPredicate::Filter(const EvalContext& ctx, Roaring& rows) const {
  KeyRange range = RangeAt(ctx.now);
  Roaring selected =
      is_double_
          ? ctx.store.double_column(field_).SelectKeys(range.lo, range.hi, rows)
          : ctx.store.int_column(field_).SelectKeys(range.lo, range.hi, rows);
  if (negate_) {
    rows -= selected;
  } else {
    rows.swap(selected);
  }
}

bool NumericPredicate::Matches(const EvalContext& ctx, Row row) const {
  bool positive = false;
  if (present(ctx).contains(row)) {
    KeyRange range = RangeAt(ctx.now);
    uint64_t key = KeyAt(ctx, row);
    positive = key >= range.lo && key <= range.hi;
  }
  return positive != negate_;
}

Value NumericPredicate::Observe(const EvalContext& ctx, Row row) const {
  return ctx.store.GetValue(row, field_);
}

}  // namespace audience
