// A compiled condition: narrows a row bitmap (set-at-a-time evaluation) or
// answers for one row (point evaluation for incremental updates and explain).
#ifndef AUDIENCE_FILTER_PREDICATE_H_
#define AUDIENCE_FILTER_PREDICATE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "audience/lead.h"
#include "audience/types.h"
#include "store/lead_store.h"
#include "util/bitmap.h"

namespace audience {

// Read access to other segments' members, for segment conditions.
class SegmentMembership {
 public:
  virtual ~SegmentMembership() = default;
  virtual const Roaring& Members(SegmentId segment) const = 0;
};

struct EvalContext {
  const LeadStore& store;
  Timestamp now = 0;
  const SegmentMembership& segments;
};

// Evaluation order: all index predicates, then code scans, then per-row
// probes (string matching, counted or windowed activity).
enum class CostClass : uint8_t { kIndex = 0, kScan = 1, kProbe = 2 };

// An inclusive range of order keys (see OrderKey); lo > hi is empty.
struct KeyRange {
  uint64_t lo = 1;
  uint64_t hi = 0;
};

// What a predicate reads and which changes can flip its answer, so a change
// finds the segments it may affect (engine/watch_index.h).
struct PredicateReads {
  enum class Watch : uint8_t {
    kAnyChange,     // any change of the field's value
    kPresence,      // the field becoming empty or not
    kRange,         // the value crossing `range`'s bounds
    kTerms,         // one of `terms` (folded) appearing or going
    kRelativeTime,  // the value, or the clock moving past a window edge
    kActivity,      // events of `activity_type` (on `object`)
    kSegment,       // membership of `segment`
  };
  Watch watch = Watch::kAnyChange;
  std::optional<FieldId> field = std::nullopt;
  KeyRange range = {};
  std::vector<std::string> terms = {};
  // kRelativeTime: within_last (else older_than) `seconds`.
  bool within_last = false;
  int64_t seconds = 0;
  // kActivity
  std::optional<std::string> activity_type = std::nullopt;
  std::optional<int64_t> object = std::nullopt;
  std::optional<int64_t> window_days = std::nullopt;
  std::optional<SegmentId> segment = std::nullopt;
  bool clock = false;  // the answer moves with the engine's clock
};

// Thread safety: immutable after construction; safe to share.
class Predicate {
 public:
  virtual ~Predicate() = default;

  // Narrows `rows` to the rows where the condition holds.
  // REQUIRES: rows is a subset of the live rows.
  virtual void Filter(const EvalContext& ctx, Roaring& rows) const = 0;
  // REQUIRES: row is live.
  virtual bool Matches(const EvalContext& ctx, Row row) const = 0;
  // The lead's value the condition reads, as explain shows it.
  virtual Value Observe(const EvalContext& ctx, Row row) const = 0;

  virtual CostClass cost() const = 0;
  // Rows expected to remain out of all live rows; orders index predicates.
  virtual uint64_t Estimate(const EvalContext&) const {
    return std::numeric_limits<uint64_t>::max();
  }
  virtual PredicateReads reads() const = 0;
  // Whether the condition holds for a lead with nothing in what it reads:
  // no value, no events, no membership (the negative operators do).
  virtual bool HoldsWhenEmpty() const = 0;
};

// Keeps the rows in `positive` (negate = false) or the others.
inline void Narrow(Roaring& rows, const Roaring& positive, bool negate) {
  if (negate) {
    rows -= positive;
  } else {
    rows &= positive;
  }
}

}  // namespace audience

#endif  // AUDIENCE_FILTER_PREDICATE_H_
