// Order-preserving bucket codes (store/bucket_codes.h): whatever the bounds,
// RangeFor must split rows into certainly-in, certainly-out and edge rows
// that need an exact check.
#include "store/bucket_codes.h"

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// Codes and the keys they stand for, kept side by side.
struct Model {
  BucketCodes codes;
  std::map<Row, uint64_t> keys;
  Row rows = 0;

  explicit Model(Row n) : rows(n) { codes.Resize(n); }

  void Set(Row row, uint64_t key) {
    codes.Set(row, key);
    keys[row] = key;
  }
  void Clear(Row row) {
    codes.Clear(row);
    keys.erase(row);
  }
  Roaring Present() const {
    Roaring r;
    for (const auto& [row, key] : keys) r.add(row);
    return r;
  }
  void Rebuild() {
    codes.Rebuild(Present(), [this](Row row) { return keys.at(row); });
  }
};

bool InRange(const CodeRange& r, uint16_t c) { return c >= r.lo && c <= r.hi; }
bool IsEdge(const CodeRange& r, uint16_t c) {
  return c == r.edge1 || c == r.edge2;
}

// Rows whose code is in range really are; rows whose code is neither in
// range nor an edge really are not; empty rows never match. (Plain checks
// in the loop, one REQUIRE per violation: the loops are long.)
void CheckRange(const Model& m, uint64_t lo, uint64_t hi) {
  const CodeRange range = m.codes.RangeFor(lo, hi);
  INFO("range [" << lo << ", " << hi << "] -> codes [" << range.lo << ", "
                 << range.hi << "] edges " << range.edge1 << " "
                 << range.edge2);
  REQUIRE_FALSE(InRange(range, BucketCodes::kEmpty));
  REQUIRE_FALSE(IsEdge(range, BucketCodes::kEmpty));
  auto next = m.keys.begin();
  for (Row row = 0; row < m.rows; ++row) {
    const uint16_t c = m.codes.code(row);
    if (next == m.keys.end() || next->first != row) {
      if (c != BucketCodes::kEmpty) {
        INFO("empty row " << row << " has code " << c);
        REQUIRE(c == BucketCodes::kEmpty);
      }
      continue;
    }
    const uint64_t key = (next++)->second;
    const bool inside = key >= lo && key <= hi;
    const bool bad = c == BucketCodes::kEmpty || c > BucketCodes::kMaxCode ||
                     (InRange(range, c) && !inside) ||
                     (!InRange(range, c) && !IsEdge(range, c) && inside);
    if (bad) {
      INFO("row " << row << " key " << key << " code " << c << " inside "
                  << inside);
      FAIL("row misclassified");
    }
  }
}

// Codes follow the keys' order: a larger key never gets a smaller code.
void CheckOrder(const Model& m) {
  std::vector<std::pair<uint64_t, uint16_t>> pairs;
  for (const auto& [row, key] : m.keys)
    pairs.emplace_back(key, m.codes.code(row));
  std::sort(pairs.begin(), pairs.end());
  for (size_t i = 1; i < pairs.size(); ++i) {
    INFO("keys " << pairs[i - 1].first << " < " << pairs[i].first);
    REQUIRE(pairs[i - 1].second <= pairs[i].second);
    if (pairs[i - 1].first == pairs[i].first) {
      REQUIRE(pairs[i - 1].second == pairs[i].second);
    }
  }
}

uint64_t RandomKey(SeededRandom& rng, const std::vector<uint64_t>& seen) {
  switch (rng.Below(6)) {
    case 0:
      return rng.Chance(0.5) ? 0 : kMax;
    case 1:
      if (!seen.empty()) return rng.Pick(seen) + rng.Between(-1, 1);
      [[fallthrough]];
    case 2:
      return rng.Below(uint64_t{1} << 40) << 24 | rng.Below(1 << 24);
    default:
      return (uint64_t{1} << 63) + rng.Below(2000) - 1000;  // near int 0
  }
}

TEST_CASE("BucketCodes pads to whole words and starts empty", "[store]") {
  BucketCodes codes;
  codes.Resize(1);
  CHECK(codes.padded_rows() == 64);
  codes.Resize(64);
  CHECK(codes.padded_rows() == 64);
  codes.Resize(65);
  CHECK(codes.padded_rows() == 128);
  codes.Resize(10);  // never shrinks
  CHECK(codes.padded_rows() == 128);
  for (Row r = 0; r < 128; ++r) REQUIRE(codes.code(r) == BucketCodes::kEmpty);
  codes.Set(3, 42);
  CHECK(codes.code(3) != BucketCodes::kEmpty);
  codes.Clear(3);
  CHECK(codes.code(3) == BucketCodes::kEmpty);
  codes.Clear(3);       // clearing an empty row is a no-op
  codes.Clear(100000);  // as is clearing a row past the end
}

