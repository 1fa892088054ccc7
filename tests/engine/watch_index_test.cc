// The watch index: which segments a field change, an event or a clock
// advance can affect.
#include "engine/watch_index.h"

#include <catch2/catch.hpp>

#include "filter/compile.h"
#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

class WatchFixture {
 public:
  // Compiles `filters` and registers them as segment `id`.
  void Add(SegmentId id, std::vector<Condition> filters) {
    auto plan = CompileFilters(filters, schema_, [](std::string_view) {
      return std::optional<SegmentId>(1);
    });
    REQUIRE_OK(plan);
    plans_[id] = std::move(*plan);
    index_.Add(id, plans_[id]);
  }
  void Remove(SegmentId id) { index_.Remove(id, plans_.at(id)); }

  std::set<SegmentId> Changed(std::string_view field, const Value& before,
                              const Value& after) const {
    const FieldId f = *schema_.Find(field);
    SegmentList out;
    index_.FieldChanged(f, schema_.field(f).type, before, after, &out);
    return {out.begin(), out.end()};
  }
  std::set<SegmentId> Event(std::string_view type,
                            std::optional<int64_t> object) const {
    SegmentList out;
    index_.EventRecorded(type, object, &out);
    return {out.begin(), out.end()};
  }
  const WatchIndex& index() const { return index_; }

 private:
  Schema schema_;
  std::map<SegmentId, Plan> plans_;
  WatchIndex index_;
};

TEST_CASE("a numeric change touches the segments whose bounds it crosses",
          "[engine]") {
  WatchFixture w;
  w.Add(1, {F("score", Op::kGte, int64_t{100})});
  w.Add(2, {F("score", Op::kGte, int64_t{500})});
  w.Add(3, {F("score", Op::kLt, int64_t{200})});
  w.Add(4, {F("score", Op::kBetween, Ints({300, 400}))});
  w.Add(5, {F("score", Op::kNeq, int64_t{480})});
  w.Add(6, {F("score", Op::kEmpty)});
  w.Add(7, {F("country", Op::kEq, "US")});

  CHECK(w.Changed("score", Int(120), Int(480)) == std::set<SegmentId>{3, 4, 5});
  CHECK(w.Changed("score", Int(480), Int(120)) == std::set<SegmentId>{3, 4, 5});
  CHECK(w.Changed("score", Int(120), Int(150)).empty());
  CHECK(w.Changed("score", Int(99), Int(100)) == std::set<SegmentId>{1});
  CHECK(w.Changed("score", Int(400), Int(401)) == std::set<SegmentId>{4});
  CHECK(w.Changed("score", Int(480), Int(480)).empty());
  // Appearing or disappearing touches the ranges holding the value (a
  // positive test turns true, neq turns false) and the presence tests.
  CHECK(w.Changed("score", Value(), Int(7)) == std::set<SegmentId>{3, 6});
  CHECK(w.Changed("score", Int(7), Value()) == std::set<SegmentId>{3, 6});
  CHECK(w.Changed("score", Value(), Int(480)) == std::set<SegmentId>{1, 5, 6});

  w.Remove(4);
  CHECK(w.Changed("score", Int(120), Int(480)) == std::set<SegmentId>{3, 5});
  CHECK(w.index().Watches(*Schema().Find("score")));
  CHECK_FALSE(w.index().Watches(*Schema().Find("email")));
}

TEST_CASE("a term change touches the segments naming the term", "[engine]") {
  WatchFixture w;
  w.Add(1, {F("country", Op::kIn, List({"US", "CA"}))});
  w.Add(2, {F("country", Op::kNeq, "de")});
  w.Add(3, {F("tags", Op::kHas, "VIP")});
  w.Add(4, {F("tags", Op::kHasNone, List({"spam", "bounced"}))});
  CHECK(w.Changed("country", Str("us"), Str("CA")) == std::set<SegmentId>{1});
  CHECK(w.Changed("country", Str("US"), Str("us")).empty());  // same folded
  CHECK(w.Changed("country", Value(), Str("FR")).empty());
  CHECK(w.Changed("country", Str("DE"), Value()) == std::set<SegmentId>{2});
  CHECK(w.Changed("tags", Tags({"vip", "news"}), Tags({"news"})) ==
        std::set<SegmentId>{3});
  CHECK(w.Changed("tags", Tags({"news"}), Tags({"news", "Spam"})) ==
        std::set<SegmentId>{4});
}

TEST_CASE("events touch the segments reading their type and object",
          "[engine]") {
  WatchFixture w;
  w.Add(1, {Condition::Activity("email_open", Op::kDid, 17)});
  w.Add(2, {Condition::Activity("email_open", Op::kDidNot)});
  w.Add(3, {Condition::Activity("form_submit", Op::kDid, std::nullopt, 1, 7)});
  CHECK(w.Event("email_open", 17) == std::set<SegmentId>{1, 2});
  CHECK(w.Event("email_open", 3) == std::set<SegmentId>{2});
  CHECK(w.Event("email_open", std::nullopt) == std::set<SegmentId>{2});
  CHECK(w.Event("Email_Open", 17).empty());  // types are case-sensitive
  CHECK(w.index().clock_watches().size() == 1);
}

TEST_CASE("segments that hold for an empty lead are listed", "[engine]") {
  WatchFixture w;
  w.Add(1, {F("country", Op::kNeq, "US"), F("score", Op::kEmpty)});
  w.Add(2, {F("country", Op::kNeq, "US"), F("score", Op::kGte, int64_t{1})});
  w.Add(3, {});  // a manual list matches nobody by filter
  w.Add(4, {Condition::Activity("email_open", Op::kDidNot),
            Condition::Segment("x", Op::kNotMember)});
  CHECK(w.index().empty_matchers() == SegmentList{1, 4});
  w.Remove(1);
  CHECK(w.index().empty_matchers() == SegmentList{4});
}

TEST_CASE("relative-time conditions are grouped for the clock", "[engine]") {
  WatchFixture w;
  w.Add(1, {F("created_at", Op::kWithinLast, Days(1))});
  w.Add(2, {F("created_at", Op::kWithinLast, Hours(24))});
  w.Add(3, {F("created_at", Op::kOlderThan, Days(1))});
  w.Add(4, {F("created_at", Op::kAfter, int64_t{5})});
  const auto& clock = w.index().clock_watches();
  REQUIRE(clock.size() == 2);
  for (const auto& [key, segments] : clock) {
    CHECK(key.seconds == kSecondsPerDay);
    CHECK(segments.size() == (key.within_last ? 2u : 1u));
  }
  // Any change of a relative field's value re-checks its segments.
  CHECK(w.Changed("created_at", Int(1), Int(2)) ==
        std::set<SegmentId>{1, 2, 3});
  w.Remove(3);
  CHECK(w.index().clock_watches().size() == 1);
}

}  // namespace
}  // namespace audience::testing
