// The CLI's data directory commands (docs/protocol.md): replay and load with
// --data-dir, snapshot, check, and their usage errors. Runs the `audience`
// binary of this build.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "cli/child_process.h"
#include "cli/scratch_dir.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  file.get(byte);
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(static_cast<char>(byte ^ 0x20));
}

// Where each record of a journal file starts (docs/durability.md: a 20-byte
// header, then per record a little-endian u32 length, the length's and the
// payload's u32 checksums, and the payload).
std::vector<uint64_t> RecordOffsets(const std::string& journal) {
  std::vector<uint64_t> offsets;
  uint64_t pos = 20;
  while (pos + 12 <= journal.size()) {
    uint32_t length = 0;
    for (int i = 3; i >= 0; --i) {
      length = length << 8 | static_cast<unsigned char>(journal[pos + i]);
    }
    offsets.push_back(pos);
    pos += 12 + length;
  }
  return offsets;
}

// The first file in `dir` whose name contains `part`, or "".
std::string FileNamed(const std::string& dir, const std::string& part) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.find(part) != std::string::npos) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names.empty() ? "" : names.back();
}

TEST_CASE("replay --data-dir continues from the state the last run left",
          "[cli]") {
  ScratchDir scratch;
  std::string data = scratch / "data";
  std::string err = scratch / "stderr";
  CliResult first = RunCli(
      {"replay", "--data-dir", data},
      R"({"op":"upsert_lead","lead":{"id":7,"country":"US","score":10}})"
      "\n"
      R"({"op":"create_segment","segment":{"name":"US","filters":[{"field":"country","op":"eq","value":"US"}]}})"
      "\n",
      err);
  INFO(first.out << first.err);
  REQUIRE(first.status == 0);
  CHECK(first.out ==
        "{\"ok\":true,\"changes\":[]}\n"
        "{\"ok\":true,\"id\":1,\"changes\":[{\"segment\":\"US\",\"lead\":7,"
        "\"change\":\"entered\"}]}\n");
  CHECK(Contains(first.err, "audience: data directory " + data + ": created"));

  CliResult second = RunCli({"replay", "--data-dir", data, "--sync", "never"},
                            R"({"op":"patch_lead","id":7,"set":{"score":20}})"
                            "\n"
                            R"({"op":"members","segment":"us"})"
                            "\n",
                            err);
  INFO(second.out << second.err);
  REQUIRE(second.status == 0);
  CHECK(second.out ==
        "{\"ok\":true,\"changes\":[]}\n{\"ok\":true,\"members\":[7]}\n");
  CHECK(Contains(second.err, "2 journal records replayed"));

  // Segment ids go on from where they were.
  CliResult third = RunCli(
      {"replay", "--data-dir", data, "--sync", "interval:5"},
      R"({"op":"create_segment","segment":{"name":"Rich","filters":[{"field":"score","op":"gte","value":20}]}})"
      "\n"
      R"({"op":"get_lead","id":7})"
      "\n",
      err);
  INFO(third.out << third.err);
  REQUIRE(third.status == 0);
  CHECK(third.out ==
        "{\"ok\":true,\"id\":2,\"changes\":[{\"segment\":\"Rich\",\"lead\":7,"
        "\"change\":\"entered\"}]}\n"
        "{\"ok\":true,\"lead\":{\"id\":7,\"country\":\"US\",\"score\":20}}\n");
  CHECK(Contains(third.err, "3 journal records replayed"));

  // Without --data-dir nothing is kept.
  CliResult memory = RunCli({"replay"},
                            R"({"op":"list_segments"})"
                            "\n",
                            err);
  CHECK(memory.out == "{\"ok\":true,\"segments\":[]}\n");
}

