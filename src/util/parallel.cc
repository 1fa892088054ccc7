#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace audience {

void RunInParallel(const std::vector<std::function<void()>>& tasks) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
  };
  const size_t threads = std::min<size_t>(
      tasks.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::jthread> helpers;
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
}

void RunLargestFirst(
    std::vector<std::pair<uint64_t, std::function<void()>>> jobs) {
  std::stable_sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) {
    return a.first > b.first;
  });
  std::vector<std::function<void()>> tasks;
  tasks.reserve(jobs.size());
  for (auto& job : jobs) tasks.push_back(std::move(job.second));
  RunInParallel(tasks);
}

}  // namespace audience
