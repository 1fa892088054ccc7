#include "seeded_engine.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <tuple>

#include "audience/json.h"
#include "fuzz_check.h"

namespace audience::fuzz {

namespace {

constexpr size_t kPage = 1000;

// One segment per condition family, a few combining several, and two that
// read other segments.
constexpr std::string_view kSegments[] = {
    R"({"name":"US VIPs","category":"Lifecycle","public":true,"filters":[
        {"field":"country","op":"in","value":["US","CA"]},
        {"field":"tags","op":"has","value":"vip"}]})",
    R"({"name":"High","filters":[{"field":"score","op":"gte","value":500}]})",
    R"({"name":"Mid","category":"Funnel","filters":[
        {"field":"score","op":"between","value":[100,499]},
        {"field":"stage","op":"neq","value":"customer"}]})",
    R"({"name":"Paying","filters":[
        {"field":"plan","op":"not_in","value":["free","trial"]},
        {"field":"plan","op":"not_empty"}]})",
    R"({"name":"Rich","filters":[{"field":"mrr","op":"gt","value":99.5}]})",
    R"({"name":"Opted in","filters":[
        {"field":"opted_in","op":"eq","value":true}]})",
    R"({"name":"Recent","filters":[
        {"field":"created_at","op":"within_last","value":{"days":30}}]})",
    R"({"name":"Old","filters":[
        {"field":"created_at","op":"older_than","value":{"hours":8760}}]})",
    R"({"name":"Signed up","filters":[
        {"field":"signup","op":"between","value":[1780000000,1795000000]},
        {"field":"signup","op":"before","value":1791000000},
        {"field":"created_at","op":"after","value":1700000000}]})",
    R"({"name":"Grouped","filters":[
        {"any":[{"field":"score","op":"gte","value":500},
                {"all":[{"field":"tags","op":"has","value":"vip"},
                        {"not":{"segment":"High","op":"member"}}]}]},
        {"not":{"field":"stage","op":"in","value":["churned","lost"]}}]})",
    R"({"name":"Gmail","filters":[
        {"field":"email","op":"ends_with","value":"@GMAIL.com"},
        {"field":"email","op":"not_contains","value":"test"}]})",
    R"({"name":"Call back","filters":[
        {"field":"note","op":"starts_with","value":"call"},
        {"field":"note","op":"contains","value":"back"},
        {"field":"note","op":"neq","value":"call back never"}]})",
    R"({"name":"Named","filters":[
        {"field":"email","op":"in","value":["a@b.com","x@y.de"]}]})",
    R"({"name":"Openers","filters":[
        {"activity":"email_open","op":"did","within_days":7}]})",
    R"({"name":"Frequent","filters":[
        {"activity":"page_visit","op":"did","at_least":3}]})",
    R"({"name":"Form 17","filters":[
        {"activity":"form_submit","object":17,"op":"did"}]})",
    R"({"name":"Silent","filters":[
        {"activity":"email_open","op":"did_not","within_days":30}]})",
    R"({"name":"Fans","filters":[
        {"field":"interests","op":"has_any","value":["sports","music"]},
        {"field":"tags","op":"has_none","value":["churned"]}]})",
    R"({"name":"Tagged","filters":[
        {"field":"tags","op":"has_all","value":["vip","news"]},
        {"field":"tags","op":"not_has","value":"spam"}]})",
    R"({"name":"Levels","filters":[
        {"field":"level","op":"lte","value":3},
        {"field":"level","op":"neq","value":0},
        {"field":"mrr","op":"lte","value":1e3}]})",
    R"({"name":"Unstaged Germans","filters":[
        {"field":"stage","op":"empty"},
        {"field":"country","op":"eq","value":"de"},
        {"field":"opted_in","op":"not_empty"}]})",
    R"({"name":"High VIPs","category":"Lifecycle","filters":[
        {"segment":"US VIPs","op":"member"},
        {"segment":"High","op":"member"}]})",
    R"({"name":"Not High","filters":[
        {"segment":"High","op":"not_member"},
        {"field":"score","op":"lt","value":50}]})",
    R"({"name":"Manual"})",
    R"({"name":"Everyone","filters":[{"segment":"Manual","op":"not_member"}]})",
};

