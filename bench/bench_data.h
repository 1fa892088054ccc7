// Shared benchmark data: synthetic engines built once per size and kept for
// the whole run (building 10M leads takes a while).
#ifndef AUDIENCE_BENCH_BENCH_DATA_H_
#define AUDIENCE_BENCH_BENCH_DATA_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "engine/engine_core.h"

namespace audience::bench {

// An EngineCore loaded with `leads` synthetic leads and their events, built
// once per (leads, instance): benchmarks that change the engine's segments
// differently take different instances.
EngineCore& SyntheticCore(uint64_t leads, int instance = 0);

// The environment variable `name` as a number, or `fallback` when unset.
uint64_t EnvOr(const char* name, uint64_t fallback);

// Stops the benchmark with the error: setup that fails measures nothing.
void Must(const absl::Status& status);
template <typename T>
T Must(absl::StatusOr<T> v) {
  Must(v.status());
  return *std::move(v);
}

// Condition shorthand.
Condition Field(std::string field, Op op, Operand value = {});

// The i-th of `total` segments of the benchmark mix, deterministic in i:
// the first tenth read score (thresholds, ranges, score and country), the
// next hundredth have clock windows (created_at within_last, activity
// within days), the rest mix two conditions over keywords, tags, numbers
// and email suffixes.
SegmentDefinition MixedSegment(int i, int total, std::mt19937_64& rng);

// The i-th segment of the mix expressed with groups (design.md §2.1), to
// replace MixedSegment(i, ...) like for like: in place of a score segment
// (the first tenth), score inside groups (a bound inside an any, a range
// beside a not, a negated any, an any of two alls); in place of a mixed
// one, the same kinds of fields grouped.
SegmentDefinition GroupedSegment(int i, int total, std::mt19937_64& rng);

}  // namespace audience::bench

#endif  // AUDIENCE_BENCH_BENCH_DATA_H_
