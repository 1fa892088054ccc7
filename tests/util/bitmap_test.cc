// Row bitmap helpers (util/bitmap.h): the chunk builder against per-bit
// inserts, and the row walkers.
#include "util/bitmap.h"

#include <roaring/containers/containers.h>

#include <algorithm>
#include <array>
#include <set>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

using Chunk = std::array<uint64_t, kChunkWords>;

// A chunk with about `count` random bits (exactly `count` when exact).
Chunk RandomChunk(SeededRandom& rng, uint32_t count) {
  Chunk words{};
  if (count >= kChunkRows) {
    words.fill(~uint64_t{0});
    return words;
  }
  uint32_t set = 0;
  while (set < count) {
    uint32_t bit = static_cast<uint32_t>(rng.Below(kChunkRows));
    uint64_t& w = words[bit / 64];
    if ((w >> (bit % 64)) & 1) continue;
    w |= uint64_t{1} << (bit % 64);
    ++set;
  }
  return words;
}

// The same rows, added one by one.
void AddChunk(uint32_t chunk, const Chunk& words, Roaring& out) {
  for (uint32_t w = 0; w < kChunkWords; ++w) {
    for (int i = 0; i < 64; ++i) {
      if ((words[w] >> i) & 1) out.add(chunk * kChunkRows + w * 64 + i);
    }
  }
}

// CRoaring's container invariants: no empty containers, arrays hold at
// most DEFAULT_MAX_SIZE values and bitsets more.
void CheckContainers(const Roaring& r) {
  const roaring_array_t& ra = r.roaring.high_low_container;
  for (int32_t i = 0; i < ra.size; ++i) {
    INFO("container " << i << " key " << ra.keys[i]);
    const int card =
        container_get_cardinality(ra.containers[i], ra.typecodes[i]);
    REQUIRE(card > 0);
    if (ra.typecodes[i] == ARRAY_CONTAINER_TYPE_CODE) {
      REQUIRE(card <= DEFAULT_MAX_SIZE);
    } else if (ra.typecodes[i] == BITSET_CONTAINER_TYPE_CODE) {
      REQUIRE(card > DEFAULT_MAX_SIZE);
    }
    if (i > 0) REQUIRE(ra.keys[i - 1] < ra.keys[i]);
  }
}

TEST_CASE("ChunkedBitmapBuilder of no chunks is empty", "[util]") {
  ChunkedBitmapBuilder builder;
  Roaring r = builder.Build();
  CHECK(r.isEmpty());
  CHECK(r.cardinality() == 0);
}

TEST_CASE("ChunkedBitmapBuilder skips empty chunks", "[util]") {
  ChunkedBitmapBuilder builder;
  Chunk empty{};
  builder.Append(0, empty.data());
  builder.Append(3, empty.data());
  Roaring r = builder.Build();
  CHECK(r.isEmpty());
  CHECK(r.roaring.high_low_container.size == 0);
}

TEST_CASE("ChunkedBitmapBuilder at the container size boundary", "[util]") {
  SeededRandom rng(7);
  for (uint32_t count : {1u, 4095u, 4096u, 4097u, 65535u, 65536u}) {
    INFO("count " << count);
    const Chunk words = RandomChunk(rng, count);
    ChunkedBitmapBuilder builder;
    builder.Append(2, words.data());
    Roaring built = builder.Build();
    Roaring naive;
    AddChunk(2, words, naive);
    REQUIRE(built.cardinality() == count);
    REQUIRE(built == naive);
    CheckContainers(built);
    const uint8_t type = built.roaring.high_low_container.typecodes[0];
    CHECK(type == (count <= DEFAULT_MAX_SIZE ? ARRAY_CONTAINER_TYPE_CODE
                                             : BITSET_CONTAINER_TYPE_CODE));
    // The result behaves as a normal bitmap in further operations.
    Roaring other;
    other.addRange(2 * kChunkRows, 2 * kChunkRows + 1000);
    REQUIRE((built & other) == (naive & other));
    REQUIRE((built | other) == (naive | other));
    REQUIRE((built - other) == (naive - other));
    REQUIRE(built.minimum() == naive.minimum());
    REQUIRE(built.maximum() == naive.maximum());
  }
}

TEST_CASE("ChunkedBitmapBuilder matches per-bit inserts", "[util]") {
  SeededRandom rng(GENERATE(11, 12, 13, 14));
  INFO("seed " << rng.seed());
  ChunkedBitmapBuilder builder;
  Roaring naive;
  uint32_t chunk = static_cast<uint32_t>(rng.Below(3));
  for (int i = 0; i < 10; ++i) {
    uint32_t count;
    switch (rng.Below(5)) {
      case 0:
        count = 0;
        break;
      case 1:
        count = static_cast<uint32_t>(rng.Between(1, 100));
        break;
      case 2:
        count = static_cast<uint32_t>(rng.Between(3000, 5000));
        break;
      case 3:
        count = static_cast<uint32_t>(rng.Between(5000, 60000));
        break;
      default:
        count = kChunkRows;
        break;
    }
    const Chunk words = RandomChunk(rng, count);
    builder.Append(chunk, words.data());
    AddChunk(chunk, words, naive);
    chunk += static_cast<uint32_t>(rng.Between(1, 4));
  }
  // The highest chunk a uint32 row can reach.
  Chunk last = RandomChunk(rng, 10);
  last[kChunkWords - 1] |= uint64_t{1} << 63;
  builder.Append(0xFFFF, last.data());
  AddChunk(0xFFFF, last, naive);

  Roaring built = builder.Build();
  REQUIRE(built.cardinality() == naive.cardinality());
  REQUIRE(built == naive);
  REQUIRE(built.contains(0xFFFFFFFFu));
  CheckContainers(built);
}

