// The crash test (issue 5): `audience replay --data-dir DIR`, killed with
// SIGKILL at random points of a random command stream, must come back with
// every mutation it acknowledged and nothing else but, at most, the one
// command in flight when it died.
//
// Each iteration works on a fresh data directory through several rounds. A
// round starts the CLI, feeds it commands one at a time, checks every
// response against an in-memory reference engine that runs the same
// commands, and kills the child: idle, with a command in flight (at once or
// after a random delay, often inside the journal's fdatasync), or while it
// opens the directory; some rounds end their input normally instead, some
// commands are the protocol's `snapshot`, and between rounds
// `audience snapshot DIR` runs (and is killed now and then). After each round
// the directory is opened in this process and its canonical dump
// (state_dump.h) must equal the reference's, without or with the command in
// flight. The next round continues the stream on the same directory, and
// `audience check DIR` ends the iteration.
//
// AUDIENCE_CRASH_SECONDS bounds the run (default 20 s), AUDIENCE_CRASH_SEED
// picks the first seed (default 1; iteration i uses seed + i).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audience/protocol.h"
#include "cli/child_process.h"
#include "cli/command_stream.h"
#include "cli/scratch_dir.h"
#include "cli/state_dump.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr int kResponseTimeoutMs = 120'000;
constexpr char kSnapshotOp[] = R"({"op":"snapshot"})";

