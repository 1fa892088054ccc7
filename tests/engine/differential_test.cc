// Randomized differential tests: the engine against ReferenceModel over many
// seeds. Every step applies one random operation to both, then compares
// every segment's members, a fresh preview of every definition, and the
// reported changes with the difference of memberships before and after.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "engine/reference_model.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

const std::map<std::string, FieldType> kSchema = {
    {"email", FieldType::kString},  {"country", FieldType::kKeyword},
    {"stage", FieldType::kKeyword}, {"score", FieldType::kInt64},
    {"tags", FieldType::kTags},     {"created_at", FieldType::kTimestamp},
    {"plan", FieldType::kKeyword},  {"mrr", FieldType::kDouble},
    {"opted", FieldType::kBool},    {"seen", FieldType::kTimestamp},
    {"labels", FieldType::kTags},   {"bio", FieldType::kString},
};
constexpr Timestamp kStart = 1'790'000'000;
constexpr int64_t kDay = kSecondsPerDay;

int Seeds(int fallback) {
  const char* env = std::getenv("AUDIENCE_DIFF_SEEDS");
  return env ? std::atoi(env) : fallback;
}

// Random values and conditions over small domains, so that conditions hold
// often and every operator sees empty values.
class Generator {
 public:
  explicit Generator(SeededRandom& rng) : rng_(rng) {}

  std::string Text(const std::vector<std::string>& pool) {
    return rng_.Pick(pool);
  }

  Value ValueFor(FieldType type, Timestamp now) {
    if (rng_.Chance(0.15)) return std::monostate{};
    switch (type) {
      case FieldType::kString:
        return Text({"a@x.com", "B@Y.ORG", "carl@gmail.com", "dora@Gmail.com",
                     "", "eve@x.co", "student@uni.edu", "x", "Ab", "com"});
      case FieldType::kKeyword:
        return Text({"US", "us", "CA", "DE", "", "lead", "MQL", "customer"});
      case FieldType::kInt64:
        return rng_.Between(-3, 12);
      case FieldType::kDouble:
        return rng_.Chance(0.5) ? Value(double(rng_.Between(-2, 8)) / 2)
                                : Value(rng_.Between(-1, 4));
      case FieldType::kBool:
        return rng_.Chance(0.5);
      case FieldType::kTimestamp:
        return now + rng_.Between(-12, 3) * kDay + rng_.Between(-7200, 7200);
      case FieldType::kTags: {
        TagList tags;
        int n = static_cast<int>(rng_.Below(4));
        for (int i = 0; i < n; ++i) {
          tags.push_back(Text({"vip", "VIP", "news", "trial", "", "Beta"}));
        }
        return tags;
      }
    }
    return std::monostate{};
  }

  Lead RandomLead(LeadId id, Timestamp now) {
    Lead lead;
    lead.id = id;
    for (const auto& [name, type] : kSchema) {
      if (rng_.Chance(0.8)) lead.fields[name] = ValueFor(type, now);
    }
    return lead;
  }

  Operand ScalarOperand(FieldType type, Timestamp now) {
    switch (type) {
      case FieldType::kString:
        return Text({"a@x.com", "gmail", "@gmail.com", ".com", "B@", "x", "",
                     "ab", "om", "X.CO", "student@uni.edu"});
      case FieldType::kKeyword:
        return Text({"US", "ca", "de", "Lead", "mql", "nope"});
      case FieldType::kTags:
        return Text({"vip", "News", "trial", "beta", "missing"});
      case FieldType::kInt64:
        return rng_.Between(-3, 12);
      case FieldType::kDouble:
        return rng_.Chance(0.5) ? Operand(double(rng_.Between(-2, 8)) / 2)
                                : Operand(rng_.Between(-1, 4));
      case FieldType::kBool:
        return rng_.Chance(0.5);
      case FieldType::kTimestamp:
        return now + rng_.Between(-12, 3) * kDay;
    }
    return std::monostate{};
  }

