// RadixSort (util/radix_sort.h) against std::stable_sort: same order, ties
// kept in input order, across key ranges that need one to six passes.
#include "util/radix_sort.h"

#include <algorithm>
#include <random>
#include <utility>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

using Entry = std::pair<int64_t, uint32_t>;

uint64_t Key(const Entry& e) {
  return static_cast<uint64_t>(e.first) ^ (uint64_t{1} << 63);
}

TEST_CASE("RadixSort sorts stably like std::stable_sort", "[util]") {
  std::mt19937_64 rng(11);
  for (size_t n : {0, 1, 100, 5000, 70000}) {
    for (uint64_t range :
         {uint64_t{1}, uint64_t{3000}, uint64_t{1} << 33, ~uint64_t{0}}) {
      INFO("n " << n << " range " << range);
      std::vector<Entry> items(n);
      for (size_t i = 0; i < n; ++i) {
        const uint64_t offset = range == ~uint64_t{0} ? rng() : rng() % range;
        items[i] = {static_cast<int64_t>(offset - 1'000'000),
                    static_cast<uint32_t>(i)};
      }
      std::vector<Entry> expected = items;
      std::stable_sort(
          expected.begin(), expected.end(),
          [](const Entry& a, const Entry& b) { return Key(a) < Key(b); });
      RadixSort(items, Key);
      CHECK(items == expected);
    }
  }
}

}  // namespace
}  // namespace audience::testing
