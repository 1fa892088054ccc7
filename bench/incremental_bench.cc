// Incremental membership at scale: 1M synthetic leads and 10,000 segments
// (1,000 reading score, 100 with clock windows, the rest mixed conditions
// over the standard and custom fields). Each case runs on the watch index
// ("incremental") and on the naive path ("naive": every segment
// point-evaluated for the changed lead, every windowed segment re-evaluated
// on a clock advance).
//
//   BM_PatchScore/<path>/<kind>/<mix>  one score patch; p50_us / p99_us
//       counters. mix 0: the flat segments; mix 1: one segment in ten
//       (1,000) replaced like for like by one with groups (bench_data.h
//       GroupedSegment: 100 of them read score inside groups).
//       kind 0 ("step"): the score moves by -25..+25, as lead-scoring points
//       do; kind 1 ("random"): a new score drawn from 0..999, the worst
//       case (a third of the score segments' bounds lie in between)
//   BM_PatchBatch/<path>/<kind>  PatchLeads with 10,000 such patches
//   BM_AdvanceClockDay/<path> AdvanceClock by one day; crossing counters
//   BM_Memory                 index and history bytes
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench_data.h"

namespace audience::bench {
namespace {

// AUDIENCE_BENCH_LEADS / AUDIENCE_BENCH_SEGMENTS shrink the setup for quick
// profiling runs; the reported figures use the defaults.
const uint64_t kLeads = EnvOr("AUDIENCE_BENCH_LEADS", 1'000'000);
const int kSegments =
    static_cast<int>(EnvOr("AUDIENCE_BENCH_SEGMENTS", 10'000));

// The engine with the segment mix; `grouped` replaces one segment in ten
// (1,000 of 10,000) by one with groups (GroupedSegment), in an engine of
// its own, so both mixes are measured in one run.
EngineCore& Core(bool grouped = false) {
  static EngineCore* cores[2] = {nullptr, nullptr};
  EngineCore*& core = cores[grouped];
  if (core != nullptr) return *core;
  EngineCore& c = SyntheticCore(kLeads, grouped ? 1 : 0);
  std::mt19937_64 rng(7);
  std::mt19937_64 group_rng(17);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSegments; ++i) {
    SegmentDefinition def = MixedSegment(i, kSegments, rng);
    if (grouped && i % 10 == 5) def = GroupedSegment(i, kSegments, group_rng);
    if (!c.CreateSegment(def).ok()) std::abort();
  }
  std::fprintf(
      stderr, "defined %d segments (%s) in %.1f s\n", kSegments,
      grouped ? "1 in 10 grouped" : "flat",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  core = &c;
  return c;
}

LeadPatch ScorePatch(const EngineCore& core, std::mt19937_64& rng,
                     bool random) {
  LeadPatch p;
  p.id = 1 + rng() % kLeads;
  int64_t score = static_cast<int64_t>(rng() % 1000);
  if (!random) {
    const LeadStore& store = core.store();
    const Value now =
        store.GetValue(*store.Find(p.id), *store.schema().Find("score"));
    const int64_t* current = std::get_if<int64_t>(&now);
    score = (current ? *current : 0) + static_cast<int64_t>(rng() % 51) - 25;
  }
  p.set["score"] = score;
  return p;
}

void BM_PatchScore(benchmark::State& state) {
  EngineCore& core = Core(state.range(2) == 1);
  core.set_incremental_index(state.range(0) == 1);
  std::mt19937_64 rng(11);
  std::vector<double> micros;
  uint64_t changes = 0;
  for (auto _ : state) {
    LeadPatch patch = ScorePatch(core, rng, state.range(1) == 1);
    const auto start = std::chrono::steady_clock::now();
    auto result = core.PatchLeads({&patch, 1});
    const auto end = std::chrono::steady_clock::now();
    if (!result.ok()) std::abort();
    changes += result->changes.size();
    micros.push_back(
        std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["changes_per_patch"] =
      static_cast<double>(changes) / static_cast<double>(micros.size());
  core.set_incremental_index(true);
}
BENCHMARK(BM_PatchScore)
    ->ArgNames({"incremental", "random", "grouped"})
    ->Args({1, 0, 0})
    ->Args({1, 1, 0})
    ->Args({1, 0, 1})
    ->Args({1, 1, 1})
    ->Iterations(20000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PatchScore)
    ->ArgNames({"incremental", "random", "grouped"})
    ->Args({0, 0, 0})
    ->Args({0, 1, 0})
    ->Iterations(300)
    ->Unit(benchmark::kMicrosecond);

void BM_PatchBatch(benchmark::State& state) {
  EngineCore& core = Core();
  core.set_incremental_index(state.range(0) == 1);
  std::mt19937_64 rng(13);
  constexpr size_t kBatch = 10'000;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<LeadPatch> patches;
    for (size_t i = 0; i < kBatch; ++i) {
      patches.push_back(ScorePatch(core, rng, state.range(1) == 1));
    }
    state.ResumeTiming();
    auto result = core.PatchLeads(patches);
    if (!result.ok()) std::abort();
    benchmark::DoNotOptimize(result->changes.data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  core.set_incremental_index(true);
}
BENCHMARK(BM_PatchBatch)
    ->ArgNames({"incremental", "random"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PatchBatch)
    ->ArgNames({"incremental", "random"})
    ->Args({0, 0})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_AdvanceClockDay(benchmark::State& state) {
  EngineCore& core = Core();
  core.set_incremental_index(state.range(0) == 1);
  uint64_t changes = 0;
  for (auto _ : state) {
    auto result = core.AdvanceClock(core.Now() + kSecondsPerDay);
    if (!result.ok()) std::abort();
    changes += result->changes.size();
  }
  state.counters["changes_per_day"] =
      static_cast<double>(changes) / static_cast<double>(state.iterations());
  core.set_incremental_index(true);
}
BENCHMARK(BM_AdvanceClockDay)
    ->ArgName("incremental")
    ->Arg(1)
    ->Arg(0)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

void BM_Memory(benchmark::State& state) {
  EngineCore& core = Core();
  MemoryStats stats;
  for (auto _ : state) stats = core.Memory();
  state.counters["index_MB"] = static_cast<double>(stats.index_bytes) / 1e6;
  state.counters["history_B_per_segment"] =
      static_cast<double>(stats.history_bytes) / kSegments;
  state.counters["segments_MB"] =
      static_cast<double>(stats.segment_bytes) / 1e6;
}
BENCHMARK(BM_Memory)->Iterations(1);

}  // namespace
}  // namespace audience::bench

BENCHMARK_MAIN();
