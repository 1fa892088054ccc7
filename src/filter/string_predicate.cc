#include "filter/string_predicate.h"

#include <algorithm>

#include "util/text.h"

namespace audience {

StringPredicate::StringPredicate(FieldId field, Match match,
                                 std::vector<std::string> values, bool negate)
    : field_(field), match_(match), negate_(negate) {
  for (const std::string& v : values) folded_.push_back(FoldAscii(v));
}

bool StringPredicate::Positive(std::string_view value) const {
  if (value.empty()) return false;  // positive operators never match empty
  return std::any_of(folded_.begin(), folded_.end(), [&](const std::string& f) {
    switch (match_) {
      case Match::kEquals:
        return EqualsFolded(value, f);
      case Match::kContains:
        return ContainsFolded(value, f);
      case Match::kStartsWith:
        return StartsWithFolded(value, f);
      case Match::kEndsWith:
        return EndsWithFolded(value, f);
    }
    return false;
  });
}

void StringPredicate::Filter(const EvalContext& ctx, Roaring& rows) const {
  const StringColumn& column = ctx.store.string_column(field_);
  rows = FilterRows(
      rows, [&](Row row) { return Positive(column.View(row)) != negate_; });
}

bool StringPredicate::Matches(const EvalContext& ctx, Row row) const {
  return Positive(ctx.store.string_column(field_).View(row)) != negate_;
}

}  // namespace audience
