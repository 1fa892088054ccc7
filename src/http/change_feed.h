// The membership changes behind GET /v1/changes (design.md §9): a bounded
// buffer of every change the engine reported, numbered from 1 in the order
// they happened, rendered once as Server-Sent Events, from which each
// client reads at its own pace and resumes after its Last-Event-ID.
//
// Thread safety: a ChangeFeed is safe for concurrent access from multiple
// threads without external synchronization (one publisher at a time, the
// engine's listener, and any number of readers).
//
// Invariants: events [oldest(), latest()] are buffered, in order; a
// mutation's changes are published together, so a reader never sees part
// of one mutation's changes unless it was cut short by max_bytes.
#ifndef AUDIENCE_HTTP_CHANGE_FEED_H_
#define AUDIENCE_HTTP_CHANGE_FEED_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "audience/membership.h"

namespace audience::http {

class ChangeFeed {
 public:
  // Keeps at least the newest `capacity` events (a single mutation's
  // changes are kept whole, even when they alone exceed it).
  // REQUIRES: capacity >= 1.
  explicit ChangeFeed(size_t capacity);

  // Numbers and renders one mutation's changes. `segment_name` gives a
  // segment's current name; a segment it no longer knows (deleted by this
  // mutation) keeps the name it last had here.
  using NameLookup = std::function<std::optional<std::string>(SegmentId)>;
  void Publish(const std::vector<MembershipChange>& changes,
               const NameLookup& segment_name);

  // Where a reader resuming after `last_event_id` starts: after it when
  // every later event is still buffered, otherwise (fallen behind, or an id
  // this feed never gave, e.g. from before a restart) a resync.
  struct Resume {
    bool resync = false;
    uint64_t after = 0;  // read events after this one
  };
  Resume ResumeAfter(uint64_t last_event_id) const;

  // What Read found.
  enum class ReadStatus {
    kEvents,   // `out` got one or more events
    kTimeout,  // none within the wait
    kBehind,   // events after `after` were dropped meanwhile: resync
    kClosed,   // the feed is closing
  };
  // Waits up to `wait` for events after `after`, then appends them to
  // `out` as SSE text, as many whole events as fit in `max_bytes` (at
  // least one, however large), and sets *last to the last one appended.
  ReadStatus Read(uint64_t after, absl::Duration wait, size_t max_bytes,
                  std::string* out, uint64_t* last);

  uint64_t latest() const;  // the newest event's number; 0 before any
  uint64_t oldest() const;  // the oldest buffered event's; latest()+1 if none

  // Wakes every reader with kClosed, now and from then on.
  void Close();

 private:
  // One mutation's events, rendered.
  struct Block {
    uint64_t first = 0;  // the first event's number
    std::string text;
    std::vector<size_t> offsets;  // where each event starts in text
    uint64_t last() const { return first + offsets.size() - 1; }
  };

  size_t capacity_;
  // std::mutex rather than absl::Mutex: readers wait with a timeout, and
  // Debian's Abseil does not tell ThreadSanitizer about the locking inside
  // its waits, while TSan sees all of std::condition_variable's (the TSan
  // run checks this class; tests/engine/stress_test.cc says more).
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<const Block>> blocks_ ABSL_GUARDED_BY(mu_);
  size_t buffered_ ABSL_GUARDED_BY(mu_) = 0;  // events in blocks_
  uint64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Serialises publishers (the engine already calls its listeners one
  // mutation at a time; this makes it the feed's own rule).
  std::mutex publish_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Names of segments seen, for changes reported after their deletion.
  absl::flat_hash_map<SegmentId, std::string> names_
      ABSL_GUARDED_BY(publish_mu_);
};

// One SSE event: optional "id:" and "event:" lines, the data line, and the
// blank line that ends it. `data` must hold no newline.
std::string SseEvent(std::string_view event, std::string_view data,
                     std::optional<uint64_t> id = std::nullopt);

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_CHANGE_FEED_H_