TEST_CASE("audience snapshot starts a new generation; check describes it",
          "[cli]") {
  ScratchDir scratch;
  std::string data = scratch / "data";
  std::string err = scratch / "stderr";
  REQUIRE(
      RunCli(
          {"replay", "--data-dir", data},
          R"({"op":"upsert_leads","leads":[{"id":1},{"id":2}]})"
          "\n"
          R"({"op":"create_segment","segment":{"name":"All","filters":[{"field":"score","op":"empty"}]}})"
          "\n"
          R"({"op":"create_campaign","campaign":{"name":"C","start":0}})"
          "\n",
          err)
          .status == 0);

  CliResult check = RunCli({"check", data}, "", err);
  INFO(check.out << check.err);
  REQUIRE(check.status == 0);
  CHECK(Contains(check.out, data + ": OK\n"));
  CHECK(Contains(check.out, "journal: 3 records replayed"));
  CHECK(Contains(check.out, "torn tail: none"));
  CHECK(Contains(check.out, "state: 2 leads, 1 segments, 1 campaigns"));

  CliResult snapshot = RunCli({"snapshot", data}, "", err);
  INFO(snapshot.out << snapshot.err);
  REQUIRE(snapshot.status == 0);
  CHECK(Contains(snapshot.out, "snapshot of " + data + ": generation "));
  CHECK(Contains(snapshot.out, " bytes, "));

  check = RunCli({"check", data}, "", err);
  INFO(check.out << check.err);
  REQUIRE(check.status == 0);
  CHECK(Contains(check.out, "journal: 0 records replayed"));
  CHECK(Contains(check.out, "state: 2 leads, 1 segments, 1 campaigns"));

  // The protocol's snapshot op does the same from within a session.
  CliResult op = RunCli({"replay", "--data-dir", data},
                        R"({"op":"delete_lead","id":2})"
                        "\n"
                        R"({"op":"snapshot"})"
                        "\n",
                        err);
  INFO(op.out << op.err);
  REQUIRE(op.status == 0);
  CHECK(Contains(op.out, "{\"ok\":true,\"generation\":"));
  CHECK(Contains(op.err, "0 journal records replayed"));
  check = RunCli({"check", data}, "", err);
  CHECK(Contains(check.out, "state: 1 leads, 1 segments, 1 campaigns"));
}

TEST_CASE("audience check fails on a damaged data directory", "[cli]") {
  ScratchDir scratch;
  std::string data = scratch / "data";
  std::string err = scratch / "stderr";
  std::string commands;
  for (int id = 1; id <= 50; ++id) {
    commands += R"({"op":"upsert_lead","lead":{"id":)" + std::to_string(id) +
                R"(,"email":"lead@example.com","score":)" + std::to_string(id) +
                "}}\n";
  }
  REQUIRE(RunCli({"replay", "--data-dir", data}, commands, err).status == 0);
  REQUIRE(RunCli({"snapshot", data}, "", err).status == 0);
  REQUIRE(RunCli({"replay", "--data-dir", data}, commands, err).status == 0);

  SECTION("a flipped byte in the snapshot") {
    std::string name = FileNamed(data, "snapshot");
    REQUIRE(!name.empty());
    std::string path = data + "/" + name;
    FlipByte(path, std::filesystem::file_size(path) / 2);
    CliResult check = RunCli({"check", data}, "", err);
    INFO(check.out << check.err);
    CHECK(check.status == 1);
    CHECK(Contains(check.out, data + ": DATA_LOSS: "));
    CHECK(Contains(check.out, name));
  }
  SECTION("a flipped byte in a record in the middle of the journal") {
    std::string name = FileNamed(data, "journal");
    REQUIRE(!name.empty());
    std::string path = data + "/" + name;
    std::vector<uint64_t> records = RecordOffsets(ReadBytes(path));
    REQUIRE(records.size() == 50);
    uint64_t damaged = records[25];
    // The first payload byte, after the record's length and checksums.
    FlipByte(path, damaged + 12);
    CliResult check = RunCli({"check", data}, "", err);
    INFO(check.out << check.err);
    CHECK(check.status == 1);
    CHECK(Contains(check.out, data + ": DATA_LOSS: "));
    CHECK(Contains(check.out, name + " at offset " + std::to_string(damaged)));
    // Opening refuses it the same way.
    CliResult replay = RunCli({"replay", "--data-dir", data},
                              R"({"op":"now"})"
                              "\n",
                              err);
    CHECK(replay.status == 1);
    CHECK(Contains(replay.err, "cannot open data directory"));
    CHECK(Contains(replay.err, "DATA_LOSS"));
  }
}

TEST_CASE("audience load --data-dir loads into the data directory", "[cli]") {
  ScratchDir scratch;
  std::string data = scratch / "data";
  std::string err = scratch / "stderr";
  WriteText(scratch / "fields.ndjson", R"({"name":"plan","type":"keyword"})"
                                       "\n");
  WriteText(scratch / "leads.ndjson",
            "{\"id\":1,\"plan\":\"pro\"}\n{\"id\":2,\"plan\":\"free\"}\n");
  WriteText(scratch / "events.ndjson",
            R"({"lead":1,"type":"email_open","ts":5})"
            "\n");
  WriteText(
      scratch / "segments.ndjson",
      R"({"name":"Pro","filters":[{"field":"plan","op":"eq","value":"pro"}]})"
      "\n");
  CliResult load = RunCli(
      {"load", "--leads", scratch / "leads.ndjson", "--events",
       scratch / "events.ndjson", "--segments", scratch / "segments.ndjson",
       "--fields", scratch / "fields.ndjson", "--data-dir", data},
      "", err);
  INFO(load.out << load.err);
  REQUIRE(load.status == 0);
  CHECK(Contains(load.out, "leads: 2 loaded, 0 rejected"));

  CliResult replay = RunCli(
      {"replay", "--data-dir", data},
      R"({"op":"members","segment":"Pro"})"
      "\n"
      R"({"op":"preview","segment":{"filters":[{"activity":"email_open","op":"did"}]}})"
      "\n",
      err);
  INFO(replay.out << replay.err);
  REQUIRE(replay.status == 0);
  CHECK(replay.out ==
        "{\"ok\":true,\"members\":[1]}\n"
        "{\"ok\":true,\"count\":1,\"members\":[1]}\n");
}

