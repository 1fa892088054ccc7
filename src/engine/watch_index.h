// Which segments may change their answer for a lead when something about
// the lead changes: built from the segments' predicates, it turns a field
// change, an event or a clock advance into the few segments to re-check,
// so the cost of a change follows the segments it can affect, not the
// number defined.
#ifndef AUDIENCE_ENGINE_WATCH_INDEX_H_
#define AUDIENCE_ENGINE_WATCH_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "audience/lead.h"
#include "filter/plan.h"
#include "store/schema.h"

namespace audience {

// Segments to re-check; may hold repeats (cheaper than deduplicating
// here: the re-check skips them).
using SegmentList = std::vector<SegmentId>;

// A relative-time condition as the clock sees it: which rows' answers can
// change when the clock moves depends only on these.
struct ClockWatchKey {
  bool activity = false;  // an activity window, else a timestamp field
  FieldId field = 0;
  std::string type = {};  // event type, for activity
  int64_t seconds = 0;
  bool within_last = true;  // else older_than (fields only)

  friend bool operator==(const ClockWatchKey&, const ClockWatchKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const ClockWatchKey& k) {
    return H::combine(std::move(h), k.activity, k.field, k.type, k.seconds,
                      k.within_last);
  }
};

// Thread safety: none (owned by EngineCore, changed under its writer lock).
class WatchIndex {
 public:
  void Add(SegmentId segment, const Plan& plan);
  void Remove(SegmentId segment, const Plan& plan);

  // Whether any segment reads the field (else its changes need no work).
  bool Watches(FieldId field) const {
    return field < fields_.size() && fields_[field].count > 0;
  }
  // Adds the segments whose answer may flip when `field` (of `type`) goes
  // from `before` to `after`.
  void FieldChanged(FieldId field, FieldType type, const Value& before,
                    const Value& after, SegmentList* out) const;
  // Adds the segments reading events of `type` (on `object`).
  void EventRecorded(std::string_view type, std::optional<int64_t> object,
                     SegmentList* out) const;
  // Segments that hold for a lead with no values and no events, so a new
  // lead must be checked against them whatever its fields.
  const SegmentList& empty_matchers() const { return empty_matchers_; }
  // Relative-time conditions grouped by what they read.
  const absl::flat_hash_map<ClockWatchKey, std::vector<SegmentId>>&
  clock_watches() const {
    return clock_;
  }

  size_t MemoryBytes() const;

 private:
  using Bounds = std::vector<std::pair<uint64_t, SegmentId>>;  // sorted
  struct RangeWatch {
    uint64_t lo;
    uint64_t hi;
    SegmentId segment;
    friend auto operator<=>(const RangeWatch&, const RangeWatch&) = default;
  };
  struct FieldWatch {
    std::vector<SegmentId> any;       // any change of the value
    std::vector<SegmentId> presence;  // empty <-> not empty
    std::vector<RangeWatch> ranges;   // every range, sorted by lo
    Bounds highs;                     // the ranges' high keys, sorted
    absl::flat_hash_map<std::string, std::vector<SegmentId>> terms;
    size_t count = 0;
  };
  struct ActivityWatch {
    std::vector<SegmentId> any_object;
    absl::flat_hash_map<int64_t, std::vector<SegmentId>> by_object;
  };

  // Registers (add) or unregisters one predicate.
  void Update(SegmentId segment, const PredicateReads& reads, bool add);

  std::vector<FieldWatch> fields_;
  absl::flat_hash_map<std::string, ActivityWatch> activities_;
  absl::flat_hash_map<ClockWatchKey, std::vector<SegmentId>> clock_;
  SegmentList empty_matchers_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_WATCH_INDEX_H_
