// Fuzzes snapshot loading (SnapshotReader::Open, EngineCore::DecodeSnapshot)
// with arbitrary bytes. The first byte picks a mode: even loads the rest as
// given (the checksums must stop damage), odd recomputes every checksum
// first, so mutations reach the section decoders. Whatever the input: no
// crash or sanitizer report; a refused load is DATA_LOSS; an accepted one
// answers queries and saves a snapshot that loads and re-encodes the same
// (persist_fuzz_util.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "persist/snapshot_file.h"
#include "persist_fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace audience;
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) fuzz::FixSnapshotChecksums(bytes);
  absl::StatusOr<SnapshotReader> reader = SnapshotReader::Open("fuzz", bytes);
  if (!reader.ok()) {
    FUZZ_CHECK(
        reader.status().code() == absl::StatusCode::kDataLoss,
        "a bad snapshot is not DATA_LOSS: " + reader.status().ToString());
    return 0;
  }
  EngineCore core{EngineOptions{}};
  absl::Status loaded = core.DecodeSnapshot(*reader);
  if (!loaded.ok()) {
    FUZZ_CHECK(loaded.code() == absl::StatusCode::kDataLoss,
               "a bad snapshot is not DATA_LOSS: " + loaded.ToString());
    return 0;
  }
  fuzz::CheckLoadedState(core, reader->generation());
  return 0;
}
