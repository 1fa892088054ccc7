// The activity log (store/activity_log.h): per-row events sorted by type
// then time, and the row indexes by type and by (type, object).
#include "store/activity_log.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

struct ModelEvent {
  uint32_t type;
  Timestamp ts;
  std::optional<int64_t> object;
};

void CheckAgainst(const ActivityLog& log,
                  const std::map<Row, std::vector<ModelEvent>>& model, Row rows,
                  const std::vector<int64_t>& objects) {
  uint64_t total = 0;
  for (Row row = 0; row < rows; ++row) {
    INFO("row " << row);
    auto it = model.find(row);
    std::vector<ModelEvent> expected =
        it == model.end() ? std::vector<ModelEvent>() : it->second;
    total += expected.size();
    std::stable_sort(expected.begin(), expected.end(),
                     [](const ModelEvent& a, const ModelEvent& b) {
                       return std::tie(a.type, a.ts) < std::tie(b.type, b.ts);
                     });
    auto events = log.EventsOf(row);
    REQUIRE(events.size() == expected.size());
    for (size_t i = 0; i < events.size(); ++i) {
      REQUIRE(events[i].type == expected[i].type);
      REQUIRE(events[i].ts == expected[i].ts);
      REQUIRE(events[i].has_object == expected[i].object.has_value());
      if (expected[i].object) REQUIRE(events[i].object == *expected[i].object);
    }
    for (uint32_t type = 0; type < log.type_count(); ++type) {
      auto of_type = log.EventsOf(row, type);
      const size_t n =
          std::count_if(expected.begin(), expected.end(),
                        [&](const ModelEvent& e) { return e.type == type; });
      REQUIRE(of_type.size() == n);
      for (const EventRecord& e : of_type) REQUIRE(e.type == type);
      REQUIRE(std::is_sorted(of_type.begin(), of_type.end(),
                             [](const EventRecord& a, const EventRecord& b) {
                               return a.ts < b.ts;
                             }));
    }
  }
  REQUIRE(log.event_count() == total);
  for (uint32_t type = 0; type < log.type_count(); ++type) {
    Roaring with_type;
    std::map<int64_t, Roaring> with_object;
    for (const auto& [row, events] : model) {
      for (const ModelEvent& e : events) {
        if (e.type != type) continue;
        with_type.add(row);
        if (e.object) with_object[*e.object].add(row);
      }
    }
    INFO("type " << type);
    REQUIRE(log.RowsWith(type) == with_type);
    for (int64_t object : objects) {
      INFO("object " << object);
      auto it = with_object.find(object);
      REQUIRE(log.RowsWith(type, object) ==
              (it == with_object.end() ? Roaring() : it->second));
    }
  }
}

TEST_CASE("ActivityLog event types are case-sensitive", "[store]") {
  ActivityLog log;
  CHECK(log.type_count() == 0);
  CHECK_FALSE(log.FindType("email_open").has_value());
  const uint32_t open = log.InternType("email_open");
  const uint32_t upper = log.InternType("Email_Open");
  CHECK(open != upper);
  CHECK(log.InternType("email_open") == open);
  CHECK(log.FindType("email_open") == open);
  CHECK(log.FindType("Email_Open") == upper);
  CHECK_FALSE(log.FindType("EMAIL_OPEN").has_value());
  CHECK(log.type_name(open) == "email_open");
  CHECK(log.type_count() == 2);
}

