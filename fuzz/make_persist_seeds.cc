// Writes the seed corpora of the snapshot and journal harnesses
// (docs/fuzzing.md), from the seeded engine (seeded_engine.h) and replay
// transcripts:
//
//   make_persist_seeds OUT TRANSCRIPT...
//
// OUT/snapshot/: snapshots of an empty engine, of the seeded engine, and of
// the seeded engine after the transcripts. OUT/journal/: the journal the
// transcripts wrote after a snapshot of the seeded engine, whole and with a
// torn last record. Each file comes twice: with a first byte of 0 (loaded as
// it is) and of 1 (checksums recomputed first), the harnesses' two modes.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "audience/protocol.h"
#include "engine/engine_core.h"
#include "fuzz_check.h"
#include "persist/files.h"
#include "persist/snapshot_file.h"
#include "seeded_engine.h"

namespace audience::fuzz {
namespace {

namespace fs = std::filesystem;

void WriteSeed(const fs::path& dir, const std::string& name,
               const std::string& bytes) {
  fs::create_directories(dir);
  for (char mode : {'\0', '\1'}) {
    const fs::path path =
        dir / (name + (mode == '\0' ? "-as-is" : "-fixed") + ".bin");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.put(mode);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    FUZZ_CHECK(out.good(), Cat("writing ", path.string()));
  }
}

std::string MustRead(const fs::path& path) {
  absl::StatusOr<std::string> bytes = ReadFile(path.string());
  FUZZ_CHECK(bytes.ok(), bytes.status().ToString());
  return *std::move(bytes);
}

// The newest journal of a data directory.
fs::path LastJournal(const fs::path& dir) {
  fs::path last;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("journal-") && (last.empty() || entry.path() > last)) {
      last = entry.path();
    }
  }
  FUZZ_CHECK(!last.empty(), Cat("no journal in ", dir.string()));
  return last;
}

int Main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT TRANSCRIPT...\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  const fs::path dir = out / "data-dir.tmp";
  fs::remove_all(dir);

  {
    SnapshotWriter writer(1);
    EngineCore{EngineOptions{}}.EncodeSnapshot(writer);
    WriteSeed(out / "snapshot", "empty", std::move(writer).Finish());
  }

  EngineOptions options;
  options.data_dir = dir.string();
  options.sync = SyncPolicy::kNever;
  std::unique_ptr<Engine> engine = OpenSeededEngine(options);
  FUZZ_CHECK(engine->Snapshot().ok(), "snapshot of the seeded engine");
  WriteSeed(out / "snapshot", "seeded", MustRead(dir / "snapshot"));

  Protocol protocol(*engine);
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i]);
    FUZZ_CHECK(in.good(), Cat("reading ", argv[i]));
    for (std::string line; std::getline(in, line);) protocol.Execute(line);
  }
  FUZZ_CHECK(engine->Sync().ok(), "sync");
  const std::string journal = MustRead(LastJournal(dir));
  WriteSeed(out / "journal", "transcripts", journal);
  WriteSeed(out / "journal", "torn", journal.substr(0, journal.size() - 3));
  FUZZ_CHECK(engine->Snapshot().ok(), "snapshot after the transcripts");
  WriteSeed(out / "snapshot", "transcripts", MustRead(dir / "snapshot"));

  engine.reset();
  fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace audience::fuzz

int main(int argc, char** argv) { return audience::fuzz::Main(argc, argv); }
