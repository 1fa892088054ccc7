#include "filter/plan.h"

#include <algorithm>
#include <numeric>

namespace audience {

namespace {

std::vector<size_t> ByCost(const std::vector<Plan::Node>& nodes) {
  std::vector<size_t> order(nodes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return nodes[a].cost < nodes[b].cost;
  });
  return order;
}

}  // namespace

Plan::Plan(std::vector<std::unique_ptr<Predicate>> predicates)
    : predicates_(std::move(predicates)) {
  top_.resize(predicates_.size());
  for (size_t i = 0; i < top_.size(); ++i) top_[i].leaf = i;
  for (Node& node : top_) Prepare(node);
  point_order_ = ByCost(top_);
  for (const auto& p : predicates_) reads_clock_ |= p->reads().clock;
}

Plan::Plan(std::vector<std::unique_ptr<Predicate>> predicates,
           std::vector<Node> top)
    : predicates_(std::move(predicates)), top_(std::move(top)) {
  for (Node& node : top_) {
    Prepare(node);
    flat_ &= node.kind == Node::Kind::kLeaf;
  }
  point_order_ = ByCost(top_);
  for (const auto& p : predicates_) reads_clock_ |= p->reads().clock;
}

void Plan::Prepare(Node& node) {
  if (node.kind == Node::Kind::kLeaf) {
    node.cost = predicates_[node.leaf]->cost();
    return;
  }
  node.cost = CostClass::kIndex;
  for (Node& child : node.children) {
    Prepare(child);
    node.cost = std::max(node.cost, child.cost);
  }
  node.point_order = ByCost(node.children);
}

std::vector<size_t> Plan::Order(const EvalContext& ctx,
                                const std::vector<Node>& nodes) const {
  // Index leaves by estimated size; a group goes after the leaves of its
  // cost class (its size is not known before it runs).
  std::vector<std::pair<std::pair<CostClass, uint64_t>, size_t>> keyed;
  keyed.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    uint64_t estimate = 0;
    if (n.kind != Node::Kind::kLeaf) {
      estimate = UINT64_MAX;
    } else if (n.cost == CostClass::kIndex) {
      estimate = predicates_[n.leaf]->Estimate(ctx);
    }
    keyed.push_back({{n.cost, estimate}, i});
  }
  std::stable_sort(
      keyed.begin(), keyed.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<size_t> order;
  order.reserve(keyed.size());
  for (const auto& k : keyed) order.push_back(k.second);
  return order;
}

void Plan::NarrowAll(const EvalContext& ctx, const std::vector<Node>& nodes,
                     Roaring& rows) const {
  for (size_t i : Order(ctx, nodes)) {
    if (rows.isEmpty()) return;
    const Node& n = nodes[i];
    if (n.kind == Node::Kind::kLeaf) {
      predicates_[n.leaf]->Filter(ctx, rows);
    } else {
      rows = EvaluateNode(ctx, n, std::move(rows));
    }
  }
}

Roaring Plan::EvaluateNode(const EvalContext& ctx, const Node& node,
                           Roaring rows) const {
  switch (node.kind) {
    case Node::Kind::kLeaf:
      predicates_[node.leaf]->Filter(ctx, rows);
      return rows;
    case Node::Kind::kAll:
      NarrowAll(ctx, node.children, rows);
      return rows;
    case Node::Kind::kAny: {
      // Index and scan children run on all the rows and their answers are
      // unioned; a per-row probe runs only on the rows no earlier child
      // matched (children come cheapest first), so an expensive condition
      // sees as few rows as the cheap ones leave.
      Roaring matched;
      for (size_t i : Order(ctx, node.children)) {
        const Node& child = node.children[i];
        if (child.cost == CostClass::kProbe) {
          Roaring rest = rows - matched;
          if (rest.isEmpty()) break;
          matched |= EvaluateNode(ctx, child, std::move(rest));
        } else {
          matched |= EvaluateNode(ctx, child, rows);
        }
      }
      return matched;
    }
    case Node::Kind::kNot: {
      Roaring held = EvaluateNode(ctx, node.children.front(), rows);
      rows -= held;
      return rows;
    }
  }
  return rows;
}

Roaring Plan::Evaluate(const EvalContext& ctx) const {
  return EvaluateWithin(ctx, ctx.store.live());
}

Roaring Plan::EvaluateWithin(const EvalContext& ctx, Roaring rows) const {
  if (predicates_.empty()) return Roaring();
  NarrowAll(ctx, top_, rows);
  return rows;
}

bool Plan::NodeMatches(const EvalContext& ctx, const Node& node,
                       Row row) const {
  switch (node.kind) {
    case Node::Kind::kLeaf:
      return predicates_[node.leaf]->Matches(ctx, row);
    case Node::Kind::kAll:
      for (size_t i : node.point_order) {
        if (!NodeMatches(ctx, node.children[i], row)) return false;
      }
      return true;
    case Node::Kind::kAny:
      for (size_t i : node.point_order) {
        if (NodeMatches(ctx, node.children[i], row)) return true;
      }
      return false;
    case Node::Kind::kNot:
      return !NodeMatches(ctx, node.children.front(), row);
  }
  return false;
}

bool Plan::Matches(const EvalContext& ctx, Row row) const {
  if (predicates_.empty()) return false;
  for (size_t i : point_order_) {
    if (!NodeMatches(ctx, top_[i], row)) return false;
  }
  return true;
}

bool Plan::EmptyHolds(const Node& node) const {
  switch (node.kind) {
    case Node::Kind::kLeaf:
      return predicates_[node.leaf]->HoldsWhenEmpty();
    case Node::Kind::kAll:
      return std::all_of(node.children.begin(), node.children.end(),
                         [&](const Node& c) { return EmptyHolds(c); });
    case Node::Kind::kAny:
      return std::any_of(node.children.begin(), node.children.end(),
                         [&](const Node& c) { return EmptyHolds(c); });
    case Node::Kind::kNot:
      return !EmptyHolds(node.children.front());
  }
  return false;
}

bool Plan::HoldsWhenEmpty() const {
  if (predicates_.empty()) return false;
  return std::all_of(top_.begin(), top_.end(),
                     [&](const Node& n) { return EmptyHolds(n); });
}

}  // namespace audience
