#include "engine/segment_history.h"

#include <algorithm>
#include <limits>

#include "persist/codec.h"

namespace audience {

namespace {
constexpr int64_t kHour = 3600;
}  // namespace

Timestamp BucketStart(Timestamp t, int64_t width) {
  Timestamp q = t / width;
  if (t % width != 0 && t < 0) --q;
  // The earliest times have no aligned start in range: saturate.
  if (q < std::numeric_limits<int64_t>::min() / width) {
    return std::numeric_limits<int64_t>::min();
  }
  return q * width;
}

void SegmentHistory::Record(Timestamp time, uint64_t added, uint64_t removed) {
  if (added == 0 && removed == 0) return;
  const Timestamp start = BucketStart(time, kHour);
  if (hours_.empty() || hours_.back().start < start) {
    hours_.push_back(Hour{start, 0, 0});
  }
  hours_.back().added += added;
  hours_.back().removed += removed;
}

std::vector<HistoryBucket> SegmentHistory::Series(Timestamp from, Timestamp to,
                                                  int64_t width) const {
  std::vector<HistoryBucket> out;
  const Timestamp first = BucketStart(from, width);
  const Timestamp last = BucketStart(to, width);
  out.reserve(static_cast<size_t>((last - first) / width + 1));
  // Members before the first bucket: everything recorded earlier.
  int64_t total = 0;
  auto it = hours_.begin();
  for (; it != hours_.end() && it->start < first; ++it) {
    total +=
        static_cast<int64_t>(it->added) - static_cast<int64_t>(it->removed);
  }
  for (Timestamp start = first;; start += width) {
    HistoryBucket b;
    b.start = start;
    for (; it != hours_.end() && it->start < start + width; ++it) {
      b.added += it->added;
      b.removed += it->removed;
    }
    total += static_cast<int64_t>(b.added) - static_cast<int64_t>(b.removed);
    b.total = static_cast<uint64_t>(std::max<int64_t>(total, 0));
    out.push_back(b);
    if (start == last) break;
  }
  return out;
}

void SegmentHistory::EncodeTo(Encoder& e) const {
  e.Varint(hours_.size());
  for (const Hour& h : hours_) {
    e.Signed(h.start);
    e.Varint(h.added);
    e.Varint(h.removed);
  }
}

void SegmentHistory::DecodeFrom(Decoder& d, uint64_t members) {
  // Counts a real history can hold: a segment has at most 2^32 rows, and
  // no hour sees 2^40 changes; the running total stays in [0, 2^32] and
  // ends at the member count (the class invariant).
  constexpr uint64_t kMaxChanges = uint64_t{1} << 40;
  int64_t total = 0;
  hours_.resize(d.Count(3));
  for (size_t i = 0; i < hours_.size() && d.ok(); ++i) {
    Hour& h = hours_[i];
    h.start = d.Signed();
    h.added = d.Varint();
    h.removed = d.Varint();
    if (h.start != BucketStart(h.start, kHour) ||
        (i > 0 && h.start <= hours_[i - 1].start) || h.added > kMaxChanges ||
        h.removed > kMaxChanges) {
      d.Fail("bad history hour");
      return;
    }
    total += static_cast<int64_t>(h.added) - static_cast<int64_t>(h.removed);
    if (total < 0 || total > (int64_t{1} << 32)) {
      d.Fail("history totals out of range");
      return;
    }
  }
  if (d.ok() && static_cast<uint64_t>(total) != members) {
    d.Fail("history total differs from the member count");
  }
}

}  // namespace audience