TEST_CASE("CountBits counts set bits", "[util]") {
  SeededRandom rng(41);
  CHECK(CountBits(nullptr, 0) == 0);
  std::vector<uint64_t> words(1000);
  for (size_t n : {size_t{1}, size_t{7}, size_t{64}, size_t{1000}}) {
    uint64_t expected = 0;
    for (size_t i = 0; i < n; ++i) {
      words[i] = rng.Chance(0.1) ? ~uint64_t{0} : rng.Below(~uint64_t{0});
      for (int b = 0; b < 64; ++b) expected += (words[i] >> b) & 1;
    }
    INFO("n " << n);
    CHECK(CountBits(words.data(), n) == expected);
  }
}

TEST_CASE("ContainerWords expands every container type", "[util]") {
  SeededRandom rng(43);
  Roaring r;
  // Chunk 0: a few rows (array); chunk 1: many rows (bitset); chunk 2: runs,
  // including one touching both ends of the chunk; chunk 4: one full run.
  for (int i = 0; i < 50; ++i)
    r.add(static_cast<uint32_t>(rng.Below(kChunkRows)));
  for (int i = 0; i < 20000; ++i) {
    r.add(kChunkRows + static_cast<uint32_t>(rng.Below(kChunkRows)));
  }
  r.addRange(2 * kChunkRows, 2 * kChunkRows + 70);
  r.addRange(2 * kChunkRows + 130, 2 * kChunkRows + 131);
  r.addRange(2 * kChunkRows + 1000, 2 * kChunkRows + 5000);
  r.addRange(3 * kChunkRows - 64, 3 * kChunkRows);
  r.addRange(4 * kChunkRows, 5 * kChunkRows);
  r.runOptimize();
  const roaring_array_t& ra = r.roaring.high_low_container;
  REQUIRE(ra.size == 4);
  std::set<uint8_t> types;
  for (int32_t i = 0; i < ra.size; ++i) {
    types.insert(ra.typecodes[i]);
    Chunk expected{};
    const uint32_t base = ra.keys[i] * kChunkRows;
    for (uint32_t row : r) {
      if (row >= base && row - base < kChunkRows) {
        expected[(row - base) / 64] |= uint64_t{1} << ((row - base) % 64);
      }
    }
    Chunk got;
    got.fill(0xDEADBEEF);  // every word must be written
    ContainerWords(r, i, got.data());
    INFO("container " << i << " type " << int{ra.typecodes[i]});
    CHECK(got == expected);
  }
  CHECK(types.count(ARRAY_CONTAINER_TYPE_CODE) == 1);
  CHECK(types.count(BITSET_CONTAINER_TYPE_CODE) == 1);
  CHECK(types.count(RUN_CONTAINER_TYPE_CODE) == 1);

  // A copy shares its containers (copy-on-write) and reads the same.
  Roaring copy = r;
  Chunk a, b;
  ContainerWords(r, 2, a.data());
  ContainerWords(copy, 2, b.data());
  CHECK(a == b);
}

TEST_CASE("ForEachRow visits every row in ascending order", "[util]") {
  SeededRandom rng(21);
  for (size_t n : {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{257},
                   size_t{512}, size_t{5000}}) {
    INFO("n " << n);
    std::set<uint32_t> rows;
    while (rows.size() < n) {
      rows.insert(static_cast<uint32_t>(rng.Below(1u << 20)));
    }
    std::vector<uint32_t> expected(rows.begin(), rows.end());
    Roaring r(expected.size(), expected.data());
    std::vector<uint32_t> seen;
    ForEachRow(r, [&](uint32_t row) { seen.push_back(row); });
    REQUIRE(seen == expected);
  }
}

TEST_CASE("ForEachRow walks run and bitset containers", "[util]") {
  Roaring r;
  r.addRange(100, 70000);  // spans two chunks
  r.add(5u << 16);
  r.runOptimize();
  uint64_t count = 0;
  uint32_t previous = 0;
  bool ordered = true;
  ForEachRow(r, [&](uint32_t row) {
    if (count > 0 && row <= previous) ordered = false;
    previous = row;
    ++count;
  });
  CHECK(ordered);
  CHECK(count == r.cardinality());
  CHECK(previous == (5u << 16));
}

TEST_CASE("FilterRows keeps the rows the predicate accepts", "[util]") {
  SeededRandom rng(31);
  Roaring rows;
  for (int i = 0; i < 20000; ++i) {
    rows.add(static_cast<uint32_t>(rng.Below(1u << 22)));
  }
  auto keep = [](uint32_t row) { return row % 3 == 1; };
  Roaring expected;
  for (uint32_t row : rows) {
    if (keep(row)) expected.add(row);
  }
  Roaring kept = FilterRows(rows, keep);
  CHECK(kept == expected);
  CHECK(FilterRows(rows, [](uint32_t) { return false; }).isEmpty());
  CHECK(FilterRows(rows, [](uint32_t) { return true; }) == rows);
  CHECK(FilterRows(Roaring(), [](uint32_t) { return true; }).isEmpty());
}

}  // namespace
}  // namespace audience::testing
