// A segment's membership changes over time, counted per UTC hour: what the
// leads-over-time statistics read. It costs 24 bytes per hour in which the
// segment changed, however many leads changed in that hour.
#ifndef AUDIENCE_ENGINE_SEGMENT_HISTORY_H_
#define AUDIENCE_ENGINE_SEGMENT_HISTORY_H_

#include <cstdint>
#include <vector>

#include "audience/segment.h"
#include "audience/types.h"

namespace audience {

class Encoder;
class Decoder;

// Invariants: hours_ is sorted by start and has no duplicates; the sum of
// added - removed over all hours is the segment's member count (creation
// records the initial members as added).
class SegmentHistory {
 public:
  // Counts changes that happened at `time`. REQUIRES: time is not before
  // the last recorded time (the engine clock never moves backwards).
  void Record(Timestamp time, uint64_t added, uint64_t removed);

  // The buckets of `width` seconds (a multiple of 3600), aligned to the Unix
  // epoch, from the one holding `from` to the one holding `to`.
  // REQUIRES: from <= to.
  std::vector<HistoryBucket> Series(Timestamp from, Timestamp to,
                                    int64_t width) const;

  size_t MemoryBytes() const { return hours_.capacity() * sizeof(Hour); }

  // The snapshot form; DecodeFrom checks the invariants, the total against
  // the segment's `members`.
  void EncodeTo(Encoder& e) const;
  void DecodeFrom(Decoder& d, uint64_t members);

 private:
  struct Hour {
    Timestamp start;
    uint64_t added;
    uint64_t removed;
  };
  std::vector<Hour> hours_;
};

// The start of the bucket of `width` seconds holding `t` (floor, also for
// times before the epoch).
Timestamp BucketStart(Timestamp t, int64_t width);

}  // namespace audience

#endif  // AUDIENCE_ENGINE_SEGMENT_HISTORY_H_
