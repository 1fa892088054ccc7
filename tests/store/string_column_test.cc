// Free-text columns (store/string_column.h): values in one arena, empty
// strings are empty, compaction keeps every value.
#include "store/string_column.h"

#include <map>
#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

FieldInput Text(const std::string& s) { return std::string_view(s); }

void CheckAgainst(const StringColumn& column,
                  const std::map<Row, std::string>& model, Row rows) {
  Roaring present;
  for (const auto& [row, s] : model) present.add(row);
  REQUIRE(column.present() == present);
  for (Row row = 0; row < rows; ++row) {
    auto it = model.find(row);
    INFO("row " << row);
    if (it == model.end()) {
      REQUIRE(column.View(row).empty());
      REQUIRE(std::holds_alternative<std::monostate>(column.Get(row)));
      REQUIRE_FALSE(column.Has(row));
    } else {
      REQUIRE(column.View(row) == it->second);
      REQUIRE(std::get<std::string>(column.Get(row)) == it->second);
      REQUIRE(column.Has(row));
    }
  }
}

TEST_CASE("StringColumn Set, Get and Clear", "[store]") {
  StringColumn c;
  c.Resize(4);
  CHECK(c.present().isEmpty());
  CHECK(c.View(0).empty());
  const std::string a = "a@b.com";
  c.Set(0, Text(a));
  CHECK(c.View(0) == "a@b.com");
  CHECK(std::get<std::string>(c.Get(0)) == "a@b.com");
  CHECK(c.Has(0));

  // The column copies: the caller's buffer may change afterwards.
  std::string scratch = "temporary";
  c.Set(1, Text(scratch));
  scratch.assign("XXXXXXXXX");
  CHECK(c.View(1) == "temporary");

  // Rewriting replaces; the old bytes are not visible.
  c.Set(0, Text("Other@Example.org"));
  CHECK(c.View(0) == "Other@Example.org");

  // "" is empty, as is no value.
  c.Set(1, Text(""));
  CHECK_FALSE(c.Has(1));
  CHECK(std::holds_alternative<std::monostate>(c.Get(1)));
  c.Set(0, FieldInput(std::monostate{}));
  CHECK_FALSE(c.Has(0));
  CHECK(c.present().isEmpty());

  // Embedded NUL bytes and UTF-8 are kept as they are.
  const std::string odd("a\0b\xC3\xA9", 5);
  c.Set(2, Text(odd));
  CHECK(c.View(2) == odd);
  c.Clear(2);
  CHECK_FALSE(c.Has(2));
  c.Clear(2);      // again: no-op
  c.Clear(99999);  // past the end: no-op
  CHECK(c.present().isEmpty());

  // Growing keeps existing rows and adds empty ones.
  c.Set(3, Text("kept"));
  c.Resize(100);
  CHECK(c.View(3) == "kept");
  CHECK_FALSE(c.Has(99));
}

TEST_CASE("StringColumn takes a 64 KiB value", "[store]") {
  StringColumn c;
  c.Resize(2);
  const std::string big(kMaxStringBytes, 'x');
  c.Set(1, Text(big));
  CHECK(c.View(1) == big);
  CHECK(c.View(0).empty());
}

TEST_CASE("StringColumn Maintain compacts and keeps values", "[store]") {
  SeededRandom rng(17);
  const Row n = 64;
  StringColumn c;
  c.Resize(n);
  std::map<Row, std::string> model;
  // Rewrite rows with large values until the garbage passes the 1 MiB
  // threshold and outweighs the live bytes.
  for (int i = 0; i < 400; ++i) {
    const Row row = static_cast<Row>(rng.Below(n));
    if (rng.Chance(0.2)) {
      c.Clear(row);
      model.erase(row);
      continue;
    }
    std::string value(rng.Between(1, 30000), static_cast<char>('a' + i % 26));
    value += std::to_string(i);
    c.Set(row, Text(value));
    model[row] = value;
  }
  const size_t before = c.MemoryBytes();
  c.Maintain();
  const size_t after = c.MemoryBytes();
  INFO("bytes before " << before << " after " << after);
  CHECK(after < before);
  CheckAgainst(c, model, n);

  // The compacted column keeps working: rewrite and clear again.
  for (int i = 0; i < 300; ++i) {
    const Row row = static_cast<Row>(rng.Below(n));
    if (rng.Chance(0.3)) {
      c.Set(row, FieldInput(std::monostate{}));
      model.erase(row);
    } else {
      std::string value(rng.Between(1, 9000), static_cast<char>('A' + i % 26));
      c.Set(row, Text(value));
      model[row] = value;
    }
    if (i % 50 == 0) c.Maintain();
  }
  c.Maintain();
  CheckAgainst(c, model, n);
}

