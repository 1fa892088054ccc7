// Numeric columns (store/numeric_column.h): SelectKeys against a row-by-row
// reference on both its paths (probing sparse candidates, scanning codes
// for dense ones), before and after bucket rebuilds.
#include "store/numeric_column.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

Roaring RowsOf(std::initializer_list<uint32_t> rows) {
  Roaring r;
  for (uint32_t row : rows) r.add(row);
  return r;
}

template <typename T>
struct ColumnModel {
  NumericColumn<T> column;
  std::vector<std::optional<T>> values;
  Row rows = 0;
  bool clear_with_monostate = false;

  explicit ColumnModel(Row n) : values(n), rows(n) { column.Resize(n); }

  void Set(Row row, T v) {
    column.Set(row, FieldInput(v));
    if constexpr (std::is_same_v<T, double>) {
      if (v == 0) v = 0;
    }
    values[row] = v;
  }
  void Clear(Row row) {
    if (clear_with_monostate) {
      column.Set(row, FieldInput(std::monostate{}));
    } else {
      column.Clear(row);
    }
    values[row].reset();
  }

  Roaring Naive(uint64_t lo, uint64_t hi, const Roaring& candidates) const {
    std::vector<uint32_t> out;
    ForEachRow(candidates, [&](uint32_t row) {
      if (row >= rows || !values[row]) return;
      const uint64_t key = OrderKey(*values[row]);
      if (key >= lo && key <= hi) out.push_back(row);
    });
    return Roaring(out.size(), out.data());
  }

  // Plain checks in the loop, one REQUIRE per violation: the loop is long.
  void CheckContents() const {
    std::vector<uint32_t> present;
    for (Row row = 0; row < rows; ++row) {
      const Value got = column.Get(row);
      if (!values[row]) {
        if (!std::holds_alternative<std::monostate>(got)) {
          FAIL("row " << row << " should be empty");
        }
        continue;
      }
      present.push_back(row);
      const T v = *values[row];
      const auto* stored = std::get_if<T>(&got);
      if (stored == nullptr || *stored != v || column.ValueAt(row) != v ||
          column.KeyAt(row) != OrderKey(v) ||
          std::signbit(static_cast<double>(*stored)) !=
              std::signbit(static_cast<double>(v))) {
        FAIL("row " << row << " should hold " << v);
      }
    }
    REQUIRE(column.present() == Roaring(present.size(), present.data()));
  }
};

int64_t RandomInt(SeededRandom& rng) {
  switch (rng.Below(6)) {
    case 0:
      return rng.Chance(0.5) ? std::numeric_limits<int64_t>::min()
                             : std::numeric_limits<int64_t>::max();
    case 1:
      return rng.Between(-5, 5);
    case 2:
      return rng.Between(-1000000, 1000000);
    case 3:
      return static_cast<int64_t>(rng.Below(kMax));  // anything
    default:
      return rng.Between(0, 500);
  }
}

double RandomDouble(SeededRandom& rng) {
  switch (rng.Below(8)) {
    case 0:
      return rng.Chance(0.5) ? -0.0 : 0.0;
    case 1:
      return rng.Chance(0.5) ? std::numeric_limits<double>::max()
                             : std::numeric_limits<double>::lowest();
    case 2:
      return rng.Chance(0.5) ? std::numeric_limits<double>::infinity()
                             : -std::numeric_limits<double>::infinity();
    case 3:
      return rng.Chance(0.5) ? std::numeric_limits<double>::denorm_min()
                             : -std::numeric_limits<double>::denorm_min();
    case 4:
      return static_cast<double>(rng.Between(-20, 20)) / 4;
    case 5:
      return static_cast<double>(rng.Between(-1000000, 1000000)) * 1e200;
    default:
      return static_cast<double>(rng.Between(-1000000, 1000000)) / 7;
  }
}

template <typename T>
T RandomValue(SeededRandom& rng) {
  if constexpr (std::is_same_v<T, double>) {
    return RandomDouble(rng);
  } else {
    return RandomInt(rng);
  }
}

// A key range: around present values, the whole space, or random.
template <typename T>
std::pair<uint64_t, uint64_t> RandomRange(SeededRandom& rng,
                                          const ColumnModel<T>& m) {
  auto pick = [&]() -> uint64_t {
    if (rng.Chance(0.6)) {
      for (int tries = 0; tries < 10; ++tries) {
        const std::optional<T>& v = m.values[rng.Below(m.rows)];
        if (v) return OrderKey(*v) + rng.Between(-1, 1);
      }
    }
    if (rng.Chance(0.2)) return rng.Chance(0.5) ? 0 : kMax;
    return OrderKey(RandomValue<T>(rng));
  };
  uint64_t a = pick(), b = pick();
  if (rng.Chance(0.05))
    return {std::max(a, b) | 1, std::min(a, b) & ~uint64_t{1}};
  if (a > b) std::swap(a, b);
  return {a, b};
}

