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
  PredicateReads reads() const override { return {.field = field_}; }

 private:
  bool Positive(std::string_view value) const;

  FieldId field_;
  Match match_;
  std::vector<std::string> folded_;
  bool negate_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_STRING_PREDICATE_H_
