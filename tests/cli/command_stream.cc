#include "cli/command_stream.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace audience::testing {

namespace {

constexpr LeadId kLeads = 40;          // ids 1..kLeads
constexpr LeadId kUnknownLead = 7777;  // never created
constexpr Timestamp kStart = 1790000000;

const std::vector<std::string> kSegmentNames = {
    "US VIPs", "High", "Openers", "Fresh", "Cold",
    "Warm",    "Hot",  "Manual",  "Quiet", "Tagged"};
const std::vector<std::string> kCategoryNames = {"Lifecycle", "Tier", "Funnel"};
const std::vector<std::string> kCampaignNames = {"Spring", "Summer", "Autumn"};
const std::vector<std::string> kCountries = {"US", "CA", "DE", "FR", "us"};
const std::vector<std::string> kStages = {"lead", "mql", "sql", "customer"};
const std::vector<std::string> kTags = {"vip", "news", "beta", "churn-risk",
                                        "VIP"};
const std::vector<std::string> kPlans = {"free", "pro", "team"};
const std::vector<std::string> kEmails = {"a@x.com", "b@y.org",
                                          "Carl@Example.COM", "d@z.com", ""};
const std::vector<std::string> kActions = {
    "email_sent", "email_opened", "email_clicked", "sms_sent", "custom"};
const std::vector<std::string> kStatuses = {"draft", "active", "paused",
                                            "completed"};

struct CustomField {
  std::string name;
  std::string type;
};
const std::vector<CustomField> kCustomFields = {
    {"plan", "keyword"},   {"mrr", "double"},        {"opted_in", "bool"},
    {"seats", "int64"},    {"renewal", "timestamp"}, {"labels", "tags"},
    {"nickname", "string"}};

std::string Quote(const std::string& s) { return JsonQuote(s); }

std::string Num(int64_t n) { return std::to_string(n); }

// "[a,b]" of already-JSON items.
std::string Array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += items[i];
  }
  return out + "]";
}

