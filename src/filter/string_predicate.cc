#include "filter/string_predicate.h"

#include <algorithm>
#include <cstdint>

#include "util/text.h"

namespace audience {

StringPredicate::StringPredicate(FieldId field, Match match,
                                 std::vector<std::string> values, bool negate)
    : field_(field), match_(match), negate_(negate) {
  for (const std::string& v : values) folded_.push_back(FoldAscii(v));
  for (const std::string& f : folded_) affix_tests_.push_back(MakeAffixTest(f));
}

StringPredicate::AffixTest StringPredicate::MakeAffixTest(
    const std::string& folded) const {
  AffixTest test;
  const size_t n = std::min<size_t>(4, folded.size());
  const uint64_t needle = StringColumn::Affix(folded);
  const uint64_t prefix_mask =
      n == 4 ? 0xFFFFFFFFull : (uint64_t{1} << (8 * n)) - 1;
  const uint64_t suffix_mask = n == 0 ? 0 : ~uint64_t{0} << (64 - 8 * n);
  switch (match_) {
    case Match::kStartsWith:
      test.mask = prefix_mask;
      break;
    case Match::kEndsWith:
      test.mask = suffix_mask;
      break;
    case Match::kEquals:
      test.mask = prefix_mask | suffix_mask;
      break;
    case Match::kContains:
      return test;  // no affix says anything about the middle
  }
  test.bits = needle & test.mask;
  // A match of 1..4 needle bytes is exact when none is NUL (the padding of
  // short values): those bytes are really the value's first / last ones.
  test.decides = match_ != Match::kEquals && n > 0 && folded.size() <= 4 &&
                 folded.find('\0') == std::string::npos;
  return test;
}

int StringPredicate::AffixVerdict(uint64_t affix) const {
  bool check = false;
  for (const AffixTest& test : affix_tests_) {
    if ((affix & test.mask) != test.bits) continue;
    if (test.decides) return 1;
    check = true;
  }
  return check ? 0 : -1;
}

Roaring StringPredicate::PositiveRows(const StringColumn& column,
                                      const Roaring& rows) const {
  std::vector<uint32_t> positive;
  // Dense candidates are read in order and the hardware prefetcher keeps
  // up; scattered ones go through the batched, prefetching walks.
  const bool dense = rows.cardinality() * 8 >= column.slots().size();
  if (dense) {
    ForEachRow(rows, [&](Row row) {
      int verdict =
          match_ == Match::kContains ? 0 : AffixVerdict(column.affix(row));
      if (verdict > 0 || (verdict == 0 && Positive(column.View(row)))) {
        positive.push_back(row);
      }
    });
    return FromSortedRows(positive);
  }
  auto verify = [&](const Roaring& candidates) {
    column.ForEachValue(candidates, [&](Row row, std::string_view value) {
      if (Positive(value)) positive.push_back(row);
    });
  };
  if (match_ == Match::kContains) {
    verify(rows);
    return FromSortedRows(positive);
  }
  std::vector<uint32_t> decided;
  std::vector<uint32_t> unsure;
  column.ForEachAffix(rows, [&](Row row, uint64_t affix) {
    int verdict = AffixVerdict(affix);
    if (verdict > 0) decided.push_back(row);
    if (verdict == 0) unsure.push_back(row);
  });
  if (!unsure.empty()) verify(FromSortedRows(unsure));
  Roaring result = FromSortedRows(decided);
  if (!positive.empty()) result |= FromSortedRows(positive);
  return result;
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
  Roaring positive = PositiveRows(ctx.store.string_column(field_), rows);
  if (negate_) {
    rows -= positive;
  } else {
    rows.swap(positive);
  }
}

bool StringPredicate::Matches(const EvalContext& ctx, Row row) const {
  return Positive(ctx.store.string_column(field_).View(row)) != negate_;
}

}  // namespace audience