  std::vector<Scalar> ListOperand(FieldType type, Timestamp now) {
    std::vector<Scalar> list;
    int n = 1 + static_cast<int>(rng_.Below(3));
    for (int i = 0; i < n; ++i) {
      Operand o = ScalarOperand(type, now);
      list.push_back(std::visit(
          [](auto&& v) -> Scalar {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::vector<Scalar>> ||
                          std::is_same_v<T, Duration>) {
              return std::monostate{};
            } else {
              return v;
            }
          },
          o));
    }
    return list;
  }

  Condition FieldCondition(Timestamp now) {
    auto it = kSchema.begin();
    std::advance(it, rng_.Below(kSchema.size()));
    const auto& [name, type] = *it;
    if (rng_.Chance(0.12)) {
      return F(name, rng_.Chance(0.5) ? Op::kEmpty : Op::kNotEmpty);
    }
    auto pick = [&](std::vector<Op> ops) { return rng_.Pick(ops); };
    switch (type) {
      case FieldType::kString: {
        Op op = pick({Op::kEq, Op::kNeq, Op::kIn, Op::kNotIn, Op::kContains,
                      Op::kNotContains, Op::kStartsWith, Op::kEndsWith});
        if (op == Op::kIn || op == Op::kNotIn) {
          return F(name, op, ListOperand(type, now));
        }
        return F(name, op, ScalarOperand(type, now));
      }
      case FieldType::kKeyword: {
        Op op = pick({Op::kEq, Op::kNeq, Op::kIn, Op::kNotIn});
        if (op == Op::kIn || op == Op::kNotIn) {
          return F(name, op, ListOperand(type, now));
        }
        return F(name, op, ScalarOperand(type, now));
      }
      case FieldType::kTags: {
        Op op = pick(
            {Op::kHas, Op::kNotHas, Op::kHasAny, Op::kHasAll, Op::kHasNone});
        if (op == Op::kHas || op == Op::kNotHas) {
          return F(name, op, ScalarOperand(type, now));
        }
        return F(name, op, ListOperand(type, now));
      }
      case FieldType::kBool:
        return F(name, Op::kEq, ScalarOperand(type, now));
      case FieldType::kInt64:
      case FieldType::kDouble: {
        Op op = pick({Op::kEq, Op::kNeq, Op::kGt, Op::kGte, Op::kLt, Op::kLte,
                      Op::kBetween});
        if (op == Op::kBetween) return F(name, op, Range(type, now));
        return F(name, op, ScalarOperand(type, now));
      }
      case FieldType::kTimestamp: {
        Op op = pick({Op::kBefore, Op::kAfter, Op::kBetween, Op::kWithinLast,
                      Op::kOlderThan});
        if (op == Op::kBetween) return F(name, op, Range(type, now));
        if (op == Op::kWithinLast || op == Op::kOlderThan) {
          return F(name, op,
                   rng_.Chance(0.5)
                       ? Duration{rng_.Between(1, 5), Duration::Unit::kDays}
                       : Duration{rng_.Between(1, 30), Duration::Unit::kHours});
        }
        return F(name, op, ScalarOperand(type, now));
      }
    }
    return F(name, Op::kEmpty);
  }

  std::vector<Scalar> Range(FieldType type, Timestamp now) {
    auto as_scalar = [](Operand o) -> Scalar {
      if (auto* i = std::get_if<int64_t>(&o)) return *i;
      return std::get<double>(o);
    };
    Scalar a = as_scalar(ScalarOperand(type, now));
    Scalar b = as_scalar(ScalarOperand(type, now));
    auto num = [](const Scalar& s) {
      if (auto* i = std::get_if<int64_t>(&s)) return double(*i);
      return std::get<double>(s);
    };
    if (num(a) > num(b)) std::swap(a, b);
    return {a, b};
  }

  Condition ActivityCondition() {
    std::optional<int64_t> object;
    if (rng_.Chance(0.4)) object = rng_.Between(1, 3);
    std::optional<int64_t> within;
    if (rng_.Chance(0.5)) within = rng_.Between(1, 4);
    return Condition::Activity(
        Text({"email_open", "form_submit", "Email_Open"}),
        rng_.Chance(0.6) ? Op::kDid : Op::kDidNot, object,
        rng_.Chance(0.6) ? 1 : rng_.Between(2, 3), within);
  }

  // A leaf, or (below depth 4) now and then a group of 1-3 conditions:
  // any, all or not, nested (design.md §2.1).
  Condition RandomCondition(Timestamp now,
                            const std::vector<std::string>& others, int level) {
    if (level < 4 && rng_.Chance(level == 1 ? 0.3 : 0.2)) {
      const uint64_t kind = rng_.Below(3);
      if (kind == 2) {
        return Condition::Not(RandomCondition(now, others, level + 1));
      }
      std::vector<Condition> children;
      const int n = 1 + static_cast<int>(rng_.Below(3));
      for (int i = 0; i < n; ++i) {
        children.push_back(RandomCondition(now, others, level + 1));
      }
      return kind == 0 ? Condition::Any(std::move(children))
                       : Condition::All(std::move(children));
    }
    double r = rng_.Below(100) / 100.0;
    if (r < 0.15 && !others.empty()) {
      return Condition::Segment(
          rng_.Pick(others), rng_.Chance(0.5) ? Op::kMember : Op::kNotMember);
    }
    if (r < 0.35) return ActivityCondition();
    return FieldCondition(now);
  }

  SegmentDefinition RandomDefinition(const std::string& name, Timestamp now,
                                     const std::vector<std::string>& others) {
    SegmentDefinition d;
    d.name = name;
    int n = static_cast<int>(rng_.Below(5));  // 0 = a manual list
    for (int i = 0; i < n; ++i) {
      d.filters.push_back(RandomCondition(now, others, 1));
    }
    return d;
  }

 private:
  SeededRandom& rng_;
};