// The member count `audience load` printed for `segment` (its table row:
// name, members, evaluate ms), or -1 when there is no such row.
long long LoadedCount(const std::string& out, const std::string& segment) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream row(line);
    std::string name, members;
    if (row >> name >> members && name == segment) {
      members.erase(std::remove(members.begin(), members.end(), ','),
                    members.end());
      return std::stoll(members);
    }
  }
  return -1;
}

constexpr long long kNow = 1'790'000'000;
constexpr long long kDay = 86'400;

// Leads created 5 and 60 days before kNow, a lead without created_at, an
// event without ts, and segments with relative-time conditions.
void WriteTimedFiles(const ScratchDir& scratch) {
  WriteText(scratch / "leads.ndjson",
            "{\"id\":1,\"created_at\":" + std::to_string(kNow - 5 * kDay) +
                "}\n{\"id\":2,\"created_at\":" +
                std::to_string(kNow - 60 * kDay) + "}\n{\"id\":3}\n");
  WriteText(scratch / "events.ndjson", R"({"lead":3,"type":"email_open"})"
                                       "\n");
  WriteText(
      scratch / "segments.ndjson",
      R"({"name":"New","filters":[{"field":"created_at","op":"within_last","value":{"days":30}}]})"
      "\n"
      R"({"name":"Old","filters":[{"field":"created_at","op":"older_than","value":{"days":30}}]})"
      "\n"
      R"({"name":"Opened","filters":[{"activity":"email_open","op":"did","within_days":1}]})"
      "\n");
}

std::vector<std::string> LoadArgs(const ScratchDir& scratch) {
  return {"load",
          "--leads",
          scratch / "leads.ndjson",
          "--events",
          scratch / "events.ndjson",
          "--segments",
          scratch / "segments.ndjson"};
}

TEST_CASE("audience load --now sets the clock relative time is evaluated at",
          "[cli]") {
  ScratchDir scratch;
  std::string err = scratch / "stderr";
  WriteTimedFiles(scratch);

  // At clock 0 (1970) every created_at lies in the future.
  CliResult at_zero = RunCli(LoadArgs(scratch), "", err);
  INFO(at_zero.out << at_zero.err);
  REQUIRE(at_zero.status == 0);
  CHECK(LoadedCount(at_zero.out, "New") == 0);
  CHECK(LoadedCount(at_zero.out, "Old") == 0);
  // The event got ts 0, the clock: within the last day.
  CHECK(LoadedCount(at_zero.out, "Opened") == 1);

  std::vector<std::string> args = LoadArgs(scratch);
  args.insert(args.end(), {"--now", std::to_string(kNow)});
  CliResult at_now = RunCli(args, "", err);
  INFO(at_now.out << at_now.err);
  REQUIRE(at_now.status == 0);
  CHECK(LoadedCount(at_now.out, "New") == 1);
  CHECK(LoadedCount(at_now.out, "Old") == 1);
  // The event without ts got ts kNow.
  CHECK(LoadedCount(at_now.out, "Opened") == 1);

  // 40 days later lead 1 is no longer new.
  args.back() = std::to_string(kNow + 40 * kDay);
  CliResult later = RunCli(args, "", err);
  INFO(later.out << later.err);
  REQUIRE(later.status == 0);
  CHECK(LoadedCount(later.out, "New") == 0);
  CHECK(LoadedCount(later.out, "Old") == 2);
}

