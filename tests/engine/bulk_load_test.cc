// LoadLeads / LoadEvents re-evaluate segments once at the end, row by row
// when few leads changed and segment by segment when many did (more than
// 1/16 of the leads). Both paths must give the memberships and changes that
// the same data upserted one lead at a time gives.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr Timestamp kNow = kProbeNow;
constexpr int64_t kDay = kSecondsPerDay;

// 40 leads (ids 1..40, score = id) and segments of every kind, one of which
// ("early") has a smaller id than the segment it reads.
std::unique_ptr<Engine> Base() {
  auto engine = OpenEngine(kNow);
  for (LeadId id = 1; id <= 40; ++id) {
    REQUIRE_OK(
        engine->UpsertLead({id, {{"score", Int(static_cast<int64_t>(id))}}}));
  }
  const SegmentId early = MakeSegment(*engine, Def("early", {}));
  MakeSegment(*engine, Def("high", {F("score", Op::kGte, int64_t{100})}));
  MakeSegment(*engine, Def("vip", {F("tags", Op::kHas, "vip")}));
  MakeSegment(*engine,
              Def("opened twice", {Condition::Activity("email_open", Op::kDid,
                                                       std::nullopt, 2)}));
  MakeSegment(*engine,
              Def("opened lately", {Condition::Activity("email_open", Op::kDid,
                                                        std::nullopt, 1, 7)}));
  MakeSegment(*engine, Def("never opened",
                           {Condition::Activity("email_open", Op::kDidNot)}));
  REQUIRE_OK(engine->UpdateSegment(
      early, Def("early", {Condition::Segment("vip", Op::kMember),
                           Condition::Segment("high", Op::kNotMember)})));
  return engine;
}

using Memberships = std::map<SegmentId, std::vector<LeadId>>;

Memberships AllMembers(const Engine& engine) {
  Memberships out;
  for (const Segment& s : engine.ListSegments()) {
    out[s.id] = MembersOf(engine, s.id);
  }
  return out;
}

// The changes that turn `before` into `after`, in MutationResult order.
std::vector<Moved> Difference(const Memberships& before,
                              const Memberships& after) {
  std::vector<Moved> out;
  for (const auto& [id, members] : after) {
    const std::vector<LeadId>& old = before.at(id);
    std::set<LeadId> leads(members.begin(), members.end());
    leads.insert(old.begin(), old.end());
    for (LeadId lead : leads) {
      const bool was = std::binary_search(old.begin(), old.end(), lead);
      const bool is = std::binary_search(members.begin(), members.end(), lead);
      if (was != is) out.push_back(Moved{id, lead, is ? kIn : kOut});
    }
  }
  return out;
}

struct LeadBatch {
  std::string ndjson;
  std::vector<Lead> leads;
};

// `count` leads: new ones from 1001 and, every third, an existing one.
LeadBatch MakeLeadBatch(int count) {
  LeadBatch batch;
  for (int i = 0; i < count; ++i) {
    const LeadId id =
        i % 3 == 2 ? static_cast<LeadId>(i + 1) : static_cast<LeadId>(1001 + i);
    const int64_t score = i % 2 ? 150 : 5;
    const bool vip = i % 4 != 3;
    batch.ndjson += "{\"id\": " + std::to_string(id) +
                    ", \"score\": " + std::to_string(score) +
                    (vip ? ", \"tags\": [\"VIP\"]" : "") + "}\n";
    Lead lead{id, {{"score", Int(score)}}};
    if (vip) lead.fields["tags"] = Tags({"VIP"});
    batch.leads.push_back(lead);
  }
  return batch;
}

TEST_CASE("LoadLeads re-evaluates segments like one upsert per lead",
          "[engine]") {
  // 2 of 40+ leads takes the row-by-row path, 12 the whole-segment path.
  const int count = GENERATE(2, 12);
  INFO(count << " leads loaded");
  const LeadBatch batch = MakeLeadBatch(count);

  auto loaded = Base();
  const Memberships before = AllMembers(*loaded);
  auto report = loaded->LoadLeads(batch.ndjson);
  REQUIRE_OK(report);
  CHECK(report->loaded == static_cast<uint64_t>(count));
  CHECK(report->rejected == 0);
  CHECK(report->errors.empty());

  auto upserted = Base();
  for (const Lead& lead : batch.leads) REQUIRE_OK(upserted->UpsertLead(lead));

  const Memberships after = AllMembers(*loaded);
  CHECK(after == AllMembers(*upserted));
  CHECK(MovedBy(report->changes) == Difference(before, after));
  for (const MembershipChange& c : report->changes) {
    CHECK(c.cause == ChangeCause::kFilter);
    CHECK(c.time == kNow);
  }
  CHECK(loaded->LeadCount() == upserted->LeadCount());
  // The dependent segment with the smaller id saw its dependency's update.
  CHECK_FALSE(after.at(1).empty());
}