std::unique_ptr<Engine> NewEngine(bool incremental = true) {
  auto engine = OpenEngine(kStart, incremental);
  for (const auto& field : kSchema) {
    auto fields = engine->Fields();
    bool standard = std::any_of(
        fields.begin(), fields.end(),
        [&](const FieldDefinition& f) { return f.name == field.first; });
    if (!standard) REQUIRE_OK(engine->DefineField(field.first, field.second));
  }
  return engine;
}

using Memberships = std::map<std::string, std::set<LeadId>>;

Memberships Snapshot(const Engine& engine) {
  Memberships out;
  for (const Segment& s : engine.ListSegments()) {
    auto members = MembersOf(engine, s.id);
    out[s.definition.name] = std::set<LeadId>(members.begin(), members.end());
  }
  return out;
}

// A segment's statistics against the model's campaigns.
void CheckStats(const Engine& engine, const ReferenceModel& model,
                const Segment& s, const std::set<LeadId>& members) {
  std::map<CampaignId, const ModelCampaign*> users;
  for (const auto& [name, c] : model.campaigns) {
    if (c.Uses(s.definition.name)) users[c.id] = &c;
  }
  auto stats = engine.Stats(s.id);
  REQUIRE_OK(stats);
  REQUIRE(stats->total_leads == members.size());
  uint64_t active = 0, participated = 0;
  REQUIRE(stats->by_campaign.size() == users.size());
  size_t i = 0;
  for (const auto& [id, c] : users) {
    active += c->ActiveAt(model.now);
    participated += c->HasRunAt(model.now);
    CampaignUsage expected{.campaign = id};
    for (const auto& [lead, counts] : c->actions) {
      if (!members.count(lead)) continue;
      ++expected.participated;
      for (size_t k = 0; k < kActionKindCount; ++k) {
        expected.actions[k] += counts[k];
      }
    }
    const CampaignUsage& got = stats->by_campaign[i++];
    REQUIRE(got.campaign == expected.campaign);
    REQUIRE(got.participated == expected.participated);
    REQUIRE(got.actions == expected.actions);
  }
  REQUIRE(stats->active_campaigns == active);
  REQUIRE(stats->campaigns_participated == participated);
}

// Every campaign's definition and audience, every lead's participation.
void CheckCampaigns(const Engine& engine, const ReferenceModel& model,
                    const std::map<std::string, std::set<LeadId>>& members) {
  REQUIRE(engine.ListCampaigns().size() == model.campaigns.size());
  for (const auto& [name, c] : model.campaigns) {
    auto got = engine.GetCampaign(c.id);
    REQUIRE_OK(got);
    REQUIRE(got->definition.sources == c.sources);
    REQUIRE(got->definition.workflow_segments == c.workflow);
    std::set<LeadId> audience;
    for (const std::string& source : c.sources) {
      audience.insert(members.at(source).begin(), members.at(source).end());
    }
    REQUIRE(*engine.CampaignAudienceCount(c.id) == audience.size());
  }
  for (const auto& [id, lead] : model.leads) {
    auto got = engine.LeadCampaigns(id);
    REQUIRE_OK(got);
    std::map<CampaignId, ActionCounts> expected;
    for (const auto& [name, c] : model.campaigns) {
      auto it = c.actions.find(id);
      if (it != c.actions.end()) expected[c.id] = it->second;
    }
    std::map<CampaignId, ActionCounts> actual;
    for (const Participation& p : *got) actual[p.campaign] = p.actions;
    REQUIRE(actual == expected);
  }
}