double EnvNumber(const char* name, double fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtod(value, nullptr);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void SleepMicros(uint64_t micros) {
  std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

// What the runs did, printed at the end so that a reader can tell the test
// exercised what it claims.
struct Tally {
  int iterations = 0;
  int rounds = 0;
  int commands = 0;         // acknowledged and checked
  int failed_commands = 0;  // of those, answered with an error
  int idle_kills = 0;
  int in_flight_kills = 0;
  int in_flight_applied = 0;  // the command in flight made it
  int opening_kills = 0;
  int clean_ends = 0;
  int snapshot_ops = 0;
  int cli_snapshots = 0;
  int cli_snapshot_kills = 0;
  int torn_tails = 0;  // reported on reopening

  void Print(double seconds) const {
    std::printf(
        "crash test: %d iterations, %d rounds in %.1f s; %d commands "
        "checked (%d errors); kills: %d idle, %d with a command in flight "
        "(%d of those commands made it), %d while opening; %d clean ends; "
        "%d snapshot ops, %d `audience snapshot` runs (%d killed); %d torn "
        "tails reported\n",
        iterations, rounds, seconds, commands, failed_commands, idle_kills,
        in_flight_kills, in_flight_applied, opening_kills, clean_ends,
        snapshot_ops, cli_snapshots + cli_snapshot_kills, cli_snapshot_kills,
        torn_tails);
    std::fflush(stdout);
  }
};

// One data directory, the children that work on it, and the reference
// engine of the commands they acknowledged.
class CrashRun {
 public:
  CrashRun(uint64_t seed, Tally& tally)
      : seed_(seed),
        data_dir_(scratch_ / "data"),
        child_log_(scratch_ / "children.log"),
        stream_(seed),
        rng_(seed ^ 0x9e3779b97f4a7c15),
        tally_(tally) {
    ResetReference(log_.size());
  }

  SeededRandom& rng() { return rng_; }

  // One child: some commands, then a kill or the end of its input; then the
  // directory is verified.
  void Round() {
    ++round_;
    ++tally_.rounds;
    ChildProcess child({"replay", "--data-dir", data_dir_}, child_log_);
    uint64_t style = rng_.Below(100);
    if (style < 8) {
      // Recovering must be safe to interrupt too.
      SleepMicros(rng_.Below(40'000));
      ExpectKilled(child);
      ++tally_.opening_kills;
      Verify(std::nullopt, /*opening_killed=*/true);
      return;
    }
    int64_t commands = rng_.Between(1, 40);
    for (int64_t i = 0; i < commands; ++i) SendAcknowledged(child);
    if (style < 18) {
      child.CloseInput();
      int status = child.Wait();
      if (status != 0) Fail("replay exited with " + std::to_string(status));
      ++tally_.clean_ends;
      Verify(std::nullopt, false);
      return;
    }
    std::optional<std::string> in_flight;
    bool snapshot_in_flight = false;
    if (style >= 50) {
      snapshot_in_flight = rng_.Chance(0.1);
      std::string command =
          snapshot_in_flight ? kSnapshotOp : stream_.Next(*reference_);
      if (!child.WriteLine(command)) Fail("the child stopped reading");
      if (!snapshot_in_flight) in_flight = command;
      if (rng_.Chance(0.6)) SleepMicros(rng_.Below(4000));
      ++tally_.in_flight_kills;
    } else {
      ++tally_.idle_kills;
    }
    ExpectKilled(child);
    Verify(in_flight, snapshot_in_flight);
  }

  // `audience snapshot DIR`, to its end or killed on the way.
  void SnapshotCli() {
    if (rng_.Chance(0.5)) {
      CliResult result =
          RunCli({"snapshot", data_dir_}, "", scratch_ / "snapshot.log");
      if (result.status != 0 ||
          result.out.find("generation") == std::string::npos) {
        Fail("audience snapshot exited with " + std::to_string(result.status) +
             ": " + result.out + result.err);
      }
      ++tally_.cli_snapshots;
    } else {
      ChildProcess child({"snapshot", data_dir_}, child_log_);
      SleepMicros(rng_.Below(30'000));
      child.Kill();  // it may have finished: then it exited 0
      ++tally_.cli_snapshot_kills;
    }
    Verify(std::nullopt, /*opening_killed=*/true);
  }

  // `audience check DIR` passes and counts what the reference has.
  void CheckCli() {
    CliResult result = RunCli({"check", data_dir_}, "", scratch_ / "check.log");
    std::string counts =
        "state: " + std::to_string(reference_->LeadCount()) + " leads, " +
        std::to_string(reference_->ListSegments().size()) + " segments, " +
        std::to_string(reference_->ListCampaigns().size()) + " campaigns";
    if (result.status != 0 ||
        result.out.find(data_dir_ + ": OK") == std::string::npos ||
        result.out.find(counts) == std::string::npos) {
      Fail("audience check exited with " + std::to_string(result.status) +
           ", expected \"" + counts + "\":\n" + result.out + result.err);
    }
  }

  // Cuts the newest journal file short by a few bytes right after an
  // acknowledged mutation, as a crash in the middle of writing its record
  // would leave it: `audience check` and reopening must report the torn
  // tail, and the directory must hold a prefix of the acknowledged commands
  // (all but the last mutation).
  void TearJournalTail() {
    ++round_;
    ++tally_.rounds;
    {
      ChildProcess child({"replay", "--data-dir", data_dir_}, child_log_);
      int64_t commands = rng_.Between(1, 20);
      for (int64_t i = 0; i < commands; ++i) SendAcknowledged(child);
      // A mutation that surely succeeds, so that the journal ends with it.
      SendAcknowledged(child, R"({"op":"advance_clock","now":)" +
                                  std::to_string(reference_->Now() + 60) + "}");
      ExpectKilled(child);
      ++tally_.idle_kills;
    }
    std::string journal = NewestJournal();
    uintmax_t size = std::filesystem::file_size(journal);
    if (size < 2) Fail(journal + " holds " + std::to_string(size) + " bytes");
    uintmax_t cut = 1 + rng_.Below(std::min<uintmax_t>(size - 1, 6));
    std::filesystem::resize_file(journal, size - cut);

    CliResult check = RunCli({"check", data_dir_}, "", scratch_ / "check.log");
    if (check.status != 0 ||
        check.out.find("torn tail: none") != std::string::npos ||
        check.out.find("torn tail: ") == std::string::npos) {
      Fail("after cutting " + std::to_string(cut) + " bytes off " + journal +
           ", audience check exited with " + std::to_string(check.status) +
           ":\n" + check.out + check.err);
    }

    EngineOptions options;
    options.data_dir = data_dir_;
    absl::StatusOr<std::unique_ptr<Engine>> reopened = Engine::Open(options);
    if (!reopened.ok()) {
      Fail("reopening after a torn tail failed: " +
           reopened.status().ToString());
    }
    if ((*reopened)->recovery().torn_tail.empty()) {
      Fail("cutting " + std::to_string(cut) + " bytes off " + journal +
           " was not reported as a torn tail");
    }
    ++tally_.torn_tails;
    std::string got = DumpState(**reopened);
    reopened->reset();
    // The prefixes of the log ending within its last 20 commands, longest
    // first: the state must be one of them, short of the whole log.
    size_t first = log_.size() > 20 ? log_.size() - 20 : 0;
    std::vector<std::string> prefixes;  // prefixes[k]: log_[0, first + k)
    {
      std::unique_ptr<Engine> engine = OpenEngine();
      Protocol protocol(*engine);
      for (size_t i = 0; i < log_.size(); ++i) {
        if (i >= first) prefixes.push_back(DumpState(*engine));
        protocol.Execute(log_[i]);
      }
    }
    std::optional<size_t> kept;
    for (size_t k = prefixes.size(); k-- > 0;) {
      if (prefixes[k] == got) {
        kept = first + k;
        break;
      }
    }
    if (!kept) {
      Fail(
          "after a torn tail the directory holds none of the last prefixes "
          "of the acknowledged commands; against all but the last:\n" +
          FirstDifference(got, prefixes.back()));
    }
    torn_before_ = true;
    ResetReference(*kept);
  }

 private:
  // Restarts the reference engine with the first `keep` commands of the log.
  void ResetReference(size_t keep) {
    reference_protocol_.reset();
    reference_ = OpenEngine();
    reference_protocol_ = std::make_unique<Protocol>(*reference_);
    log_.resize(keep);
    for (const std::string& command : log_) {
      reference_protocol_->Execute(command);
    }
  }

  // Runs `command` on the reference; returns its response.
  std::string Apply(const std::string& command) {
    log_.push_back(command);
    return reference_protocol_->Execute(command);
  }

  void SendAcknowledged(ChildProcess& child) {
    if (rng_.Chance(0.04)) {
      if (!child.WriteLine(kSnapshotOp)) Fail("the child stopped reading");
      std::string response = ReadResponse(child, kSnapshotOp);
      if (response.rfind(R"({"ok":true,"generation":)", 0) != 0) {
        Fail(std::string(kSnapshotOp) + " answered " + response);
      }
      ++tally_.snapshot_ops;
      return;
    }
    SendAcknowledged(child, stream_.Next(*reference_));
  }

  void SendAcknowledged(ChildProcess& child, const std::string& command) {
    if (!child.WriteLine(command)) Fail("the child stopped reading");
    std::string response = ReadResponse(child, command);
    std::string expected = Apply(command);
    if (response != expected) {
      Fail("the child's answer differs from the reference's\n   command: " +
           command + "\n    answer: " + response + "\n reference: " + expected);
    }
    ++tally_.commands;
    if (expected.rfind(R"({"ok":false)", 0) == 0) ++tally_.failed_commands;
  }

  std::string ReadResponse(ChildProcess& child, const std::string& command) {
    std::optional<std::string> response = child.ReadLine(kResponseTimeoutMs);
    if (!response) {
      Fail(child.Running()
               ? "no response within the timeout to " + command
               : "the child ended (status " + std::to_string(child.Wait()) +
                     ") without answering " + command);
    }
    return *response;
  }

  void ExpectKilled(ChildProcess& child) {
    int status = child.Kill();
    if (status != 128 + SIGKILL) {
      Fail("the child ended by itself with status " + std::to_string(status));
    }
  }

  // The directory opens to the reference's state, or with `in_flight`
  // applied too. A torn tail is reported only when a write was cut short.
  void Verify(const std::optional<std::string>& in_flight,
              bool other_write_killed) {
    EngineOptions options;
    options.data_dir = data_dir_;
    absl::StatusOr<std::unique_ptr<Engine>> reopened = Engine::Open(options);
    if (!reopened.ok()) {
      Fail("reopening failed: " + reopened.status().ToString());
    }
    const std::string& torn_tail = (*reopened)->recovery().torn_tail;
    if (!torn_tail.empty()) {
      ++tally_.torn_tails;
      if (!in_flight && !other_write_killed && !torn_before_) {
        Fail("a torn tail with no write in flight: " + torn_tail);
      }
    }
    torn_before_ = !torn_tail.empty();
    std::string got = DumpState(**reopened);
    reopened->reset();
    std::string want = DumpState(*reference_);
    if (got != want && in_flight) {
      // The dump shows every effect a command can have (state_dump.h), so
      // an unchanged dump means the command did not make it, and a changed
      // one that it did.
      Apply(*in_flight);
      want = DumpState(*reference_);
      ++tally_.in_flight_applied;
    }
    if (got != want) {
      Fail(std::string("the reopened directory differs from the "
                       "acknowledged commands") +
           (in_flight ? " (with or without the one in flight)" : "") + "\n" +
           FirstDifference(got, want));
    }
  }

  // The journal file with the greatest name: the one being written.
  std::string NewestJournal() {
    std::string newest;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir_)) {
      std::string name = entry.path().filename().string();
      if (name.find("journal") != std::string::npos &&
          entry.is_regular_file() && entry.path().string() > newest) {
        newest = entry.path().string();
      }
    }
    if (newest.empty()) Fail("no journal file in " + data_dir_);
    return newest;
  }

  std::string Context() {
    std::string text = "seed " + std::to_string(seed_) + ", round " +
                       std::to_string(round_) + ", data directory " +
                       data_dir_ + "\nlast commands:\n";
    size_t from = log_.size() > 8 ? log_.size() - 8 : 0;
    for (size_t i = from; i < log_.size(); ++i) {
      text += "  " + std::to_string(i) + ": " + log_[i] + "\n";
    }
    std::string children = ReadText(child_log_);
    if (children.size() > 3000)
      children = children.substr(children.size() - 3000);
    return text + "children's stderr (end):\n" + children;
  }

  [[noreturn]] void Fail(const std::string& what) {
    scratch_.Keep();
    FAIL(what << "\n" << Context());
    std::abort();  // FAIL throws
  }

  const uint64_t seed_;
  ScratchDir scratch_;
  const std::string data_dir_;
  const std::string child_log_;
  CommandStream stream_;
  SeededRandom rng_;
  Tally& tally_;
  std::unique_ptr<Engine> reference_;
  std::unique_ptr<Protocol> reference_protocol_;
  std::vector<std::string> log_;  // the commands the reference ran
  bool torn_before_ = false;      // the last reopening reported a torn tail
  int round_ = 0;
};

TEST_CASE(
    "replay with a data directory keeps every acknowledged mutation "
    "through SIGKILL",
    "[crash]") {
  const double budget = EnvNumber("AUDIENCE_CRASH_SECONDS", 20);
  const auto seed = static_cast<uint64_t>(EnvNumber("AUDIENCE_CRASH_SEED", 1));
  Tally tally;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  for (uint64_t i = 0; i < 2 || elapsed() < budget; ++i) {
    CrashRun run(seed + i, tally);
    int64_t rounds = run.rng().Between(3, 6);
    for (int64_t r = 0; r < rounds; ++r) {
      run.Round();
      if (run.rng().Chance(0.2)) run.SnapshotCli();
    }
    run.CheckCli();
    ++tally.iterations;
  }
  tally.Print(elapsed());
  if (tally.rounds >= 50) {  // a run that long cannot have missed these
    CHECK(tally.in_flight_kills > 0);
    CHECK(tally.idle_kills > 0);
  }
}

TEST_CASE(
    "a torn journal tail is reported and leaves a prefix of the "
    "acknowledged commands",
    "[crash]") {
  const auto seed = static_cast<uint64_t>(EnvNumber("AUDIENCE_CRASH_SEED", 1));
  Tally tally;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < 3; ++i) {
    CrashRun run(seed + 1000 + i, tally);
    run.Round();
    run.TearJournalTail();
    run.Round();  // the stream goes on after the recovery
    run.CheckCli();
    ++tally.iterations;
  }
  tally.Print(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
}

}  // namespace
}  // namespace audience::testing