// 40 leads: ids spread out (0 and 2^64-1 included), every field type, some
// fields empty.
std::string SeedLeads() {
  constexpr std::string_view kCountries[] = {"US", "ca", "DE", "FR", ""};
  constexpr std::string_view kStages[] = {"lead", "customer", "", "MQL"};
  constexpr std::string_view kPlans[] = {"free", "trial", "pro", "Team"};
  constexpr std::string_view kEmails[] = {
      "a@b.com", "carl@gmail.com", "TEST@gmail.com", "x@y.de", "sales@corp.io"};
  constexpr std::string_view kTags[] = {
      R"(["vip"])",           R"(["VIP","news"])",  R"([])",
      R"(["churned","vip"])", R"(["news","spam"])", R"(null)"};
  constexpr std::string_view kNotes[] = {"call back monday", "call back never",
                                         "", "recall"};
  std::string out;
  for (uint64_t i = 0; i < 40; ++i) {
    const uint64_t id = i == 39 ? UINT64_MAX : i * 7;
    out +=
        Cat(R"({"id":)", id, R"(,"country":")", kCountries[i % 5],
            R"(","stage":")", kStages[i % 4], R"(","score":)",
            static_cast<int64_t>(i * 37 % 900) - 50, R"(,"tags":)",
            kTags[i % 6], R"(,"email":")", kEmails[i % 5], R"(","created_at":)",
            kSeedNow - static_cast<int64_t>(i) * 9 * 86400);
    if (i % 3 != 0) {
      out += Cat(R"(,"plan":")", kPlans[i % 4], R"(","mrr":)",
                 static_cast<double>(i) * 12.5, R"(,"opted_in":)",
                 i % 2 == 0 ? "true" : "false", R"(,"signup":)",
                 kSeedNow + static_cast<int64_t>(i) * 40000 - 800000,
                 R"(,"note":")", kNotes[i % 4], R"(","level":)", i % 6,
                 R"(,"interests":["sports","Music","chess"])");
    }
    out += "}\n";
  }
  return out;
}

std::string SeedEvents() {
  std::string out;
  for (uint64_t i = 0; i < 40; i += 2) {
    const uint64_t id = i == 39 ? UINT64_MAX : i * 7;
    out += Cat(R"({"lead":)", id, R"(,"type":"email_open","object":)", i % 3,
               R"(,"ts":)", kSeedNow - static_cast<int64_t>(i) * 20000, "}\n");
    for (uint64_t v = 0; v < i % 5; ++v) {
      out += Cat(R"({"lead":)", id, R"(,"type":"page_visit","ts":)",
                 kSeedNow - static_cast<int64_t>(v) * 3600, "}\n");
    }
    if (i % 4 == 0) {
      out +=
          Cat(R"({"lead":)", id, R"(,"type":"form_submit","object":17})", "\n");
    }
  }
  return out;
}

void CheckOk(const absl::Status& status, std::string_view what) {
  FUZZ_CHECK(status.ok(),
             Cat("seeding ", what, ": ", std::string(status.message())));
}

}  // namespace

std::unique_ptr<Engine> OpenSeededEngine(EngineOptions options) {
  options.now = kSeedNow;
  absl::StatusOr<std::unique_ptr<Engine>> opened = Engine::Open(options);
  CheckOk(opened.status(), "Open");
  Engine& engine = **opened;
  CheckOk(engine.DefineField("plan", FieldType::kKeyword), "plan");
  CheckOk(engine.DefineField("mrr", FieldType::kDouble), "mrr");
  CheckOk(engine.DefineField("opted_in", FieldType::kBool), "opted_in");
  CheckOk(engine.DefineField("signup", FieldType::kTimestamp), "signup");
  CheckOk(engine.DefineField("note", FieldType::kString), "note");
  CheckOk(engine.DefineField("level", FieldType::kInt64), "level");
  CheckOk(engine.DefineField("interests", FieldType::kTags), "interests");
  CheckOk(engine.CreateCategory("Lifecycle").status(), "Lifecycle");
  CheckOk(engine.CreateCategory("Funnel").status(), "Funnel");
  absl::StatusOr<LoadReport> leads = engine.LoadLeads(SeedLeads());
  CheckOk(leads.status(), "leads");
  FUZZ_CHECK(leads->rejected == 0, leads->errors.front());
  absl::StatusOr<LoadReport> events = engine.LoadEvents(SeedEvents());
  CheckOk(events.status(), "events");
  FUZZ_CHECK(events->rejected == 0, events->errors.front());
  for (std::string_view json : kSegments) {
    absl::StatusOr<SegmentDefinition> def = ParseSegmentJson(json);
    CheckOk(def.status(), json);
    CheckOk(engine.CreateSegment(*def).status(), json);
  }
  return std::move(*opened);
}

