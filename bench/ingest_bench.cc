// Bulk NDJSON ingest and the memory it leaves behind, single thread.
//
// Cases:
//   BM_LoadLeads/<leads>    LoadLeads of the synthetic lead NDJSON into a
//                           fresh engine (counters: leads/s, MB/s)
//   BM_LoadEvents/<leads>   LoadEvents of their activity (events/s)
//   BM_Memory/<leads>       not a timing: bytes per lead of the standard
//                           fields (email text included), each field, the
//                           id map and the events, as counters
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench_data.h"
#include "synthetic_data.h"

namespace audience::bench {
namespace {

std::unique_ptr<EngineCore> FreshCore() {
  auto core = std::make_unique<EngineCore>(
      EngineOptions{.now = synthetic::Options{}.now});
  for (auto [name, type] : {std::pair{"plan", FieldType::kKeyword},
                            std::pair{"mrr", FieldType::kDouble},
                            std::pair{"opted_in", FieldType::kBool}}) {
    if (!core->DefineField(name, type).ok()) std::abort();
  }
  return core;
}

void BM_LoadLeads(benchmark::State& state) {
  synthetic::Options options;
  options.leads = state.range(0);
  const std::string ndjson = synthetic::LeadsNdjson(options);
  for (auto _ : state) {
    state.PauseTiming();
    auto core = FreshCore();
    state.ResumeTiming();
    auto report = core->LoadLeads(ndjson, "leads");
    if (!report.ok() || report->loaded != options.leads) std::abort();
    state.PauseTiming();
    core.reset();  // freeing 1M leads is not part of loading them
    state.ResumeTiming();
  }
  state.counters["leads/s"] = benchmark::Counter(
      static_cast<double>(options.leads) * state.iterations(),
      benchmark::Counter::kIsRate);
  state.counters["MB/s"] = benchmark::Counter(
      ndjson.size() / 1e6 * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_LoadEvents(benchmark::State& state) {
  synthetic::Options options;
  options.leads = state.range(0);
  const std::string leads = synthetic::LeadsNdjson(options);
  const std::string events = synthetic::EventsNdjson(options);
  uint64_t loaded = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto core = FreshCore();
    if (!core->LoadLeads(leads, "leads").ok()) std::abort();
    state.ResumeTiming();
    auto report = core->LoadEvents(events, "events");
    if (!report.ok() || report->rejected != 0) std::abort();
    loaded = report->loaded;
    state.PauseTiming();
    core.reset();
    state.ResumeTiming();
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(loaded) * state.iterations(),
                         benchmark::Counter::kIsRate);
}

void BM_Memory(benchmark::State& state) {
  EngineCore& core = SyntheticCore(state.range(0));
  MemoryStats stats;
  for (auto _ : state) stats = core.Memory();
  const double leads = static_cast<double>(stats.leads);
  double standard = 0;
  for (const auto& [name, bytes] : stats.field_bytes) {
    bool is_standard = name == "email" || name == "country" ||
                       name == "stage" || name == "score" || name == "tags" ||
                       name == "created_at";
    if (is_standard) {
      standard += bytes;
      state.counters[name + " B/lead"] = bytes / leads;
    }
  }
  state.counters["standard B/lead"] = standard / leads;
  state.counters["id map B/lead"] = stats.row_bytes / leads;
  state.counters["events B/lead"] = stats.activity_bytes / leads;
}

BENCHMARK(BM_LoadLeads)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadEvents)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Memory)->Arg(1'000'000)->Arg(10'000'000)->Iterations(1);

}  // namespace
}  // namespace audience::bench

BENCHMARK_MAIN();