std::vector<Segment> Segments(const Engine& state) {
  return state.ListSegments();
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::vector<LeadId> CommandStream::LeadIds() {
  std::vector<LeadId> ids;
  for (LeadId id = 1; id <= kLeads; ++id) ids.push_back(id);
  ids.push_back(kUnknownLead);
  return ids;
}

const std::vector<std::string>& CommandStream::EventTypes() {
  static const std::vector<std::string> types = {"email_open", "page_visit",
                                                 "form_submit"};
  return types;
}

std::string CommandStream::Next(const Engine& state) {
  if (state.Now() == 0)
    return R"({"op":"advance_clock","now":)" + Num(kStart) + "}";
  // Weighted choice of a command kind.
  struct Kind {
    int weight;
    std::string (CommandStream::*make)(const Engine&);
  };
  static const std::vector<Kind> kinds = {
      {3, &CommandStream::DefineField},
      {3, &CommandStream::CategoryCommand},
      {8, &CommandStream::CreateSegment},
      {3, &CommandStream::UpdateSegment},
      {2, &CommandStream::DeleteSegment},
      {12, &CommandStream::UpsertLead},
      {3, &CommandStream::UpsertLeads},
      {10, &CommandStream::PatchLead},
      {3, &CommandStream::PatchLeads},
      {3, &CommandStream::DeleteLead},
      {1, &CommandStream::DeleteLeads},
      {9, &CommandStream::RecordEvent},
      {5, &CommandStream::AdvanceClock},
      {8, &CommandStream::ManualMembership},
      {5, &CommandStream::Transfer},
      {5, &CommandStream::CampaignCommand},
      {8, &CommandStream::CampaignAction},
      {5, &CommandStream::Query},
  };
  static const int total = [] {
    int sum = 0;
    for (const Kind& k : kinds) sum += k.weight;
    return sum;
  }();
  if (rng_.Chance(0.02)) return BadLine();
  // A stream starts empty: fill it first, or most commands would fail.
  if (state.LeadCount() < 8 && rng_.Chance(0.5)) return UpsertLeads(state);
  if (state.ListSegments().size() < 3 && rng_.Chance(0.3)) {
    return CreateSegment(state);
  }
  int pick = static_cast<int>(rng_.Below(total));
  for (const Kind& k : kinds) {
    if (pick < k.weight) return (this->*k.make)(state);
    pick -= k.weight;
  }
  return BadLine();
}

// --- Picks -------------------------------------------------------------------

LeadId CommandStream::SomeLead(const Engine& state) {
  // Mostly one that exists, so that patches and events mostly succeed.
  std::vector<LeadId> existing;
  for (LeadId id = 1; id <= kLeads; ++id) {
    if (state.GetLead(id).ok()) existing.push_back(id);
  }
  if (rng_.Chance(0.03)) return kUnknownLead;
  if (existing.empty() || rng_.Chance(0.05)) return 1 + rng_.Below(kLeads);
  return rng_.Pick(existing);
}

std::string CommandStream::SomeSegment(const Engine& state) {
  std::vector<Segment> segments = Segments(state);
  if (segments.empty() || rng_.Chance(0.03)) return rng_.Pick(kSegmentNames);
  return rng_.Pick(segments).definition.name;
}

std::string CommandStream::OtherSegment(const Engine& state,
                                        const std::string& from) {
  std::string to = SomeSegment(state);
  // Mostly another one: a transfer to the same segment is refused.
  for (int i = 0; i < 3 && to == from && !rng_.Chance(0.05); ++i) {
    to = SomeSegment(state);
  }
  return to;
}

bool CommandStream::SomeMembers(const Engine& state, std::string* segment,
                                std::vector<LeadId>* leads) {
  std::vector<Segment> segments = Segments(state);
  std::vector<std::pair<std::string, std::vector<LeadId>>> with_members;
  for (const Segment& s : segments) {
    auto page = state.Members(s.id, std::nullopt, SIZE_MAX);
    if (page.ok() && !page->leads.empty()) {
      with_members.emplace_back(s.definition.name, page->leads);
    }
  }
  if (with_members.empty()) return false;
  const auto& chosen = with_members[rng_.Below(with_members.size())];
  *segment = chosen.first;
  leads->clear();
  size_t n = 1 + rng_.Below(std::min<size_t>(3, chosen.second.size()));
  for (size_t i = 0; i < n; ++i) {
    LeadId lead = rng_.Pick(chosen.second);
    if (std::find(leads->begin(), leads->end(), lead) == leads->end()) {
      leads->push_back(lead);
    }
  }
  return true;
}

std::string CommandStream::SomeCampaign(const Engine& state) {
  std::vector<Campaign> campaigns = state.ListCampaigns();
  if (campaigns.empty() || rng_.Chance(0.05)) return rng_.Pick(kCampaignNames);
  return rng_.Pick(campaigns).definition.name;
}

// --- JSON pieces -------------------------------------------------------------

std::string CommandStream::TagList() {
  std::vector<std::string> tags;
  size_t n = rng_.Below(3);
  for (size_t i = 0; i < n; ++i) tags.push_back(Quote(rng_.Pick(kTags)));
  return Array(tags);
}

std::string CommandStream::ValueOf(const Engine& state,
                                   const std::string& field, FieldType type) {
  if (rng_.Chance(0.05)) return "null";
  switch (type) {
    case FieldType::kString:
      return field == "email" ? Quote(rng_.Pick(kEmails))
                              : Quote(rng_.Pick(kPlans) + "-nick");
    case FieldType::kKeyword:
      if (field == "country") return Quote(rng_.Pick(kCountries));
      if (field == "stage") return Quote(rng_.Pick(kStages));
      return Quote(rng_.Pick(kPlans));
    case FieldType::kInt64:
      return Num(field == "score" ? rng_.Between(-50, 1000)
                                  : rng_.Between(1, 50));
    case FieldType::kDouble:
      return Num(rng_.Between(0, 500)) + "." + Num(rng_.Between(0, 99));
    case FieldType::kBool:
      return rng_.Chance(0.5) ? "true" : "false";
    case FieldType::kTimestamp:
      return Num(state.Now() - rng_.Between(-3600, 90 * kSecondsPerDay));
    case FieldType::kTags:
      return TagList();
  }
  return "null";
}

std::string CommandStream::LeadJson(const Engine& state, LeadId id) {
  std::string out = "{\"id\":" + Num(id);
  for (const FieldDefinition& f : state.Fields()) {
    if (!rng_.Chance(f.standard ? 0.7 : 0.4)) continue;
    out += "," + Quote(f.name) + ":" + ValueOf(state, f.name, f.type);
  }
  if (rng_.Chance(0.03)) out += R"(,"nope":1)";        // undeclared field
  if (rng_.Chance(0.02)) out += R"(,"score":"high")";  // wrong type
  return out + "}";
}

std::string CommandStream::PatchJson(const Engine& state, LeadId id) {
  std::vector<FieldDefinition> fields = state.Fields();
  std::string out = "{\"id\":" + Num(id);
  std::vector<std::string> set;
  std::vector<std::string> set_names;
  size_t n = rng_.Below(3);
  for (size_t i = 0; i < n; ++i) {
    const FieldDefinition& f = rng_.Pick(fields);
    if (std::find(set_names.begin(), set_names.end(), f.name) !=
        set_names.end()) {
      continue;
    }
    set_names.push_back(f.name);
    set.push_back(Quote(f.name) + ":" + ValueOf(state, f.name, f.type));
  }
  if (!set.empty()) {
    out += ",\"set\":{";
    for (size_t i = 0; i < set.size(); ++i) out += (i ? "," : "") + set[i];
    out += "}";
  }
  if (rng_.Chance(0.3)) {
    std::string name = rng_.Pick(fields).name;
    bool clash =
        std::find(set_names.begin(), set_names.end(), name) != set_names.end();
    // A field both set and unset is an error: let a few through.
    if (!clash || rng_.Chance(0.2)) {
      out += ",\"unset\":[" + Quote(name) + "]";
    }
  }
  if (rng_.Chance(0.4)) out += ",\"add_tags\":" + TagList();
  if (rng_.Chance(0.3)) out += ",\"remove_tags\":" + TagList();
  return out + "}";
}

std::string CommandStream::Condition(const Engine& state) {
  std::vector<FieldDefinition> fields = state.Fields();
  switch (rng_.Below(8)) {
    case 0:
      return R"({"field":"country","op":")" +
             std::string(rng_.Chance(0.7) ? "in" : "not_in") + R"(","value":)" +
             Array(
                 {Quote(rng_.Pick(kCountries)), Quote(rng_.Pick(kCountries))}) +
             "}";
    case 1: {
      static const std::vector<std::string> ops = {"gte", "lt", "eq", "neq"};
      if (rng_.Chance(0.3)) {
        int64_t low = rng_.Between(0, 600);
        return R"({"field":"score","op":"between","value":[)" + Num(low) + "," +
               Num(low + rng_.Between(-20, 400)) + "]}";
      }
      if (rng_.Chance(0.03)) {
        return R"({"field":"score","op":"gt","value":"abc"})";  // an error
      }
      return R"({"field":"score","op":")" + rng_.Pick(ops) + R"(","value":)" +
             Num(rng_.Between(0, 700)) + "}";
    }
    case 2: {
      static const std::vector<std::string> ops = {"has", "not_has"};
      if (rng_.Chance(0.5)) {
        return R"({"field":"tags","op":")" + rng_.Pick(ops) + R"(","value":)" +
               Quote(rng_.Pick(kTags)) + "}";
      }
      static const std::vector<std::string> list_ops = {"has_any", "has_all",
                                                        "has_none"};
      return R"({"field":"tags","op":")" + rng_.Pick(list_ops) +
             R"(","value":)" +
             Array({Quote(rng_.Pick(kTags)), Quote(rng_.Pick(kTags))}) + "}";
    }
    case 3: {
      static const std::vector<std::string> ops = {"within_last", "older_than"};
      if (rng_.Chance(0.2)) {
        return R"({"field":"created_at","op":"after","value":)" +
               Num(state.Now() - rng_.Between(0, 30 * kSecondsPerDay)) + "}";
      }
      std::string unit = rng_.Chance(0.5) ? "days" : "hours";
      return R"({"field":"created_at","op":")" + rng_.Pick(ops) +
             R"(","value":{")" + unit + "\":" + Num(rng_.Between(1, 40)) + "}}";
    }
    case 4: {
      std::string out = R"({"activity":")" + rng_.Pick(EventTypes()) +
                        R"(","op":")" +
                        (rng_.Chance(0.75) ? "did" : "did_not") + "\"";
      if (rng_.Chance(0.4)) out += ",\"object\":" + Num(rng_.Between(17, 18));
      if (rng_.Chance(0.3)) out += ",\"at_least\":" + Num(rng_.Between(1, 3));
      if (rng_.Chance(0.4)) {
        out += ",\"within_days\":" + Num(rng_.Between(1, 20));
      }
      return out + "}";
    }
    case 5: {
      std::vector<Segment> segments = Segments(state);
      if (segments.empty()) break;
      return R"({"segment":)" + Quote(rng_.Pick(segments).definition.name) +
             R"(,"op":")" + (rng_.Chance(0.6) ? "member" : "not_member") +
             "\"}";
    }
    case 6:
      if (rng_.Chance(0.5)) {
        return R"({"field":"stage","op":")" +
               std::string(rng_.Chance(0.5) ? "eq" : "empty") +
               R"(","value":)" + Quote(rng_.Pick(kStages)) + "}";
      }
      return R"({"field":"email","op":")" +
             std::string(rng_.Chance(0.5) ? "ends_with" : "contains") +
             R"(","value":)" + Quote(rng_.Chance(0.5) ? ".com" : "a") + "}";
    case 7: {
      // A custom field, if any is declared.
      std::vector<FieldDefinition> custom;
      for (const FieldDefinition& f : fields) {
        if (!f.standard) custom.push_back(f);
      }
      if (custom.empty()) break;
      const FieldDefinition& f = rng_.Pick(custom);
      std::string head = R"({"field":)" + Quote(f.name) + R"(,"op":")";
      switch (f.type) {
        case FieldType::kString:
          return head + R"(starts_with","value":"pro"})";
        case FieldType::kKeyword:
          return head + R"(in","value":)" + Array({Quote(rng_.Pick(kPlans))}) +
                 "}";
        case FieldType::kInt64:
          return head + R"(gt","value":)" + Num(rng_.Between(0, 40)) + "}";
        case FieldType::kDouble:
          return head + R"(lte","value":)" + Num(rng_.Between(0, 500)) + ".5}";
        case FieldType::kBool:
          return head + R"(eq","value":true})";
        case FieldType::kTimestamp:
          return head + R"(within_last","value":{"days":)" +
                 Num(rng_.Between(1, 60)) + "}}";
        case FieldType::kTags:
          return head + R"(not_empty"})";
      }
      break;
    }
  }
  return R"({"field":"score","op":"not_empty"})";
}