TEST_CASE("ActivityLog keeps a row's events sorted by type then time",
          "[store]") {
  ActivityLog log;
  log.Resize(3);
  const uint32_t open = log.InternType("email_open");
  const uint32_t form = log.InternType("form_submit");
  log.Add(1, form, 3, 500);
  log.Add(1, open, 17, 300);
  log.Add(1, open, std::nullopt, 100);
  log.Add(1, form, std::nullopt, 50);
  log.Add(1, open, 18, 200);
  auto events = log.EventsOf(1);
  REQUIRE(events.size() == 5);
  CHECK(events[0].type == open);
  CHECK(events[0].ts == 100);
  CHECK_FALSE(events[0].has_object);
  CHECK(events[1].ts == 200);
  CHECK(events[1].object == 18);
  CHECK(events[2].ts == 300);
  CHECK(events[3].type == form);
  CHECK(events[3].ts == 50);
  CHECK(events[4].ts == 500);
  CHECK(events[4].has_object);
  CHECK(events[4].object == 3);

  auto opens = log.EventsOf(1, open);
  REQUIRE(opens.size() == 3);
  CHECK(opens[0].ts == 100);
  CHECK(opens[2].ts == 300);
  CHECK(log.EventsOf(1, form).size() == 2);
  CHECK(log.EventsOf(0, open).empty());
  CHECK(log.EventsOf(2).empty());
  CHECK(log.event_count() == 5);

  CHECK(log.RowsWith(open).contains(1));
  CHECK(log.RowsWith(open, 17).contains(1));
  CHECK(log.RowsWith(open, 3).isEmpty());  // object 3 was a form
  CHECK(log.RowsWith(form, 3).contains(1));
  CHECK(log.RowsWith(open, 0).isEmpty());  // no object is not object 0
  CHECK(log.RowsWith(99).isEmpty());       // unknown type id
  CHECK(log.RowsWith(99, 17).isEmpty());
}

TEST_CASE("ActivityLog ClearRow removes the row from every index", "[store]") {
  ActivityLog log;
  log.Resize(2);
  const uint32_t open = log.InternType("email_open");
  log.Add(0, open, 17, 10);
  log.Add(0, open, 17, 20);
  log.Add(1, open, 17, 30);
  log.Add(0, open, 18, 40);
  log.ClearRow(0);
  CHECK(log.EventsOf(0).empty());
  CHECK(log.event_count() == 1);
  CHECK_FALSE(log.RowsWith(open).contains(0));
  CHECK(log.RowsWith(open).contains(1));
  CHECK(log.RowsWith(open, 17).cardinality() == 1);
  CHECK(log.RowsWith(open, 18).isEmpty());
  log.ClearRow(0);    // again
  log.ClearRow(500);  // past the end
  CHECK(log.event_count() == 1);
  // The row is usable again.
  log.Add(0, open, std::nullopt, 5);
  CHECK(log.EventsOf(0).size() == 1);
  CHECK(log.RowsWith(open).contains(0));
  CHECK(log.RowsWith(open, 17).cardinality() == 1);
}

TEST_CASE("ActivityLog matches a reference under random events", "[store]") {
  SeededRandom rng(GENERATE(1, 2, 3));
  INFO("seed " << rng.seed());
  const std::vector<std::string> names = {"email_open", "form_submit",
                                          "page_visit", "Email_Open"};
  const std::vector<int64_t> objects = {0, 1, 17, -5,
                                        std::numeric_limits<int64_t>::max()};
  const Row n = 60;
  ActivityLog log;
  log.Resize(n);
  std::map<Row, std::vector<ModelEvent>> model;
  for (int step = 0; step < 1500; ++step) {
    const Row row = static_cast<Row>(rng.Below(n));
    if (rng.Chance(0.05)) {
      log.ClearRow(row);
      model.erase(row);
    } else {
      const uint32_t type = log.InternType(rng.Pick(names));
      std::optional<int64_t> object;
      if (rng.Chance(0.7)) object = rng.Pick(objects);
      const Timestamp ts = rng.Between(-100, 100);
      log.Add(row, type, object, ts);
      model[row].push_back(ModelEvent{type, ts, object});
    }
    if (step % 250 == 0) CheckAgainst(log, model, n, objects);
  }
  CheckAgainst(log, model, n, objects);
  CHECK(log.MemoryBytes() > 0);
}

}  // namespace
}  // namespace audience::testing
