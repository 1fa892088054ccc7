#include "filter/plan.h"

#include <algorithm>
#include <numeric>

namespace audience {

Plan::Plan(std::vector<std::unique_ptr<Predicate>> predicates)
    : predicates_(std::move(predicates)) {
  point_order_.resize(predicates_.size());
  std::iota(point_order_.begin(), point_order_.end(), 0);
  std::stable_sort(point_order_.begin(), point_order_.end(),
                   [&](size_t a, size_t b) {
                     return predicates_[a]->cost() < predicates_[b]->cost();
                   });
  for (const auto& p : predicates_) reads_clock_ |= p->reads().clock;
}

std::vector<size_t> Plan::Order(const EvalContext& ctx) const {
  std::vector<std::pair<std::pair<CostClass, uint64_t>, size_t>> keyed;
  keyed.reserve(predicates_.size());
  for (size_t i = 0; i < predicates_.size(); ++i) {
    const Predicate& p = *predicates_[i];
    uint64_t estimate =
        p.cost() == CostClass::kIndex ? p.Estimate(ctx) : uint64_t{0};
    keyed.push_back({{p.cost(), estimate}, i});
  }
  std::stable_sort(
      keyed.begin(), keyed.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<size_t> order;
  order.reserve(keyed.size());
  for (const auto& k : keyed) order.push_back(k.second);
  return order;
}

Roaring Plan::Evaluate(const EvalContext& ctx) const {
  return EvaluateWithin(ctx, ctx.store.live());
}

Roaring Plan::EvaluateWithin(const EvalContext& ctx, Roaring rows) const {
  if (predicates_.empty()) return Roaring();
  for (size_t i : Order(ctx)) {
    if (rows.isEmpty()) break;
    predicates_[i]->Filter(ctx, rows);
  }
  return rows;
}

bool Plan::Matches(const EvalContext& ctx, Row row) const {
  if (predicates_.empty()) return false;
  for (size_t i : point_order_) {
    if (!predicates_[i]->Matches(ctx, row)) return false;
  }
  return true;
}

}  // namespace audience
