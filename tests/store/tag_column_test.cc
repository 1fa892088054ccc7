// Tag columns (store/tag_column.h): deduplicated case-insensitive tag sets
// with postings per term, and compaction of the shared pool.
#include "store/tag_column.h"

#include <map>
#include <set>
#include <string>

#include "testing/test_util.h"
#include "util/text.h"

namespace audience::testing {
namespace {

using Tags = std::vector<std::string>;

FieldInput TagsInput(const Tags& tags) {
  return TagInput(tags.begin(), tags.end());
}

// What a row should hold: "" dropped, the first spelling of each term kept,
// in input order.
Tags Expected(const Tags& input) {
  Tags out;
  std::set<std::string> seen;
  for (const std::string& t : input) {
    if (t.empty()) continue;
    if (seen.insert(FoldAscii(t)).second) out.push_back(t);
  }
  return out;
}

void CheckInvariants(const TagColumn& c, const std::map<Row, Tags>& model,
                     Row rows, const Tags& universe) {
  Roaring present;
  std::map<std::string, Roaring> by_folded;
  for (const auto& [row, tags] : model) {
    present.add(row);
    for (const std::string& t : tags) by_folded[FoldAscii(t)].add(row);
  }
  REQUIRE(c.present() == present);
  Roaring union_of_postings;
  for (const std::string& s : universe) {
    std::optional<uint32_t> term = c.dictionary().FindTerm(s);
    if (!term) continue;
    INFO("term of " << s);
    auto it = by_folded.find(FoldAscii(s));
    const Roaring expected = it == by_folded.end() ? Roaring() : it->second;
    REQUIRE(c.postings(*term) == expected);
    union_of_postings |= expected;
  }
  REQUIRE(union_of_postings == present);
  for (Row row = 0; row < rows; ++row) {
    INFO("row " << row);
    auto it = model.find(row);
    if (it == model.end()) {
      REQUIRE(std::holds_alternative<std::monostate>(c.Get(row)));
      REQUIRE(c.SpellingsAt(row).empty());
      continue;
    }
    REQUIRE(std::get<TagList>(c.Get(row)) == it->second);
    REQUIRE(c.SpellingsAt(row).size() == it->second.size());
    for (const std::string& t : it->second) {
      REQUIRE(c.HasTerm(row, *c.dictionary().FindTerm(t)));
    }
  }
}

TEST_CASE("TagColumn drops empty tags and case-insensitive duplicates",
          "[store]") {
  TagColumn c;
  c.Resize(4);
  const Tags input = {"vip", "", "VIP", "news", "Vip", "NEWS", "beta"};
  c.Set(0, TagsInput(input));
  CHECK(std::get<TagList>(c.Get(0)) == Tags{"vip", "news", "beta"});
  const uint32_t vip = *c.dictionary().FindTerm("ViP");
  CHECK(c.HasTerm(0, vip));
  CHECK(c.postings(vip).contains(0));
  CHECK(c.postings(vip).cardinality() == 1);

  // Another row may spell the same term differently; each keeps its own.
  c.Set(1, TagsInput({"VIP", "Trial"}));
  CHECK(std::get<TagList>(c.Get(1)) == Tags{"VIP", "Trial"});
  CHECK(c.postings(vip).cardinality() == 2);
  CHECK(c.present().cardinality() == 2);

  // Only "" tags, an empty list and no value all mean empty.
  c.Set(2, TagsInput({"", ""}));
  CHECK_FALSE(c.Has(2));
  CHECK(std::holds_alternative<std::monostate>(c.Get(2)));
  c.Set(1, TagsInput({}));
  CHECK_FALSE(c.Has(1));
  CHECK_FALSE(c.postings(vip).contains(1));
  c.Set(0, FieldInput(std::monostate{}));
  CHECK_FALSE(c.Has(0));
  CHECK(c.postings(vip).isEmpty());
  CHECK(c.present().isEmpty());
  c.Clear(3);
  c.Clear(999);
}

TEST_CASE("TagColumn rewriting a row replaces its list", "[store]") {
  TagColumn c;
  c.Resize(2);
  c.Set(0, TagsInput({"a", "b"}));
  c.Set(1, TagsInput({"b", "c"}));
  c.Set(0, TagsInput({"C", "d"}));
  const auto& d = c.dictionary();
  CHECK(c.postings(*d.FindTerm("a")).isEmpty());
  CHECK(c.postings(*d.FindTerm("b")).cardinality() == 1);
  CHECK(c.postings(*d.FindTerm("c")).cardinality() == 2);
  CHECK(c.HasTerm(0, *d.FindTerm("c")));
  CHECK_FALSE(c.HasTerm(0, *d.FindTerm("b")));
  CHECK(std::get<TagList>(c.Get(0)) == Tags{"C", "d"});
  CHECK(std::get<TagList>(c.Get(1)) == Tags{"b", "c"});
}

TEST_CASE("TagColumn takes the maximum number of tags", "[store]") {
  TagColumn c;
  c.Resize(1);
  Tags tags;
  for (size_t i = 0; i < kMaxTagsPerField; ++i) {
    tags.push_back("t" + std::to_string(i));
  }
  c.Set(0, TagsInput(tags));
  CHECK(std::get<TagList>(c.Get(0)) == tags);
}

TEST_CASE("TagColumn invariants under random sets and clears", "[store]") {
  SeededRandom rng(GENERATE(1, 2, 3));
  INFO("seed " << rng.seed());
  const Tags universe = {"vip",  "VIP",   "Vip",  "news",
                         "NEWS", "trial", "beta", "Beta",
                         "",     "x",     "X",    "\xC3\xA9t\xC3\xA9"};
  const Row n = 200;
  TagColumn c;
  c.Resize(n);
  std::map<Row, Tags> model;
  for (int step = 0; step < 3000; ++step) {
    const Row row = static_cast<Row>(rng.Below(n));
    if (rng.Chance(0.15)) {
      c.Clear(row);
      model.erase(row);
    } else {
      Tags input;
      const uint64_t k = rng.Below(6);
      for (uint64_t i = 0; i < k; ++i) input.push_back(rng.Pick(universe));
      c.Set(row, TagsInput(input));
      Tags kept = Expected(input);
      if (kept.empty()) {
        model.erase(row);
      } else {
        model[row] = kept;
      }
    }
    if (step % 300 == 0) CheckInvariants(c, model, n, universe);
  }
  CheckInvariants(c, model, n, universe);
}

TEST_CASE("TagColumn Maintain compacts the pool and keeps every list",
          "[store]") {
  SeededRandom rng(23);
  const Row n = 1000;
  const size_t kPerRow = 8;
  TagColumn c;
  c.Resize(n);
  Tags universe;
  for (int i = 0; i < 64; ++i) universe.push_back("tag" + std::to_string(i));
  // Distinct tags per row (a window of the universe), so the expected list
  // is the input itself.
  auto window = [&]() {
    const size_t first = rng.Below(universe.size());
    Tags tags;
    for (size_t i = 0; i < kPerRow; ++i) {
      tags.push_back(universe[(first + i) % universe.size()]);
    }
    return tags;
  };
  std::map<Row, Tags> model;
  // 40 rewrites of 1000 rows of 8 tags leave ~310K stale pool entries, past
  // the 2^18 compaction threshold.
  for (int round = 0; round < 40; ++round) {
    for (Row row = 0; row < n; ++row) {
      if (rng.Chance(0.05)) {
        c.Clear(row);
        model.erase(row);
        continue;
      }
      Tags tags = window();
      c.Set(row, TagsInput(tags));
      model[row] = std::move(tags);
    }
  }
  const size_t before = c.MemoryBytes();
  c.Maintain();
  const size_t after = c.MemoryBytes();
  INFO("bytes before " << before << " after " << after);
  CHECK(after < before);
  CheckInvariants(c, model, n, universe);
  // Still consistent after more rewrites on the compacted pool.
  for (Row row = 0; row < n; row += 3) {
    Tags tags = window();
    c.Set(row, TagsInput(tags));
    model[row] = std::move(tags);
  }
  c.Maintain();
  CheckInvariants(c, model, n, universe);
}

}  // namespace
}  // namespace audience::testing
