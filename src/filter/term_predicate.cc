#include "filter/term_predicate.h"

#include <algorithm>

#include "util/text.h"

namespace audience {

TermPredicate::TermPredicate(FieldId field, bool is_tags,
                             std::vector<std::string> values, Mode mode,
                             bool negate)
    : field_(field), is_tags_(is_tags), mode_(mode), negate_(negate) {
  for (std::string& v : values) folded_.push_back(FoldAscii(v));
  std::sort(folded_.begin(), folded_.end());
  folded_.erase(std::unique(folded_.begin(), folded_.end()), folded_.end());
}

const TermDictionary& TermPredicate::dictionary(const EvalContext& ctx) const {
  return is_tags_ ? ctx.store.tag_column(field_).dictionary()
                  : ctx.store.keyword_column(field_).dictionary();
}

const Roaring& TermPredicate::postings(const EvalContext& ctx,
                                       uint32_t term) const {
  return is_tags_ ? ctx.store.tag_column(field_).postings(term)
                  : ctx.store.keyword_column(field_).postings(term);
}

std::vector<uint32_t> TermPredicate::Terms(const EvalContext& ctx,
                                           bool* missing) const {
  std::vector<uint32_t> terms;
  *missing = false;
  const TermDictionary& dict = dictionary(ctx);
  for (const std::string& value : folded_) {
    std::optional<uint32_t> term = dict.FindTerm(value);
    if (term) {
      terms.push_back(*term);
    } else {
      *missing = true;
    }
  }
  return terms;
}

Roaring TermPredicate::Positive(const EvalContext& ctx) const {
  bool missing;
  std::vector<uint32_t> terms = Terms(ctx, &missing);
  if (terms.empty() || (mode_ == Mode::kAll && missing)) return Roaring();
  if (mode_ == Mode::kAll) {
    // Smallest first: the running intersection only shrinks.
    std::sort(terms.begin(), terms.end(), [&](uint32_t a, uint32_t b) {
      return postings(ctx, a).cardinality() < postings(ctx, b).cardinality();
    });
    Roaring result = postings(ctx, terms[0]);
    for (size_t i = 1; i < terms.size() && !result.isEmpty(); ++i) {
      result &= postings(ctx, terms[i]);
    }
    return result;
  }
  if (terms.size() == 1) return postings(ctx, terms[0]);
  std::vector<const Roaring*> inputs;
  for (uint32_t t : terms) inputs.push_back(&postings(ctx, t));
  return Roaring::fastunion(inputs.size(), inputs.data());
}

void TermPredicate::Filter(const EvalContext& ctx, Roaring& rows) const {
  bool missing;
  std::vector<uint32_t> terms = Terms(ctx, &missing);
  // A lone existing term needs no copy of its postings.
  if (terms.size() == 1 && !(mode_ == Mode::kAll && missing)) {
    Narrow(rows, postings(ctx, terms[0]), negate_);
    return;
  }
  Narrow(rows, Positive(ctx), negate_);
}

bool TermPredicate::Matches(const EvalContext& ctx, Row row) const {
  // One value (eq, has, a one-item list): a lookup, no allocation; point
  // evaluation runs for every segment a change re-checks.
  if (folded_.size() == 1) {
    std::optional<uint32_t> term = dictionary(ctx).FindTerm(folded_[0]);
    bool positive = false;
    if (term) {
      positive = is_tags_
                     ? ctx.store.tag_column(field_).HasTerm(row, *term)
                     : ctx.store.keyword_column(field_).TermAt(row) == term;
    }
    return positive != negate_;
  }
  bool missing;
  std::vector<uint32_t> terms = Terms(ctx, &missing);
  bool positive;
  if (is_tags_) {
    const TagColumn& column = ctx.store.tag_column(field_);
    if (mode_ == Mode::kAll) {
      positive = !missing && !terms.empty() &&
                 std::all_of(terms.begin(), terms.end(), [&](uint32_t t) {
                   return column.HasTerm(row, t);
                 });
    } else {
      positive = std::any_of(terms.begin(), terms.end(), [&](uint32_t t) {
        return column.HasTerm(row, t);
      });
    }
  } else {
    std::optional<uint32_t> term = ctx.store.keyword_column(field_).TermAt(row);
    positive =
        term && std::find(terms.begin(), terms.end(), *term) != terms.end();
  }
  return positive != negate_;
}

Value TermPredicate::Observe(const EvalContext& ctx, Row row) const {
  return ctx.store.GetValue(row, field_);
}

uint64_t TermPredicate::Estimate(const EvalContext& ctx) const {
  bool missing;
  uint64_t positive = 0;
  for (uint32_t t : Terms(ctx, &missing)) {
    uint64_t n = postings(ctx, t).cardinality();
    positive = mode_ == Mode::kAll ? (positive == 0 ? n : std::min(positive, n))
                                   : positive + n;
  }
  uint64_t live = ctx.store.live().cardinality();
  positive = std::min(positive, live);
  return negate_ ? live - positive : positive;
}

}  // namespace audience
