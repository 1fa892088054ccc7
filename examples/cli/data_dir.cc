// The data directory in the CLI: the --data-dir and --sync flags of replay
// and load, `audience snapshot DIR` and `audience check DIR`.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "audience/engine.h"
#include "commands.h"

namespace audience::cli {

namespace {

constexpr char kSyncValues[] =
    "every, interval, interval:MS (MS >= 1) or never";

// "every" | "interval" | "interval:MS" | "never" into options; false when
// the value is none of them.
bool ParseSync(std::string_view value, EngineOptions& options) {
  if (value == "every") {
    options.sync = SyncPolicy::kEveryMutation;
    return true;
  }
  if (value == "never") {
    options.sync = SyncPolicy::kNever;
    return true;
  }
  constexpr std::string_view kInterval = "interval";
  if (value.substr(0, kInterval.size()) != kInterval) return false;
  options.sync = SyncPolicy::kInterval;
  std::string_view rest = value.substr(kInterval.size());
  if (rest.empty()) return true;
  if (rest.front() != ':') return false;
  rest.remove_prefix(1);
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ms);
  if (ec != std::errc() || end != rest.data() + rest.size() || ms < 1) {
    return false;
  }
  options.sync_interval_ms = ms;
  return true;
}

// The single DIR argument of `snapshot` and `check`; nullopt after printing
// the usage.
std::optional<std::string> DirArgument(const Args& args, const char* usage) {
  std::optional<ParsedArgs> parsed = ParseArgs(args, {}, 1);
  if (!parsed || parsed->positional.size() != 1) {
    std::fprintf(stderr, "usage: %s\n", usage);
    return std::nullopt;
  }
  return std::string(parsed->positional[0]);
}

}  // namespace

int FinalSync(Engine& engine) {
  absl::Status synced = engine.Sync();
  if (synced.ok()) return 0;
  std::fprintf(stderr, "audience: sync failed: %s\n",
               synced.ToString().c_str());
  return 1;
}

std::optional<EngineOptions> StorageOptions(const ParsedArgs& args) {
  EngineOptions options;
  if (std::optional<std::string_view> dir = args.Flag("--data-dir")) {
    if (dir->empty()) {
      std::fprintf(stderr, "audience: --data-dir must not be empty\n");
      return std::nullopt;
    }
    options.data_dir = std::string(*dir);
  }
  if (std::optional<std::string_view> sync = args.Flag("--sync")) {
    if (options.data_dir.empty()) {
      std::fprintf(stderr, "audience: --sync needs --data-dir\n");
      return std::nullopt;
    }
    if (!ParseSync(*sync, options)) {
      std::fprintf(stderr, "audience: --sync expects %s, got \"%s\"\n",
                   kSyncValues, std::string(*sync).c_str());
      return std::nullopt;
    }
  }
  return options;
}

std::unique_ptr<Engine> OpenEngine(const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) {
    if (options.data_dir.empty()) {
      std::fprintf(stderr, "audience: %s\n",
                   engine.status().ToString().c_str());
    } else {
      std::fprintf(stderr, "audience: cannot open data directory %s: %s\n",
                   options.data_dir.c_str(),
                   engine.status().ToString().c_str());
    }
    return nullptr;
  }
  if (!options.data_dir.empty()) {
    std::fprintf(stderr, "audience: data directory %s: %s\n",
                 options.data_dir.c_str(),
                 DescribeRecovery((*engine)->recovery()).c_str());
  }
  return *std::move(engine);
}

std::string DescribeRecovery(const RecoveryReport& recovery) {
  if (recovery.created) return "created";
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.3f", recovery.seconds);
  std::string text =
      "generation " + std::to_string(recovery.generation) + " (snapshot " +
      Thousands(recovery.snapshot_bytes) + " bytes), " +
      Thousands(recovery.replayed) +
      (recovery.replayed == 1 ? " journal record" : " journal records") +
      " replayed in " + seconds + " s";
  if (!recovery.torn_tail.empty()) {
    text += "; torn tail dropped: " + recovery.torn_tail;
  }
  return text;
}

int Snapshot(const Args& args) {
  std::optional<std::string> dir = DirArgument(args, "audience snapshot DIR");
  if (!dir) return 2;
  // Opening would create a missing directory: a mistyped path should not.
  std::error_code error;
  if (!std::filesystem::is_directory(*dir, error)) {
    std::fprintf(stderr, "audience: %s is not a directory\n", dir->c_str());
    return 1;
  }
  EngineOptions options;
  options.data_dir = *dir;
  std::unique_ptr<Engine> engine = OpenEngine(options);
  if (!engine) return 1;
  absl::StatusOr<SnapshotInfo> info = engine->Snapshot();
  if (!info.ok()) {
    std::fprintf(stderr, "audience: snapshot of %s failed: %s\n", dir->c_str(),
                 info.status().ToString().c_str());
    return 1;
  }
  std::printf("snapshot of %s: generation %llu, %s bytes, %.3f s\n",
              dir->c_str(), static_cast<unsigned long long>(info->generation),
              Thousands(info->bytes).c_str(), info->seconds);
  return 0;
}

int Check(const Args& args) {
  std::optional<std::string> dir = DirArgument(args, "audience check DIR");
  if (!dir) return 2;
  absl::StatusOr<DataDirReport> report = Engine::CheckDataDir(*dir);
  if (!report.ok()) {
    std::printf("%s: %s\n", dir->c_str(), report.status().ToString().c_str());
    return 1;
  }
  const RecoveryReport& recovery = report->recovery;
  std::printf("%s: OK\n", dir->c_str());
  std::printf("  snapshot: generation %llu, %s bytes\n",
              static_cast<unsigned long long>(recovery.generation),
              Thousands(recovery.snapshot_bytes).c_str());
  std::printf("  journal: %s %s replayed, %s bytes\n",
              Thousands(recovery.replayed).c_str(),
              recovery.replayed == 1 ? "record" : "records",
              Thousands(report->journal_bytes).c_str());
  if (recovery.torn_tail.empty()) {
    std::printf("  torn tail: none\n");
  } else {
    // A record cut short by a crash mid-write: its mutation was never
    // acknowledged, and opening the directory drops it.
    std::printf("  torn tail: %s (dropped on open)\n",
                recovery.torn_tail.c_str());
  }
  std::printf("  state: %s leads, %s segments, %s campaigns\n",
              Thousands(report->leads).c_str(),
              Thousands(report->segments).c_str(),
              Thousands(report->campaigns).c_str());
  std::printf("  checked in %.3f s\n", recovery.seconds);
  return 0;
}

}  // namespace audience::cli