TEST_CASE("BucketCodes sizes its bucket tables to its bounds", "[store]") {
  // Regression: every numeric column used to allocate its per-bucket tables
  // for all 64K codes up front (~780 KB), so 1000 custom numeric fields cost
  // ~800 MB with no lead at all.
  BucketCodes codes;
  CHECK(codes.MemoryBytes() < 256);
  codes.Resize(64);
  for (Row r = 0; r < 64; ++r) codes.Set(r, r * 1000);
  CHECK(codes.MemoryBytes() < 512);
  // After a rebuild the tables follow the bounds: 3 keys and the growth
  // room above them (8192 bounds), far from 64K buckets.
  Model m(64);
  m.Set(0, 10);
  m.Set(1, 20);
  m.Set(2, 30);
  m.Rebuild();
  CHECK(m.codes.MemoryBytes() < 300 * 1024);
  CheckOrder(m);
  CheckRange(m, 11, 25);
  // Bounds growing again (many distinct keys) grow the tables with them.
  Model big(70000);
  for (Row r = 0; r < 70000; ++r) big.Set(r, uint64_t{r} * 3);
  big.Rebuild();
  CheckOrder(big);
  CheckRange(big, 3000, 9000);
  for (Row r = 0; r < 10; ++r) m.Set(r, uint64_t{r} * 5);
  m.Rebuild();
  CheckOrder(m);
}

TEST_CASE("BucketCodes without bounds puts every key in one bucket",
          "[store]") {
  Model m(64);
  m.Set(0, 0);
  m.Set(1, 5);
  m.Set(2, kMax);
  CHECK(m.codes.code(0) == m.codes.code(1));
  CHECK(m.codes.code(1) == m.codes.code(2));
  // Everything is certainly in range only for the whole key space.
  const CodeRange all = m.codes.RangeFor(0, kMax);
  CHECK(all.lo == m.codes.code(0));
  CHECK(all.hi == m.codes.code(0));
  CHECK(all.edge1 == 0xFFFF);
  CHECK(all.edge2 == 0xFFFF);
  const CodeRange part = m.codes.RangeFor(1, 10);
  CHECK_FALSE(InRange(part, m.codes.code(0)));
  CHECK(IsEdge(part, m.codes.code(0)));
  CheckRange(m, 1, 10);
  CheckRange(m, 0, 0);
  CheckRange(m, kMax, kMax);
}

TEST_CASE("BucketCodes with one key per bucket answers without edges",
          "[store]") {
  // Consecutive keys: after a rebuild each key is its own bucket and every
  // range between present keys is exact.
  Model m(1000);
  const uint64_t base = 1000;
  for (Row r = 0; r < 1000; ++r) m.Set(r, base + r % 100);
  m.Rebuild();
  CheckOrder(m);
  for (uint64_t lo = base; lo < base + 100; lo += 7) {
    for (uint64_t hi = lo; hi < base + 100; hi += 13) {
      const CodeRange range = m.codes.RangeFor(lo, hi);
      INFO("lo " << lo << " hi " << hi);
      REQUIRE(range.edge2 == 0xFFFF);
      if (lo > base) {
        // The bucket of lo holds exactly (lo - 1, lo].
        REQUIRE(range.edge1 == 0xFFFF);
        REQUIRE(uint64_t{range.hi} - range.lo == hi - lo);
      }
      CheckRange(m, lo, hi);
    }
  }
  // The first bucket also holds every smaller key, so only lo == 0 makes it
  // certain.
  const CodeRange first = m.codes.RangeFor(base, base);
  CHECK(first.edge1 == m.codes.code(0));
  const CodeRange from_zero = m.codes.RangeFor(0, base);
  CHECK(from_zero.lo == m.codes.code(0));
  CHECK(from_zero.hi == m.codes.code(0));
  CHECK(from_zero.edge1 == 0xFFFF);
  // Up to the largest key the last bucket is certain too.
  const CodeRange to_max = m.codes.RangeFor(base + 50, kMax);
  CHECK(to_max.edge1 == 0xFFFF);
  CHECK(to_max.edge2 == 0xFFFF);
  CHECK(InRange(to_max, m.codes.code(99)));
  CHECK_FALSE(InRange(to_max, m.codes.code(49)));
}

