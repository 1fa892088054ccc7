// Boolean columns (store/bool_column.h): two disjoint row bitmaps.
#include "store/bool_column.h"

#include <map>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("BoolColumn Set, Get and Clear", "[store]") {
  BoolColumn c;
  c.Resize(10);
  CHECK(std::holds_alternative<std::monostate>(c.Get(0)));
  c.Set(0, FieldInput(true));
  c.Set(1, FieldInput(false));
  CHECK(std::get<bool>(c.Get(0)) == true);
  CHECK(std::get<bool>(c.Get(1)) == false);  // false is a value
  CHECK(c.Has(1));
  CHECK(c.rows_with(true).contains(0));
  CHECK(c.rows_with(false).contains(1));
  CHECK(c.present().cardinality() == 2);

  c.Set(0, FieldInput(false));  // flips sides
  CHECK_FALSE(c.rows_with(true).contains(0));
  CHECK(c.rows_with(false).contains(0));
  c.Set(1, FieldInput(std::monostate{}));
  CHECK_FALSE(c.Has(1));
  CHECK(std::holds_alternative<std::monostate>(c.Get(1)));
  CHECK_FALSE(c.rows_with(false).contains(1));
  c.Clear(0);
  CHECK(c.present().isEmpty());
  CHECK(c.rows_with(false).isEmpty());
  c.Clear(5);  // empty row: no-op
}

TEST_CASE("BoolColumn invariants under random updates", "[store]") {
  SeededRandom rng(9);
  BoolColumn c;
  std::map<Row, bool> model;
  for (int step = 0; step < 5000; ++step) {
    const Row row = static_cast<Row>(rng.Below(500));
    switch (rng.Below(4)) {
      case 0:
        c.Clear(row);
        model.erase(row);
        break;
      case 1:
        c.Set(row, FieldInput(std::monostate{}));
        model.erase(row);
        break;
      default: {
        const bool v = rng.Chance(0.5);
        c.Set(row, FieldInput(v));
        model[row] = v;
      }
    }
  }
  Roaring t, f;
  for (const auto& [row, v] : model) (v ? t : f).add(row);
  CHECK(c.rows_with(true) == t);
  CHECK(c.rows_with(false) == f);
  CHECK((c.rows_with(true) & c.rows_with(false)).isEmpty());
  CHECK(c.present() == (t | f));
  for (const auto& [row, v] : model) REQUIRE(std::get<bool>(c.Get(row)) == v);
}

}  // namespace
}  // namespace audience::testing
