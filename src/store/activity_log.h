// Activity events per lead, indexed so activity conditions start from the
// rows that ever did the event type (or touched the object) instead of
// scanning every event of every lead.
#ifndef AUDIENCE_STORE_ACTIVITY_LOG_H_
#define AUDIENCE_STORE_ACTIVITY_LOG_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

  // Rows with at least one event of `type` (on `object`); empty if none.
  const Roaring& RowsWith(uint32_t type) const;
  const Roaring& RowsWith(uint32_t type, int64_t object) const;

  std::span<const EventRecord> EventsOf(Row row) const { return events_[row]; }
  // The row's events of one type, in ts order.
  std::span<const EventRecord> EventsOf(Row row, uint32_t type) const;

  uint64_t event_count() const { return event_count_; }
  size_t MemoryBytes() const;

 private:
  std::vector<std::string> type_names_;
  absl::flat_hash_map<std::string, uint32_t> type_ids_;
  std::vector<std::vector<EventRecord>> events_;
  std::vector<Roaring> rows_by_type_;
  absl::flat_hash_map<std::pair<uint32_t, int64_t>, Roaring> rows_by_object_;
  uint64_t event_count_ = 0;
  Roaring empty_;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_ACTIVITY_LOG_H_
