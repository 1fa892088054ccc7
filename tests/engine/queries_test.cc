// Read-only questions: Count, Contains, Members paging, Explain and
// PreviewSegment; the order of MutationResult.changes and cascades through
// segment references within one mutation; Memory().
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;
constexpr Timestamp kNow = kProbeNow;

// Leads 10, 20, ..., 100 (inserted in a scrambled order) with score = id.
std::unique_ptr<Engine> Tens() {
  auto engine = OpenEngine(kNow);
  for (LeadId id : {70, 10, 100, 40, 30, 90, 20, 60, 50, 80}) {
    REQUIRE_OK(
        engine->UpsertLead({id, {{"score", Int(static_cast<int64_t>(id))}}}));
  }
  return engine;
}

TEST_CASE("Count and Contains", "[engine]") {
  auto engine = Tens();
  const SegmentId high =
      MakeSegment(*engine, Def("high", {F("score", Op::kGt, int64_t{50})}));
  CHECK(*engine->Count(high) == 5);
  CHECK(*engine->Contains(high, 60));
  CHECK_FALSE(*engine->Contains(high, 50));
  CHECK_FALSE(*engine->Contains(high, 12345));  // an unknown lead
  REQUIRE_ERROR(engine->Count(high + 1), StatusCode::kNotFound,
                "unknown segment id");
  REQUIRE_ERROR(engine->Contains(high + 1, 60), StatusCode::kNotFound,
                "unknown segment id");
  REQUIRE_ERROR(engine->Members(high + 1, std::nullopt, 10),
                StatusCode::kNotFound, "unknown segment id");
}

TEST_CASE("Members pages by lead id with an exclusive cursor", "[engine]") {
  auto engine = Tens();
  const SegmentId all =
      MakeSegment(*engine, Def("all", {F("score", Op::kNotEmpty)}));

  std::vector<std::vector<LeadId>> pages;
  std::optional<LeadId> after;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = engine->Members(all, after, 3);
    REQUIRE_OK(page);
    pages.push_back(page->leads);
    if (!page->next) break;
    CHECK(*page->next == page->leads.back());
    after = page->next;
  }
  CHECK(pages == std::vector<std::vector<LeadId>>{
                     {10, 20, 30}, {40, 50, 60}, {70, 80, 90}, {100}});

  // A last page that is exactly full carries no cursor.
  auto first = engine->Members(all, std::nullopt, 5);
  REQUIRE_OK(first);
  CHECK(first->leads == Ids({10, 20, 30, 40, 50}));
  CHECK(first->next == std::optional<LeadId>(50));
  auto second = engine->Members(all, first->next, 5);
  REQUIRE_OK(second);
  CHECK(second->leads == Ids({60, 70, 80, 90, 100}));
  CHECK_FALSE(second->next.has_value());

  // After the last member, and from a cursor that is no member.
  auto past = engine->Members(all, LeadId{100}, 5);
  REQUIRE_OK(past);
  CHECK(past->leads.empty());
  CHECK_FALSE(past->next.has_value());
  auto between = engine->Members(all, LeadId{15}, 2);
  REQUIRE_OK(between);
  CHECK(between->leads == Ids({20, 30}));
  auto whole = engine->Members(all, std::nullopt, 1000);
  REQUIRE_OK(whole);
  CHECK(whole->leads.size() == 10);
  CHECK_FALSE(whole->next.has_value());

  REQUIRE_ERROR(engine->Members(all, std::nullopt, 0),
                StatusCode::kInvalidArgument, "limit must be at least 1");
}