std::string CommandStream::SegmentJson(const Engine& state,
                                       const std::string& name) {
  std::string out = "{\"name\":" + Quote(name);
  std::vector<Category> categories = state.Categories();
  if (!categories.empty() && rng_.Chance(0.4)) {
    out += ",\"category\":" + Quote(rng_.Pick(categories).name);
  } else if (rng_.Chance(0.03)) {
    out += R"(,"category":"Nope")";  // an unknown category
  }
  if (rng_.Chance(0.6)) out += R"(,"public":true)";
  if (rng_.Chance(0.2)) out += R"(,"description":"made by the crash test")";
  std::vector<std::string> filters;
  // Some segments are manual lists (no filters), filled by overrides.
  size_t n = rng_.Chance(0.15) ? 0 : 1 + rng_.Below(3);
  for (size_t i = 0; i < n; ++i) filters.push_back(Condition(state));
  return out + ",\"filters\":" + Array(filters) + "}";
}

std::string CommandStream::CampaignJson(const Engine& state,
                                        const std::string& name) {
  std::string out = "{\"name\":" + Quote(name);
  out += ",\"status\":" + Quote(rng_.Pick(kStatuses));
  Timestamp start =
      state.Now() - rng_.Between(-kSecondsPerDay, 10 * kSecondsPerDay);
  if (rng_.Chance(0.97)) out += ",\"start\":" + Num(start);  // else an error
  if (rng_.Chance(0.7)) {
    // Now and then one that ends before it starts: an error.
    out += ",\"end\":" +
           Num(start + rng_.Between(-kSecondsPerDay / 20, 20 * kSecondsPerDay));
  }
  std::vector<std::string> sources, workflow;
  for (const Segment& s : Segments(state)) {
    // Mostly public sources; a non-public one is refused.
    if ((s.definition.is_public || rng_.Chance(0.05)) && rng_.Chance(0.35)) {
      sources.push_back(Quote(s.definition.name));
    }
    if (rng_.Chance(0.2)) workflow.push_back(Quote(s.definition.name));
  }
  out += ",\"sources\":" + Array(sources);
  out += ",\"workflow_segments\":" + Array(workflow);
  return out + "}";
}

