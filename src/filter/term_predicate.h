// Conditions answered by a term index: keyword eq / neq / in / not_in and
// tags has / not_has / has_any / has_all / has_none.
#ifndef AUDIENCE_FILTER_TERM_PREDICATE_H_
#define AUDIENCE_FILTER_TERM_PREDICATE_H_

#include <string>
#include <vector>

#include "filter/predicate.h"

namespace audience {

class TermPredicate final : public Predicate {
 public:
  // kAny: the value is (or the tags include) one of the terms; kAll: the
  // tags include all of them. negate flips the answer (empty values match).
  enum class Mode : uint8_t { kAny, kAll };

  // REQUIRES: `field` is a keyword or tags field; kAll only for tags.
  TermPredicate(FieldId field, bool is_tags, std::vector<std::string> values,
                Mode mode, bool negate);

  void Filter(const EvalContext& ctx, Roaring& rows) const override;
  bool Matches(const EvalContext& ctx, Row row) const override;
  Value Observe(const EvalContext& ctx, Row row) const override;
  CostClass cost() const override { return CostClass::kIndex; }
  uint64_t Estimate(const EvalContext& ctx) const override;
  bool HoldsWhenEmpty() const override { return negate_; }
  PredicateReads reads() const override {
    return {.watch = PredicateReads::Watch::kTerms,
            .field = field_,
            .terms = folded_};
  }

 private:
  const TermDictionary& dictionary(const EvalContext& ctx) const;
  const Roaring& postings(const EvalContext& ctx, uint32_t term) const;
  // The terms of values_ that exist; `missing` tells whether any does not.
  std::vector<uint32_t> Terms(const EvalContext& ctx, bool* missing) const;
  Roaring Positive(const EvalContext& ctx) const;

  FieldId field_;
  bool is_tags_;
  std::vector<std::string> folded_;  // distinct, case-folded
  Mode mode_;
  bool negate_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_TERM_PREDICATE_H_
