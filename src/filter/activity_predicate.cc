#include "filter/activity_predicate.h"

#include <algorithm>
#include <limits>

namespace audience {

ActivityPredicate::ActivityPredicate(std::string type,
                                     std::optional<int64_t> object,
                                     int64_t at_least,
                                     std::optional<int64_t> within_days,
                                     bool negate)
    : type_(std::move(type)),
      object_(object),
      at_least_(at_least),
      within_days_(within_days),
      negate_(negate) {}

const Roaring& ActivityPredicate::Candidates(const EvalContext& ctx) const {
  static const Roaring kNone;
  const ActivityLog& log = ctx.store.activity();
  std::optional<uint32_t> type = log.FindType(type_);
  if (!type) return kNone;
  return object_ ? log.RowsWith(*type, *object_) : log.RowsWith(*type);
}

int64_t ActivityPredicate::CountQualifying(const EvalContext& ctx,
                                           Row row) const {
  const ActivityLog& log = ctx.store.activity();
  std::optional<uint32_t> type = log.FindType(type_);
  if (!type) return 0;
  std::span<const EventRecord> events = log.EventsOf(row, *type);
  if (within_days_) {
    // The within_last window: now - d days <= ts <= now. Events are in ts
    // order within a type.
    int64_t span = *within_days_ * kSecondsPerDay;
    int64_t from = ctx.now < std::numeric_limits<int64_t>::min() + span
                       ? std::numeric_limits<int64_t>::min()
                       : ctx.now - span;
    auto first = std::lower_bound(
        events.begin(), events.end(), from,
        [](const EventRecord& e, int64_t t) { return e.ts < t; });
    auto last = std::upper_bound(
        first, events.end(), ctx.now,
        [](int64_t t, const EventRecord& e) { return t < e.ts; });
    events = std::span<const EventRecord>(first, last);
  }
  if (!object_) return static_cast<int64_t>(events.size());
  return std::count_if(events.begin(), events.end(), [&](const EventRecord& e) {
    return e.has_object && e.object == *object_;
  });
}

void ActivityPredicate::Filter(const EvalContext& ctx, Roaring& rows) const {
  const Roaring& candidates = Candidates(ctx);
  if (simple()) {
    Narrow(rows, candidates, negate_);
    return;
  }
  Roaring positive = rows & candidates;
  positive = FilterRows(positive, [&](Row row) {
    return CountQualifying(ctx, row) >= at_least_;
  });
  Narrow(rows, positive, negate_);
}

bool ActivityPredicate::Matches(const EvalContext& ctx, Row row) const {
  bool positive = simple() ? Candidates(ctx).contains(row)
                           : CountQualifying(ctx, row) >= at_least_;
  return positive != negate_;
}

Value ActivityPredicate::Observe(const EvalContext& ctx, Row row) const {
  return CountQualifying(ctx, row);
}

uint64_t ActivityPredicate::Estimate(const EvalContext& ctx) const {
  uint64_t positive = Candidates(ctx).cardinality();
  return negate_ ? ctx.store.live().cardinality() - positive : positive;
}

}  // namespace audience
