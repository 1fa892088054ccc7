// RunInParallel (util/parallel.h): every task runs exactly once, whatever
// the number of tasks, and all have finished when it returns.
#include "util/parallel.h"

#include <atomic>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("RunInParallel runs each task once", "[util]") {
  for (size_t n : {0, 1, 2, 3, 17}) {
    std::vector<std::atomic<int>> runs(n);
    std::vector<std::function<void()>> tasks;
    for (size_t i = 0; i < n; ++i) tasks.push_back([&runs, i] { ++runs[i]; });
    RunInParallel(tasks);
    for (size_t i = 0; i < n; ++i) CHECK(runs[i] == 1);
  }
  std::atomic<int> sum{0};
  std::vector<std::pair<uint64_t, std::function<void()>>> jobs;
  for (int i = 1; i <= 5; ++i) jobs.emplace_back(i, [&sum, i] { sum += i; });
  RunLargestFirst(std::move(jobs));
  CHECK(sum == 15);
}

}  // namespace
}  // namespace audience::testing
