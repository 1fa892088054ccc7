// Housekeeping inside the store — the string arena and the tag pool are
// compacted once enough rewritten values pile up — must not change any
// answer: values, segments and explanations read the same afterwards.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("strings read the same after the arena is compacted", "[engine]") {
  auto engine = OpenEngine(kProbeNow);
  for (LeadId id = 1; id <= 3; ++id) {
    REQUIRE_OK(engine->UpsertLead(
        {id, {{"email", Str("lead" + std::to_string(id) + "@Example.com")}}}));
  }
  const SegmentId example = MakeSegment(
      *engine, Def("example", {F("email", Op::kEndsWith, "@example.COM")}));
  const SegmentId big =
      MakeSegment(*engine, Def("big", {F("email", Op::kContains, "zzzz")}));
  // Rewrite one lead's long value until the garbage passes a megabyte.
  const std::string filler(60 * 1024, 'z');
  for (int i = 0; i < 24; ++i) {
    REQUIRE_OK(engine->UpsertLead(
        {4, {{"email", Str(std::to_string(i) + filler + "@example.com")}}}));
  }
  REQUIRE_OK(
      engine->PatchLead({2, {{"email", Str("two@Other.org")}}, {}, {}, {}}));
  CHECK(MembersOf(*engine, example) == Ids({1, 3, 4}));
  CHECK(MembersOf(*engine, big) == Ids({4}));
  auto lead = engine->GetLead(4);
  REQUIRE_OK(lead);
  CHECK(lead->fields.at("email") == Str("23" + filler + "@example.com"));
  CHECK(engine->GetLead(1)->fields.at("email") == Str("lead1@Example.com"));
  CHECK(engine->GetLead(2)->fields.at("email") == Str("two@Other.org"));
  auto preview = engine->PreviewSegment(
      Def("", {F("email", Op::kStartsWith, "LEAD3@")}), 5);
  REQUIRE_OK(preview);
  CHECK(preview->first_members == Ids({3}));
}

TEST_CASE("tags read the same after the tag pool is compacted", "[engine]") {
  // 9000 leads with 30 tags each, rewritten once: 270,000 dead entries.
  constexpr LeadId kLeads = 9000;
  constexpr int kTags = 30;
  auto engine = OpenEngine(kProbeNow);
  auto load = [&](int round) {
    std::string ndjson;
    for (LeadId id = 0; id < kLeads; ++id) {
      ndjson += "{\"id\": " + std::to_string(id) + ", \"tags\": [";
      for (int t = 0; t < kTags; ++t) {
        if (t > 0) ndjson += ", ";
        ndjson += "\"r" + std::to_string(round) + "t" +
                  std::to_string((id + t) % 997) + "\"";
      }
      ndjson += "]}\n";
    }
    auto report = engine->LoadLeads(ndjson);
    REQUIRE_OK(report);
    REQUIRE(report->loaded == kLeads);
  };
  load(0);
  const SegmentId first =
      MakeSegment(*engine, Def("first", {F("tags", Op::kHas, "R0T5")}));
  const SegmentId second = MakeSegment(
      *engine,
      Def("second", {F("tags", Op::kHasAll, List({"r1t5", "r1t20"}))}));
  load(1);
  CHECK(MembersOf(*engine, first).empty());
  // Lead id holds terms (id + t) % 997 for t < 30.
  uint64_t expected = 0;
  for (LeadId id = 0; id < kLeads; ++id) {
    const int offset = static_cast<int>(id % 997);
    auto holds = [&](int term) { return (term - offset + 997) % 997 < kTags; };
    expected += holds(5) && holds(20);
  }
  CHECK(*engine->Count(second) == expected);
  auto lead = engine->GetLead(3);
  REQUIRE_OK(lead);
  const auto& tags = std::get<TagList>(lead->fields.at("tags"));
  REQUIRE(tags.size() == kTags);
  CHECK(tags.front() == "r1t3");
  CHECK(tags.back() == "r1t32");
  // Patches after the compaction still start from the right list.
  LeadPatch patch;
  patch.id = 3;
  patch.add_tags = {"extra"};
  patch.remove_tags = {"R1T3"};
  REQUIRE_OK(engine->PatchLead(patch));
  auto patched_lead = engine->GetLead(3);
  REQUIRE_OK(patched_lead);
  const auto& patched = std::get<TagList>(patched_lead->fields.at("tags"));
  CHECK(patched.size() == kTags);
  CHECK(patched.front() == "r1t4");
  CHECK(patched.back() == "extra");
}

}  // namespace
}  // namespace audience::testing
