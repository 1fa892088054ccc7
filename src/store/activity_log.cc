#include "store/activity_log.h"

#include <algorithm>

#include "util/radix_sort.h"
#include "util/text.h"

namespace audience {

namespace {
bool ByTypeThenTs(const EventRecord& a, const EventRecord& b) {
  return a.type != b.type ? a.type < b.type : a.ts < b.ts;
}
}  // namespace

uint32_t ActivityLog::InternType(std::string_view type) {
  auto [it, inserted] = type_ids_.try_emplace(
      std::string(type), static_cast<uint32_t>(type_names_.size()));
  if (inserted) {
    type_names_.emplace_back(type);
    rows_by_type_.emplace_back();
  }
  return it->second;
}

std::optional<uint32_t> ActivityLog::FindType(std::string_view type) const {
  auto it = type_ids_.find(AbslView(type));
  if (it == type_ids_.end()) return std::nullopt;
  return it->second;
}

void ActivityLog::Add(Row row, uint32_t type, std::optional<int64_t> object,
                      Timestamp ts) {
  EventRecord record{ts, object.value_or(0), type, object.has_value()};
  std::vector<EventRecord>& events = events_[row];
  events.insert(
      std::upper_bound(events.begin(), events.end(), record, ByTypeThenTs),
      record);
  rows_by_type_[type].add(row);
  if (object) rows_by_object_[{type, *object}].add(row);
  if (time_indexed(type)) by_time_[type]->insert({ts, row});
  ++event_count_;
}

void ActivityLog::ClearRow(Row row) {
  if (row >= events_.size()) return;
  std::vector<EventRecord>& events = events_[row];
  for (const EventRecord& e : events) {
    rows_by_type_[e.type].remove(row);
    if (time_indexed(e.type)) {
      auto& index = *by_time_[e.type];
      auto it = index.find({e.ts, row});
      if (it != index.end()) index.erase(it);
    }
    if (e.has_object) {
      auto it = rows_by_object_.find(std::make_pair(e.type, e.object));
      if (it != rows_by_object_.end()) {
        it->second.remove(row);
        if (it->second.isEmpty()) rows_by_object_.erase(it);
      }
    }
  }
  event_count_ -= events.size();
  std::vector<EventRecord>().swap(events);
}

void ActivityLog::EnableTimeIndex(uint32_t type) {
  if (time_indexed(type)) return;
  if (by_time_.size() <= type) by_time_.resize(type + 1);
  std::vector<std::pair<Timestamp, Row>> entries;
  ForEachRow(rows_by_type_[type], [&](Row row) {
    for (const EventRecord& e : EventsOf(row, type)) {
      entries.emplace_back(e.ts, row);
    }
  });
  // Sorted first, so the btree fills at its end. Entries come in row order
  // and a stable sort by time keeps that order among equal times.
  RadixSort(entries, [](const std::pair<Timestamp, Row>& e) {
    return static_cast<uint64_t>(e.first) ^ (uint64_t{1} << 63);
  });
  by_time_[type] =
      std::make_unique<absl::btree_multiset<std::pair<Timestamp, Row>>>(
          entries.begin(), entries.end());
}

uint64_t ActivityLog::EventCount(uint32_t type) const {
  uint64_t n = 0;
  ForEachRow(RowsWith(type), [&](Row row) { n += EventsOf(row, type).size(); });
  return n;
}

size_t ActivityLog::TimeIndexBytes() const {
  // A btree node holds its 12-byte entries with ~1/3 slack.
  size_t bytes = 0;
  for (const auto& index : by_time_) {
    if (index != nullptr) bytes += index->size() * 18;
  }
  return bytes;
}

const Roaring& ActivityLog::RowsWith(uint32_t type) const {
  return type < rows_by_type_.size() ? rows_by_type_[type] : empty_;
}

const Roaring& ActivityLog::RowsWith(uint32_t type, int64_t object) const {
  auto it = rows_by_object_.find(std::make_pair(type, object));
  return it == rows_by_object_.end() ? empty_ : it->second;
}

std::span<const EventRecord> ActivityLog::EventsOf(Row row,
                                                   uint32_t type) const {
  const std::vector<EventRecord>& events = events_[row];
  auto first = std::lower_bound(
      events.begin(), events.end(), type,
      [](const EventRecord& e, uint32_t t) { return e.type < t; });
  auto last = std::upper_bound(
      first, events.end(), type,
      [](uint32_t t, const EventRecord& e) { return t < e.type; });
  return {first, last};
}

size_t ActivityLog::MemoryBytes() const {
  size_t bytes = events_.capacity() * sizeof(std::vector<EventRecord>);
  for (const auto& e : events_) bytes += e.capacity() * sizeof(EventRecord);
  for (const Roaring& r : rows_by_type_) bytes += BitmapBytes(r);
  for (const auto& [key, r] : rows_by_object_) {
    bytes += sizeof(key) + sizeof(Roaring) + BitmapBytes(r);
  }
  return bytes;
}

void ActivityLog::RestoreRow(Row row, std::vector<EventRecord> events) {
  event_count_ += events.size();
  events_[row] = std::move(events);
  restored_.push_back(row);
}

void ActivityLog::FinishRestore() {
  // Rows arrive ascending, so each list is sorted and bitmaps are built a
  // container at a time.
  std::vector<std::vector<uint32_t>> by_type(type_names_.size());
  absl::flat_hash_map<std::pair<uint32_t, int64_t>, std::vector<uint32_t>>
      by_object;
  for (Row row : restored_) {
    for (const EventRecord& e : events_[row]) {
      std::vector<uint32_t>& rows = by_type[e.type];
      if (rows.empty() || rows.back() != row) rows.push_back(row);
      if (e.has_object) {
        std::vector<uint32_t>& objects = by_object[{e.type, e.object}];
        if (objects.empty() || objects.back() != row) objects.push_back(row);
      }
    }
  }
  for (uint32_t t = 0; t < by_type.size(); ++t) {
    AddSortedRows(by_type[t].data(), by_type[t].size(), &rows_by_type_[t]);
  }
  for (auto& [key, rows] : by_object) {
    AddSortedRows(rows.data(), rows.size(), &rows_by_object_[key]);
  }
  std::vector<Row>().swap(restored_);
}

}  // namespace audience
