// audience demo: a synthetic lead base, a dozen segments, their sizes and
// evaluation times, a live change, one explanation, and a two-week campaign
// that moves leads from Cold to Warm, with its statistics.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "audience/engine.h"
#include "commands.h"
#include "demo_campaign.h"
#include "synthetic_data.h"

namespace audience::cli {

namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since)
      .count();
}

std::string Show(const Value& v) {
  switch (v.index()) {
    case 1:
      return "\"" + std::get<std::string>(v) + "\"";
    case 2:
      return std::to_string(std::get<int64_t>(v));
    case 3: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.2f", std::get<double>(v));
      return buf;
    }
    case 4:
      return std::get<bool>(v) ? "true" : "false";
    case 5: {
      std::string out = "[";
      for (const std::string& tag : std::get<TagList>(v)) {
        if (out.size() > 1) out += ", ";
        out += tag;
      }
      return out + "]";
    }
  }
  return "(empty)";
}

std::string Describe(const Condition& c) {
  std::string out;
  switch (c.kind) {
    case Condition::Kind::kField:
      out = c.subject + " " + std::string(OpName(c.op));
      break;
    case Condition::Kind::kActivity:
      out = std::string(OpName(c.op)) + " " + c.subject;
      if (c.object) out += " #" + std::to_string(*c.object);
      if (c.at_least > 1) out += " x" + std::to_string(c.at_least);
      if (c.within_days) out += " in " + std::to_string(*c.within_days) + "d";
      break;
    case Condition::Kind::kSegment:
      out = std::string(OpName(c.op)) + " \"" + c.subject + "\"";
      break;
    case Condition::Kind::kAll:
    case Condition::Kind::kAny:
    case Condition::Kind::kNot:
      out = std::string(GroupName(c.kind)) + " of:";
      break;
  }
  return out;
}

void PrintChanges(Engine& engine, const MutationResult& result) {
  for (const MembershipChange& c : result.changes) {
    absl::StatusOr<Segment> s = engine.GetSegment(c.segment);
    std::printf("    lead %llu %s \"%s\"\n",
                static_cast<unsigned long long>(c.lead),
                c.kind == ChangeKind::kEntered ? "entered" : "left",
                s.ok() ? s->definition.name.c_str() : "?");
  }
  if (result.changes.empty()) std::printf("    (no membership changed)\n");
}

bool Check(const absl::Status& status, const char* what) {
  if (status.ok()) return true;
  std::fprintf(stderr, "audience demo: %s: %s\n", what,
               status.ToString().c_str());
  return false;
}

// Prints explain's outcomes as an indented tree beside the conditions.
void PrintOutcomes(const std::vector<ConditionOutcome>& outcomes,
                   const std::vector<Condition>& conditions, int depth) {
  for (const ConditionOutcome& c : outcomes) {
    const Condition& condition = conditions[c.index];
    const std::string label = std::string(2 * depth, ' ') + "[" +
                              std::to_string(c.index) + "] " +
                              Describe(condition);
    if (c.group) {
      std::printf("  %-38s %s\n", label.c_str(), c.held ? "held" : "no");
      PrintOutcomes(c.conditions, condition.children, depth + 1);
    } else {
      std::printf("  %-38s %-5s value %s\n", label.c_str(),
                  c.held ? "held" : "no", Show(c.value).c_str());
    }
  }
}

// Explains `lead` in the segment called `name`, condition by condition.
bool ExplainIn(Engine& engine, LeadId lead, const char* name) {
  absl::StatusOr<SegmentId> segment = engine.FindSegment(name);
  if (!Check(segment.status(), "find")) return false;
  absl::StatusOr<Explanation> why = engine.Explain(lead, *segment);
  absl::StatusOr<Segment> saved = engine.GetSegment(*segment);
  if (!Check(why.status(), "explain") || !Check(saved.status(), "get")) {
    return false;
  }
  std::printf("\nexplain lead %llu in \"%s\": %s\n",
              static_cast<unsigned long long>(lead), name,
              why->member ? "member" : "not a member");
  PrintOutcomes(why->conditions, saved->definition.filters, 0);
  return true;
}