TEST_CASE("Members pages leads that arrived in id order, around deletes",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  std::string ndjson;
  for (LeadId id = 1; id <= 30; ++id) {
    ndjson += "{\"id\": " + std::to_string(2 * id) +
              ", \"score\": " + std::to_string(id % 3) + "}\n";
  }
  REQUIRE_OK(engine->LoadLeads(ndjson));
  const SegmentId some =
      MakeSegment(*engine, Def("some", {F("score", Op::kGte, int64_t{1})}));
  REQUIRE_OK(engine->DeleteLead(8));
  REQUIRE_OK(engine->DeleteLead(10));
  // Members: even ids 2..60 whose half is not a multiple of 3, minus 8, 10.
  std::vector<LeadId> expected;
  for (LeadId id = 1; id <= 30; ++id) {
    if (id % 3 != 0 && id != 4 && id != 5) expected.push_back(2 * id);
  }
  CHECK(MembersOf(*engine, some) == expected);

  // Walk every page size from every cursor, members or not.
  for (size_t limit : {1, 2, 7, 100}) {
    for (LeadId after = 0; after <= 62; ++after) {
      INFO("after " << after << ", limit " << limit);
      std::vector<LeadId> want;
      for (LeadId id : expected) {
        if (id > after && want.size() < limit) want.push_back(id);
      }
      auto page = engine->Members(some, after, limit);
      REQUIRE_OK(page);
      CHECK(page->leads == want);
      const bool more = !want.empty() && want.back() != expected.back() &&
                        want.size() == limit;
      CHECK(page->next.has_value() == more);
    }
  }

  // A lead that reuses a freed slot must still page in id order.
  REQUIRE_OK(engine->UpsertLead({1, {{"score", Int(1)}}}));
  REQUIRE_OK(engine->UpsertLead({9, {{"score", Int(1)}}}));
  auto page = engine->Members(some, std::nullopt, 3);
  REQUIRE_OK(page);
  CHECK(page->leads == Ids({1, 2, 4}));
  page = engine->Members(some, LeadId{4}, 2);
  REQUIRE_OK(page);
  CHECK(page->leads == Ids({9, 14}));
  auto preview =
      engine->PreviewSegment(Def("", {F("score", Op::kEq, int64_t{1})}), 3);
  REQUIRE_OK(preview);
  CHECK(preview->first_members == Ids({1, 2, 9}));
}

TEST_CASE("Explain reports each condition with the value it read", "[engine]") {
  auto engine = OpenEngine(kNow);
  const SegmentId vips =
      MakeSegment(*engine, Def("vips", {F("tags", Op::kHas, "vip")}));
  const SegmentId s = MakeSegment(
      *engine,
      Def("s", {F("score", Op::kGte, int64_t{10}), F("country", Op::kNeq, "de"),
                Condition::Activity("email_open", Op::kDid, std::nullopt, 2),
                Condition::Segment("vips", Op::kMember)}));
  REQUIRE_OK(
      engine->UpsertLead({1, {{"score", Int(15)}, {"tags", Tags({"VIP"})}}}));
  REQUIRE_OK(
      engine->UpsertLead({2, {{"score", Int(5)}, {"country", Str("DE")}}}));
  for (int i = 0; i < 2; ++i) {
    REQUIRE_OK(engine->RecordEvent({1, "email_open", i, kNow}));
  }

  auto yes = engine->Explain(1, s);
  REQUIRE_OK(yes);
  CHECK(yes->member);
  CHECK(yes->matches);
  CHECK(yes->manual == Explanation::Manual::kNone);
  REQUIRE(yes->conditions.size() == 4);
  CHECK(yes->conditions[0].value == Int(15));
  CHECK(yes->conditions[1].value == Value());  // empty, and neq holds
  CHECK(yes->conditions[1].held);
  CHECK(yes->conditions[2].value == Int(2));
  CHECK(yes->conditions[3].value == Bool(true));
  for (size_t i = 0; i < 4; ++i) {
    CHECK(yes->conditions[i].index == i);
    CHECK(yes->conditions[i].held);
  }

  auto no = engine->Explain(2, s);
  REQUIRE_OK(no);
  CHECK_FALSE(no->member);
  CHECK_FALSE(no->matches);
  REQUIRE(no->conditions.size() == 4);
  CHECK_FALSE(no->conditions[0].held);
  CHECK(no->conditions[0].value == Int(5));
  CHECK_FALSE(no->conditions[1].held);
  CHECK(no->conditions[1].value == Str("DE"));
  CHECK_FALSE(no->conditions[2].held);
  CHECK(no->conditions[2].value == Int(0));
  CHECK_FALSE(no->conditions[3].held);
  CHECK(no->conditions[3].value == Bool(false));

  // A manual list explains with no conditions.
  const SegmentId manual = MakeSegment(*engine, Def("manual", {}));
  auto listed = engine->Explain(1, manual);
  REQUIRE_OK(listed);
  CHECK_FALSE(listed->member);
  CHECK_FALSE(listed->matches);
  CHECK(listed->conditions.empty());

  REQUIRE_ERROR(engine->Explain(3, s), StatusCode::kNotFound, "unknown lead 3");
  REQUIRE_ERROR(engine->Explain(1, 999), StatusCode::kNotFound,
                "unknown segment id 999");
  CHECK(vips != s);
}

