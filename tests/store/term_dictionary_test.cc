// Interned spellings and their case-folded terms (store/term_dictionary.h).
#include "store/term_dictionary.h"

#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("TermDictionary interns spellings and folds terms", "[store]") {
  TermDictionary d;
  CHECK(d.term_count() == 0);
  CHECK_FALSE(d.FindTerm("us").has_value());

  const uint32_t us = d.Intern("US");
  CHECK(d.Intern("US") == us);  // same spelling, same id
  const uint32_t lower = d.Intern("us");
  const uint32_t mixed = d.Intern("uS");
  CHECK(lower != us);
  CHECK(mixed != us);
  CHECK(d.spelling(us) == "US");
  CHECK(d.spelling(lower) == "us");
  CHECK(d.spelling(mixed) == "uS");
  CHECK(d.term_of(us) == d.term_of(lower));
  CHECK(d.term_of(us) == d.term_of(mixed));
  CHECK(d.term_count() == 1);

  const uint32_t ca = d.Intern("CA");
  CHECK(d.term_of(ca) != d.term_of(us));
  CHECK(d.term_count() == 2);

  REQUIRE(d.FindTerm("Us").has_value());
  CHECK(*d.FindTerm("Us") == d.term_of(us));
  CHECK(*d.FindTerm("ca") == d.term_of(ca));
  CHECK_FALSE(d.FindTerm("DE").has_value());
  CHECK_FALSE(d.FindTerm("").has_value());
}

TEST_CASE("TermDictionary folds ASCII only", "[store]") {
  TermDictionary d;
  const uint32_t upper = d.Intern("\xC3\x89T\xC3\x89");  // ÉTÉ
  const uint32_t lower = d.Intern("\xC3\xA9t\xC3\xA9");  // été
  CHECK(d.term_of(upper) != d.term_of(lower));
  const uint32_t mixed = d.Intern("\xC3\x89t\xC3\x89");
  CHECK(d.term_of(mixed) == d.term_of(upper));
}

TEST_CASE("TermDictionary term ids are dense in order of first sight",
          "[store]") {
  TermDictionary d;
  const char* words[] = {"b", "A", "a", "B", "c", "C", "b"};
  std::vector<uint32_t> terms;
  for (const char* w : words) terms.push_back(d.term_of(d.Intern(w)));
  CHECK(terms == std::vector<uint32_t>{0, 1, 1, 0, 2, 2, 0});
  CHECK(d.term_count() == 3);
  CHECK(d.MemoryBytes() > 0);
}

}  // namespace
}  // namespace audience::testing
