// did / did_not an activity: optionally of one object, at least n times,
// within the last d days.
#ifndef AUDIENCE_FILTER_ACTIVITY_PREDICATE_H_
#define AUDIENCE_FILTER_ACTIVITY_PREDICATE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "filter/predicate.h"

namespace audience {

class ActivityPredicate final : public Predicate {
 public:
  ActivityPredicate(std::string type, std::optional<int64_t> object,
                    int64_t at_least, std::optional<int64_t> within_days,
                    bool negate);

  void Filter(const EvalContext& ctx, Roaring& rows) const override;
  bool Matches(const EvalContext& ctx, Row row) const override;
  // The number of qualifying events.
  Value Observe(const EvalContext& ctx, Row row) const override;
  // Without a count or window the type / object index answers alone.
  CostClass cost() const override {
    return simple() ? CostClass::kIndex : CostClass::kProbe;
  }
  uint64_t Estimate(const EvalContext& ctx) const override;
  bool HoldsWhenEmpty() const override { return negate_; }
  PredicateReads reads() const override {
    return {.watch = PredicateReads::Watch::kActivity,
            .activity_type = type_,
            .object = object_,
            .window_days = within_days_,
            .clock = within_days_.has_value()};
  }

 private:
  bool simple() const { return at_least_ == 1 && !within_days_; }
  // Rows with any event of the type (and object); empty if none.
  const Roaring& Candidates(const EvalContext& ctx) const;
  int64_t CountQualifying(const EvalContext& ctx, Row row) const;

  std::string type_;
  std::optional<int64_t> object_;
  int64_t at_least_;
  std::optional<int64_t> within_days_;
  bool negate_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_ACTIVITY_PREDICATE_H_