// --- Commands ----------------------------------------------------------------

std::string CommandStream::DefineField(const Engine&) {
  const CustomField& f = rng_.Pick(kCustomFields);
  std::string type = rng_.Chance(0.03) ? "money" : f.type;
  return R"({"op":"define_field","name":)" + Quote(f.name) + R"(,"type":)" +
         Quote(type) + "}";
}

std::string CommandStream::CategoryCommand(const Engine& state) {
  std::vector<Category> categories = state.Categories();
  if (categories.empty() || rng_.Chance(0.5)) {
    return R"({"op":"create_category","name":)" +
           Quote(rng_.Pick(kCategoryNames)) + "}";
  }
  const Category& c = rng_.Pick(categories);
  if (rng_.Chance(0.5)) {
    return R"({"op":"rename_category","name":)" + Quote(c.name) +
           R"(,"new_name":)" + Quote(rng_.Pick(kCategoryNames)) + "}";
  }
  return R"({"op":"delete_category","name":)" + Quote(c.name) + "}";
}

std::string CommandStream::CreateSegment(const Engine& state) {
  // Mostly a free name; a taken one is refused.
  std::string name = rng_.Pick(kSegmentNames);
  for (int i = 0; i < 3 && state.FindSegment(name).ok(); ++i) {
    name = rng_.Pick(kSegmentNames);
  }
  return R"({"op":"create_segment","segment":)" + SegmentJson(state, name) +
         "}";
}

