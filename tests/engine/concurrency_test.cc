// A smoke test of the Engine's thread-safety contract: readers calling
// Count, Members, Explain and PreviewSegment while one writer upserts and
// patches leads never crash and always see a consistent state — each read
// is answered entirely before or after a mutation, never in between.
// Catch2 assertions are not thread-safe, so threads record what they saw
// and the main thread checks it.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr LeadId kLeads = 300;

bool IsVip(const Value& tags) {
  const auto* list = std::get_if<TagList>(&tags);
  return list != nullptr &&
         std::find(list->begin(), list->end(), "vip") != list->end();
}

TEST_CASE("readers see consistent answers while a writer mutates", "[engine]") {
  auto engine = OpenEngine(kProbeNow);
  const SegmentId scored =
      MakeSegment(*engine, Def("scored", {F("score", Op::kGte, int64_t{0})}));
  const SegmentId vip =
      MakeSegment(*engine, Def("vip", {F("tags", Op::kHas, "vip")}));
  const SegmentId both = MakeSegment(
      *engine, Def("both", {Condition::Segment("vip", Op::kMember),
                            Condition::Segment("scored", Op::kMember)}));

  std::atomic<bool> done{false};
  std::mutex mu;
  std::vector<std::string> problems;
  auto report = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    if (problems.size() < 20) problems.push_back(std::move(what));
  };

  auto reader = [&](uint64_t seed) {
    SeededRandom rng(seed);
    uint64_t last_count = 0;
    uint64_t reads = 0;
    while (!done.load() || reads < 50) {
      ++reads;
      // Leads are only added: a reader never sees the count go down.
      auto count = engine->Count(scored);
      if (!count.ok() || *count < last_count) {
        report("scored count went from " + std::to_string(last_count));
      } else {
        last_count = *count;
      }
      // A page is a snapshot: ascending, no duplicates.
      auto page = engine->Members(both, std::nullopt, 1000);
      if (!page.ok()) {
        report("members failed");
      } else {
        for (size_t i = 0; i < page->leads.size(); ++i) {
          if (i > 0 && page->leads[i - 1] >= page->leads[i]) {
            report("members out of order");
          }
        }
      }
      // One explanation is one state: held matches the value it shows.
      const LeadId lead = rng.Below(kLeads);
      auto explained = engine->Explain(lead, vip);
      if (explained.ok()) {
        const bool has_vip = IsVip(explained->conditions.at(0).value);
        if (explained->member != has_vip ||
            explained->conditions[0].held != has_vip) {
          report("explain of lead " + std::to_string(lead) + " disagrees");
        }
      } else if (explained.status().code() != absl::StatusCode::kNotFound) {
        report("explain failed: " + explained.status().ToString());
      }
      auto preview = engine->PreviewSegment(
          Def("", {F("score", Op::kGte, int64_t{0})}), 5);
      if (!preview.ok() || preview->count < last_count) {
        report("preview saw fewer leads than count did");
      }
    }
  };

  std::vector<std::thread> readers;
  for (uint64_t seed = 1; seed <= 3; ++seed) readers.emplace_back(reader, seed);
  std::thread writer([&] {
    for (LeadId id = 0; id < kLeads; ++id) {
      Lead lead{id, {{"score", Int(static_cast<int64_t>(id))}}};
      if (id % 3 == 0) lead.fields["tags"] = Tags({"vip"});
      if (!engine->UpsertLead(lead).ok()) report("upsert failed");
      if (id % 5 == 0) {
        LeadPatch patch;
        patch.id = id;
        if (id % 3 == 0) {
          patch.remove_tags = {"vip"};
        } else {
          patch.add_tags = {"vip"};
        }
        if (!engine->PatchLead(patch).ok()) report("patch failed");
      }
    }
    done.store(true);
  });
  writer.join();
  for (std::thread& t : readers) t.join();

  CHECK(problems == std::vector<std::string>{});
  CHECK(*engine->Count(scored) == kLeads);
  // vip: multiples of 3 but not of 15, plus multiples of 5 but not of 3.
  uint64_t vips = 0;
  for (LeadId id = 0; id < kLeads; ++id) {
    vips += (id % 3 == 0) != (id % 5 == 0);
  }
  CHECK(*engine->Count(vip) == vips);
  CHECK(MembersOf(*engine, both) == MembersOf(*engine, vip));
}

}  // namespace
}  // namespace audience::testing