// Every segment against the model, and a preview of every definition.
void CheckAgainstModel(const Engine& engine, const ReferenceModel& model) {
  const auto all = model.AllMembers();
  for (const Segment& s : engine.ListSegments()) {
    INFO("segment " << s.definition.name);
    const std::set<LeadId>& expected = all.at(s.definition.name);
    auto members = MembersOf(engine, s.id);
    REQUIRE(std::set<LeadId>(members.begin(), members.end()) == expected);
    REQUIRE(*engine.Count(s.id) == expected.size());
    // A preview evaluates the filters alone (no manual overrides).
    auto preview = engine.PreviewSegment(s.definition, 1000);
    REQUIRE_OK(preview);
    REQUIRE(preview->count ==
            model.Evaluate(model.segments.at(s.definition.name)).size());
    // The history's running total ends at the member count.
    auto series =
        engine.LeadsOverTime(s.id, model.now, model.now, BucketWidth::kHour);
    REQUIRE_OK(series);
    REQUIRE(series->back().total == expected.size());
    CheckStats(engine, model, s, expected);
  }
  CheckCampaigns(engine, model, all);
}

LeadPatch RandomPatch(SeededRandom& rng, Generator& gen, LeadId id,
                      Timestamp now) {
  LeadPatch patch;
  patch.id = id;
  Lead donor = gen.RandomLead(id, now);
  for (const auto& [name, value] : donor.fields) {
    if (rng.Chance(0.3)) patch.set[name] = value;
  }
  if (rng.Chance(0.3)) patch.unset.push_back("stage");
  patch.set.erase("stage");
  if (rng.Chance(0.4))
    patch.add_tags.push_back(gen.Text({"vip", "New", "Beta"}));
  if (rng.Chance(0.4)) patch.remove_tags.push_back(gen.Text({"VIP", "news"}));
  return patch;
}

// Applies a patch to the model the documented way.
void ApplyPatch(ReferenceModel& model, const LeadPatch& patch) {
  const LeadId id = patch.id;
  Lead merged{id, {}};
  for (const auto& [n, v] : model.leads[id].fields) merged.fields[n] = v;
  for (const auto& [n, v] : patch.set) merged.fields[n] = v;
  for (const std::string& n : patch.unset) merged.fields.erase(n);
  if (!patch.add_tags.empty() || !patch.remove_tags.empty()) {
    TagList tags;
    if (auto* t = std::get_if<TagList>(&merged.fields["tags"])) tags = *t;
    for (const auto& t : patch.add_tags) tags.push_back(t);
    std::erase_if(tags, [&](const std::string& t) {
      for (const auto& r : patch.remove_tags) {
        if (ReferenceModel::Fold(r) == ReferenceModel::Fold(t)) return true;
      }
      return false;
    });
    merged.fields["tags"] = tags;
  }
  auto events = model.leads[id].events;
  model.Upsert(merged);
  model.leads[id].events = events;
}

// The reported changes must equal the difference of the two snapshots,
// naming each (segment, lead) at most once.
void CheckChanges(const Engine& engine, const Memberships& before,
                  const Memberships& after,
                  const std::vector<MembershipChange>& changes) {
  std::set<std::tuple<std::string, LeadId, ChangeKind>> reported;
  std::map<SegmentId, std::string> names;
  for (const Segment& s : engine.ListSegments())
    names[s.id] = s.definition.name;
  for (const MembershipChange& c : changes) {
    // A deleted segment is absent from names; its changes are "left" of the
    // segment that disappeared from the snapshot.
    std::string name = names.count(c.segment) ? names[c.segment] : "<deleted>";
    REQUIRE(reported.emplace(name, c.lead, c.kind).second);
  }
  std::set<std::tuple<std::string, LeadId, ChangeKind>> expected;
  std::set<std::string> all;
  for (const auto& [n, m] : before) all.insert(n);
  for (const auto& [n, m] : after) all.insert(n);
  for (const std::string& name : all) {
    auto b = before.count(name) ? before.at(name) : std::set<LeadId>{};
    auto a = after.count(name) ? after.at(name) : std::set<LeadId>{};
    std::string label = after.count(name) ? name : "<deleted>";
    for (LeadId id : a) {
      if (!b.count(id)) expected.emplace(label, id, ChangeKind::kEntered);
    }
    for (LeadId id : b) {
      if (!a.count(id)) expected.emplace(label, id, ChangeKind::kLeft);
    }
  }
  REQUIRE(reported == expected);
}