TEST_CASE("BucketCodes lo_full and hi_full follow the bucket bounds",
          "[store]") {
  Model m(64);
  m.Set(0, 10);
  m.Set(1, 20);
  m.Set(2, 30);
  m.Rebuild();
  // Bucket of 20 holds (10, 20].
  const CodeRange exact = m.codes.RangeFor(11, 20);
  CHECK(exact.lo == m.codes.code(1));
  CHECK(exact.hi == m.codes.code(1));
  CHECK(exact.edge1 == 0xFFFF);
  CHECK(exact.edge2 == 0xFFFF);
  const CodeRange partial = m.codes.RangeFor(12, 20);
  CHECK_FALSE(InRange(partial, m.codes.code(1)));
  CHECK(partial.edge1 == m.codes.code(1));
  const CodeRange two = m.codes.RangeFor(11, 30);
  CHECK(two.lo == m.codes.code(1));
  CHECK(two.hi == m.codes.code(2));
  CHECK(two.edge1 == 0xFFFF);
  CHECK(two.edge2 == 0xFFFF);
  const CodeRange both_edges = m.codes.RangeFor(15, 25);
  CHECK(both_edges.edge1 == m.codes.code(1));
  CHECK(both_edges.edge2 == m.codes.code(2));
  CHECK(both_edges.lo > both_edges.hi);
  // Keys that arrive after the rebuild land in the existing buckets.
  m.Set(3, 12);
  m.Set(4, 5);
  m.Set(5, kMax);
  m.Set(6, 31);
  CheckOrder(m);
  for (uint64_t lo : {uint64_t{0}, uint64_t{5}, uint64_t{6}, uint64_t{11},
                      uint64_t{12}, uint64_t{13}, uint64_t{21}, uint64_t{31}}) {
    for (uint64_t hi : {uint64_t{5}, uint64_t{12}, uint64_t{19}, uint64_t{20},
                        uint64_t{30}, uint64_t{31}, uint64_t{1000}, kMax}) {
      if (lo <= hi) CheckRange(m, lo, hi);
    }
  }
}

TEST_CASE("BucketCodes RangeFor is sound for random keys and bounds",
          "[store]") {
  SeededRandom rng(GENERATE(101, 102, 103, 104));
  INFO("seed " << rng.seed());
  const Row n = 3000;
  Model m(n);
  std::vector<uint64_t> seen;
  for (int phase = 0; phase < 3; ++phase) {
    INFO("phase " << phase);
    for (int i = 0; i < 2000; ++i) {
      const Row row = static_cast<Row>(rng.Below(n));
      if (rng.Chance(0.15)) {
        m.Clear(row);
      } else {
        const uint64_t key = RandomKey(rng, seen);
        seen.push_back(key);
        m.Set(row, key);
      }
    }
    CheckOrder(m);
    for (int q = 0; q < 25; ++q) {
      uint64_t a = RandomKey(rng, seen), b = RandomKey(rng, seen);
      if (a > b) std::swap(a, b);
      CheckRange(m, a, b);
    }
    CheckRange(m, 0, kMax);
    m.Rebuild();
    CheckOrder(m);
    for (int q = 0; q < 25; ++q) {
      uint64_t a = RandomKey(rng, seen), b = RandomKey(rng, seen);
      if (a > b) std::swap(a, b);
      CheckRange(m, a, b);
    }
  }
}

TEST_CASE("BucketCodes with more distinct keys than buckets", "[store]") {
  // Beyond ~57K distinct keys the bounds become equi-depth samples and some
  // buckets span several keys.
  SeededRandom rng(5);
  const Row n = 70000;
  Model m(n);
  for (Row r = 0; r < n; ++r) m.Set(r, rng.Below(uint64_t{1} << 50));
  m.Rebuild();
  CheckOrder(m);
  for (int q = 0; q < 6; ++q) {
    uint64_t a = rng.Below(uint64_t{1} << 50), b = rng.Below(uint64_t{1} << 50);
    if (a > b) std::swap(a, b);
    CheckRange(m, a, b);
  }
  // Growth above the old maximum keeps order too.
  for (Row r = 0; r < 500; ++r) m.Set(r, (uint64_t{1} << 50) + r * 1000000);
  CheckOrder(m);
  CheckRange(m, uint64_t{1} << 50, (uint64_t{1} << 50) + 250000000);
}

TEST_CASE("BucketCodes WantsRebuild after a crowded multi-key bucket",
          "[store]") {
  Model m(10000);
  CHECK_FALSE(m.codes.WantsRebuild(0));
  // Without bounds every key shares one bucket, which spans many keys.
  for (Row r = 0; r < 4096; ++r) m.Set(r, r);
  CHECK_FALSE(m.codes.WantsRebuild(4096));  // not past the limit yet
  m.Set(4096, 4096);
  CHECK(m.codes.WantsRebuild(4097));
  // Enough updates must have happened for the rebuild to pay off: half the
  // present rows.
  CHECK_FALSE(m.codes.WantsRebuild(1000000));
  m.Rebuild();
  CHECK_FALSE(m.codes.WantsRebuild(4097));
  CheckRange(m, 100, 200);
}

TEST_CASE("BucketCodes single-key buckets never ask for a rebuild", "[store]") {
  // Consecutive keys 0..9: each bucket holds one key, so crowding one of
  // them cannot be helped by new bounds.
  Model m(6000);
  for (Row r = 0; r < 10; ++r) m.Set(r, r);
  m.Rebuild();
  for (Row r = 10; r < 6000; ++r) m.Set(r, 5);
  CHECK_FALSE(m.codes.WantsRebuild(6000));
}

}  // namespace
}  // namespace audience::testing
