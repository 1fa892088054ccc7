// Durability costs: snapshots of a synthetic engine with 1,000 segments of
// the benchmark mix, and the journal's cost per mutation under each sync
// policy. AUDIENCE_BENCH_LEADS sets the size (default 1M; the target in
// docs/performance.md is for 10M). AUDIENCE_BENCH_DIR picks the directory
// written to (default: the system temp dir), so the disk is the one a
// deployment would use.
//
//   BM_SnapshotEncode   serialising the state (what mutations wait for)
//   BM_SnapshotWrite    encoding + writing the file, fsync and rename
//   BM_SnapshotLoad     reading the file, checking every checksum and
//                       restoring a new core (what Open does before replay)
//   BM_Patch/<policy>   a score patch through the public Engine, on 200,000
//                       leads and 1,000 segments: policy 0 = no data dir,
//                       1 = every mutation, 2 = every 100 ms, 3 = never
//   BM_Recovery         reopening a directory whose journal holds 20,000
//                       patches (snapshot load + replay)
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "bench_data.h"
#include "persist/files.h"
#include "persist/snapshot_file.h"
#include "synthetic_data.h"

namespace audience::bench {
namespace {

const uint64_t kLeads = EnvOr("AUDIENCE_BENCH_LEADS", 1'000'000);
constexpr int kSegments = 1'000;
constexpr uint64_t kPatchLeads = 200'000;
constexpr int kRecoveryPatches = 20'000;

std::string BenchDir(const std::string& name) {
  const char* env = std::getenv("AUDIENCE_BENCH_DIR");
  std::filesystem::path root = env != nullptr
                                   ? std::filesystem::path(env)
                                   : std::filesystem::temp_directory_path();
  std::filesystem::path dir = root / ("audience-bench-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

EngineCore& Core() {
  static EngineCore* core = [] {
    EngineCore& c = SyntheticCore(kLeads);
    std::mt19937_64 rng(7);
    for (int i = 0; i < kSegments; ++i) {
      Must(c.CreateSegment(MixedSegment(i, kSegments, rng)).status());
    }
    return &c;
  }();
  return *core;
}

std::string Encode(const EngineCore& core) {
  SnapshotWriter writer(1);
  core.EncodeSnapshot(writer);
  return std::move(writer).Finish();
}

void BM_SnapshotEncode(benchmark::State& state) {
  const EngineCore& core = Core();
  size_t bytes = 0;
  for (auto _ : state) bytes = Encode(core).size();
  state.counters["MB"] = bytes / 1e6;
  state.counters["leads"] = static_cast<double>(core.LeadCount());
}
BENCHMARK(BM_SnapshotEncode)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_SnapshotWrite(benchmark::State& state) {
  const EngineCore& core = Core();
  const std::string dir = BenchDir("snapshot");
  for (auto _ : state) {
    Must(WriteFileAtomically(dir, "snapshot", Encode(core)));
  }
}
BENCHMARK(BM_SnapshotWrite)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_SnapshotLoad(benchmark::State& state) {
  const std::string dir = BenchDir("load");
  Must(WriteFileAtomically(dir, "snapshot", Encode(Core())));
  const std::string path = dir + "/snapshot";
  for (auto _ : state) {
    const std::string bytes = Must(ReadFile(path));
    SnapshotReader reader = Must(SnapshotReader::Open(path, bytes));
    auto core = std::make_unique<EngineCore>(EngineOptions{});
    Must(core->DecodeSnapshot(reader));
    benchmark::DoNotOptimize(core->LeadCount());
    state.PauseTiming();
    core.reset();  // freeing is not part of a load
    state.ResumeTiming();
  }
}
BENCHMARK(BM_SnapshotLoad)->Unit(benchmark::kMillisecond)->Iterations(1);

// An engine of kPatchLeads leads and 1,000 segments, on a data directory
// with `policy` (0: none).
std::unique_ptr<Engine> PatchEngine(int policy, const std::string& dir) {
  EngineOptions options;
  synthetic::Options data;
  data.leads = kPatchLeads;
  options.now = data.now;
  if (policy > 0) {
    options.data_dir = dir;
    options.sync = static_cast<SyncPolicy>(policy - 1);
    options.sync_interval_ms = 100;
  }
  std::unique_ptr<Engine> engine = Must(Engine::Open(options));
  Must(synthetic::DefineFields(*engine));
  Must(engine->LoadLeads(synthetic::LeadsNdjson(data), "leads").status());
  std::mt19937_64 rng(7);
  for (int i = 0; i < kSegments; ++i) {
    Must(engine->CreateSegment(MixedSegment(i, kSegments, rng)).status());
  }
  // The setup's records are not what is measured.
  if (policy > 0) Must(engine->Snapshot().status());
  return engine;
}

void BM_Patch(benchmark::State& state) {
  const int policy = static_cast<int>(state.range(0));
  const std::string dir = BenchDir("patch" + std::to_string(policy));
  std::unique_ptr<Engine> engine = PatchEngine(policy, dir);
  std::mt19937_64 rng(11);
  for (auto _ : state) {
    LeadPatch patch;
    patch.id = 1 + rng() % kPatchLeads;
    patch.set["score"] = static_cast<int64_t>(rng() % 1000);
    benchmark::DoNotOptimize(engine->PatchLead(patch));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Patch)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Arg(3)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

void BM_Recovery(benchmark::State& state) {
  const std::string dir = BenchDir("recovery");
  {
    std::unique_ptr<Engine> engine = PatchEngine(3, dir);
    std::mt19937_64 rng(13);
    for (int i = 0; i < kRecoveryPatches; ++i) {
      LeadPatch patch;
      patch.id = 1 + rng() % kPatchLeads;
      patch.set["score"] = static_cast<int64_t>(rng() % 1000);
      Must(engine->PatchLead(patch).status());
    }
  }
  EngineOptions options;
  options.data_dir = dir;
  for (auto _ : state) {
    std::unique_ptr<Engine> engine = Must(Engine::Open(options));
    state.counters["replayed"] =
        static_cast<double>(engine->recovery().replayed);
    state.PauseTiming();
    engine.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Recovery)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace audience::bench

BENCHMARK_MAIN();