// Checks a transfer's outcome against the model's rules and applies it to
// the model; false when it rightly failed.
bool ExpectTransfer(const Engine& engine, ReferenceModel& model,
                    const std::vector<LeadId>& leads, const std::string& from,
                    const std::string& to,
                    const absl::StatusOr<MutationResult>& result) {
  if (from == to) {
    REQUIRE_ERROR(result, absl::StatusCode::kInvalidArgument, "itself");
    return false;
  }
  const std::set<LeadId> members = model.Members(from);
  for (size_t i = 0; i < leads.size(); ++i) {
    const std::string where =
        leads.size() > 1 ? absl::StrCat("leads[", i, "]: ") : "";
    if (!model.leads.count(leads[i])) {
      REQUIRE_ERROR(result, absl::StatusCode::kNotFound,
                    where + "unknown lead");
      return false;
    }
    if (!members.count(leads[i])) {
      REQUIRE_ERROR(
          result, absl::StatusCode::kFailedPrecondition,
          where + absl::StrCat("lead ", leads[i], " is not a member"));
      return false;
    }
  }
  REQUIRE_OK(result);
  const auto& from_category = model.segments[from].category;
  const bool move =
      from_category && from_category == model.segments[to].category;
  for (LeadId id : leads) {
    model.AddManually(to, id);
    if (!move) continue;
    model.RemoveManually(from, id);
    auto active = engine.ActiveSegment(id, *model.segments[to].category);
    REQUIRE_OK(active);
    REQUIRE(*active == engine.FindSegment(to).value());
  }
  return true;
}