Roaring RandomCandidates(SeededRandom& rng, Row rows, bool sparse) {
  Roaring out;
  if (sparse) {
    // Below 1/64 of the rows: the probe path.
    const uint64_t n = rng.Below(rows / 128);
    for (uint64_t i = 0; i < n; ++i) out.add(static_cast<Row>(rng.Below(rows)));
    return out;
  }
  switch (rng.Below(3)) {
    case 0:
      out.addRange(0, rows);
      break;
    case 1: {
      const Row first = static_cast<Row>(rng.Below(rows / 2));
      out.addRange(first, first + rows / 3);
      break;
    }
    default:
      for (Row r = 0; r < rows; ++r) {
        if (rng.Chance(0.3)) out.add(r);
      }
  }
  // Run containers too, not only arrays and bitsets.
  if (rng.Chance(0.5)) out.runOptimize();
  return out;
}

template <typename T>
void CheckSelect(SeededRandom& rng, const ColumnModel<T>& m, int queries) {
  for (int q = 0; q < queries; ++q) {
    const bool sparse = rng.Chance(0.4);
    const Roaring candidates = RandomCandidates(rng, m.rows, sparse);
    const auto [lo, hi] = RandomRange(rng, m);
    INFO("query " << q << (sparse ? " sparse" : " dense") << " lo " << lo
                  << " hi " << hi << " candidates "
                  << candidates.cardinality());
    const Roaring got = m.column.SelectKeys(lo, hi, candidates);
    const Roaring want = m.Naive(lo, hi, candidates);
    REQUIRE(got.cardinality() == want.cardinality());
    REQUIRE(got == want);
  }
}

template <typename T>
void RunModel(uint64_t seed) {
  SeededRandom rng(seed);
  INFO("seed " << seed);
  // A full chunk and a partial one; not a multiple of 64.
  const Row n = kChunkRows + 3000 + 17;
  ColumnModel<T> m(n);
  // Start dense, with many rows in few distinct values.
  for (Row r = 0; r < n; ++r) {
    if (rng.Chance(0.1)) continue;
    m.Set(r, rng.Chance(0.7) ? static_cast<T>(rng.Between(-3, 3))
                             : RandomValue<T>(rng));
  }
  m.CheckContents();
  CheckSelect(rng, m, 8);
  for (int phase = 0; phase < 3; ++phase) {
    INFO("phase " << phase);
    for (int i = 0; i < 8000; ++i) {
      const Row row = static_cast<Row>(rng.Below(n));
      if (rng.Chance(0.1)) {
        m.clear_with_monostate = rng.Chance(0.5);
        m.Clear(row);
      } else {
        m.Set(row, RandomValue<T>(rng));
      }
    }
    CheckSelect(rng, m, 4);
    m.column.Maintain();
    m.CheckContents();
    CheckSelect(rng, m, 6);
  }
}

TEST_CASE("OrderKey preserves int64 order", "[store]") {
  SeededRandom rng(3);
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), -1, 0, 1,
                                 std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 2000; ++i) values.push_back(RandomInt(rng));
  for (int64_t a : values) {
    const int64_t b = values[rng.Below(values.size())];
    INFO(a << " vs " << b);
    REQUIRE((a < b) == (OrderKey(a) < OrderKey(b)));
    REQUIRE((a == b) == (OrderKey(a) == OrderKey(b)));
  }
  CHECK(OrderKey(std::numeric_limits<int64_t>::min()) == 0);
  CHECK(OrderKey(std::numeric_limits<int64_t>::max()) == kMax);
}

TEST_CASE("OrderKey preserves double order", "[store]") {
  SeededRandom rng(4);
  std::vector<double> values = {-std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::lowest(),
                                -1.0,
                                -std::numeric_limits<double>::denorm_min(),
                                0.0,
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::min(),
                                1.0,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::infinity()};
  for (size_t i = 1; i < values.size(); ++i) {
    REQUIRE(OrderKey(values[i - 1]) < OrderKey(values[i]));
  }
  for (int i = 0; i < 2000; ++i) values.push_back(RandomDouble(rng));
  for (double a : values) {
    const double b = values[rng.Below(values.size())];
    if (a == 0 && b == 0) continue;  // -0.0 and 0.0: the column folds them
    INFO(a << " vs " << b);
    REQUIRE((a < b) == (OrderKey(a) < OrderKey(b)));
    REQUIRE((a == b) == (OrderKey(a) == OrderKey(b)));
  }
  CHECK(OrderKey(-0.0) < OrderKey(0.0));
}

