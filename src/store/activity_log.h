// Activity events per lead, indexed so activity conditions start from the
// rows that ever did the event type (or touched the object) instead of
// scanning every event of every lead.
#ifndef AUDIENCE_STORE_ACTIVITY_LOG_H_
#define AUDIENCE_STORE_ACTIVITY_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "audience/types.h"
#include "util/bitmap.h"

namespace audience {

struct EventRecord {
  Timestamp ts = 0;
  int64_t object = 0;
  uint32_t type = 0;
  bool has_object = false;
};

// Invariants: each row's events are sorted by (type, ts); a row is in
// rows_by_type_[t] iff it has an event of type t, and in
// rows_by_object_[{t, o}] iff it has an event of type t on object o.
class ActivityLog {
 public:
  // Upper bound on distinct event types.
  static constexpr size_t kMaxTypes = 1u << 16;

  // Event type names are case-sensitive.
  uint32_t InternType(std::string_view type);
  std::optional<uint32_t> FindType(std::string_view type) const;
  std::string_view type_name(uint32_t type) const { return type_names_[type]; }
  size_t type_count() const { return type_names_.size(); }

  void Resize(Row rows) {
    if (rows > events_.size()) events_.resize(rows);
  }
  void Add(Row row, uint32_t type, std::optional<int64_t> object, Timestamp ts);
  void ClearRow(Row row);
  // Snapshot restore, rows in ascending order: the row's events, sorted by
  // (type, ts), types below type_count(). The per-type and per-object rows
  // are built in one pass by FinishRestore. REQUIRES: no time index yet.
  void RestoreRow(Row row, std::vector<EventRecord> events);
  void FinishRestore();

  // Rows with at least one event of `type` (on `object`); empty if none.
  const Roaring& RowsWith(uint32_t type) const;
  const Roaring& RowsWith(uint32_t type, int64_t object) const;

  std::span<const EventRecord> EventsOf(Row row) const { return events_[row]; }
  // The row's events of one type, in ts order.
  std::span<const EventRecord> EventsOf(Row row, uint32_t type) const;

  // Keeps the events of `type` ordered by time from now on, for clock
  // advances that ask which events left or entered a window.
  // Concurrent calls for distinct types are safe after ReserveTimeIndexes().
  void EnableTimeIndex(uint32_t type);
  void ReserveTimeIndexes() { by_time_.resize(type_names_.size()); }
  // Events of `type` (all rows).
  uint64_t EventCount(uint32_t type) const;
  bool time_indexed(uint32_t type) const {
    return type < by_time_.size() && by_time_[type] != nullptr;
  }
  // Calls fn(row) for each event of `type` with lo <= ts <= hi (a row once
  // per event). REQUIRES: time_indexed(type).
  template <typename Fn>
  void ForEachEventInRange(uint32_t type, Timestamp lo, Timestamp hi,
                           Fn&& fn) const {
    if (lo > hi) return;
    const auto& index = *by_time_[type];
    for (auto it = index.lower_bound({lo, 0});
         it != index.end() && it->first <= hi; ++it) {
      fn(it->second);
    }
  }

  uint64_t event_count() const { return event_count_; }
  // Without the time indexes, which TimeIndexBytes() reports.
  size_t MemoryBytes() const;
  size_t TimeIndexBytes() const;

 private:
  std::vector<std::string> type_names_;
  absl::flat_hash_map<std::string, uint32_t> type_ids_;
  std::vector<std::vector<EventRecord>> events_;
  std::vector<Roaring> rows_by_type_;
  absl::flat_hash_map<std::pair<uint32_t, int64_t>, Roaring> rows_by_object_;
  std::vector<std::unique_ptr<absl::btree_multiset<std::pair<Timestamp, Row>>>>
      by_time_;
  uint64_t event_count_ = 0;
  std::vector<Row> restored_;  // rows given to RestoreRow, in order
  Roaring empty_;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_ACTIVITY_LOG_H_