std::vector<LeadId> AllMembers(const Engine& engine, SegmentId segment) {
  std::vector<LeadId> out;
  std::optional<LeadId> after;
  do {
    absl::StatusOr<MembersPage> page = engine.Members(segment, after, kPage);
    FUZZ_CHECK(page.ok(), std::string(page.status().message()));
    out.insert(out.end(), page->leads.begin(), page->leads.end());
    after = page->next;
  } while (after);
  return out;
}

Memberships MembersBySegment(const Engine& engine) {
  Memberships out;
  for (const Segment& s : engine.ListSegments()) {
    out[s.id] = AllMembers(engine, s.id);
  }
  return out;
}

void CheckSegmentsMatchPreview(const Engine& engine) {
  for (const Segment& s : engine.ListSegments()) {
    const std::string& name = s.definition.name;
    absl::StatusOr<Preview> preview =
        engine.PreviewSegment(s.definition, kPage);
    FUZZ_CHECK(preview.ok(), Cat("preview of saved segment ", name, ": ",
                                 preview.status().ToString()));
    absl::StatusOr<uint64_t> count = engine.Count(s.id);
    FUZZ_CHECK(count.ok(), count.status().ToString());
    FUZZ_CHECK(
        *count == s.member_count,
        Cat(name, ": Count ", *count, " but member_count ", s.member_count));
    FUZZ_CHECK(preview->count == *count,
               Cat(name, ": maintained count ", *count,
                   " but a fresh evaluation finds ", preview->count));
    absl::StatusOr<MembersPage> page =
        engine.Members(s.id, std::nullopt, kPage);
    FUZZ_CHECK(page.ok(), page.status().ToString());
    FUZZ_CHECK(page->leads == preview->first_members,
               Cat(name,
                   ": maintained members differ from a fresh "
                   "evaluation's"));
  }
}

void CheckChanges(const Memberships& before,
                  const std::vector<MembershipChange>& changes,
                  const Memberships& after) {
  using Key = std::tuple<SegmentId, LeadId, ChangeKind>;
  std::vector<Key> expected;
  for (const auto& [segment, now_members] : after) {
    auto it = before.find(segment);
    FUZZ_CHECK(it != before.end(), Cat("segment ", segment, " appeared"));
    const std::vector<LeadId>& old_members = it->second;
    std::vector<LeadId> entered, left;
    std::set_difference(now_members.begin(), now_members.end(),
                        old_members.begin(), old_members.end(),
                        std::back_inserter(entered));
    std::set_difference(old_members.begin(), old_members.end(),
                        now_members.begin(), now_members.end(),
                        std::back_inserter(left));
    for (LeadId lead : entered) {
      expected.emplace_back(segment, lead, ChangeKind::kEntered);
    }
    for (LeadId lead : left) {
      expected.emplace_back(segment, lead, ChangeKind::kLeft);
    }
  }
  FUZZ_CHECK(before.size() == after.size(), "a segment disappeared");
  std::sort(expected.begin(), expected.end());
  std::vector<Key> reported;
  for (const MembershipChange& c : changes) {
    reported.emplace_back(c.segment, c.lead, c.kind);
  }
  FUZZ_CHECK(
      std::is_sorted(changes.begin(), changes.end(),
                     [](const MembershipChange& a, const MembershipChange& b) {
                       return std::tie(a.segment, a.lead) <
                              std::tie(b.segment, b.lead);
                     }),
      "changes are not ordered by segment, then lead");
  std::sort(reported.begin(), reported.end());
  FUZZ_CHECK(reported == expected,
             Cat("reported ", reported.size(),
                 " changes, the memberships differ by ", expected.size()));
}

}  // namespace audience::fuzz