TEST_CASE("LoadLeads rejects bad lines by number and loads the rest",
          "[engine]") {
  auto engine = Base();
  const SegmentId high = *engine->FindSegment("high");
  auto report = engine->LoadLeads(
      "{\"id\": 101, \"score\": 150}\n"
      "\n"
      "{\"score\": 1}\n"
      "{\"id\": 102, \"plan\": \"pro\"}\n"
      "   \n"
      "{\"id\": 103, \"score\": \"high\"}\n"
      "not json\n"
      "{\"id\": 5, \"score\": 500}\n",
      "batch.ndjson");
  REQUIRE_OK(report);
  CHECK(report->loaded == 2);
  CHECK(report->rejected == 4);
  REQUIRE(report->errors.size() == 4);
  CHECK(report->errors[0] == "batch.ndjson:3: missing \"id\"");
  CHECK(report->errors[1].rfind("batch.ndjson:4: unknown field \"plan\"", 0) ==
        0);
  CHECK(report->errors[2].rfind("batch.ndjson:6: field \"score\" (int64)", 0) ==
        0);
  CHECK(report->errors[3].rfind("batch.ndjson:7: ", 0) == 0);
  CHECK(MembersOf(*engine, high) == Ids({5, 101}));
  REQUIRE_ERROR(engine->GetLead(102), absl::StatusCode::kNotFound, "unknown");
  REQUIRE_ERROR(engine->GetLead(103), absl::StatusCode::kNotFound, "unknown");
  CHECK(engine->LeadCount() == 41);
}

TEST_CASE("LoadEvents re-evaluates segments like one event at a time",
          "[engine]") {
  // 2 events (one lead) take the row-by-row path, 12 events (six leads) the
  // whole-segment path.
  const int count = GENERATE(2, 12);
  INFO(count << " events loaded");
  std::string ndjson;
  std::vector<Event> events;
  for (int j = 0; j < count; ++j) {
    const LeadId lead = static_cast<LeadId>(3 * (j / 2) + 1);
    const Timestamp ts = kNow - 3 * j * kDay;
    ndjson +=
        "{\"lead\": " + std::to_string(lead) +
        ", \"type\": \"email_open\", \"object\": " + std::to_string(j % 2) +
        ", \"ts\": " + std::to_string(ts) + "}\n";
    events.push_back(Event{lead, "email_open", j % 2, ts});
  }

  auto loaded = Base();
  const Memberships before = AllMembers(*loaded);
  auto report = loaded->LoadEvents(ndjson);
  REQUIRE_OK(report);
  CHECK(report->loaded == events.size());
  CHECK(report->rejected == 0);

  auto recorded = Base();
  for (const Event& e : events) REQUIRE_OK(recorded->RecordEvent(e));
  const Memberships after = AllMembers(*loaded);
  CHECK(after == AllMembers(*recorded));
  CHECK(MovedBy(report->changes) == Difference(before, after));
  CHECK_FALSE(report->changes.empty());
}

TEST_CASE("LoadEvents rejects events of unknown leads and bad lines",
          "[engine]") {
  auto engine = Base();
  const SegmentId never = *engine->FindSegment("never opened");
  auto report = engine->LoadEvents(
      "{\"lead\": 999, \"type\": \"email_open\"}\n"
      "{\"lead\": 1, \"type\": \"\"}\n"
      "{\"lead\": 1, \"type\": 5}\n"
      "{\"lead\": 2, \"type\": \"email_open\"}\n");
  REQUIRE_OK(report);
  CHECK(report->loaded == 1);
  CHECK(report->rejected == 3);
  REQUIRE(report->errors.size() == 3);
  CHECK(report->errors[0] == "events:1: unknown lead 999");
  CHECK(report->errors[1] == "events:2: event type must not be empty");
  CHECK(report->errors[2].rfind("events:3: \"type\" must be a string", 0) == 0);
  // The event without "ts" happened now, and only lead 2 left "never".
  REQUIRE(report->changes.size() == 2);
  CHECK(MembersOf(*engine, never).size() == 39);
  CHECK(*engine->Contains(*engine->FindSegment("opened lately"), 2));
}

}  // namespace
}  // namespace audience::testing
