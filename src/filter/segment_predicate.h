// member / not_member of another segment: that segment's member bitmap
// (manual overrides included).
#ifndef AUDIENCE_FILTER_SEGMENT_PREDICATE_H_
#define AUDIENCE_FILTER_SEGMENT_PREDICATE_H_

#include "filter/predicate.h"

namespace audience {

class SegmentPredicate final : public Predicate {
 public:
  SegmentPredicate(SegmentId segment, bool negate)
      : segment_(segment), negate_(negate) {}

  SegmentId segment() const { return segment_; }

  void Filter(const EvalContext& ctx, Roaring& rows) const override {
    Narrow(rows, ctx.segments.Members(segment_), negate_);
  }
  bool Matches(const EvalContext& ctx, Row row) const override {
    return ctx.segments.Members(segment_).contains(row) != negate_;
  }
  Value Observe(const EvalContext& ctx, Row row) const override {
    return ctx.segments.Members(segment_).contains(row);
  }
  CostClass cost() const override { return CostClass::kIndex; }
  uint64_t Estimate(const EvalContext& ctx) const override {
    uint64_t members = ctx.segments.Members(segment_).cardinality();
    uint64_t live = ctx.store.live().cardinality();
    return negate_ ? live - std::min(members, live) : members;
  }
  bool HoldsWhenEmpty() const override { return negate_; }
  PredicateReads reads() const override {
    return {.watch = PredicateReads::Watch::kSegment, .segment = segment_};
  }

 private:
  SegmentId segment_;
  bool negate_;
};

}  // namespace audience

#endif  // AUDIENCE_FILTER_SEGMENT_PREDICATE_H_
