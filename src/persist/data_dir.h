// A data directory: the newest snapshot plus the journals written since.
//
//   snapshot        the state at the start of journal-<its generation>
//   journal-<G>.log mutations after snapshot G; on a snapshot the engine
//                   starts journal-<G+1> before writing snapshot G+1, so
//                   until that snapshot is in place G and G+1 replay in turn
//   LOCK            held by the engine that has the directory open
//
// Recovery loads the snapshot, replays journal G, G+1, ... and cuts a torn
// tail off the last one; damage anywhere else is DATA_LOSS naming the file
// and offset.
#ifndef AUDIENCE_PERSIST_DATA_DIR_H_
#define AUDIENCE_PERSIST_DATA_DIR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "audience/durability.h"
#include "audience/options.h"
#include "persist/files.h"
#include "persist/journal.h"

namespace audience {

class EngineCore;

// Thread safety: the engine calls Append under its writer lock and
// StartSnapshot with mutations held off; Sync from any thread.
class DataDir {
 public:
  // Locks the directory (creating it when missing) and recovers its state
  // into `core`, a new core; a new directory gets a first snapshot of it.
  static absl::StatusOr<std::unique_ptr<DataDir>> Open(
      const EngineOptions& options, EngineCore& core, RecoveryReport* report);
  // Recovers without locking or changing anything (Engine::CheckDataDir).
  static absl::Status Check(const std::string& dir, EngineCore& core,
                            DataDirReport* report);

  // Writes a mutation's record; Commit then makes it durable as the sync
  // policy asks (outside the engine's writer lock, so queries go on).
  absl::Status Append(std::string_view record) {
    return journal_->Append(record);
  }
  absl::Status Commit() {
    return options_.sync == SyncPolicy::kEveryMutation ? journal_->Sync()
                                                       : absl::OkStatus();
  }
  absl::Status Sync() { return journal_->Sync(); }

  // Part one of a snapshot, with mutations held off: the state's bytes
  // come from `core`, and later records go to a new journal. Part two
  // (FinishSnapshot) writes the file and can run alongside mutations.
  struct PendingSnapshot {
    uint64_t generation = 0;
    std::string bytes;
  };
  absl::StatusOr<PendingSnapshot> StartSnapshot(const EngineCore& core);
  absl::Status FinishSnapshot(const PendingSnapshot& pending);

 private:
  DataDir(std::string dir, DirLock lock, const EngineOptions& options)
      : dir_(std::move(dir)), lock_(std::move(lock)), options_(options) {}

  std::string dir_;
  DirLock lock_;
  EngineOptions options_;
  uint64_t generation_ = 0;  // of the journal being written
  std::unique_ptr<JournalWriter> journal_;
};

// "journal-000042.log"
std::string JournalName(uint64_t generation);

}  // namespace audience

#endif  // AUDIENCE_PERSIST_DATA_DIR_H_
