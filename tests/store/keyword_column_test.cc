// Keyword columns (store/keyword_column.h): each row keeps its spelling,
// postings are keyed by the case-folded term.
#include "store/keyword_column.h"

#include <map>
#include <string>

#include "testing/test_util.h"
#include "util/text.h"

namespace audience::testing {
namespace {

FieldInput Text(std::string_view s) { return s; }

// Every invariant of the header, against the rows' spellings.
void CheckInvariants(const KeywordColumn& c,
                     const std::map<Row, std::string>& model, Row rows,
                     const std::vector<std::string>& universe) {
  Roaring present;
  std::map<std::string, Roaring> by_folded;
  for (const auto& [row, s] : model) {
    present.add(row);
    by_folded[FoldAscii(s)].add(row);
  }
  REQUIRE(c.present() == present);
  for (const auto& [folded, rows_with] : by_folded) {
    INFO("term " << folded);
    REQUIRE(c.dictionary().FindTerm(folded).has_value());
  }
  // Every term ever seen: its postings are exactly the rows holding it,
  // and they add up to present().
  Roaring union_of_postings;
  for (const std::string& s : universe) {
    std::optional<uint32_t> term = c.dictionary().FindTerm(s);
    if (!term) continue;
    INFO("term of " << s);
    REQUIRE(*term < c.dictionary().term_count());
    auto it = by_folded.find(FoldAscii(s));
    REQUIRE(c.postings(*term) ==
            (it == by_folded.end() ? Roaring() : it->second));
    union_of_postings |= c.postings(*term);
  }
  REQUIRE(union_of_postings == present);
  for (Row row = 0; row < rows; ++row) {
    INFO("row " << row);
    auto it = model.find(row);
    if (it == model.end()) {
      REQUIRE_FALSE(c.TermAt(row).has_value());
      REQUIRE(std::holds_alternative<std::monostate>(c.Get(row)));
    } else {
      REQUIRE(std::get<std::string>(c.Get(row)) == it->second);
      REQUIRE(c.TermAt(row) == c.dictionary().FindTerm(it->second));
    }
  }
}

TEST_CASE("KeywordColumn matches case-insensitively, keeps spellings",
          "[store]") {
  KeywordColumn c;
  c.Resize(5);
  c.Set(0, Text("US"));
  c.Set(1, Text("us"));
  c.Set(2, Text("Us"));
  c.Set(3, Text("CA"));
  const uint32_t us = *c.dictionary().FindTerm("uS");
  const uint32_t ca = *c.dictionary().FindTerm("ca");
  Roaring expected;
  expected.add(0);
  expected.add(1);
  expected.add(2);
  CHECK(c.postings(us) == expected);
  CHECK(c.postings(ca).cardinality() == 1);
  CHECK(std::get<std::string>(c.Get(0)) == "US");
  CHECK(std::get<std::string>(c.Get(1)) == "us");
  CHECK(std::get<std::string>(c.Get(2)) == "Us");
  CHECK(c.TermAt(1) == us);
  CHECK_FALSE(c.TermAt(4).has_value());
  CHECK(c.present().cardinality() == 4);

  // A new spelling of the same term replaces the row's spelling.
  c.Set(0, Text("uS"));
  CHECK(std::get<std::string>(c.Get(0)) == "uS");
  CHECK(c.postings(us) == expected);

  // Moving to another term moves the posting.
  c.Set(1, Text("ca"));
  CHECK_FALSE(c.postings(us).contains(1));
  CHECK(c.postings(ca).contains(1));

  // "" and no value clear.
  c.Set(2, Text(""));
  c.Set(3, FieldInput(std::monostate{}));
  CHECK_FALSE(c.Has(2));
  CHECK_FALSE(c.Has(3));
  CHECK_FALSE(c.postings(us).contains(2));
  CHECK_FALSE(c.postings(ca).contains(3));
  c.Clear(0);
  c.Clear(0);
  c.Clear(12345);
  CHECK(c.present().cardinality() == 1);
  CHECK(c.postings(us).isEmpty());
}

TEST_CASE("KeywordColumn setting the same spelling twice is harmless",
          "[store]") {
  KeywordColumn c;
  c.Resize(2);
  c.Set(1, Text("lead"));
  c.Set(1, Text("lead"));
  const uint32_t t = *c.dictionary().FindTerm("LEAD");
  CHECK(c.postings(t).cardinality() == 1);
  CHECK(c.present().cardinality() == 1);
}

TEST_CASE("KeywordColumn invariants under random sets and clears", "[store]") {
  SeededRandom rng(GENERATE(1, 2, 3));
  INFO("seed " << rng.seed());
  const std::vector<std::string> spellings = {
      "US",   "us",   "Us",   "CA",  "ca", "DE",
      "lead", "LEAD", "Lead", "mql", "",   "\xC3\x89t\xC3\xA9"};
  const Row n = 300;
  KeywordColumn c;
  c.Resize(n / 2);
  std::map<Row, std::string> model;
  Row rows = n / 2;
  for (int step = 0; step < 3000; ++step) {
    if (step == 1000) {
      c.Resize(n);
      rows = n;
    }
    const Row row = static_cast<Row>(rng.Below(rows));
    switch (rng.Below(5)) {
      case 0:
        c.Clear(row);
        model.erase(row);
        break;
      case 1:
        c.Set(row, FieldInput(std::monostate{}));
        model.erase(row);
        break;
      default: {
        const std::string& s = rng.Pick(spellings);
        c.Set(row, Text(s));
        if (s.empty()) {
          model.erase(row);
        } else {
          model[row] = s;
        }
      }
    }
    if (step % 250 == 0) CheckInvariants(c, model, rows, spellings);
  }
  c.Maintain();
  CheckInvariants(c, model, rows, spellings);
}

}  // namespace
}  // namespace audience::testing
