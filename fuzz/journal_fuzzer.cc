// Fuzzes journal recovery (ScanJournal, ReplayRecord) with arbitrary bytes
// as the last journal after a snapshot of the seeded engine
// (seeded_engine.h). The first byte picks a mode: even scans the rest as
// given, odd first sets the header's generation and recomputes every
// checksum, so mutations reach the record decoders and the engine.
// Whatever the input: no crash or sanitizer report; damage and records
// that do not apply are DATA_LOSS; the state after the records that did
// apply answers queries and round-trips through a snapshot.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "fuzz_check.h"
#include "persist/files.h"
#include "persist/journal.h"
#include "persist/mutation_records.h"
#include "persist/snapshot_file.h"
#include "persist_fuzz_util.h"
#include "seeded_engine.h"

namespace audience::fuzz {
namespace {

// The seeded engine's snapshot, made once through a data directory.
const std::string& SeedSnapshot() {
  static const std::string* bytes = [] {
    std::string dir = (std::filesystem::temp_directory_path() /
                       ("audience-journal-fuzz-" + std::to_string(getpid())))
                          .string();
    std::filesystem::remove_all(dir);
    EngineOptions options;
    options.data_dir = dir;
    options.sync = SyncPolicy::kNever;
    {
      std::unique_ptr<Engine> engine = OpenSeededEngine(options);
      FUZZ_CHECK(engine->Snapshot().ok(), "snapshot of the seeded engine");
    }
    absl::StatusOr<std::string> read = ReadFile(dir + "/snapshot");
    FUZZ_CHECK(read.ok(), "read the seeded snapshot");
    std::filesystem::remove_all(dir);
    return new std::string(*std::move(read));
  }();
  return *bytes;
}

}  // namespace
}  // namespace audience::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace audience;
  const std::string& snapshot = fuzz::SeedSnapshot();
  if (size == 0) return 0;
  absl::StatusOr<SnapshotReader> reader =
      SnapshotReader::Open("snapshot", snapshot);
  FUZZ_CHECK(reader.ok(), "the seeded snapshot opens");
  EngineCore core{EngineOptions{}};
  FUZZ_CHECK(core.DecodeSnapshot(*reader).ok(), "the seeded snapshot loads");

  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) fuzz::FixJournalChecksums(bytes, reader->generation());
  absl::StatusOr<JournalScan> scan = ScanJournal("fuzz", bytes, true);
  if (!scan.ok()) {
    FUZZ_CHECK(scan.status().code() == absl::StatusCode::kDataLoss,
               "bad journal is not DATA_LOSS: " + scan.status().ToString());
    return 0;
  }
  for (const JournalRecord& record : scan->records) {
    absl::Status replayed = ReplayRecord(record.payload, "fuzz", core);
    if (!replayed.ok()) {
      FUZZ_CHECK(replayed.code() == absl::StatusCode::kDataLoss,
                 "a bad record is not DATA_LOSS: " + replayed.ToString());
      break;
    }
  }
  fuzz::CheckLoadedState(core, reader->generation());
  return 0;
}
