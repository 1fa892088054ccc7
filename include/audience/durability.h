// What opening, snapshotting and checking a data directory report
// (EngineOptions::data_dir; docs/durability.md).
#ifndef AUDIENCE_DURABILITY_H_
#define AUDIENCE_DURABILITY_H_

#include <cstdint>
#include <string>

namespace audience {

// How an engine with a data directory came back.
struct RecoveryReport {
  bool created = false;         // the directory held no state yet
  uint64_t generation = 0;      // the snapshot's generation
  uint64_t snapshot_bytes = 0;  // 0 when created
  uint64_t replayed = 0;        // journal records applied after it
  // A record cut short by a crash mid-write at the journal's end, dropped:
  // "journal-000003.log: 17 bytes at offset 4096"; empty when none.
  std::string torn_tail = {};
  double seconds = 0;  // loading and replaying
};

// One snapshot written by Engine::Snapshot.
struct SnapshotInfo {
  uint64_t generation = 0;  // the journal it starts is journal-<generation>
  uint64_t bytes = 0;
  double seconds = 0;  // serialising and writing, fsync included
};

// What Engine::CheckDataDir found: a directory that opens to this state.
struct DataDirReport {
  RecoveryReport recovery;
  uint64_t leads = 0;
  uint64_t segments = 0;
  uint64_t campaigns = 0;
  uint64_t journal_bytes = 0;  // every journal file, torn tail included
};

}  // namespace audience

#endif  // AUDIENCE_DURABILITY_H_
