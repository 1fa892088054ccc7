// SegmentHistory: hourly counts, and the buckets built from them.
#include "engine/segment_history.h"

#include <catch2/catch.hpp>

namespace audience {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

TEST_CASE("bucket starts floor towards minus infinity", "[engine]") {
  CHECK(BucketStart(0, kHour) == 0);
  CHECK(BucketStart(3599, kHour) == 0);
  CHECK(BucketStart(3600, kHour) == 3600);
  CHECK(BucketStart(-1, kHour) == -3600);
  CHECK(BucketStart(-3600, kHour) == -3600);
  CHECK(BucketStart(-3601, kDay) == -kDay);
  // The earliest times saturate instead of overflowing.
  CHECK(BucketStart(INT64_MIN, kHour) == INT64_MIN);
  CHECK(BucketStart(INT64_MIN + 5, kDay) == INT64_MIN);
}

TEST_CASE("changes add up per hour and the totals run on", "[engine]") {
  SegmentHistory h;
  h.Record(10, 5, 0);
  h.Record(20, 0, 1);
  h.Record(2 * kHour + 1, 3, 2);
  h.Record(2 * kHour + 2, 0, 0);  // nothing to count
  h.Record(kDay + 5, 0, 4);
  CHECK(h.MemoryBytes() >= 3 * 24);

  auto hours = h.Series(0, 3 * kHour - 1, kHour);
  REQUIRE(hours.size() == 3);
  CHECK(hours[0].added == 5);
  CHECK(hours[0].removed == 1);
  CHECK(hours[0].total == 4);
  CHECK(hours[1].added == 0);
  CHECK(hours[1].total == 4);
  CHECK(hours[2].total == 5);

  auto days = h.Series(-1, kDay, kDay);
  REQUIRE(days.size() == 3);
  CHECK(days[0].start == -kDay);
  CHECK(days[0].total == 0);
  CHECK(days[1].added == 8);
  CHECK(days[1].removed == 3);
  CHECK(days[2].removed == 4);
  CHECK(days[2].total == 1);

  // A range after the last change carries the final total.
  auto later = h.Series(10 * kDay, 10 * kDay, kDay);
  REQUIRE(later.size() == 1);
  CHECK(later[0].total == 1);
  CHECK(later[0].added == 0);
}

}  // namespace
}  // namespace audience