TEST_CASE("audience load --now never moves a data directory's clock back",
          "[cli]") {
  ScratchDir scratch;
  std::string data = scratch / "data";
  std::string err = scratch / "stderr";
  WriteTimedFiles(scratch);
  std::vector<std::string> args = LoadArgs(scratch);
  args.insert(args.end(), {"--data-dir", data, "--now", std::to_string(kNow)});
  CliResult first = RunCli(args, "", err);
  INFO(first.out << first.err);
  REQUIRE(first.status == 0);
  CHECK(LoadedCount(first.out, "New") == 1);

  // The clock is kept with the data.
  const std::string query = R"({"op":"now"})"
                            "\n"
                            R"({"op":"count","segment":"New"})"
                            "\n";
  CliResult replay = RunCli({"replay", "--data-dir", data}, query, err);
  INFO(replay.out << replay.err);
  REQUIRE(replay.status == 0);
  CHECK(replay.out == "{\"ok\":true,\"now\":" + std::to_string(kNow) +
                          "}\n{\"ok\":true,\"count\":1}\n");

  // An earlier --now is refused before anything loads.
  WriteText(scratch / "more.ndjson", "{\"id\":4}\n");
  CliResult earlier = RunCli({"load", "--leads", scratch / "more.ndjson",
                              "--data-dir", data, "--now", "100"},
                             "", err);
  INFO(earlier.out << earlier.err);
  CHECK(earlier.status == 1);
  CHECK(Contains(earlier.err,
                 "--now 100 is before the clock of data "
                 "directory " +
                     data + " (" + std::to_string(kNow) +
                     "); the clock never moves backwards"));
  CHECK(earlier.out.empty());
  CliResult check = RunCli({"check", data}, "", err);
  CHECK(Contains(check.out, "state: 3 leads, 3 segments"));

  // The same time is a no-op; a later one moves the stored clock on.
  CliResult same = RunCli({"load", "--leads", scratch / "more.ndjson",
                           "--data-dir", data, "--now", std::to_string(kNow)},
                          "", err);
  INFO(same.out << same.err);
  CHECK(same.status == 0);
  CliResult later =
      RunCli({"load", "--leads", scratch / "more.ndjson", "--data-dir", data,
              "--now", std::to_string(kNow + 40 * kDay)},
             "", err);
  INFO(later.out << later.err);
  CHECK(later.status == 0);
  replay = RunCli({"replay", "--data-dir", data}, query, err);
  CHECK(replay.out ==
        "{\"ok\":true,\"now\":" + std::to_string(kNow + 40 * kDay) +
            "}\n{\"ok\":true,\"count\":0}\n");
}

TEST_CASE("bad flags of the data directory commands are usage errors",
          "[cli]") {
  ScratchDir scratch;
  std::string err = scratch / "stderr";
  std::string data = scratch / "data";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"replay", "--data-dir"}, "--data-dir needs a value"},
      {{"replay", "--data-dir", ""}, "--data-dir must not be empty"},
      {{"replay", "--sync", "never"}, "--sync needs --data-dir"},
      {{"replay", "--data-dir", data, "--sync", "sometimes"},
       "--sync expects every, interval, interval:MS (MS >= 1) or never, got "
       "\"sometimes\""},
      {{"replay", "--data-dir", data, "--sync", "interval:0"},
       "--sync expects"},
      {{"replay", "--data-dir", data, "--sync", "interval:5x"},
       "--sync expects"},
      {{"replay", "--datadir", data}, "unknown flag --datadir"},
      {{"replay", "--data-dir", data, "--data-dir", data},
       "--data-dir is given twice"},
      {{"replay", "a", "b"}, "unexpected argument 'b'"},
      {{"load", "--data-dir", data}, "usage: audience load"},
      {{"load", "--leads", "x", "--sync"}, "--sync needs a value"},
      {{"load", "--leads", "x", "--now"}, "--now needs a value"},
      {{"load", "--leads", "x", "--now", "abc"},
       "--now expects unix seconds (an integer >= 0), got \"abc\""},
      {{"load", "--leads", "x", "--now", "-1"}, "--now expects"},
      {{"load", "--leads", "x", "--now", "1.5"}, "--now expects"},
      {{"load", "--leads", "x", "--now", "17e8"}, "--now expects"},
      {{"load", "--leads", "x", "--now", ""}, "--now expects"},
      {{"load", "--leads", "x", "--now", "99999999999999999999"},
       "--now expects"},
      {{"load", "--leads", "x", "--now", "abc"},
       "relative-time conditions are evaluated at the clock: 0 unless --now"},
      {{"load", "--leads", "x", "--now", "1", "--data-dir", data, "--now", "2"},
       "--now is given twice"},
      {{"snapshot"}, "usage: audience snapshot DIR"},
      {{"snapshot", data, data}, "unexpected argument"},
      {{"check"}, "usage: audience check DIR"},
      {{"check", "--verbose", data}, "unknown flag --verbose"},
  };
  for (const Case& c : cases) {
    CliResult result = RunCli(c.args, "", err);
    std::string command;
    for (const std::string& a : c.args) command += " " + a;
    INFO("audience" << command << "\n" << result.err);
    CHECK(result.status == 2);
    CHECK(Contains(result.err, c.message));
    CHECK(result.out.empty());
  }
  // None of them touched the directory.
  CHECK_FALSE(std::filesystem::exists(data));

  CliResult missing = RunCli({"snapshot", scratch / "nope"}, "", err);
  CHECK(missing.status == 1);
  CHECK(Contains(missing.err, "is not a directory"));
  CHECK_FALSE(std::filesystem::exists(scratch / "nope"));
}

}  // namespace
}  // namespace audience::testing