std::string CommandStream::UpdateSegment(const Engine& state) {
  std::string name = SomeSegment(state);
  std::string new_name = rng_.Chance(0.8) ? name : rng_.Pick(kSegmentNames);
  return R"({"op":"update_segment","name":)" + Quote(name) + R"(,"segment":)" +
         SegmentJson(state, new_name) + "}";
}

std::string CommandStream::DeleteSegment(const Engine& state) {
  return R"({"op":"delete_segment","name":)" + Quote(SomeSegment(state)) +
         R"(,"force":)" + (rng_.Chance(0.5) ? "true" : "false") + "}";
}

std::string CommandStream::UpsertLead(const Engine& state) {
  LeadId id = rng_.Chance(0.03) ? kUnknownLead : 1 + rng_.Below(kLeads);
  return R"({"op":"upsert_lead","lead":)" + LeadJson(state, id) + "}";
}

std::string CommandStream::UpsertLeads(const Engine& state) {
  std::vector<std::string> leads;
  size_t n = rng_.Below(5);
  for (size_t i = 0; i < n; ++i) {
    leads.push_back(LeadJson(state, 1 + rng_.Below(kLeads)));
  }
  return R"({"op":"upsert_leads","leads":)" + Array(leads) + "}";
}

std::string CommandStream::PatchLead(const Engine& state) {
  std::string patch = PatchJson(state, SomeLead(state));
  // {"id":..,...} becomes {"op":"patch_lead","id":..,...}.
  return R"({"op":"patch_lead",)" + patch.substr(1);
}