// "2026-09-21" for a unix time.
std::string Date(Timestamp ts) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(sys_seconds{seconds{ts}})};
  char buf[16];
  std::snprintf(
      buf, sizeof(buf), "%04d-%02u-%02u", static_cast<int>(day.year()),
      static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return buf;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "-" : out;
}

// Runs the demo campaign (demo_campaign.h), then prints what it did, Warm's
// statistics, its leads over time and the first rows of its leads tab.
bool RunCampaign(Engine& engine) {
  absl::StatusOr<synthetic::DemoCampaign> ran =
      synthetic::RunDemoCampaign(engine);
  if (!Check(ran.status(), "campaign")) return false;
  const synthetic::DemoCampaign& tally = *ran;
  const SegmentId warm_id = tally.warm;
  const Timestamp start = tally.start;
  std::printf(
      "\ncampaign \"Autumn nurture\", active %s to %s: sources Cold (score < "
      "400), North America, VIP; workflow segment Warm\n",
      Date(tally.start).c_str(), Date(tally.end).c_str());
  std::printf("  audience: %s leads (Cold has %s)\n",
              Thousands(tally.audience_before).c_str(),
              Thousands(tally.cold_before).c_str());
  const auto count = [&](ActionKind kind) {
    return Thousands(tally.actions[static_cast<size_t>(kind)]);
  };
  std::printf(
      "  %d days: %s emails sent, %s opened, %s clicked, %s transfers Cold -> "
      "Warm, %s unsubscribed and removed from Warm\n",
      synthetic::kDemoCampaignDays, count(ActionKind::kEmailSent).c_str(),
      count(ActionKind::kEmailOpened).c_str(),
      count(ActionKind::kEmailClicked).c_str(),
      count(ActionKind::kTransfer).c_str(),
      count(ActionKind::kRemoveFromSegment).c_str());
  uint64_t actions = 0;
  for (uint64_t n : tally.actions) actions += n;
  std::printf(
      "  %s campaign actions in %s calls (transfers batched per day): %.0f "
      "ms, %.1f us per call\n",
      Thousands(actions).c_str(), Thousands(tally.calls).c_str(), tally.ms,
      tally.calls ? tally.ms * 1000 / tally.calls : 0.0);
  absl::StatusOr<uint64_t> audience =
      engine.CampaignAudienceCount(tally.campaign);
  if (!Check(audience.status(), "audience")) return false;
  std::printf("  audience now: %s leads\n", Thousands(*audience).c_str());

  absl::StatusOr<SegmentStats> stats = engine.Stats(warm_id);
  if (!Check(stats.status(), "stats")) return false;
  std::printf(
      "\nstats for \"Warm\": %s leads; campaigns active %llu, participated "
      "%llu\n",
      Thousands(stats->total_leads).c_str(),
      static_cast<unsigned long long>(stats->active_campaigns),
      static_cast<unsigned long long>(stats->campaigns_participated));
  for (const CampaignUsage& usage : stats->by_campaign) {
    absl::StatusOr<Campaign> c = engine.GetCampaign(usage.campaign);
    if (!Check(c.status(), "campaign")) return false;
    std::printf("  \"%s\": %s members participated;",
                c->definition.name.c_str(),
                Thousands(usage.participated).c_str());
    for (size_t k = 0; k < kActionKindCount; ++k) {
      if (usage.actions[k] == 0) continue;
      std::printf(
          " %s %s",
          std::string(ActionKindName(static_cast<ActionKind>(k))).c_str(),
          Thousands(usage.actions[k]).c_str());
    }
    std::printf("\n");
  }

  absl::StatusOr<std::vector<HistoryBucket>> history =
      engine.LeadsOverTime(warm_id, start, engine.Now(), BucketWidth::kDay);
  if (!Check(history.status(), "leads over time")) return false;
  uint64_t max_total = 1;
  for (const HistoryBucket& b : *history) {
    max_total = std::max(max_total, b.total);
  }
  std::printf("\n\"Warm\" leads over time (UTC days)\n");
  std::printf("  %-10s %8s %8s %8s\n", "day", "added", "removed", "total");
  for (const HistoryBucket& b : *history) {
    const size_t bar = static_cast<size_t>(b.total * 40 / max_total);
    std::printf("  %-10s %8s %8s %8s%s%s\n", Date(b.start).c_str(),
                Thousands(b.added).c_str(), Thousands(b.removed).c_str(),
                Thousands(b.total).c_str(), bar > 0 ? "  " : "",
                std::string(bar, '#').c_str());
  }

  absl::StatusOr<LeadsPage> page =
      engine.SegmentLeads(warm_id, std::nullopt, 5);
  if (!Check(page.status(), "leads tab")) return false;
  std::printf("\n\"Warm\" leads tab, first %zu of %s\n", page->leads.size(),
              Thousands(stats->total_leads).c_str());
  std::printf("  %-8s %6s %9s  %-16s %s\n", "lead", "score", "segments",
              "campaigns", "latest activity");
  for (const LeadDetails& d : page->leads) {
    std::vector<std::string> campaigns;
    for (CampaignId id : d.campaigns) {
      absl::StatusOr<Campaign> c = engine.GetCampaign(id);
      if (c.ok()) campaigns.push_back(c->definition.name);
    }
    std::string latest = "-";
    if (!d.recent_activity.empty()) {
      const Event& e = d.recent_activity.front();
      latest = e.type;
      if (e.object) latest += " #" + std::to_string(*e.object);
      if (e.ts) latest += " on " + Date(*e.ts);
    }
    const std::string score = d.score ? std::to_string(*d.score) : "-";
    std::printf("  %-8llu %6s %9zu  %-16s %s\n",
                static_cast<unsigned long long>(d.lead.id), score.c_str(),
                d.segments.size(), Join(campaigns).c_str(), latest.c_str());
  }
  return true;
}

}  // namespace