TEST_CASE("PreviewSegment evaluates a draft without saving it", "[engine]") {
  auto engine = Tens();
  const SegmentId existing =
      MakeSegment(*engine, Def("High", {F("score", Op::kGt, int64_t{50})}));
  const std::vector<Segment> before = engine->ListSegments();

  auto preview =
      engine->PreviewSegment(Def("", {F("score", Op::kLte, int64_t{40})}), 2);
  REQUIRE_OK(preview);
  CHECK(preview->count == 4);
  CHECK(preview->first_members == Ids({10, 20}));

  // The name may equal an existing one (any case); it is not claimed.
  preview = engine->PreviewSegment(
      Def("high", {F("score", Op::kGt, int64_t{50}),
                   Condition::Segment("HIGH", Op::kMember)}),
      1000);
  REQUIRE_OK(preview);
  CHECK(preview->count == 5);
  CHECK(preview->first_members == Ids({60, 70, 80, 90, 100}));
  preview = engine->PreviewSegment(Def("", {}), 1);
  REQUIRE_OK(preview);
  CHECK(preview->count == 0);
  CHECK(preview->first_members.empty());

  const SegmentDefinition draft = Def("draft", {F("score", Op::kNotEmpty)});
  REQUIRE_ERROR(engine->PreviewSegment(draft, 0), StatusCode::kInvalidArgument,
                "limit must be between 1 and 1000, got 0");
  REQUIRE_ERROR(engine->PreviewSegment(draft, 1001),
                StatusCode::kInvalidArgument,
                "limit must be between 1 and 1000, got 1001");
  REQUIRE_OK(engine->PreviewSegment(draft, 1));
  REQUIRE_ERROR(engine->PreviewSegment(Def(std::string(201, 'n'), {}), 5),
                StatusCode::kInvalidArgument, "longer than 200");

  // Nothing was saved: same segments, same members, the name still free.
  const std::vector<Segment> after = engine->ListSegments();
  REQUIRE(after.size() == before.size());
  CHECK(after[0].id == existing);
  CHECK(after[0].member_count == before[0].member_count);
  CHECK_FALSE(engine->FindSegment("draft").ok());
  CHECK(engine->LeadCount() == 10);
}

TEST_CASE("changes are ordered by segment id, then lead id", "[engine]") {
  auto engine = Tens();
  const SegmentId a = MakeSegment(*engine, Def("a", {}));
  const SegmentId b = MakeSegment(*engine, Def("b", {}));
  // Rows follow insertion order (70, 10, 100, ...); changes must not.
  auto grown =
      engine->UpdateSegment(b, Def("b", {F("score", Op::kGt, int64_t{40})}));
  REQUIRE_OK(grown);
  std::vector<LeadId> leads;
  for (const MembershipChange& c : grown->changes) leads.push_back(c.lead);
  CHECK(leads == Ids({50, 60, 70, 80, 90, 100}));

  REQUIRE_OK(
      engine->UpdateSegment(a, Def("a", {F("score", Op::kLt, int64_t{30})})));
  // One lead moving in several segments: ordered by segment id.
  auto moved = engine->UpsertLead({10, {{"score", Int(45)}}});
  REQUIRE_OK(moved);
  CHECK(MovedBy(moved->changes) ==
        std::vector<Moved>{{a, 10, kOut}, {b, 10, kIn}});
}