TEST_CASE("StringColumn Affix packs the folded first and last bytes",
          "[store]") {
  auto byte = [](uint64_t affix, int i) {
    return static_cast<char>((affix >> (8 * i)) & 0xFF);
  };
  CHECK(StringColumn::Affix("") == 0);
  const uint64_t long_value = StringColumn::Affix("AbCdXyZ@EfGh");
  CHECK(byte(long_value, 0) == 'a');
  CHECK(byte(long_value, 1) == 'b');
  CHECK(byte(long_value, 2) == 'c');
  CHECK(byte(long_value, 3) == 'd');
  CHECK(byte(long_value, 4) == 'e');
  CHECK(byte(long_value, 5) == 'f');
  CHECK(byte(long_value, 6) == 'g');
  CHECK(byte(long_value, 7) == 'h');
  // Short values: missing bytes are 0, the tail stays right-aligned.
  const uint64_t two = StringColumn::Affix("aB");
  CHECK(byte(two, 0) == 'a');
  CHECK(byte(two, 1) == 'b');
  CHECK(byte(two, 2) == 0);
  CHECK(byte(two, 3) == 0);
  CHECK(byte(two, 4) == 0);
  CHECK(byte(two, 5) == 0);
  CHECK(byte(two, 6) == 'a');
  CHECK(byte(two, 7) == 'b');
  CHECK(StringColumn::Affix("X@Y.COM") == StringColumn::Affix("x@y.com"));
  CHECK(StringColumn::Affix("\xC3\x89") != StringColumn::Affix("\xC3\xA9"));
}

TEST_CASE("StringColumn row affixes and batched walks follow the values",
          "[store]") {
  SeededRandom rng(29);
  const Row n = 2000;
  StringColumn c;
  c.Resize(n);
  std::map<Row, std::string> model;
  const std::vector<std::string> pool = {"a@b.com",
                                         "CARL@GMAIL.COM",
                                         "x",
                                         "dora@Gmail.com",
                                         "",
                                         "\xC3\xA9t\xC3\xA9",
                                         "a longer value with spaces"};
  for (int i = 0; i < 6000; ++i) {
    const Row row = static_cast<Row>(rng.Below(n));
    if (rng.Chance(0.2)) {
      c.Clear(row);
      model.erase(row);
      continue;
    }
    const std::string& v = rng.Pick(pool);
    c.Set(row, Text(v));
    if (v.empty()) {
      model.erase(row);
    } else {
      model[row] = v;
    }
  }
  c.Maintain();
  for (Row row = 0; row < n; ++row) {
    auto it = model.find(row);
    const uint64_t want =
        it == model.end() ? 0 : StringColumn::Affix(it->second);
    if (c.affix(row) != want) FAIL("row " << row << " has a stale affix");
  }
  Roaring rows;
  for (Row row = 0; row < n; row += 1 + static_cast<Row>(rng.Below(3))) {
    rows.add(row);
  }
  std::vector<Row> seen;
  bool values_match = true;
  c.ForEachValue(rows, [&](Row row, std::string_view value) {
    seen.push_back(row);
    auto it = model.find(row);
    if (value != (it == model.end() ? std::string() : it->second)) {
      values_match = false;
    }
  });
  CHECK(values_match);
  std::vector<Row> expected;
  for (uint32_t row : rows) expected.push_back(row);
  CHECK(seen == expected);
  seen.clear();
  bool affixes_match = true;
  c.ForEachAffix(rows, [&](Row row, uint64_t affix) {
    seen.push_back(row);
    if (affix != c.affix(row)) affixes_match = false;
  });
  CHECK(affixes_match);
  CHECK(seen == expected);
  c.ForEachValue(Roaring(), [&](Row, std::string_view) { FAIL("no rows"); });
}

TEST_CASE("StringColumn Maintain leaves a small arena alone", "[store]") {
  StringColumn c;
  c.Resize(3);
  c.Set(0, Text("one"));
  c.Set(0, Text("two"));
  c.Set(1, Text("three"));
  c.Maintain();
  CHECK(c.View(0) == "two");
  CHECK(c.View(1) == "three");
  CHECK(c.View(2).empty());
}

}  // namespace
}  // namespace audience::testing
