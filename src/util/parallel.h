// Runs independent tasks on a few threads: a snapshot restore's columns,
// events and indexes touch disjoint structures, and the machines we run on
// have cores to spare while an engine opens.
#ifndef AUDIENCE_UTIL_PARALLEL_H_
#define AUDIENCE_UTIL_PARALLEL_H_

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace audience {

// Runs every task once and returns when all are done, on up to the
// machine's core count of threads (the caller's included). Tasks are taken
// in order, so put the longest first. Tasks must not throw and must not
// touch what another task writes.
void RunInParallel(const std::vector<std::function<void()>>& tasks);

// RunInParallel on tasks paired with their expected size, largest first.
void RunLargestFirst(
    std::vector<std::pair<uint64_t, std::function<void()>>> jobs);

}  // namespace audience

#endif  // AUDIENCE_UTIL_PARALLEL_H_
