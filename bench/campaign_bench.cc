// Transfers, campaign statistics and the leads tab at scale: 1M synthetic
// leads, 1,000 segments of the benchmark mix, "Cold" (score >= 0, nearly
// every lead) and "Warm" (a manual list) in one category, 10 campaigns using
// Warm with 260,000 recorded actions, and a year of daily history on Warm
// (each simulated day moves 300 leads Cold -> Warm and 100 back).
//
//   BM_TransferOne      one lead Cold -> Warm (a move within the category);
//                       p50_us / p99_us counters
//   BM_TransferBatch    100,000 leads Cold -> Warm in one call (moved back
//                       untimed between iterations)
//   BM_Stats            Stats(Warm): totals, campaign counts, usage of the
//                       10 campaigns
//   BM_LeadsOverTime    Warm's daily buckets over the year
//   BM_LeadsTab/<seg>   a page of 50 with details, at a random cursor;
//                       seg 0 = Cold (~1M members), 1 = Warm
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "bench_data.h"

namespace audience::bench {
namespace {

const uint64_t kLeads = EnvOr("AUDIENCE_BENCH_LEADS", 1'000'000);
constexpr int kSegments = 1'000;
constexpr int kCampaigns = 10;
constexpr int kDays = 365;

struct Setup {
  EngineCore* core = nullptr;
  SegmentId cold = 0;
  SegmentId warm = 0;
};

// A random member of `segment`.
LeadId RandomMember(const EngineCore& core, SegmentId segment,
                    std::mt19937_64& rng) {
  while (true) {
    const LeadId id = 1 + rng() % kLeads;
    if (Must(core.Contains(segment, id))) return id;
  }
}

const Setup& Data() {
  static const Setup setup = [] {
    Setup s;
    EngineCore& c = SyntheticCore(kLeads);
    s.core = &c;
    const auto start = std::chrono::steady_clock::now();
    std::mt19937_64 rng(7);
    for (int i = 0; i < kSegments; ++i) {
      Must(c.CreateSegment(MixedSegment(i, kSegments, rng)));
    }
    Must(c.CreateCategory("Lifecycle"));
    SegmentDefinition cold{.name = "Cold",
                           .category = "Lifecycle",
                           .is_public = true,
                           .filters = {Field("score", Op::kGte, int64_t{0})}};
    SegmentDefinition warm{
        .name = "Warm", .category = "Lifecycle", .is_public = true};
    s.cold = static_cast<SegmentId>(Must(c.CreateSegment(cold)).id);
    s.warm = static_cast<SegmentId>(Must(c.CreateSegment(warm)).id);

    // A year of days: leads warm up, a few cool down.
    const Timestamp year_ago = c.Now();
    for (int day = 0; day < kDays; ++day) {
      Must(c.AdvanceClock(year_ago + (day + 1) * kSecondsPerDay));
      std::vector<LeadId> up, down;
      for (int i = 0; i < 300; ++i) up.push_back(RandomMember(c, s.cold, rng));
      std::sort(up.begin(), up.end());
      up.erase(std::unique(up.begin(), up.end()), up.end());
      Must(c.Transfer(up, s.cold, s.warm));
      for (int i = 0; i < 100; ++i) {
        down.push_back(RandomMember(c, s.warm, rng));
      }
      std::sort(down.begin(), down.end());
      down.erase(std::unique(down.begin(), down.end()), down.end());
      Must(c.Transfer(down, s.warm, s.cold));
    }

    // Ten campaigns over the year using Warm, with their actions.
    for (int i = 0; i < kCampaigns; ++i) {
      CampaignDefinition def;
      def.name = "campaign " + std::to_string(i);
      def.status = i < 4 ? CampaignStatus::kActive : CampaignStatus::kCompleted;
      def.start = year_ago + i * 30 * kSecondsPerDay;
      def.end = *def.start + 90 * kSecondsPerDay;
      if (i % 2 == 0) {
        def.sources = {"Warm"};
      } else {
        def.sources = {"Cold"};
        def.workflow_segments = {"Warm"};
      }
      const CampaignId id = Must(c.CreateCampaign(def));
      for (auto [kind, n] : {std::pair{ActionKind::kEmailSent, 20'000},
                             std::pair{ActionKind::kEmailOpened, 5'000},
                             std::pair{ActionKind::kEmailClicked, 1'000}}) {
        // Two batches, so some leads have two actions of a kind.
        for (int batch = 0; batch < 2; ++batch) {
          std::vector<LeadId> leads;
          for (int a = 0; a < n / 2; ++a) leads.push_back(1 + rng() % kLeads);
          std::sort(leads.begin(), leads.end());
          leads.erase(std::unique(leads.begin(), leads.end()), leads.end());
          Must(c.RecordCampaignActions(id, {.kind = kind}, leads));
        }
      }
    }
    std::fprintf(
        stderr, "setup (segments, a year of transfers, campaigns) %.1f s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    return s;
  }();
  return setup;
}

void BM_TransferOne(benchmark::State& state) {
  const Setup& s = Data();
  EngineCore& core = *s.core;
  std::mt19937_64 rng(11);
  std::vector<double> micros;
  for (auto _ : state) {
    state.PauseTiming();
    const LeadId lead = RandomMember(core, s.cold, rng);
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    auto result = core.Transfer({&lead, 1}, s.cold, s.warm);
    const auto end = std::chrono::steady_clock::now();
    if (!result.ok()) std::abort();
    micros.push_back(
        std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
}
BENCHMARK(BM_TransferOne)->Iterations(20000)->Unit(benchmark::kMicrosecond);

void BM_TransferBatch(benchmark::State& state) {
  const Setup& s = Data();
  EngineCore& core = *s.core;
  constexpr size_t kBatch = 100'000;
  std::mt19937_64 rng(13);
  for (auto _ : state) {
    state.PauseTiming();
    // 100,000 members of Cold spread over the id range.
    MembersPage page =
        Must(core.MembersOf(s.cold, rng() % (kLeads / 2), kBatch * 2));
    std::vector<LeadId> leads;
    for (size_t i = 0; i < page.leads.size() && leads.size() < kBatch; i += 2) {
      leads.push_back(page.leads[i]);
    }
    state.ResumeTiming();
    auto result = core.Transfer(leads, s.cold, s.warm);
    if (!result.ok()) std::abort();
    benchmark::DoNotOptimize(result->changes.data());
    state.PauseTiming();
    if (!core.Transfer(leads, s.warm, s.cold).ok()) std::abort();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_TransferBatch)->Iterations(5)->Unit(benchmark::kMillisecond);

void BM_Stats(benchmark::State& state) {
  const Setup& s = Data();
  uint64_t participated = 0;
  for (auto _ : state) {
    SegmentStats stats = Must(s.core->Stats(s.warm));
    participated = stats.by_campaign[0].participated;
    benchmark::DoNotOptimize(stats);
  }
  state.counters["warm_members"] =
      static_cast<double>(Must(s.core->Count(s.warm)));
  state.counters["participated_c0"] = static_cast<double>(participated);
}
BENCHMARK(BM_Stats)->Unit(benchmark::kMicrosecond);

void BM_LeadsOverTime(benchmark::State& state) {
  const Setup& s = Data();
  const Timestamp now = s.core->Now();
  size_t buckets = 0;
  uint64_t added = 0;
  for (auto _ : state) {
    auto series = Must(s.core->LeadsOverTime(
        s.warm, now - kDays * kSecondsPerDay, now, BucketWidth::kDay));
    benchmark::DoNotOptimize(series.data());
    buckets = series.size();
    added = 0;
    for (const HistoryBucket& b : series) added += b.added;
  }
  state.counters["buckets"] = static_cast<double>(buckets);
  state.counters["added"] = static_cast<double>(added);
}
BENCHMARK(BM_LeadsOverTime)->Unit(benchmark::kMicrosecond);

void BM_LeadsTab(benchmark::State& state) {
  const Setup& s = Data();
  const SegmentId segment = state.range(0) == 0 ? s.cold : s.warm;
  std::mt19937_64 rng(17);
  for (auto _ : state) {
    const LeadId after = rng() % kLeads;
    LeadsPage page = Must(s.core->SegmentLeads(segment, after, 50));
    benchmark::DoNotOptimize(page.leads.data());
  }
}
BENCHMARK(BM_LeadsTab)
    ->ArgName("warm")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace audience::bench

BENCHMARK_MAIN();
