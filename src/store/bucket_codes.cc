#include "store/bucket_codes.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace audience {

namespace {
constexpr size_t kMaxBounds = BucketCodes::kMaxCode - 1;
// Buckets kept above the sample's maximum, for values that keep growing.
constexpr size_t kGrowthBounds = 8192;
constexpr size_t kDataBounds = kMaxBounds - kGrowthBounds;
constexpr size_t kMaxSample = size_t{1} << 16;
constexpr int kMaxHintBits = 16;
constexpr uint32_t kMinOverflowLimit = 4096;

std::vector<uint64_t> ChooseBounds(std::vector<uint64_t>& sample) {
  std::vector<uint64_t> bounds;
  if (sample.empty()) return bounds;
  std::sort(sample.begin(), sample.end());
  std::vector<uint64_t> distinct = sample;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() <= kDataBounds) {
    bounds = std::move(distinct);  // one key per bucket: exact answers
  } else {
    bounds.reserve(kDataBounds);
    for (size_t j = 1; j <= kDataBounds; ++j) {
      uint64_t key = sample[j * (sample.size() - 1) / kDataBounds];
      if (bounds.empty() || key > bounds.back()) bounds.push_back(key);
    }
  }
  // Room above the maximum covering half the observed span.
  const uint64_t max = bounds.back();
  const uint64_t span = max - bounds.front();
  const uint64_t step = std::max<uint64_t>(1, span / 2 / kGrowthBounds);
  for (size_t i = 1; i <= kGrowthBounds && bounds.size() < kMaxBounds; ++i) {
    if (max > std::numeric_limits<uint64_t>::max() - step * i) break;
    bounds.push_back(max + step * i);
  }
  return bounds;
}

}  // namespace

void BucketCodes::Resize(Row rows) {
  size_t padded = (static_cast<size_t>(rows) + 63) / 64 * 64;
  if (padded > codes_.size()) codes_.resize(padded, kEmpty);
}

uint16_t BucketCodes::CodeFor(uint64_t key) const {
  if (bounds_.empty() || key <= bounds_.front()) return 1;
  if (key > bounds_.back()) return static_cast<uint16_t>(bounds_.size() + 1);
  const uint64_t j = (key - bounds_.front()) >> hint_shift_;
  auto first = bounds_.begin() + hints_[j];
  auto last = bounds_.begin() + hints_[j + 1];
  return static_cast<uint16_t>(
      1 + (std::lower_bound(first, last, key) - bounds_.begin()));
}

void BucketCodes::BuildHints() {
  hints_.clear();
  hint_shift_ = 0;
  if (bounds_.empty()) return;
  const int hint_bits =
      std::min(kMaxHintBits, static_cast<int>(std::bit_width(bounds_.size())));
  const uint64_t base = bounds_.front();
  const uint64_t range = bounds_.back() - base;
  while ((range >> hint_shift_) >= (uint64_t{1} << hint_bits)) ++hint_shift_;
  hints_.assign((size_t{1} << hint_bits) + 1, 0);
  hints_.shrink_to_fit();
  size_t next = 0;
  for (size_t j = 0; j < hints_.size(); ++j) {
    // base + (j << shift), saturated: past the last bound every hint is the
    // end of the bounds.
    const uint64_t threshold = j > (range >> hint_shift_)
                                   ? std::numeric_limits<uint64_t>::max()
                                   : base + (uint64_t{j} << hint_shift_);
    while (next < bounds_.size() && bounds_[next] < threshold) ++next;
    hints_[j] = static_cast<uint32_t>(next);
  }
}

void BucketCodes::Count(uint16_t code, uint64_t key) {
  if (counts_[code]++ == 0) {
    some_key_[code] = key;
    mixed_[code] = false;
  } else if (some_key_[code] != key) {
    mixed_[code] = true;
  }
}

void BucketCodes::Set(Row row, uint64_t key) {
  uint16_t code = CodeFor(key);
  uint16_t old = codes_[row];
  if (old != kEmpty) --counts_[old];
  codes_[row] = code;
  ++updates_since_rebuild_;
  Count(code, key);
  if (counts_[code] > overflow_limit_ && mixed_[code]) overflowed_ = true;
}

void BucketCodes::Clear(Row row) {
  if (row >= codes_.size() || codes_[row] == kEmpty) return;
  --counts_[codes_[row]];
  codes_[row] = kEmpty;
  ++updates_since_rebuild_;
}

bool BucketCodes::WantsRebuild(uint64_t present_rows) const {
  return overflowed_ &&
         updates_since_rebuild_ >=
             std::max<uint64_t>(kMinOverflowLimit, present_rows / 2);
}

void BucketCodes::Rebuild(const Roaring& present,
                          const std::function<uint64_t(Row)>& key_of) {
  const uint64_t n = present.cardinality();
  const uint64_t stride = std::max<uint64_t>(1, n / kMaxSample);
  std::vector<uint64_t> sample;
  sample.reserve(std::min<uint64_t>(n, kMaxSample + 1));
  uint64_t i = 0;
  ForEachRow(present, [&](Row row) {
    if (i++ % stride == 0) sample.push_back(key_of(row));
  });
  bounds_ = ChooseBounds(sample);
  BuildHints();
  // Codes 0 (empty) and 1..bounds_.size() + 1.
  const size_t codes = bounds_.size() + 2;
  counts_.assign(codes, 0);
  some_key_.assign(codes, 0);
  mixed_.assign(codes, false);
  counts_.shrink_to_fit();
  some_key_.shrink_to_fit();
  mixed_.shrink_to_fit();
  ForEachRow(present, [&](Row row) {
    const uint64_t key = key_of(row);
    const uint16_t code = CodeFor(key);
    codes_[row] = code;
    Count(code, key);
  });
  overflow_limit_ = std::max<uint32_t>(kMinOverflowLimit,
                                       static_cast<uint32_t>(8 * n / kMaxCode));
  updates_since_rebuild_ = 0;
  overflowed_ = false;
}

CodeRange BucketCodes::RangeFor(uint64_t lo, uint64_t hi) const {
  const uint16_t clo = CodeFor(lo);
  const uint16_t chi = CodeFor(hi);
  // Is every key of the edge bucket inside [lo, hi]?
  const bool lo_full = clo == 1 ? lo == 0 : bounds_[clo - 2] + 1 == lo;
  const bool hi_full = static_cast<size_t>(chi - 1) == bounds_.size()
                           ? hi == std::numeric_limits<uint64_t>::max()
                           : bounds_[chi - 1] == hi;
  CodeRange range;
  if (clo == chi) {
    if (lo_full && hi_full) {
      range.lo = range.hi = clo;
    } else {
      range.edge1 = clo;
    }
    return range;
  }
  range.lo = lo_full ? clo : clo + 1;
  range.hi = hi_full ? chi : chi - 1;
  if (!lo_full) range.edge1 = clo;
  if (!hi_full) range.edge2 = chi;
  if (range.lo > range.hi) {
    range.lo = 0xFFFF;
    range.hi = 0;
  }
  return range;
}

size_t BucketCodes::MemoryBytes() const {
  return bounds_.capacity() * sizeof(uint64_t) +
         hints_.capacity() * sizeof(uint32_t) +
         some_key_.capacity() * sizeof(uint64_t) + mixed_.capacity() / 8 +
         codes_.capacity() * sizeof(uint16_t) +
         counts_.capacity() * sizeof(uint32_t);
}

}  // namespace audience
