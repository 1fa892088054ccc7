// Conditions on free-text fields, checked row by row on the candidates the
// cheaper conditions left: eq / in / contains / starts_with / ends_with and
// their negations, all ignoring ASCII case.
#ifndef AUDIENCE_FILTER_STRING_PREDICATE_H_
#define AUDIENCE_FILTER_STRING_PREDICATE_H_

#include <string>
#include <vector>

#include "filter/predicate.h"

namespace audience {

class StringPredicate final : public Predicate {
 public:
  enum class Match : uint8_t { kEquals, kContains, kStartsWith, kEndsWith };

  // Holds when the value matches any of `values` (one for all but in /
  // not_in); negate flips it, so empty values match negations.
  StringPredicate(FieldId field, Match match, std::vector<std::string> values,
                  bool negate);

  void Filter(const EvalContext& ctx, Roaring& rows) const override;
  bool Matches(const EvalContext& ctx, Row row) const override;
  Value Observe(const EvalContext& ctx, Row row) const override {
    return ctx.store.GetValue(row, field_);
  }
  CostClass cost() const override { return CostClass::kProbe; }
  bool HoldsWhenEmpty() const override { return negate_; }
  PredicateReads reads() const override { return {.field = field_}; }

 private:
  // A needle's test on a row's affix word (StringColumn::Affix): rows whose
  // masked affix differs cannot match; when `decides`, rows whose masked
  // affix equals `bits` match without reading the value.
  struct AffixTest {
    uint64_t mask = 0;
    uint64_t bits = 0;
    bool decides = false;
  };
  AffixTest MakeAffixTest(const std::string& folded) const;
  // 1: some needle matches for sure; -1: none can; 0: read the value.
  int AffixVerdict(uint64_t affix) const;
  bool Positive(std::string_view value) const;
  // The rows of `rows` whose value matches (the positive operator).
  Roaring PositiveRows(const StringColumn& column, const Roaring& rows) const;

  FieldId field_;
  Match match_;
  std::vector<std::string> folded_;
  std::vector<AffixTest> affix_tests_;  // one per needle
  bool negate_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_STRING_PREDICATE_H_
