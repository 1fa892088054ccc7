// Options for opening an Engine.
#ifndef AUDIENCE_OPTIONS_H_
#define AUDIENCE_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "audience/types.h"

namespace audience {

// When a journal record reaches the disk (EngineOptions::sync).
enum class SyncPolicy : uint8_t {
  // fdatasync before the mutation returns: an acknowledged mutation
  // survives a power loss.
  kEveryMutation,
  // fdatasync every sync_interval_ms from a background thread: a power loss
  // may drop that window; a process crash loses nothing (each record is
  // handed to the kernel before the mutation returns).
  kInterval,
  // Left to the kernel; as kInterval for process crashes.
  kNever,
};

struct EngineOptions {
  // Behaviour

  // The clock's starting value ("now"). The host moves it with
  // Engine::AdvanceClock; it never moves backwards.
  // Default: 0
  Timestamp now = 0;

  // How many error messages a LoadReport keeps; the count of rejected lines
  // is always exact.
  // Default: 100
  size_t max_load_errors = 100;

  // Durability

  // A directory holding the engine's state: a snapshot and a journal of the
  // mutations since (docs/durability.md). Empty: in memory only. Open
  // creates the directory when missing, otherwise loads the snapshot and
  // replays the journal, and the stored clock wins over `now`. One engine
  // at a time may open a directory.
  // Default: ""
  std::string data_dir = {};

  // Default: SyncPolicy::kEveryMutation
  SyncPolicy sync = SyncPolicy::kEveryMutation;

  // The flush period of SyncPolicy::kInterval, in milliseconds (>= 1).
  // Default: 100
  int64_t sync_interval_ms = 100;

  // Performance

  // When true, a lead change or event re-checks only the segments whose
  // answer it can flip (a per-field index of the segments' bounds and
  // terms), and a clock advance only the leads whose times cross a window
  // edge. When false, every segment is point-evaluated for the changed lead
  // and every time-relative segment re-evaluated on a clock advance: the
  // naive path, kept for comparison; answers are the same.
  // Default: true
  bool incremental_index = true;
};

}  // namespace audience

#endif  // AUDIENCE_OPTIONS_H_
