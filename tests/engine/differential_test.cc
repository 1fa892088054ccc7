// Randomized differential tests: the engine against ReferenceModel over many
// seeds. Every step applies one random operation to both, then compares
// every segment's members, a fresh preview of every definition, and the
// reported changes with the difference of memberships before and after.
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

  SegmentDefinition RandomDefinition(const std::string& name, Timestamp now,
                                     const std::vector<std::string>& others) {
    SegmentDefinition d;
    d.name = name;
    int n = static_cast<int>(rng_.Below(5));  // 0 = a manual list
    for (int i = 0; i < n; ++i) {
      double r = rng_.Below(100) / 100.0;
      if (r < 0.15 && !others.empty()) {
        d.filters.push_back(Condition::Segment(
            rng_.Pick(others),
            rng_.Chance(0.5) ? Op::kMember : Op::kNotMember));
      } else if (r < 0.35) {
        d.filters.push_back(ActivityCondition());
      } else {
        d.filters.push_back(FieldCondition(now));
      }
    }
    return d;
  }

 private:
  SeededRandom& rng_;
};

std::unique_ptr<Engine> NewEngine(bool incremental = true) {
  auto engine = OpenEngine(kStart, incremental);
  for (const auto& [name, type] : kSchema) {
    auto fields = engine->Fields();
    bool standard =
        std::any_of(fields.begin(), fields.end(),
                    [&](const FieldDefinition& f) { return f.name == name; });
    if (!standard) REQUIRE_OK(engine->DefineField(name, type));
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
  }
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
  REQUIRE_OK(engine->CreateCategory("Stage"));
  REQUIRE_OK(engine->CreateCategory("Topic"));

  for (int step = 0; step < steps; ++step) {
    INFO("step " << step);
    Memberships before = Snapshot(*engine);
    absl::StatusOr<MutationResult> result = MutationResult{};
    heard.clear();
    const uint64_t roll = rng.Below(122);
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
      auto id = engine->FindSegment(name);
      REQUIRE_OK(id);
      result = engine->UpdateSegment(*id, def);
      bool cycle = false;
      for (const Condition& c : def.filters) {
        cycle |= c.kind == Condition::Kind::kSegment &&
                 model.DependsOn(c.subject, name);
      }
      if (cycle) {
        REQUIRE_ERROR(result, absl::StatusCode::kInvalidArgument, "cycle");
        continue;
      }
      REQUIRE_OK(result);
      model.segments[name] = def;
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
        result = engine->Transfer({&id, 1}, *segment, *target);
        if (name == to) {
          REQUIRE_ERROR(result, absl::StatusCode::kInvalidArgument, "itself");
          continue;
        }
        if (!model.leads.count(id)) {
          REQUIRE_ERROR(result, absl::StatusCode::kNotFound, "unknown lead");
          continue;
        }
        if (!model.Members(name).count(id)) {
          REQUIRE_ERROR(result, absl::StatusCode::kFailedPrecondition,
                        "is not a member");
          continue;
        }
        REQUIRE_OK(result);
        const auto& from_category = model.segments[name].category;
        const bool move =
            from_category && from_category == model.segments[to].category;
        model.AddManually(to, id);
        if (move) {
          model.RemoveManually(name, id);
          auto active = engine->ActiveSegment(id, *model.segments[to].category);
          REQUIRE_OK(active);
          REQUIRE(*active == target.value());
        }
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
      result = engine->DeleteSegment(*id);
      if (!model.ReferencedBy(name).empty()) {
        REQUIRE_ERROR(result, absl::StatusCode::kFailedPrecondition,
                      "referenced by");
        continue;
      }
      REQUIRE_OK(result);
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
          "[differential]") {
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
