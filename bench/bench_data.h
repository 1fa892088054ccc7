// Shared benchmark data: synthetic engines built once per size and kept for
// the whole run (building 10M leads takes a while).
#ifndef AUDIENCE_BENCH_BENCH_DATA_H_
#define AUDIENCE_BENCH_BENCH_DATA_H_

#include <cstdint>
#include <memory>

#include "engine/engine_core.h"

namespace audience::bench {

// An EngineCore loaded with `leads` synthetic leads and their events.
EngineCore& SyntheticCore(uint64_t leads);

}  // namespace audience::bench

#endif  // AUDIENCE_BENCH_BENCH_DATA_H_