int Demo(const Args& args) {
  synthetic::Options options;
  std::optional<ParsedArgs> parsed = ParseArgs(args, {"--leads"}, 0);
  bool bad = !parsed;
  if (auto leads = parsed ? parsed->Flag("--leads") : std::nullopt) {
    auto r = std::from_chars(leads->data(), leads->data() + leads->size(),
                             options.leads);
    if (r.ec != std::errc() || r.ptr != leads->data() + leads->size() ||
        options.leads == 0) {
      bad = true;
    }
  }
  if (bad) {
    std::fprintf(stderr, "usage: audience demo [--leads N]  (N >= 1)\n");
    return 2;
  }

  std::printf("audience demo: %s synthetic leads\n\n",
              Thousands(options.leads).c_str());
  absl::StatusOr<std::unique_ptr<Engine>> opened =
      Engine::Open(EngineOptions{});
  if (!Check(opened.status(), "open")) return 1;
  Engine& engine = **opened;
  if (!Check(synthetic::DefineFields(engine), "fields")) return 1;
  if (!Check(engine.AdvanceClock(options.now).status(), "clock")) return 1;

  std::string leads = synthetic::LeadsNdjson(options);
  std::string events = synthetic::EventsNdjson(options);
  auto start = Clock::now();
  absl::StatusOr<LoadReport> loaded = engine.LoadLeads(leads, "leads");
  double lead_ms = Millis(start);
  if (!Check(loaded.status(), "load leads")) return 1;
  start = Clock::now();
  absl::StatusOr<LoadReport> loaded_events =
      engine.LoadEvents(events, "events");
  double event_ms = Millis(start);
  if (!Check(loaded_events.status(), "load events")) return 1;
  std::printf(
      "loaded %s leads in %.0f ms (%.2f M leads/s, %.0f MB of NDJSON)\n",
      Thousands(loaded->loaded).c_str(), lead_ms,
      loaded->loaded / lead_ms / 1000, leads.size() / 1e6);
  std::printf("loaded %s events in %.0f ms\n",
              Thousands(loaded_events->loaded).c_str(), event_ms);
  MemoryStats memory = engine.Memory();
  uint64_t standard = 0;
  for (const auto& [name, bytes] : memory.field_bytes) {
    if (name == "email" || name == "country" || name == "stage" ||
        name == "score" || name == "tags" || name == "created_at") {
      standard += bytes;
    }
  }
  std::printf(
      "memory: %.1f bytes/lead for the standard fields, %.1f for "
      "the id map\n\n",
      static_cast<double>(standard) / memory.leads,
      static_cast<double>(memory.row_bytes) / memory.leads);
  std::string().swap(leads);
  std::string().swap(events);

  std::printf("%-24s %-32s %5s %11s %12s\n", "segment", "shows", "conds",
              "members", "evaluate ms");
  std::printf("%s\n", std::string(88, '-').c_str());
  for (const synthetic::NamedSegment& s : synthetic::DemoSegments()) {
    absl::StatusOr<MutationResult> created = engine.CreateSegment(s.definition);
    if (!Check(created.status(), s.definition.name.c_str())) return 1;
    // Median of five evaluations of the saved definition.
    std::vector<double> times;
    uint64_t count = 0;
    for (int i = 0; i < 5; ++i) {
      auto t = Clock::now();
      absl::StatusOr<Preview> preview = engine.PreviewSegment(s.definition, 1);
      times.push_back(Millis(t));
      if (preview.ok()) count = preview->count;
    }
    std::sort(times.begin(), times.end());
    std::printf("%-24s %-32s %5zu %11s %12.2f\n", s.definition.name.c_str(),
                s.family.c_str(), s.definition.filters.size(),
                Thousands(count).c_str(), times[2]);
  }

  const LeadId lead = std::min<uint64_t>(42, options.leads);
  std::printf(
      "\nlive update: lead %llu moves to the US, gets tag vip, score 950 and "
      "a .com address\n",
      static_cast<unsigned long long>(lead));
  LeadPatch patch;
  patch.id = lead;
  patch.set["score"] = int64_t{950};
  patch.set["country"] = std::string("US");
  patch.set["stage"] = std::string("sql");
  patch.set["email"] = std::string("ada.lovelace@example.com");
  patch.add_tags = {"vip"};
  absl::StatusOr<MutationResult> patched = engine.PatchLead(patch);
  if (!Check(patched.status(), "patch")) return 1;
  PrintChanges(engine, *patched);

  // A sync from the host database: many score changes in one batch; only
  // the segments whose score bounds each change crosses are re-checked.
  std::vector<LeadPatch> batch;
  uint64_t state = 12345;
  for (int i = 0; i < 10000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    LeadPatch p;
    p.id = 1 + (state >> 33) % options.leads;
    p.set["score"] = static_cast<int64_t>((state >> 13) % 1000);
    batch.push_back(std::move(p));
  }
  auto t = Clock::now();
  absl::StatusOr<MutationResult> synced = engine.PatchLeads(batch);
  if (!Check(synced.status(), "batch")) return 1;
  std::printf("\nbatch of %s score patches: %.1f ms, %s membership changes\n",
              Thousands(batch.size()).c_str(), Millis(t),
              Thousands(synced->changes.size()).c_str());
  t = Clock::now();
  absl::StatusOr<MutationResult> tomorrow =
      engine.AdvanceClock(engine.Now() + kSecondsPerDay);
  if (!Check(tomorrow.status(), "clock")) return 1;
  std::printf("clock + 1 day: %.1f ms, %s membership changes\n", Millis(t),
              Thousands(tomorrow->changes.size()).c_str());

  if (!ExplainIn(engine, lead, "US VIP prospects") ||
      !ExplainIn(engine, lead, "Reachable NA prospects")) {
    return 1;
  }
  return RunCampaign(engine) ? 0 : 1;
}

}  // namespace audience::cli