TEST_CASE("a mutation's changes include cascades through references",
          "[engine]") {
  auto engine = Tens();
  // "first" gets the smaller id but reads "second": evaluation must follow
  // references, not ids.
  const SegmentId first = MakeSegment(*engine, Def("first", {}));
  const SegmentId second = MakeSegment(
      *engine, Def("second", {F("created_at", Op::kWithinLast, Days(1))}));
  REQUIRE_OK(engine->UpdateSegment(
      first, Def("first", {Condition::Segment("second", Op::kMember),
                           F("score", Op::kGte, int64_t{50})})));
  const SegmentId third = MakeSegment(
      *engine, Def("third", {Condition::Segment("first", Op::kNotMember)}));
  CHECK(*engine->Count(third) == 10);

  SECTION("a lead upsert") {
    auto changed = engine->UpsertLead(
        {60, {{"score", Int(60)}, {"created_at", Int(kNow)}}});
    REQUIRE_OK(changed);
    CHECK(MovedBy(changed->changes) == std::vector<Moved>{{first, 60, kIn},
                                                          {second, 60, kIn},
                                                          {third, 60, kOut}});
  }
  SECTION("a segment edit") {
    REQUIRE_OK(engine->UpsertLead({60, {{"created_at", Int(kNow)}}}));
    auto edited = engine->UpdateSegment(
        second, Def("second", {F("score", Op::kGte, int64_t{90})}));
    REQUIRE_OK(edited);
    CHECK(MovedBy(edited->changes) == std::vector<Moved>{{first, 90, kIn},
                                                         {first, 100, kIn},
                                                         {second, 60, kOut},
                                                         {second, 90, kIn},
                                                         {second, 100, kIn},
                                                         {third, 90, kOut},
                                                         {third, 100, kOut}});
  }
  SECTION("the clock") {
    REQUIRE_OK(engine->UpsertLead(
        {70, {{"score", Int(70)}, {"created_at", Int(kNow)}}}));
    CHECK(MembersOf(*engine, first) == Ids({70}));
    auto moved = engine->AdvanceClock(kNow + kSecondsPerDay + 1);
    REQUIRE_OK(moved);
    CHECK(moved->changes ==
          std::vector<MembershipChange>{
              {first, ChangeKind::kLeft, ChangeCause::kClock, 70,
               kNow + kSecondsPerDay + 1},
              {second, ChangeKind::kLeft, ChangeCause::kClock, 70,
               kNow + kSecondsPerDay + 1},
              {third, ChangeKind::kEntered, ChangeCause::kClock, 70,
               kNow + kSecondsPerDay + 1}});
  }
  SECTION("a lead delete") {
    REQUIRE_OK(engine->UpsertLead(
        {70, {{"score", Int(70)}, {"created_at", Int(kNow)}}}));
    auto deleted = engine->DeleteLead(70);
    REQUIRE_OK(deleted);
    CHECK(MovedBy(deleted->changes) ==
          std::vector<Moved>{{first, 70, kOut}, {second, 70, kOut}});
    CHECK(*engine->Count(third) == 9);
  }
}

TEST_CASE("Memory reports the parts of the engine", "[engine]") {
  auto engine = OpenEngine(kNow);
  REQUIRE_OK(engine->DefineField("plan", FieldType::kKeyword));
  const MemoryStats empty = engine->Memory();
  CHECK(empty.leads == 0);
  REQUIRE(empty.field_bytes.size() == 7);
  CHECK(empty.field_bytes[0].first == "email");
  CHECK(empty.field_bytes[6].first == "plan");

  for (LeadId id = 0; id < 200; ++id) {
    REQUIRE_OK(engine->UpsertLead(
        {id,
         {{"email", Str("lead" + std::to_string(id) + "@example.com")},
          {"plan", Str(id % 2 ? "pro" : "free")},
          {"score", Int(static_cast<int64_t>(id))}}}));
    REQUIRE_OK(engine->RecordEvent({id, "email_open", 1, kNow}));
  }
  MakeSegment(*engine, Def("pro", {F("plan", Op::kEq, "PRO")}));
  const MemoryStats full = engine->Memory();
  CHECK(full.leads == 200);
  CHECK(full.leads == engine->LeadCount());
  REQUIRE(full.field_bytes.size() == 7);
  CHECK(full.field_bytes[0].second >= 200 * 16);  // the email text at least
  CHECK(full.field_bytes[0].second > empty.field_bytes[0].second);
  CHECK(full.field_bytes[6].second > empty.field_bytes[6].second);
  CHECK(full.row_bytes >= 200 * sizeof(LeadId));
  CHECK(full.activity_bytes > empty.activity_bytes);
  CHECK(full.segment_bytes > 0);
}

}  // namespace
}  // namespace audience::testing