std::string CommandStream::PatchLeads(const Engine& state) {
  std::vector<std::string> patches;
  size_t n = 1 + rng_.Below(4);
  for (size_t i = 0; i < n; ++i) {
    patches.push_back(PatchJson(state, SomeLead(state)));
  }
  return R"({"op":"patch_leads","patches":)" + Array(patches) + "}";
}

std::string CommandStream::DeleteLead(const Engine& state) {
  return R"({"op":"delete_lead","id":)" + Num(SomeLead(state)) + "}";
}

std::string CommandStream::DeleteLeads(const Engine& state) {
  std::vector<std::string> ids;
  size_t n = 1 + rng_.Below(3);
  // Now and then an id twice: refused.
  for (size_t i = 0; i < n; ++i) ids.push_back(Num(SomeLead(state)));
  return R"({"op":"delete_leads","ids":)" + Array(ids) + "}";
}

std::string CommandStream::RecordEvent(const Engine& state) {
  std::string out = R"({"op":"event","lead":)" + Num(SomeLead(state)) +
                    R"(,"type":)" + Quote(rng_.Pick(EventTypes()));
  if (rng_.Chance(0.5)) out += ",\"object\":" + Num(rng_.Between(17, 18));
  if (rng_.Chance(0.7)) {
    out += ",\"ts\":" + Num(state.Now() - rng_.Between(-2 * kSecondsPerHour,
                                                       40 * kSecondsPerDay));
  }
  return out + "}";
}

std::string CommandStream::AdvanceClock(const Engine& state) {
  Timestamp now = state.Now();
  if (rng_.Chance(0.05))
    now -= 100;  // backwards: an error
  else if (rng_.Chance(0.3))
    now += rng_.Between(0, 2 * kSecondsPerHour);
  else
    now += rng_.Between(1, 3 * kSecondsPerDay);
  return R"({"op":"advance_clock","now":)" + Num(now) + "}";
}

std::string CommandStream::ManualMembership(const Engine& state) {
  return std::string(R"({"op":")") +
         (rng_.Chance(0.55) ? "add_to_segment" : "remove_from_segment") +
         R"(","lead":)" + Num(SomeLead(state)) + R"(,"segment":)" +
         Quote(SomeSegment(state)) + "}";
}

std::string CommandStream::Transfer(const Engine& state) {
  std::string from;
  std::vector<LeadId> leads;
  if (!SomeMembers(state, &from, &leads) || rng_.Chance(0.05)) {
    from = SomeSegment(state);
    leads = {SomeLead(state)};  // most likely not a member: refused
  }
  std::string to = OtherSegment(state, from);
  std::string out = R"({"op":"transfer",)";
  if (leads.size() == 1 && rng_.Chance(0.5)) {
    out += "\"lead\":" + Num(leads[0]);
  } else {
    std::vector<std::string> ids;
    for (LeadId id : leads) ids.push_back(Num(id));
    out += "\"leads\":" + Array(ids);
  }
  return out + R"(,"from":)" + Quote(from) + R"(,"to":)" + Quote(to) + "}";
}

