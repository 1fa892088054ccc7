// The write-ahead journal: the mutations applied since a snapshot, one
// framed record each, appended in the order they were applied.
//
//   header: "AUDJRNL1" | generation fixed64 | crc fixed32
//   record: length fixed32 | crc fixed32 (of the length) |
//           crc fixed32 (of the payload) | payload
//
// The length has its own checksum so that damage to it is told apart from a
// record cut short: a write that a crash interrupted leaves a prefix of one
// record, whose length field is either whole and right or incomplete.
#ifndef AUDIENCE_PERSIST_JOURNAL_H_
#define AUDIENCE_PERSIST_JOURNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "audience/options.h"

namespace audience {

inline constexpr size_t kJournalHeaderBytes = 8 + 8 + 4;
inline constexpr size_t kRecordHeaderBytes = 12;
// A record's payload limit; larger mutations (a bulk load of gigabytes) are
// refused before they run.
inline constexpr uint64_t kMaxRecordBytes = (uint64_t{1} << 32) - 1;

// Thread safety: Append and Sync may be called from any thread; the
// engine appends under its writer lock so records keep mutation order.
class JournalWriter {
 public:
  // Creates `path` holding only the header (fsynced with its directory).
  static absl::StatusOr<std::unique_ptr<JournalWriter>> Create(
      const std::string& path, uint64_t generation, SyncPolicy sync,
      int64_t interval_ms);
  // Continues `path`, cutting it to `valid_bytes` first (a torn tail).
  static absl::StatusOr<std::unique_ptr<JournalWriter>> Continue(
      const std::string& path, uint64_t valid_bytes, SyncPolicy sync,
      int64_t interval_ms);
  ~JournalWriter();

  // Hands the record to the kernel in one write (it survives the process
  // dying from then on; Sync makes it survive the machine).
  absl::Status Append(std::string_view payload);
  // Waits for every appended record to reach the disk.
  absl::Status Sync();

  const std::string& path() const { return path_; }

 private:
  JournalWriter(std::string path, int fd, SyncPolicy sync, int64_t interval_ms);
  void FlushLoop();

  std::string path_;
  int fd_;
  SyncPolicy sync_;
  int64_t interval_ms_;
  std::string frame_;

  absl::Mutex mu_;
  // Records written since the last fdatasync; the first sync error sticks.
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::thread flusher_;  // kInterval only
};

struct JournalRecord {
  uint64_t offset = 0;  // of the record's header in the file
  std::string_view payload;
};

struct JournalScan {
  uint64_t generation = 0;
  std::vector<JournalRecord> records;
  uint64_t valid_bytes = 0;  // up to the end of the last whole record
  // Set when the file ends in a record cut short (only allowed in the last
  // journal): "<file>: N bytes at offset M".
  std::string torn_tail;
};

// Reads a journal file's records. `last` says whether it is the newest
// journal, the only one a crash can leave torn; anything else that does not
// check out is DATA_LOSS naming `file` and the offset.
absl::StatusOr<JournalScan> ScanJournal(const std::string& file,
                                        std::string_view bytes, bool last);

}  // namespace audience

#endif  // AUDIENCE_PERSIST_JOURNAL_H_