std::vector<std::string> Dedup(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

// One random campaign operation (create, update, delete, action) on both;
// false when it rightly failed.
bool CampaignStep(SeededRandom& rng, Engine& engine, ReferenceModel& model,
                  const std::vector<LeadId>& ids,
                  const std::vector<std::string>& names, int& next_campaign,
                  absl::StatusOr<MutationResult>& result) {
  std::vector<std::string> campaigns;
  for (const auto& [n, c] : model.campaigns) campaigns.push_back(n);
  const uint64_t roll = rng.Below(20);
  result = MutationResult{};
  if (roll < 4 || campaigns.empty()) {
    const bool update = roll < 2 && !campaigns.empty();
    CampaignDefinition def;
    def.name =
        update ? rng.Pick(campaigns) : absl::StrCat("C", next_campaign++);
    def.status = static_cast<CampaignStatus>(rng.Below(4));
    def.start = model.now + rng.Between(-3, 3) * kDay;
    if (rng.Chance(0.7)) def.end = *def.start + rng.Between(0, 4) * kDay;
    for (uint64_t i = rng.Below(3); i > 0; --i) {
      def.sources.push_back(rng.Pick(names));
    }
    for (uint64_t i = rng.Below(3); i > 0; --i) {
      def.workflow_segments.push_back(rng.Pick(names));
    }
    bool hidden = false;
    for (const std::string& n : def.sources) {
      hidden |= !model.segments.at(n).is_public;
    }
    absl::StatusOr<CampaignId> id;
    if (update) {
      const CampaignId existing = model.campaigns[def.name].id;
      absl::Status status = engine.UpdateCampaign(existing, def);
      id = status.ok() ? absl::StatusOr<CampaignId>(existing) : status;
    } else {
      id = engine.CreateCampaign(def);
    }
    if (hidden) {
      REQUIRE_ERROR(id, absl::StatusCode::kFailedPrecondition, "not public");
      return false;
    }
    REQUIRE_OK(id);
    ModelCampaign& c = model.campaigns[def.name];
    c.id = *id;
    c.status = def.status;
    c.start = *def.start;
    c.end = def.end;
    c.sources = Dedup(def.sources);
    c.workflow = Dedup(def.workflow_segments);
    return true;
  }
  ModelCampaign& c = model.campaigns[rng.Pick(campaigns)];
  if (roll < 5) {
    const CampaignId gone = c.id;  // c goes with the erase
    REQUIRE_OK(engine.DeleteCampaign(gone));
    std::erase_if(model.campaigns,
                  [&](const auto& entry) { return entry.second.id == gone; });
    return true;
  }
  CampaignAction a;
  a.kind = static_cast<ActionKind>(rng.Below(kActionKindCount));
  a.lead = rng.Pick(ids);
  if (rng.Chance(0.5)) a.ts = model.now - rng.Below(kDay);
  const std::string from = rng.Pick(names);
  const std::string to = rng.Pick(names);
  a.score_delta = rng.Between(-60, 60);
  a.segment = engine.FindSegment(from).value();
  a.from = a.segment;
  a.to = engine.FindSegment(to).value();
  result = engine.RecordCampaignAction(c.id, a);
  if (!model.leads.count(a.lead)) {
    REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
    return false;
  }
  switch (a.kind) {
    case ActionKind::kChangeScore: {
      REQUIRE_OK(result);
      const auto& fields = model.leads[a.lead].fields;
      auto score = fields.find("score");
      const int64_t before =
          score == fields.end() ? 0 : std::get<int64_t>(score->second);
      ApplyPatch(model, {.id = a.lead,
                         .set = {{"score", Value(before + a.score_delta)}}});
      break;
    }
    case ActionKind::kAddToSegment:
      REQUIRE_OK(result);
      model.AddManually(from, a.lead);
      break;
    case ActionKind::kRemoveFromSegment:
      REQUIRE_OK(result);
      model.RemoveManually(from, a.lead);
      break;
    case ActionKind::kTransfer:
      if (!ExpectTransfer(engine, model, {a.lead}, from, to, result)) {
        return false;
      }
      break;
    default:
      REQUIRE_OK(result);
      REQUIRE(result->changes.empty());
  }
  ++c.actions[a.lead][static_cast<size_t>(a.kind)];
  return true;
}

void RunSequence(uint64_t seed, int steps, bool incremental = true) {
  SeededRandom rng(seed);
  INFO("seed " << seed << (incremental ? "" : " (naive path)"));
  Generator gen(rng);
  auto engine = NewEngine(incremental);
  // Listeners must hear exactly what each mutation reports.
  std::vector<MembershipChange> heard;
  engine->AddListener([&](const std::vector<MembershipChange>& changes) {
    heard.insert(heard.end(), changes.begin(), changes.end());
  });
  ReferenceModel model(kSchema);
  model.now = kStart;
  // Ids from a small pool, plus a few near the top of the uint64 range.
  std::vector<LeadId> ids;
  for (LeadId i = 0; i < 40; ++i) ids.push_back(i);
  for (LeadId i = 0; i < 4; ++i) ids.push_back(~LeadId{0} - i);
  int next_segment = 0;
  int next_campaign = 0;
  REQUIRE_OK(engine->CreateCategory("Stage"));
  REQUIRE_OK(engine->CreateCategory("Topic"));

  for (int step = 0; step < steps; ++step) {
    INFO("step " << step);
    Memberships before = Snapshot(*engine);
    absl::StatusOr<MutationResult> result = MutationResult{};
    heard.clear();
    const uint64_t roll = rng.Below(140);
    std::vector<std::string> names;
    for (const auto& [n, d] : model.segments) names.push_back(n);

    if (roll < 30) {
      Lead lead = gen.RandomLead(rng.Pick(ids), model.now);
      result = engine->UpsertLead(lead);
      REQUIRE_OK(result);
      model.Upsert(lead);
    } else if (roll < 42) {
      LeadId id = rng.Pick(ids);
      LeadPatch patch = RandomPatch(rng, gen, id, model.now);
      result = engine->PatchLead(patch);
      if (!model.leads.count(id)) {
        REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
        continue;
      }
      REQUIRE_OK(result);
      ApplyPatch(model, patch);
    } else if (roll < 48) {
      LeadId id = rng.Pick(ids);
      result = engine->DeleteLead(id);
      if (!model.leads.count(id)) {
        REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
        continue;
      }
      REQUIRE_OK(result);
      model.ForgetLead(id);
    } else if (roll < 66) {
      Event event;
      event.lead = rng.Pick(ids);
      event.type = gen.Text({"email_open", "form_submit", "page_visit"});
      if (rng.Chance(0.7)) event.object = rng.Between(1, 3);
      if (rng.Chance(0.8)) event.ts = model.now + rng.Between(-5 * kDay, kDay);
      result = engine->RecordEvent(event);
      if (!model.leads.count(event.lead)) {
        REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
        continue;
      }
      REQUIRE_OK(result);
      model.leads[event.lead].events.push_back(
          {event.type, event.object, event.ts.value_or(model.now)});
    } else if (roll < 74) {
      Timestamp now =
          model.now + rng.Between(0, 36) * 3600 + (rng.Chance(0.3) ? 1 : 0);
      result = engine->AdvanceClock(now);
      REQUIRE_OK(result);
      model.now = now;
    } else if ((roll < 86 && names.size() < 30) || names.empty()) {
      // Capped, so long sequences edit and delete rather than pile up.
      std::string name = absl::StrCat("S", next_segment++);
      SegmentDefinition def = gen.RandomDefinition(name, model.now, names);
      if (rng.Chance(0.6)) def.category = rng.Chance(0.5) ? "Stage" : "Topic";
      def.is_public = rng.Chance(0.6);
      result = engine->CreateSegment(def);
      REQUIRE_OK(result);
      model.segments[name] = def;
    } else if (roll < 95) {
      std::string name = rng.Pick(names);
      std::vector<std::string> others;
      for (const auto& n : names) {
        if (n != name) others.push_back(n);
      }
      SegmentDefinition def = gen.RandomDefinition(name, model.now, others);
      if (rng.Chance(0.6)) def.category = rng.Chance(0.5) ? "Stage" : "Topic";
      def.is_public = rng.Chance(0.7);
      auto id = engine->FindSegment(name);
      REQUIRE_OK(id);
      result = engine->UpdateSegment(*id, def);
      bool cycle = false;
      for (const std::string& ref : SegmentReferences(def.filters)) {
        cycle |= model.DependsOn(ref, name);
      }
      if (cycle) {
        REQUIRE_ERROR(result, absl::StatusCode::kInvalidArgument, "cycle");
        continue;
      }
      bool held_public = false;
      for (const auto& [n, c] : model.campaigns) {
        held_public |= c.IsSource(name) && c.ActiveAt(model.now);
      }
      if (model.segments[name].is_public && !def.is_public && held_public) {
        REQUIRE_ERROR(result, absl::StatusCode::kFailedPrecondition,
                      "cannot become non-public");
        continue;
      }
      REQUIRE_OK(result);
      model.segments[name] = def;
    } else if (roll >= 122 && !names.empty()) {
      if (!CampaignStep(rng, *engine, model, ids, names, next_campaign,
                        result)) {
        continue;
      }
    } else if (roll >= 110 && !names.empty()) {
      // Manual membership and transfers.
      const LeadId id = rng.Pick(ids);
      const std::string name = rng.Pick(names);
      auto segment = engine->FindSegment(name);
      REQUIRE_OK(segment);
      if (roll < 116) {
        const bool add = roll < 113;
        result = add ? engine->AddToSegment(*segment, id)
                     : engine->RemoveFromSegment(*segment, id);
        if (!model.leads.count(id)) {
          REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
          continue;
        }
        REQUIRE_OK(result);
        add ? model.AddManually(name, id) : model.RemoveManually(name, id);
      } else {
        const std::string to = rng.Pick(names);
        auto target = engine->FindSegment(to);
        REQUIRE_OK(target);
        // Mostly one lead; sometimes a list, mostly of the source's
        // members, so that most lists move.
        std::vector<LeadId> leads = {id};
        if (rng.Chance(0.3)) {
          const std::set<LeadId> members = model.Members(name);
          std::vector<LeadId> pool(members.begin(), members.end());
          const size_t n = rng.Chance(0.3) ? 32 + rng.Below(40) : rng.Below(6);
          for (size_t i = 0; i < n; ++i) {
            leads.push_back(pool.empty() || rng.Chance(0.05) ? rng.Pick(ids)
                                                             : rng.Pick(pool));
          }
          if (rng.Chance(0.7)) leads.erase(leads.begin());
        }
        result = engine->Transfer(leads, *segment, *target);
        if (!ExpectTransfer(*engine, model, leads, name, to, result)) continue;
      }
    } else if (roll >= 100 && roll < 110) {
      // Batches: several leads at once, the same lead possibly twice.
      // Mostly small; sometimes large enough to be re-checked segment by
      // segment rather than row by row.
      const size_t n = rng.Chance(0.25) ? 32 + rng.Below(40) : 1 + rng.Below(6);
      if (roll < 104) {
        std::vector<Lead> leads;
        for (size_t i = 0; i < n; ++i) {
          leads.push_back(gen.RandomLead(rng.Pick(ids), model.now));
        }
        result = engine->UpsertLeads(leads);
        REQUIRE_OK(result);
        for (const Lead& lead : leads) model.Upsert(lead);
      } else if (roll < 108) {
        std::vector<LeadPatch> patches;
        bool known = true;
        std::vector<LeadId> existing;
        for (const auto& [id, lead] : model.leads) existing.push_back(id);
        for (size_t i = 0; i < n; ++i) {
          // Large batches patch existing leads, so most of them apply.
          LeadId id =
              n >= 32 && !existing.empty() ? rng.Pick(existing) : rng.Pick(ids);
          known &= model.leads.count(id) > 0;
          patches.push_back(RandomPatch(rng, gen, id, model.now));
        }
        result = engine->PatchLeads(patches);
        if (!known) {
          REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
          continue;
        }
        REQUIRE_OK(result);
        for (const LeadPatch& p : patches) ApplyPatch(model, p);
      } else {
        std::set<LeadId> chosen;
        for (size_t i = 0; i < n; ++i) chosen.insert(rng.Pick(ids));
        bool known = true;
        for (LeadId id : chosen) known &= model.leads.count(id) > 0;
        std::vector<LeadId> list(chosen.begin(), chosen.end());
        result = engine->DeleteLeads(list);
        if (!known) {
          REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
          continue;
        }
        REQUIRE_OK(result);
        for (LeadId id : chosen) model.ForgetLead(id);
      }
    } else {
      std::string name = rng.Pick(names);
      auto id = engine->FindSegment(name);
      REQUIRE_OK(id);
      const bool force = rng.Chance(0.5);
      result = engine->DeleteSegment(*id, force);
      if (!model.ReferencedBy(name).empty()) {
        REQUIRE_ERROR(result, absl::StatusCode::kFailedPrecondition,
                      "referenced by");
        continue;
      }
      std::vector<CampaignId> users;
      for (const auto& [n, c] : model.campaigns) {
        if (c.Uses(name)) users.push_back(c.id);
      }
      std::sort(users.begin(), users.end());
      if (!users.empty() && !force) {
        REQUIRE_ERROR(result, absl::StatusCode::kFailedPrecondition,
                      "used by campaigns");
        continue;
      }
      REQUIRE_OK(result);
      REQUIRE(result->detached_campaigns == users);
      for (auto& [n, c] : model.campaigns) {
        std::erase(c.sources, name);
        std::erase(c.workflow, name);
      }
      model.segments.erase(name);
      model.added.erase(name);
      model.removed.erase(name);
    }
    CheckAgainstModel(*engine, model);
    CheckChanges(*engine, before, Snapshot(*engine), result->changes);
    REQUIRE(heard == result->changes);
  }
}

TEST_CASE("random mutations keep every segment equal to the reference model",
          "[differential]") {
  const int seeds = Seeds(12);
  for (int seed = 1; seed <= seeds; ++seed) RunSequence(seed, 250);
}

TEST_CASE("long random sequences stay equal to the reference model",
          "[differential][long]") {
  const int seeds = Seeds(12) / 4 + 1;
  for (int seed = 1000; seed < 1000 + seeds; ++seed) RunSequence(seed, 1500);
}

TEST_CASE("the naive re-evaluation path agrees with the reference model",
          "[differential]") {
  const int seeds = Seeds(12) / 3 + 1;
  for (int seed = 2000; seed < 2000 + seeds; ++seed) {
    RunSequence(seed, 250, /*incremental=*/false);
  }
}

// Enough leads that evaluation takes the code-scan path as well as probes.
TEST_CASE("bulk-loaded leads evaluate like the reference model",
          "[differential]") {
  const int seeds = Seeds(12) / 3 + 1;
  for (int seed = 100; seed < 100 + seeds; ++seed) {
    SeededRandom rng(seed);
    INFO("seed " << seed);
    Generator gen(rng);
    auto engine = NewEngine();
    ReferenceModel model(kSchema);
    model.now = kStart;
    std::string ndjson;
    std::vector<Lead> leads;
    for (LeadId id = 0; id < 6000; ++id) {
      Lead lead = gen.RandomLead(id * 3 + 1, kStart);
      REQUIRE_OK(engine->UpsertLead(lead));
      model.Upsert(lead);
    }
    for (int i = 0; i < 60; ++i) {
      SegmentDefinition def =
          gen.RandomDefinition(absl::StrCat("B", i), kStart, {});
      INFO("definition " << i);
      auto preview = engine->PreviewSegment(def, 1000);
      REQUIRE_OK(preview);
      std::set<LeadId> expected = model.Evaluate(def);
      REQUIRE(preview->count == expected.size());
      std::vector<LeadId> first(expected.begin(), expected.end());
      if (first.size() > 1000) first.resize(1000);
      REQUIRE(preview->first_members == first);
    }
  }
}

}  // namespace
}  // namespace audience::testing
