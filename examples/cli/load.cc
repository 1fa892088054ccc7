// audience load: bulk-load NDJSON files (into a data directory with
// --data-dir) at the clock --now sets, create segments, print sizes and
// timings.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "audience/engine.h"
#include "audience/json.h"
#include "commands.h"

namespace audience::cli {

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// Prints the outcome; false when lines were rejected.
bool PrintReport(const char* what, const LoadReport& report, double seconds) {
  std::printf("%s: %s loaded, %s rejected in %.2f s (%.0f lines/s)\n", what,
              Thousands(report.loaded).c_str(),
              Thousands(report.rejected).c_str(), seconds,
              seconds > 0 ? report.loaded / seconds : 0.0);
  for (const std::string& error : report.errors) {
    std::printf("  %s\n", error.c_str());
  }
  if (report.rejected > report.errors.size()) {
    std::printf("  ... and %s more\n",
                Thousands(report.rejected - report.errors.size()).c_str());
  }
  return report.rejected == 0;
}

// False, after printing why, when a load failed as a whole (a journal write,
// not a bad line).
bool LoadSucceeded(const absl::StatusOr<LoadReport>& report) {
  if (report.ok()) return true;
  std::fprintf(stderr, "audience: %s\n", report.status().ToString().c_str());
  return false;
}

// The value of --now: unix seconds, an integer >= 0. nullopt, after printing
// why, for anything else.
std::optional<Timestamp> ParseNow(std::string_view value) {
  Timestamp now = -1;
  auto [end, ec] =
      std::from_chars(value.data(), value.data() + value.size(), now);
  if (ec != std::errc() || end != value.data() + value.size() || now < 0) {
    std::fprintf(stderr,
                 "audience: --now expects unix seconds (an integer >= 0), "
                 "got \"%s\"\n",
                 std::string(value).c_str());
    return std::nullopt;
  }
  return now;
}

// Moves the clock to `now` before anything loads. The clock never moves
// backwards (design.md §8): a data directory whose clock is already past
// `now` is an error, after printing why; the same time is a no-op.
bool SetClock(Engine& engine, Timestamp now, const EngineOptions& options) {
  const Timestamp clock = engine.Now();
  if (now < clock) {
    std::fprintf(stderr,
                 "audience: --now %lld is before the clock of data directory "
                 "%s (%lld); the clock never moves backwards\n",
                 static_cast<long long>(now), options.data_dir.c_str(),
                 static_cast<long long>(clock));
    return false;
  }
  if (now == clock) return true;
  absl::StatusOr<MutationResult> advanced = engine.AdvanceClock(now);
  if (!advanced.ok()) {
    std::fprintf(stderr, "audience: --now %lld: %s\n",
                 static_cast<long long>(now),
                 advanced.status().ToString().c_str());
    return false;
  }
  return true;
}

// Calls fn(line_number, line) for each non-blank line.
template <typename Fn>
void ForEachLine(const std::string& text, Fn&& fn) {
  std::istringstream in(text);
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    fn(number, line);
  }
}

}  // namespace

int Load(const Args& args) {
  std::optional<ParsedArgs> parsed =
      ParseArgs(args,
                {"--leads", "--events", "--segments", "--fields", "--now",
                 "--data-dir", "--sync"},
                /*max_positional=*/0);
  std::optional<EngineOptions> options;
  if (parsed) options = StorageOptions(*parsed);
  std::optional<Timestamp> now;
  bool bad_now = false;
  if (options) {
    if (std::optional<std::string_view> value = parsed->Flag("--now")) {
      now = ParseNow(*value);
      bad_now = !now;
    }
  }
  if (!options || bad_now || !parsed->Flag("--leads")) {
    std::fprintf(stderr,
                 "usage: audience load --leads F [--events F] [--segments F] "
                 "[--fields F] [--now T] [--data-dir DIR] "
                 "[--sync every|interval[:MS]|never]\n"
                 "relative-time conditions are evaluated at the clock: 0 "
                 "unless --now T (unix seconds);\n"
                 "with --data-dir, the stored clock, which --now may only "
                 "advance\n");
    return 2;
  }
  auto leads = parsed->Flag("--leads");
  auto events = parsed->Flag("--events");
  auto segments = parsed->Flag("--segments");
  auto fields = parsed->Flag("--fields");
  std::unique_ptr<Engine> opened = OpenEngine(*options);
  if (!opened) return 1;
  Engine& engine = *opened;
  if (now && !SetClock(engine, *now, *options)) return 1;
  int errors = 0;

  if (fields) {
    auto text = ReadFile(std::string(*fields));
    if (!text) return 1;
    ForEachLine(*text, [&](size_t number, const std::string& line) {
      absl::StatusOr<FieldDefinition> field = ParseFieldJson(line);
      absl::Status status = field.ok()
                                ? engine.DefineField(field->name, field->type)
                                : field.status();
      if (!status.ok()) {
        std::printf("%s:%zu: %s\n", std::string(*fields).c_str(), number,
                    std::string(status.message()).c_str());
        ++errors;
      }
    });
  }

  auto text = ReadFile(std::string(*leads));
  if (!text) return 1;
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<LoadReport> report = engine.LoadLeads(*text, *leads);
  if (!LoadSucceeded(report)) return 1;
  if (!PrintReport("leads", *report, Seconds(start))) ++errors;

  if (events) {
    text = ReadFile(std::string(*events));
    if (!text) return 1;
    start = std::chrono::steady_clock::now();
    report = engine.LoadEvents(*text, *events);
    if (!LoadSucceeded(report)) return 1;
    if (!PrintReport("events", *report, Seconds(start))) ++errors;
  }

  if (segments) {
    text = ReadFile(std::string(*segments));
    if (!text) return 1;
    std::printf("\n%-32s %12s %12s\n", "segment", "members", "evaluate ms");
    ForEachLine(*text, [&](size_t number, const std::string& line) {
      absl::StatusOr<SegmentDefinition> def = ParseSegmentJson(line);
      absl::StatusOr<MutationResult> created =
          def.ok() ? engine.CreateSegment(*def)
                   : absl::StatusOr<MutationResult>(def.status());
      if (!created.ok()) {
        std::printf("%s:%zu: %s\n", std::string(*segments).c_str(), number,
                    std::string(created.status().message()).c_str());
        ++errors;
        return;
      }
      // Evaluate again on its own: creation also reports every member.
      auto eval_start = std::chrono::steady_clock::now();
      absl::StatusOr<Preview> preview = engine.PreviewSegment(*def, 1);
      double ms = Seconds(eval_start) * 1000;
      std::printf("%-32s %12s %12.2f\n", def->name.c_str(),
                  Thousands(preview.ok() ? preview->count : 0).c_str(), ms);
    });
  }
  // With a relaxed --sync, the load is on disk before the exit status says
  // so.
  if (FinalSync(engine) != 0) return 1;
  return errors == 0 ? 0 : 1;
}

}  // namespace audience::cli
