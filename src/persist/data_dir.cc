#include "persist/data_dir.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/engine_core.h"
#include "persist/mutation_records.h"
#include "persist/snapshot_file.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace audience {

namespace {

constexpr char kSnapshotName[] = "snapshot";

std::optional<uint64_t> JournalGeneration(std::string_view name) {
  constexpr std::string_view kPrefix = "journal-", kSuffix = ".log";
  if (name.size() <= kPrefix.size() + kSuffix.size() ||
      name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(
      kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  uint64_t g = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || g > UINT64_MAX / 10 - 1) return std::nullopt;
    g = g * 10 + static_cast<uint64_t>(c - '0');
  }
  return g;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// What recovery found, for the writer that continues from it.
struct Recovered {
  bool created = false;
  uint64_t generation = 0;      // the snapshot's
  std::vector<uint64_t> stale;  // journals older than the snapshot
  std::optional<uint64_t> last_journal;
  uint64_t last_valid_bytes = 0;
  uint64_t journal_bytes = 0;
};

absl::StatusOr<Recovered> Recover(const std::string& dir, EngineCore& core,
                                  RecoveryReport* report) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  bool has_snapshot = false;
  std::vector<uint64_t> journals;
  for (const std::string& name : names) {
    if (name == kSnapshotName) has_snapshot = true;
    if (std::optional<uint64_t> g = JournalGeneration(name)) {
      journals.push_back(*g);
    }
  }
  std::sort(journals.begin(), journals.end());
  Recovered r;
  if (!has_snapshot) {
    if (!journals.empty()) {
      return absl::DataLossError(
          StrCat(dir, ": ", JournalName(journals[0]), " but no snapshot"));
    }
    r.created = report->created = true;
    return r;
  }
  const std::string snapshot_path = StrCat(dir, "/", kSnapshotName);
  ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(snapshot_path));
  ASSIGN_OR_RETURN(SnapshotReader reader,
                   SnapshotReader::Open(snapshot_path, file.bytes()));
  RETURN_IF_ERROR(core.DecodeSnapshot(reader));
  r.generation = report->generation = reader.generation();
  report->snapshot_bytes = file.bytes().size();
  file = MappedFile();

  uint64_t expected = r.generation;
  for (size_t i = 0; i < journals.size(); ++i) {
    const uint64_t g = journals[i];
    if (g < r.generation) {
      r.stale.push_back(g);
      continue;
    }
    const std::string path = StrCat(dir, "/", JournalName(g));
    if (g != expected) {
      return absl::DataLossError(
          StrCat(path, ": ", JournalName(expected), " is missing"));
    }
    ++expected;
    const bool last = i + 1 == journals.size();
    ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    r.journal_bytes += data.size();
    ASSIGN_OR_RETURN(JournalScan scan, ScanJournal(path, data, last));
    if (scan.valid_bytes > 0 && scan.generation != g) {
      return absl::DataLossError(StrCat(path, " at offset 8: generation ",
                                        scan.generation, ", expected ", g));
    }
    for (const JournalRecord& record : scan.records) {
      RETURN_IF_ERROR(ReplayRecord(
          record.payload, StrCat(path, " at offset ", record.offset), core));
      ++report->replayed;
    }
    report->torn_tail = scan.torn_tail;
    r.last_journal = g;
    r.last_valid_bytes = scan.valid_bytes;
  }
  report->seconds = SecondsSince(start);
  return r;
}

}  // namespace

std::string JournalName(uint64_t generation) {
  char name[40];
  std::snprintf(name, sizeof name, "journal-%06llu.log",
                static_cast<unsigned long long>(generation));
  return name;
}

absl::StatusOr<std::unique_ptr<DataDir>> DataDir::Open(
    const EngineOptions& options, EngineCore& core, RecoveryReport* report) {
  const std::string& dir = options.data_dir;
  RETURN_IF_ERROR(MakeDir(dir));
  ASSIGN_OR_RETURN(DirLock lock, DirLock::Acquire(dir));
  RETURN_IF_ERROR(RemoveFile(StrCat(dir, "/", kSnapshotName, ".tmp")));
  ASSIGN_OR_RETURN(Recovered r, Recover(dir, core, report));
  std::unique_ptr<DataDir> d(new DataDir(dir, std::move(lock), options));
  if (r.created) {
    // The first snapshot pins what the options gave (the clock), so a
    // reopen with other options replays onto the same start.
    // The snapshot goes first: journals without one are damage.
    SnapshotWriter writer(1);
    core.EncodeSnapshot(writer);
    const std::string bytes = std::move(writer).Finish();
    RETURN_IF_ERROR(WriteFileAtomically(dir, kSnapshotName, bytes));
    report->generation = d->generation_ = 1;
    report->snapshot_bytes = bytes.size();
    ASSIGN_OR_RETURN(d->journal_, JournalWriter::Create(
                                      StrCat(dir, "/", JournalName(1)), 1,
                                      options.sync, options.sync_interval_ms));
    return d;
  }
  for (uint64_t g : r.stale) {
    RETURN_IF_ERROR(RemoveFile(StrCat(dir, "/", JournalName(g))));
  }
  if (r.last_journal && r.last_valid_bytes >= kJournalHeaderBytes) {
    d->generation_ = *r.last_journal;
    ASSIGN_OR_RETURN(
        d->journal_,
        JournalWriter::Continue(StrCat(dir, "/", JournalName(d->generation_)),
                                r.last_valid_bytes, options.sync,
                                options.sync_interval_ms));
  } else {
    // No journal yet, or one whose header never made it to disk.
    d->generation_ = r.last_journal.value_or(r.generation);
    ASSIGN_OR_RETURN(
        d->journal_,
        JournalWriter::Create(StrCat(dir, "/", JournalName(d->generation_)),
                              d->generation_, options.sync,
                              options.sync_interval_ms));
  }
  return d;
}

absl::Status DataDir::Check(const std::string& dir, EngineCore& core,
                            DataDirReport* report) {
  ASSIGN_OR_RETURN(Recovered r, Recover(dir, core, &report->recovery));
  if (r.created) {
    return absl::NotFoundError(
        StrCat(dir, ": no snapshot (not a data directory)"));
  }
  report->journal_bytes = r.journal_bytes;
  return absl::OkStatus();
}

absl::StatusOr<DataDir::PendingSnapshot> DataDir::StartSnapshot(
    const EngineCore& core) {
  PendingSnapshot pending;
  pending.generation = generation_ + 1;
  SnapshotWriter writer(pending.generation);
  core.EncodeSnapshot(writer);
  pending.bytes = std::move(writer).Finish();
  // The old journal must be whole on disk before records go to the next
  // one: recovery replays them in turn.
  if (journal_ != nullptr) RETURN_IF_ERROR(journal_->Sync());
  ASSIGN_OR_RETURN(
      std::unique_ptr<JournalWriter> next,
      JournalWriter::Create(StrCat(dir_, "/", JournalName(pending.generation)),
                            pending.generation, options_.sync,
                            options_.sync_interval_ms));
  journal_ = std::move(next);
  generation_ = pending.generation;
  return pending;
}

absl::Status DataDir::FinishSnapshot(const PendingSnapshot& pending) {
  RETURN_IF_ERROR(WriteFileAtomically(dir_, kSnapshotName, pending.bytes));
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir_));
  for (const std::string& name : names) {
    std::optional<uint64_t> g = JournalGeneration(name);
    if (g && *g < pending.generation) {
      RETURN_IF_ERROR(RemoveFile(StrCat(dir_, "/", name)));
    }
  }
  return absl::OkStatus();
}

}  // namespace audience