TEST_CASE("NumericColumn Set, Get and Clear", "[store]") {
  NumericColumn<int64_t> ints;
  ints.Resize(10);
  CHECK(ints.present().isEmpty());
  CHECK(std::holds_alternative<std::monostate>(ints.Get(3)));
  ints.Set(3, FieldInput(int64_t{-7}));
  CHECK(std::get<int64_t>(ints.Get(3)) == -7);
  CHECK(ints.Has(3));
  ints.Set(3, FieldInput(std::monostate{}));
  CHECK_FALSE(ints.Has(3));
  CHECK(std::holds_alternative<std::monostate>(ints.Get(3)));
  ints.Set(4, FieldInput(int64_t{0}));
  CHECK(ints.Has(4));  // zero is a value, not empty
  ints.Clear(4);
  CHECK_FALSE(ints.Has(4));
  ints.Clear(1000);  // past the end: no-op

  NumericColumn<double> doubles;
  doubles.Resize(10);
  doubles.Set(1, FieldInput(-0.0));
  const double stored = std::get<double>(doubles.Get(1));
  CHECK(stored == 0.0);
  CHECK_FALSE(std::signbit(stored));
  CHECK(doubles.KeyAt(1) == OrderKey(0.0));
  doubles.Set(2, FieldInput(int64_t{3}));  // ints are accepted for doubles
  CHECK(std::get<double>(doubles.Get(2)) == 3.0);
  // -0.0 and 0.0 rows are found by the same range.
  doubles.Set(3, FieldInput(0.0));
  Roaring all;
  all.addRange(0, 10);
  CHECK(doubles.SelectKeys(OrderKey(0.0), OrderKey(0.0), all) ==
        RowsOf({1, 3}));
}

TEST_CASE("NumericColumn SelectKeys on edge ranges", "[store]") {
  NumericColumn<int64_t> c;
  const Row n = 5000;
  c.Resize(n);
  for (Row r = 0; r < n; r += 2) c.Set(r, FieldInput(int64_t{r} - 2500));
  Roaring all;
  all.addRange(0, n);
  // Empty rows never match, even for the whole key space.
  CHECK(c.SelectKeys(0, kMax, all) == c.present());
  CHECK(c.SelectKeys(0, kMax, Roaring()).isEmpty());
  CHECK(c.SelectKeys(5, 4, all).isEmpty());  // lo > hi
  CHECK(c.SelectKeys(OrderKey(int64_t{0}), OrderKey(int64_t{0}), all) ==
        RowsOf({2500}));
  // Candidates past the column's rows but inside its padding.
  Roaring beyond = all;
  beyond.add(n + 10);
  CHECK(c.SelectKeys(0, kMax, beyond) == c.present());
}

TEST_CASE("NumericColumn<int64_t> SelectKeys matches a reference", "[store]") {
  RunModel<int64_t>(GENERATE(201, 202));
}

TEST_CASE("NumericColumn<double> SelectKeys matches a reference", "[store]") {
  RunModel<double>(GENERATE(301, 302));
}

TEST_CASE("NumericColumn keeps answers across bucket rebuilds", "[store]") {
  // Timestamps that keep growing: each batch lands above the bounds of the
  // previous rebuild, crowds the top bucket and triggers another rebuild.
  SeededRandom rng(401);
  const Row n = 40000;
  ColumnModel<int64_t> m(n);
  int64_t t = 1'700'000'000;
  const size_t base_bytes = m.column.MemoryBytes();
  for (int batch = 0; batch < 4; ++batch) {
    INFO("batch " << batch);
    for (Row r = 0; r < n; ++r) {
      if (rng.Chance(0.8))
        m.Set(r, t + static_cast<int64_t>(rng.Below(86400 * 30)));
    }
    t += 86400 * 365;
    m.column.Maintain();
    CheckSelect(rng, m, 8);
    m.CheckContents();
  }
  // The bounds exist now (they take memory of their own).
  CHECK(m.column.MemoryBytes() > base_bytes);
}

}  // namespace
}  // namespace audience::testing
