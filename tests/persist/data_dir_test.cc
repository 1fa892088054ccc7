// Data directories through the public API: reopening, snapshots, torn
// tails, damage and the directory lock.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/engine_core.h"
#include "persist/mutation_records.h"
#include "persist/snapshot_file.h"
#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

EngineOptions DirOptions(const TempDir& dir,
                         SyncPolicy sync = SyncPolicy::kEveryMutation) {
  EngineOptions options;
  options.now = kProbeNow;
  options.data_dir = dir.path();
  options.sync = sync;
  options.sync_interval_ms = 5;
  return options;
}

std::unique_ptr<Engine> OpenDir(const EngineOptions& options) {
  auto engine = Engine::Open(options);
  REQUIRE_OK(engine);
  return std::move(*engine);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A little of everything: fields, a category, segments (one reading
// another), leads, events, an override, a transfer, a campaign and actions.
void Populate(Engine& engine) {
  REQUIRE_OK(engine.DefineField("plan", FieldType::kKeyword));
  REQUIRE_OK(engine.CreateCategory("stage"));
  SegmentDefinition hot = Def("hot", {F("score", Op::kGte, 10)});
  hot.is_public = true;
  const SegmentId hot_id = MakeSegment(engine, hot);
  MakeSegment(engine, Def("hot pro", {Condition::Segment("hot", Op::kMember),
                                      F("plan", Op::kEq, "pro")}));
  MakeSegment(engine,
              Def("opened", {Condition::Activity("open", Op::kDid, 17, 1, 3)}));
  SegmentDefinition a = Def("A", {});
  a.category = "stage";
  SegmentDefinition b = Def("B", {});
  b.category = "stage";
  const SegmentId a_id = MakeSegment(engine, a);
  const SegmentId b_id = MakeSegment(engine, b);
  std::vector<Lead> leads;
  for (LeadId id = 1; id <= 50; ++id) {
    leads.push_back(Lead{id,
                         {{"score", Int(static_cast<int64_t>(id % 20))},
                          {"plan", Str(id % 3 == 0 ? "pro" : "free")},
                          {"tags", Tags({"t"})}}});
  }
  REQUIRE_OK(engine.UpsertLeads(leads));
  REQUIRE_OK(engine.RecordEvent(Event{3, "open", 17, kProbeNow - 3600}));
  REQUIRE_OK(engine.AddToSegment(a_id, 4));
  REQUIRE_OK(engine.AddToSegment(a_id, 5));
  std::vector<LeadId> moved = {4};
  REQUIRE_OK(engine.Transfer(moved, a_id, b_id));
  REQUIRE_OK(engine.RemoveFromSegment(hot_id, 19));
  REQUIRE_OK(engine.DeleteLead(7));
  CampaignDefinition launch{"launch",  CampaignStatus::kActive,
                            kProbeNow, std::nullopt,
                            {"hot"},   {"A", "B"}};
  const CampaignId c = MakeCampaign(engine, launch);
  CampaignAction action;
  action.kind = ActionKind::kEmailSent;
  action.lead = 12;
  REQUIRE_OK(engine.RecordCampaignAction(c, action));
  action.kind = ActionKind::kChangeScore;
  action.score_delta = 5;
  REQUIRE_OK(engine.RecordCampaignAction(c, action));
  REQUIRE_OK(engine.AdvanceClock(kProbeNow + 3600));
}

// Everything a host can read, as text, for comparisons.
std::string Dump(const Engine& engine) {
  std::string out = "now " + std::to_string(engine.Now()) + "\n";
  for (const FieldDefinition& f : engine.Fields()) out += f.name + " ";
  for (const Category& c : engine.Categories()) {
    out += "\ncategory " + std::to_string(c.id) + " " + c.name;
  }
  for (const Segment& s : engine.ListSegments()) {
    out += "\nsegment " + std::to_string(s.id) + " " + s.definition.name +
           " n=" + std::to_string(s.member_count) + ":";
    auto page = engine.Members(s.id, std::nullopt, 1000);
    REQUIRE_OK(page);
    for (LeadId id : page->leads) out += " " + std::to_string(id);
    auto stats = engine.Stats(s.id);
    REQUIRE_OK(stats);
    out += " active=" + std::to_string(stats->active_campaigns);
    for (const CampaignUsage& u : stats->by_campaign) {
      out += " used" + std::to_string(u.participated);
    }
    auto history = engine.LeadsOverTime(s.id, kProbeNow - 7200, engine.Now(),
                                        BucketWidth::kHour);
    REQUIRE_OK(history);
    for (const HistoryBucket& h : *history) {
      out += " h" + std::to_string(h.added) + "/" + std::to_string(h.removed);
    }
  }
  for (LeadId id = 0; id <= 52; ++id) {
    auto lead = engine.GetLead(id);
    if (!lead.ok()) continue;
    out += "\nlead " + std::to_string(id) + " fields " +
           std::to_string(lead->fields.size());
    auto of = engine.SegmentsOf(id);
    REQUIRE_OK(of);
    for (SegmentId s : of->segments) out += " s" + std::to_string(s);
    for (const auto& [category, segment] : of->active_segments) {
      out += " a" + std::to_string(category) + ":" + std::to_string(segment);
    }
    auto campaigns = engine.LeadCampaigns(id);
    REQUIRE_OK(campaigns);
    for (const Participation& p : *campaigns) {
      out += " c" + std::to_string(p.campaign) + "@" +
             std::to_string(p.last_action);
    }
  }
  for (const Campaign& c : engine.ListCampaigns()) {
    out += "\ncampaign " + std::to_string(c.id) + " " + c.definition.name;
    auto n = engine.CampaignAudienceCount(c.id);
    REQUIRE_OK(n);
    out += " audience " + std::to_string(*n);
  }
  return out;
}

TEST_CASE("a data directory reopens to the state it held", "[persist]") {
  TempDir dir;
  std::string before;
  {
    auto engine = OpenDir(DirOptions(dir));
    CHECK(engine->recovery().created);
    Populate(*engine);
    before = Dump(*engine);
  }
  auto engine = OpenDir(DirOptions(dir));
  const RecoveryReport r = engine->recovery();
  CHECK_FALSE(r.created);
  CHECK(r.replayed > 10);
  CHECK(r.torn_tail.empty());
  CHECK(Dump(*engine) == before);

  SECTION("and after a snapshot, from the snapshot alone") {
    auto info = engine->Snapshot();
    REQUIRE_OK(info);
    CHECK(info->generation == 2);
    CHECK(info->bytes > 0);
    CHECK_FALSE(std::filesystem::exists(dir / "journal-000001.log"));
    engine.reset();
    engine = OpenDir(DirOptions(dir));
    CHECK(engine->recovery().replayed == 0);
    CHECK(engine->recovery().generation == 2);
    CHECK(Dump(*engine) == before);
    // And it goes on from there.
    REQUIRE_OK(engine->UpsertLead(Lead{60, {{"score", Int(15)}}}));
    const std::string after = Dump(*engine);
    engine.reset();
    engine = OpenDir(DirOptions(dir));
    CHECK(engine->recovery().replayed == 1);
    CHECK(Dump(*engine) == after);
  }
  SECTION("the stored clock wins over the options'") {
    engine.reset();
    EngineOptions options = DirOptions(dir);
    options.now = 0;
    engine = OpenDir(options);
    CHECK(engine->Now() == kProbeNow + 3600);
  }
  SECTION("checking it reports its contents") {
    engine.reset();
    auto report = Engine::CheckDataDir(dir.path());
    REQUIRE_OK(report);
    CHECK(report->leads == 49);
    CHECK(report->segments == 5);
    CHECK(report->campaigns == 1);
    CHECK(report->recovery.replayed == r.replayed);
    CHECK(report->journal_bytes > 0);
  }
}

TEST_CASE("every sync policy keeps what a clean close wrote", "[persist]") {
  for (SyncPolicy sync : {SyncPolicy::kEveryMutation, SyncPolicy::kInterval,
                          SyncPolicy::kNever}) {
    TempDir dir;
    std::string before;
    {
      auto engine = OpenDir(DirOptions(dir, sync));
      Populate(*engine);
      REQUIRE_OK(engine->Sync());
      before = Dump(*engine);
    }
    CHECK(Dump(*OpenDir(DirOptions(dir, sync))) == before);
  }
}

TEST_CASE("failed mutations are not journaled", "[persist]") {
  TempDir dir;
  {
    auto engine = OpenDir(DirOptions(dir));
    REQUIRE_OK(engine->UpsertLead(Lead{1, {{"score", Int(1)}}}));
    CHECK_FALSE(engine->UpsertLead(Lead{2, {{"nope", Int(1)}}}).ok());
    CHECK_FALSE(engine->DeleteLead(99).ok());
  }
  auto engine = OpenDir(DirOptions(dir));
  CHECK(engine->recovery().replayed == 1);
  CHECK(engine->LeadCount() == 1);
}

TEST_CASE("a torn journal tail is dropped and reported", "[persist]") {
  TempDir dir;
  std::string two_leads;
  {
    auto engine = OpenDir(DirOptions(dir));
    REQUIRE_OK(engine->UpsertLead(Lead{1, {{"score", Int(1)}}}));
    REQUIRE_OK(engine->UpsertLead(Lead{2, {{"score", Int(2)}}}));
    two_leads = Dump(*engine);
    REQUIRE_OK(engine->UpsertLead(Lead{3, {{"score", Int(3)}}}));
  }
  const std::string journal = dir / "journal-000001.log";
  const std::string bytes = Slurp(journal);
  for (size_t cut : {1, 5, 9}) {
    Spit(journal, bytes.substr(0, bytes.size() - cut));
    auto engine = OpenDir(DirOptions(dir));
    CHECK(engine->recovery().replayed == 2);
    CHECK_THAT(engine->recovery().torn_tail,
               Catch::Contains("journal-000001.log"));
    CHECK(Dump(*engine) == two_leads);
    // The tail is cut off, so new records follow whole ones.
    REQUIRE_OK(engine->UpsertLead(Lead{3, {{"score", Int(3)}}}));
    engine.reset();
    engine = OpenDir(DirOptions(dir));
    CHECK(engine->recovery().torn_tail.empty());
    CHECK(engine->recovery().replayed == 3);
    Spit(journal, bytes);
  }
}

TEST_CASE("damage is DATA_LOSS naming the file and offset", "[persist]") {
  TempDir dir;
  {
    auto engine = OpenDir(DirOptions(dir));
    Populate(*engine);
    REQUIRE_OK(engine->Snapshot());
    REQUIRE_OK(engine->UpsertLead(Lead{1, {{"score", Int(1)}}}));
    REQUIRE_OK(engine->UpsertLead(Lead{2, {{"score", Int(2)}}}));
  }
  auto expect_loss = [&](const std::string& file, bool offset = true) {
    auto engine = Engine::Open(DirOptions(dir));
    REQUIRE_FALSE(engine.ok());
    CHECK(engine.status().code() == absl::StatusCode::kDataLoss);
    CHECK_THAT(std::string(engine.status().message()), Catch::Contains(file));
    if (offset) {
      CHECK_THAT(std::string(engine.status().message()),
                 Catch::Contains("offset"));
    }
    auto check = Engine::CheckDataDir(dir.path());
    REQUIRE_FALSE(check.ok());
    CHECK(check.status().code() == absl::StatusCode::kDataLoss);
  };
  SECTION("a flipped byte anywhere in the snapshot") {
    const std::string path = dir / "snapshot";
    const std::string bytes = Slurp(path);
    for (size_t at :
         {size_t{3}, size_t{30}, bytes.size() / 2, bytes.size() - 2}) {
      std::string damaged = bytes;
      damaged[at] ^= 0x10;
      Spit(path, damaged);
      expect_loss("snapshot");
    }
    Spit(path, bytes.substr(0, bytes.size() / 2));
    expect_loss("snapshot");
  }
  SECTION("a flipped byte in a journal record that is not the last") {
    const std::string path = dir / "journal-000002.log";
    std::string bytes = Slurp(path);
    bytes[24] ^= 0x01;  // inside the first record's payload
    Spit(path, bytes);
    expect_loss("journal-000002.log");
  }
  SECTION("a missing journal") {
    std::filesystem::rename(dir / "journal-000002.log",
                            dir / "journal-000003.log");
    expect_loss("journal-000002.log is missing", false);
  }
}

TEST_CASE("a snapshot after a segment changed category reopens", "[persist]") {
  // Found by the CLI crash test: active segments were kept for a segment
  // that had left the category, and the snapshot loader refused them.
  TempDir dir;
  std::string before;
  {
    auto engine = OpenDir(DirOptions(dir));
    REQUIRE_OK(engine->CreateCategory("A"));
    REQUIRE_OK(engine->CreateCategory("B"));
    SegmentDefinition s1 = Def("S1", {});
    s1.category = "A";
    SegmentDefinition s2 = Def("S2", {});
    s2.category = "A";
    const SegmentId one = MakeSegment(*engine, s1);
    const SegmentId two = MakeSegment(*engine, s2);
    REQUIRE_OK(engine->UpsertLead({1, {}}));
    REQUIRE_OK(engine->AddToSegment(one, 1));
    std::vector<LeadId> lead = {1};
    REQUIRE_OK(engine->Transfer(lead, one, two));
    s2.category = "B";
    REQUIRE_OK(engine->UpdateSegment(two, s2));
    REQUIRE_OK(engine->Snapshot());
    before = Dump(*engine);
  }
  CHECK(Dump(*OpenDir(DirOptions(dir))) == before);
}

TEST_CASE(
    "errors list referencing segments in the same order after a "
    "snapshot",
    "[persist]") {
  // Found by the CLI crash test (seed 9494): the list followed the order
  // the references were made, which a restore does not keep.
  TempDir dir;
  std::string before;
  {
    auto engine = OpenDir(DirOptions(dir));
    const SegmentId hot = MakeSegment(*engine, Def("Hot", {}));
    const SegmentId a = MakeSegment(*engine, Def("A", {}));
    MakeSegment(*engine, Def("B", {Condition::Segment("Hot", Op::kMember)}));
    REQUIRE_OK(engine->UpdateSegment(
        a, Def("A", {Condition::Segment("Hot", Op::kMember)})));
    before = std::string(engine->DeleteSegment(hot, false).status().message());
    CHECK_THAT(before, Catch::EndsWith("\"A\", \"B\""));
    REQUIRE_OK(engine->Snapshot());
  }
  auto engine = OpenDir(DirOptions(dir));
  CHECK(std::string(engine->DeleteSegment(1, false).status().message()) ==
        before);
}

TEST_CASE("a damaged record length in the last journal is DATA_LOSS",
          "[persist]") {
  // A length that runs past the end looks like a torn write; its own
  // checksum tells the two apart, so later records are never dropped.
  TempDir dir;
  {
    auto engine = OpenDir(DirOptions(dir));
    for (LeadId id = 1; id <= 10; ++id) {
      REQUIRE_OK(engine->UpsertLead(Lead{id, {{"score", Int(1)}}}));
    }
  }
  const std::string path = dir / "journal-000001.log";
  std::string bytes = Slurp(path);
  bytes[20 + 3] ^= 0x01;  // the first record's length, high byte
  Spit(path, bytes);
  auto engine = Engine::Open(DirOptions(dir));
  REQUIRE_FALSE(engine.ok());
  CHECK(engine.status().code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(engine.status().message()),
             Catch::Contains("journal-000001.log at offset 20"));
}

TEST_CASE("one engine at a time opens a data directory", "[persist]") {
  TempDir dir;
  auto engine = OpenDir(DirOptions(dir));
  auto second = Engine::Open(DirOptions(dir));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == absl::StatusCode::kFailedPrecondition);
  engine.reset();
  CHECK(Engine::Open(DirOptions(dir)).ok());
}

TEST_CASE("durability calls without a data directory", "[persist]") {
  auto engine = OpenEngine();
  CHECK(engine->Snapshot().status().code() ==
        absl::StatusCode::kFailedPrecondition);
  CHECK(engine->Sync().ok());
  CHECK(Engine::CheckDataDir("/nonexistent/audience").status().code() ==
        absl::StatusCode::kNotFound);
  TempDir empty;
  CHECK(Engine::CheckDataDir(empty.path()).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("queries run while a snapshot is written", "[persist]") {
  TempDir dir;
  auto engine = OpenDir(DirOptions(dir, SyncPolicy::kNever));
  Populate(*engine);
  const std::string before = Dump(*engine);
  std::atomic<bool> done{false};
  std::thread snapshots([&] {
    for (int i = 0; i < 5; ++i) CHECK(engine->Snapshot().ok());
    done = true;
  });
  int mutations = 0;
  while (!done) {
    CHECK(engine->Count(1).ok());
    REQUIRE_OK(engine->UpsertLead(
        Lead{static_cast<LeadId>(1000 + mutations), {{"score", Int(1)}}}));
    ++mutations;
  }
  snapshots.join();
  const std::string after = Dump(*engine);
  engine.reset();
  CHECK(Dump(*OpenDir(DirOptions(dir))) == after);
}

}  // namespace
}  // namespace audience::testing

namespace audience::testing {
namespace {

// Segment ids index a dense table, so a snapshot may not claim a counter
// beyond SegmentCatalog::kMaxId + 1 (found by the snapshot fuzzer: a
// claimed 2^32 made the load fill a table of billions of slots).
TEST_CASE("a snapshot's segment id counter is bounded", "[persist]") {
  for (uint64_t next : {uint64_t{SegmentCatalog::kMaxId} + 1,
                        uint64_t{SegmentCatalog::kMaxId} + 2}) {
    SnapshotWriter writer(1);
    writer.Section(1, [&](Encoder& e) {  // the engine section
      e.Signed(0);
      e.Varint(next);
      e.Varint(1);
      e.Varint(1);
    });
    const std::string bytes = std::move(writer).Finish();
    absl::StatusOr<SnapshotReader> reader = SnapshotReader::Open("s", bytes);
    REQUIRE(reader.ok());
    EngineCore core{EngineOptions{}};
    const absl::Status status = core.DecodeSnapshot(*reader);
    if (next > SegmentCatalog::kMaxId + 1) {
      CHECK(status.code() == absl::StatusCode::kDataLoss);
      CHECK_THAT(std::string(status.message()),
                 Catch::Contains("bad segment id counter"));
    } else {
      // Accepted counter; the load fails later, on the missing sections.
      CHECK_THAT(std::string(status.message()), !Catch::Contains("id counter"));
    }
  }
}

// design.md §8 came to refuse field names with leading or trailing white
// space or a control character after such fields could be defined: a
// snapshot or journal holding one was valid when written and still loads.
TEST_CASE("fields named before the padding rule restore and replay",
          "[persist]") {
  const std::string padded = " padded ";
  const std::string control =
      "a\x01"
      "b";
  EngineCore old_core{EngineOptions{}};
  REQUIRE_OK(
      old_core.DefineField(padded, FieldType::kKeyword, FieldSource::kStored));
  REQUIRE_OK(
      old_core.UpsertLeads(std::vector<Lead>{Lead{1, {{padded, Str("pro")}}}}));
  SnapshotWriter writer(1);
  old_core.EncodeSnapshot(writer);
  const std::string bytes = std::move(writer).Finish();

  absl::StatusOr<SnapshotReader> reader = SnapshotReader::Open("s", bytes);
  REQUIRE_OK(reader);
  EngineCore core{EngineOptions{}};
  REQUIRE_OK(core.DecodeSnapshot(*reader));
  REQUIRE(core.Fields().size() == 7);
  CHECK(core.Fields()[6].name == padded);
  absl::StatusOr<Lead> lead = core.GetLead(1);
  REQUIRE_OK(lead);
  CHECK(lead->fields.size() == 1);
  CHECK(lead->fields.contains(padded));

  REQUIRE_OK(ReplayRecord(record::DefineField(control, FieldType::kInt64),
                          "journal-000002.log at offset 20", core));
  REQUIRE(core.Fields().size() == 8);
  CHECK(core.Fields()[7].name == control);
  // A new definition of such a name is refused.
  REQUIRE_ERROR(core.DefineField(" other ", FieldType::kKeyword),
                absl::StatusCode::kInvalidArgument,
                "leading or trailing whitespace");
}

}  // namespace
}  // namespace audience::testing
