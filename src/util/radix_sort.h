// A stable LSD radix sort by an unsigned 64-bit key: time orders of 10M
// rows are built at every open, where std::sort's comparisons cost ~5x more
// than the few counting passes the keys' actual range needs.
#ifndef AUDIENCE_UTIL_RADIX_SORT_H_
#define AUDIENCE_UTIL_RADIX_SORT_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace audience {

// Sorts `items` stably by key(item). Passes of 11 bits over the bits in
// which keys differ from the smallest: timestamps spanning a few years take
// three.
template <typename T, typename KeyFn>
void RadixSort(std::vector<T>& items, KeyFn key) {
  if (items.size() < 2048) {
    std::stable_sort(items.begin(), items.end(),
                     [&](const T& a, const T& b) { return key(a) < key(b); });
    return;
  }
  uint64_t lo = key(items.front()), hi = lo;
  for (const T& item : items) {
    const uint64_t k = key(item);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<T> scratch(items.size());
  for (int shift = 0; shift < 64 && ((hi - lo) >> shift) != 0; shift += kBits) {
    std::array<size_t, kBuckets> start{};
    for (const T& item : items) ++start[((key(item) - lo) >> shift) % kBuckets];
    size_t sum = 0;
    for (size_t& s : start) sum += std::exchange(s, sum);
    for (const T& item : items) {
      scratch[start[((key(item) - lo) >> shift) % kBuckets]++] = item;
    }
    items.swap(scratch);
  }
}

}  // namespace audience

#endif  // AUDIENCE_UTIL_RADIX_SORT_H_