std::string CommandStream::CampaignCommand(const Engine& state) {
  std::vector<Campaign> campaigns = state.ListCampaigns();
  uint64_t pick = rng_.Below(10);
  if (campaigns.empty() || pick < 5) {
    return R"({"op":"create_campaign","campaign":)" +
           CampaignJson(state, rng_.Pick(kCampaignNames)) + "}";
  }
  std::string name = SomeCampaign(state);
  if (pick < 9) {
    std::string new_name = rng_.Chance(0.85) ? name : rng_.Pick(kCampaignNames);
    return R"({"op":"update_campaign","name":)" + Quote(name) +
           R"(,"campaign":)" + CampaignJson(state, new_name) + "}";
  }
  return R"({"op":"delete_campaign","name":)" + Quote(name) + "}";
}

std::string CommandStream::CampaignAction(const Engine& state) {
  std::string out =
      R"({"op":"campaign_action","campaign":)" + Quote(SomeCampaign(state));
  std::vector<LeadId> leads;
  std::string action, operands;
  uint64_t kind = rng_.Below(20);
  if (kind < 10) {
    action = rng_.Pick(kActions);
  } else if (kind < 13) {
    action = "change_score";
    operands = ",\"delta\":" + Num(rng_.Between(-100, 300));
  } else if (kind < 16) {
    action = rng_.Chance(0.5) ? "add_to_segment" : "remove_from_segment";
    operands = ",\"segment\":" + Quote(SomeSegment(state));
  } else {
    action = "transfer";
    std::string from;
    if (!SomeMembers(state, &from, &leads)) from = SomeSegment(state);
    operands = ",\"from\":" + Quote(from) +
               ",\"to\":" + Quote(OtherSegment(state, from));
  }
  if (leads.empty()) {
    size_t n = rng_.Chance(0.7) ? 1 : 2 + rng_.Below(3);
    for (size_t i = 0; i < n; ++i) {
      LeadId lead = SomeLead(state);
      if (std::find(leads.begin(), leads.end(), lead) == leads.end() ||
          rng_.Chance(0.1)) {  // a lead twice is refused
        leads.push_back(lead);
      }
    }
  }
  if (leads.size() == 1 && rng_.Chance(0.7)) {
    out += ",\"lead\":" + Num(leads[0]);
  } else {
    std::vector<std::string> ids;
    for (LeadId id : leads) ids.push_back(Num(id));
    out += ",\"leads\":" + Array(ids);
  }
  out += ",\"action\":" + Quote(action) + operands;
  if (rng_.Chance(0.5)) {
    out += ",\"ts\":" + Num(state.Now() - rng_.Between(0, 5 * kSecondsPerDay));
  }
  return out + "}";
}

std::string CommandStream::Query(const Engine& state) {
  std::string segment = Quote(SomeSegment(state));
  std::string lead = Num(SomeLead(state));
  switch (rng_.Below(8)) {
    case 0:
      return R"({"op":"count","segment":)" + segment + "}";
    case 1:
      return R"({"op":"members","segment":)" + segment + "}";
    case 2:
      return R"({"op":"get_lead","id":)" + lead + "}";
    case 3:
      return R"({"op":"lead_segments","lead":)" + lead + "}";
    case 4:
      return R"({"op":"stats","segment":)" + segment + "}";
    case 5:
      return R"({"op":"explain","lead":)" + lead + R"(,"segment":)" + segment +
             "}";
    case 6:
      return R"({"op":"lead_campaigns","lead":)" + lead + "}";
    default:
      return R"({"op":"campaign_audience","campaign":)" +
             Quote(SomeCampaign(state)) + "}";
  }
}

std::string CommandStream::BadLine() {
  static const std::vector<std::string> lines = {
      "not json", R"({"op":"bogus"})", R"({"op":"upsert_lead"})",
      R"({"op":"advance_clock","now":1.5})", "[1,2]"};
  return rng_.Pick(lines);
}

}  // namespace audience::testing
