// SegmentMembers: members = (matches | added) - removed, kept incrementally.
#include "engine/segment_members.h"

#include <catch2/catch.hpp>

namespace audience {
namespace {

Roaring Just(Row row) {
  Roaring r;
  r.add(row);
  return r;
}

std::vector<Row> Rows(const Roaring& r) {
  std::vector<Row> out;
  ForEachRow(r, [&](Row row) { out.push_back(row); });
  return out;
}

TEST_CASE("matches alone are the members", "[engine]") {
  SegmentMembers m;
  CHECK(m.SetMatch(3, true));
  CHECK_FALSE(m.SetMatch(3, true));
  CHECK(m.IsMember(3));
  CHECK(m.SetMatch(3, false));
  CHECK_FALSE(m.IsMember(3));
}

TEST_CASE("manual overrides beat the filters", "[engine]") {
  SegmentMembers m;
  m.SetMatch(1, true);
  m.SetMatch(2, true);
  CHECK(Rows(m.RemoveManually(Just(1))) == std::vector<Row>{1});
  CHECK_FALSE(m.IsMember(1));
  // The filter flipping does not undo the manual removal.
  CHECK_FALSE(m.SetMatch(1, false));
  CHECK_FALSE(m.SetMatch(1, true));
  CHECK(Rows(m.AddManually(Just(5))) == std::vector<Row>{5});
  CHECK(m.IsMember(5));
  CHECK_FALSE(m.SetMatch(5, true));
  CHECK_FALSE(m.SetMatch(5, false));
  CHECK(m.IsMember(5));
  // Adding clears a removal.
  CHECK(Rows(m.AddManually(Just(1))) == std::vector<Row>{1});
  // Adding a member changes nothing but records the override.
  CHECK(m.AddManually(Just(5)).isEmpty());
  CHECK(m.removed().isEmpty());
  CHECK(Rows(m.members()) == std::vector<Row>{1, 2, 5});
  CHECK(m.SetMatch(2, false));
  CHECK(Rows(m.members()) == std::vector<Row>{1, 5});
}

TEST_CASE("overrides of many rows report the rows that flipped", "[engine]") {
  SegmentMembers m;
  for (Row r : {1, 2, 3}) m.SetMatch(r, true);
  Roaring rows;
  for (Row r : {2, 3, 4, 5}) rows.add(r);
  CHECK(Rows(m.RemoveManually(rows)) == std::vector<Row>{2, 3});
  CHECK(Rows(m.members()) == std::vector<Row>{1});
  CHECK(Rows(m.removed()) == std::vector<Row>{2, 3, 4, 5});
  rows.remove(5);
  rows.add(1);
  CHECK(Rows(m.AddManually(rows)) == std::vector<Row>{2, 3, 4});
  CHECK(Rows(m.members()) == std::vector<Row>{1, 2, 3, 4});
  CHECK(Rows(m.added()) == std::vector<Row>{1, 2, 3, 4});
  CHECK(Rows(m.removed()) == std::vector<Row>{5});
}

TEST_CASE("replacing matches in a scope reports the flipped rows", "[engine]") {
  SegmentMembers m;
  for (Row r : {1, 2, 3, 10}) m.SetMatch(r, true);
  m.RemoveManually(Just(2));
  m.AddManually(Just(7));
  Roaring scope;
  for (Row r : {1, 2, 3, 4, 7}) scope.add(r);
  Roaring fresh;
  for (Row r : {2, 4}) fresh.add(r);
  // 1 and 3 leave, 4 enters; 2 stays removed, 7 stays added.
  CHECK(Rows(m.ReplaceMatches(scope, fresh)) == std::vector<Row>{1, 3, 4});
  CHECK(Rows(m.members()) == std::vector<Row>{4, 7, 10});
  CHECK(Rows(m.matches()) == std::vector<Row>{2, 4, 10});
}

TEST_CASE("forgetting rows drops them everywhere", "[engine]") {
  for (int n : {2, 20}) {  // the per-row and the bitmap path
    SegmentMembers m;
    Roaring gone;
    for (Row r = 0; r < static_cast<Row>(n); ++r) {
      m.SetMatch(r, r % 2 == 0);
      gone.add(r);
    }
    m.AddManually(Just(1));
    m.RemoveManually(Just(100));
    m.SetMatch(200, true);
    Roaring left = m.Forget(gone);
    CHECK(left.cardinality() == static_cast<uint64_t>(n / 2 + 1));
    CHECK(Rows(m.members()) == std::vector<Row>{200});
    CHECK(m.added().isEmpty());
    CHECK(Rows(m.removed()) == std::vector<Row>{100});
  }
}

}  // namespace
}  // namespace audience
