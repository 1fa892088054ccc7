// A segment's compiled filters: a tree whose leaves are predicates (in
// definition order, depth first) and whose groups combine them (design.md
// §2.1). Evaluation works on row bitmaps: an AND narrows in place, its
// children cheapest and most selective first with early exit on empty; an
// OR unions its children's answers, index and scan children on all its
// rows, per-row probes only on the rows no cheaper child matched; a NOT
// subtracts its child from the rows it was given. So an expensive
// predicate under an AND, an OR or a NOT only sees the candidates the
// cheaper ones left. A flat plan (no groups) evaluates exactly as before.
#ifndef AUDIENCE_FILTER_PLAN_H_
#define AUDIENCE_FILTER_PLAN_H_

#include <memory>
#include <vector>

#include "filter/predicate.h"

namespace audience {

// Thread safety: immutable after construction; safe to share.
class Plan {
 public:
  // One node of the tree.
  struct Node {
    enum class Kind : uint8_t { kLeaf, kAll, kAny, kNot };
    Kind kind = Kind::kLeaf;
    size_t leaf = 0;  // kLeaf: its index in predicates()
    std::vector<Node> children;
    // Filled by the Plan: the costliest predicate below, and the children
    // in point-evaluation order (cheapest first).
    CostClass cost = CostClass::kIndex;
    std::vector<size_t> point_order;
  };

  Plan() = default;
  // Every predicate must hold (the filters of a segment without groups).
  explicit Plan(std::vector<std::unique_ptr<Predicate>> predicates);
  // `top` holds the top-level conditions, all of which must hold; its leaves
  // index `predicates`, which are in definition order.
  Plan(std::vector<std::unique_ptr<Predicate>> predicates,
       std::vector<Node> top);

  // The rows matching the filters; none for an empty plan (a segment
  // without filters is a manual list).
  Roaring Evaluate(const EvalContext& ctx) const;
  // The rows of `candidates` matching the filters.
  // REQUIRES: candidates is a subset of the live rows.
  Roaring EvaluateWithin(const EvalContext& ctx, Roaring candidates) const;
  // Point evaluation of one live row.
  bool Matches(const EvalContext& ctx, Row row) const;
  // Whether `node` holds for the row (explain).
  bool NodeMatches(const EvalContext& ctx, const Node& node, Row row) const;

  // The leaves, in definition order (depth first).
  const std::vector<std::unique_ptr<Predicate>>& predicates() const {
    return predicates_;
  }
  // The top-level conditions.
  const std::vector<Node>& top() const { return top_; }
  bool empty() const { return predicates_.empty(); }
  bool flat() const { return flat_; }
  // Whether any predicate's answer moves with the clock.
  bool reads_clock() const { return reads_clock_; }
  // Whether the filters hold for a lead with nothing in what they read (no
  // values, events or memberships); false for an empty plan.
  bool HoldsWhenEmpty() const;

 private:
  void Prepare(Node& node);
  // Children of an AND (the top level or a group) in evaluation order for
  // the data as it is now.
  std::vector<size_t> Order(const EvalContext& ctx,
                            const std::vector<Node>& nodes) const;
  void NarrowAll(const EvalContext& ctx, const std::vector<Node>& nodes,
                 Roaring& rows) const;
  Roaring EvaluateNode(const EvalContext& ctx, const Node& node,
                       Roaring rows) const;
  bool EmptyHolds(const Node& node) const;

  std::vector<std::unique_ptr<Predicate>> predicates_;
  std::vector<Node> top_;
  std::vector<size_t> point_order_;  // top_ by cost class only
  bool flat_ = true;
  bool reads_clock_ = false;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_PLAN_H_
