// Segment statistics and views: totals, campaign counts at the clock,
// usage by campaign, the leads tab and a lead's memberships (design.md §5).
#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;

constexpr Timestamp kNow = kProbeNow;

CampaignDefinition Schedule(std::string name, CampaignStatus status,
                            Timestamp start, std::optional<Timestamp> end,
                            std::vector<std::string> sources,
                            std::vector<std::string> workflow = {}) {
  CampaignDefinition c;
  c.name = std::move(name);
  c.status = status;
  c.start = start;
  c.end = end;
  c.sources = std::move(sources);
  c.workflow_segments = std::move(workflow);
  return c;
}

void Act(Engine& e, CampaignId c, ActionKind kind, LeadId lead) {
  REQUIRE_OK(e.RecordCampaignAction(c, {.kind = kind, .lead = lead}));
}

TEST_CASE("segment stats count campaigns by schedule", "[engine]") {
  auto engine = OpenEngine(kNow);
  Engine& e = *engine;
  SegmentDefinition def = Def("All", {});
  def.is_public = true;
  const SegmentId all = MakeSegment(e, def);
  MakeSegment(e, Def("Other", {}));
  using S = CampaignStatus;
  const Timestamp day = kSecondsPerDay;
  // Active now: status active and start <= now <= end (ends inclusive).
  MakeCampaign(
      e, Schedule("active open", S::kActive, kNow, std::nullopt, {"All"}));
  MakeCampaign(
      e, Schedule("active to now", S::kActive, kNow - day, kNow, {}, {"All"}));
  // Neither: not started, paused, draft.
  MakeCampaign(
      e, Schedule("not started", S::kActive, kNow + 1, std::nullopt, {"All"}));
  MakeCampaign(e,
               Schedule("paused", S::kPaused, kNow - day, kNow + day, {"All"}));
  MakeCampaign(e, Schedule("draft ended", S::kDraft, 0, kNow - day, {"All"}));
  // Participated: completed (any dates) or ended in any status but draft.
  MakeCampaign(e, Schedule("completed", S::kCompleted, kNow + day, std::nullopt,
                           {"All"}));
  MakeCampaign(e, Schedule("paused ended", S::kPaused, 0, kNow - 1, {"All"}));
  MakeCampaign(e,
               Schedule("active ended", S::kActive, 0, kNow - 1, {}, {"All"}));
  // Not using the segment.
  MakeCampaign(e, Schedule("elsewhere", S::kCompleted, 0, 1, {}, {"Other"}));

  auto stats = e.Stats(all);
  REQUIRE_OK(stats);
  CHECK(stats->total_leads == 0);
  CHECK(stats->active_campaigns == 2);
  CHECK(stats->campaigns_participated == 3);
  CHECK(stats->by_campaign.size() == 8);

  // The clock moves: "active open" stays, "active to now" has ended.
  REQUIRE_OK(e.AdvanceClock(kNow + 1));
  stats = e.Stats(all);
  CHECK(stats->active_campaigns == 2);  // + "not started"
  CHECK(stats->campaigns_participated == 4);
  REQUIRE_ERROR(e.Stats(99), StatusCode::kNotFound, "segment");
}

TEST_CASE("stats by campaign count the segment's participating members",
          "[engine]") {
  auto engine = OpenEngine(kNow);
  Engine& e = *engine;
  SegmentDefinition us = Def("US", {F("country", Op::kEq, "US")});
  us.is_public = true;
  const SegmentId us_id = MakeSegment(e, us);
  for (LeadId id = 1; id <= 4; ++id) {
    REQUIRE_OK(e.UpsertLead({id, {{"country", Str(id <= 3 ? "US" : "DE")}}}));
  }
  const CampaignId a = MakeCampaign(
      e, Schedule("A", CampaignStatus::kActive, 0, std::nullopt, {"US"}));
  const CampaignId b = MakeCampaign(e, Schedule("B", CampaignStatus::kCompleted,
                                                0, std::nullopt, {}, {"US"}));
  Act(e, a, ActionKind::kEmailSent, 1);
  Act(e, a, ActionKind::kEmailSent, 1);
  Act(e, a, ActionKind::kEmailSent, 2);
  Act(e, a, ActionKind::kEmailOpened, 2);
  Act(e, a, ActionKind::kEmailSent, 4);  // not a member
  Act(e, b, ActionKind::kSmsSent, 3);

  auto stats = e.Stats(us_id);
  REQUIRE_OK(stats);
  CHECK(stats->total_leads == 3);
  CHECK(stats->active_campaigns == 1);
  CHECK(stats->campaigns_participated == 1);
  REQUIRE(stats->by_campaign.size() == 2);
  const CampaignUsage& ua = stats->by_campaign[0];
  CHECK(ua.campaign == a);
  CHECK(ua.participated == 2);
  CHECK(ua.actions[size_t(ActionKind::kEmailSent)] == 3);
  CHECK(ua.actions[size_t(ActionKind::kEmailOpened)] == 1);
  CHECK(ua.actions[size_t(ActionKind::kSmsSent)] == 0);
  const CampaignUsage& ub = stats->by_campaign[1];
  CHECK(ub.campaign == b);
  CHECK(ub.participated == 1);
  CHECK(ub.actions[size_t(ActionKind::kSmsSent)] == 1);

  // Counts follow membership: lead 1 leaves, lead 4 joins.
  REQUIRE_OK(e.PatchLead({.id = 1, .set = {{"country", Str("DE")}}}));
  REQUIRE_OK(e.PatchLead({.id = 4, .set = {{"country", Str("US")}}}));
  stats = e.Stats(us_id);
  CHECK(stats->by_campaign[0].participated == 2);
  CHECK(stats->by_campaign[0].actions[size_t(ActionKind::kEmailSent)] == 2);
}

TEST_CASE("the leads tab pages members with their details", "[engine]") {
  auto engine = OpenEngine(kNow);
  Engine& e = *engine;
  REQUIRE_OK(e.CreateCategory("Lifecycle"));
  SegmentDefinition all = Def("All", {F("score", Op::kNotEmpty)});
  all.is_public = true;
  const SegmentId all_id = MakeSegment(e, all);
  const SegmentId high =
      MakeSegment(e, Def("High", {F("score", Op::kGte, int64_t{50})}));
  SegmentDefinition cold = Def("Cold", {});
  cold.category = "Lifecycle";
  SegmentDefinition warm = cold;
  warm.name = "Warm";
  const SegmentId cold_id = MakeSegment(e, cold);
  const SegmentId warm_id = MakeSegment(e, warm);
  for (LeadId id : {9, 3, 7, 1, 5}) {
    REQUIRE_OK(
        e.UpsertLead({id,
                      {{"score", Int(static_cast<int64_t>(id) * 10)},
                       {"email", Str("l" + std::to_string(id) + "@x")}}}));
  }
  REQUIRE_OK(e.UpsertLead({2, {{"email", Str("none@x")}}}));  // not in All
  for (int i = 0; i < 12; ++i) {
    REQUIRE_OK(e.RecordEvent(
        {.lead = 7,
         .type = i % 2 ? "email_open" : "page_visit",
         .object = i % 2 ? std::optional<int64_t>(i) : std::nullopt,
         .ts = kNow - 100 + i}));
  }
  const CampaignId c = MakeCampaign(
      e, Schedule("C", CampaignStatus::kActive, 0, std::nullopt, {"All"}));
  REQUIRE_OK(e.AddToSegment(cold_id, 7));
  const LeadId seven = 7;
  REQUIRE_OK(e.Transfer({&seven, 1}, cold_id, warm_id));
  Act(e, c, ActionKind::kEmailSent, 7);

  auto page = e.SegmentLeads(all_id, std::nullopt, 2);
  REQUIRE_OK(page);
  REQUIRE(page->leads.size() == 2);
  CHECK(page->leads[0].lead.id == 1);
  CHECK(page->leads[1].lead.id == 3);
  CHECK(page->next == LeadId{3});
  page = e.SegmentLeads(all_id, LeadId{3}, 2);
  REQUIRE_OK(page);
  REQUIRE(page->leads.size() == 2);
  const LeadDetails& d = page->leads[1];
  CHECK(d.lead.id == 7);
  CHECK(d.score == 70);
  CHECK(std::get<std::string>(d.lead.fields.at("email")) == "l7@x");
  CHECK(d.segments == std::vector<SegmentId>{all_id, high, warm_id});
  CHECK(d.campaigns == std::vector<CampaignId>{c});
  REQUIRE(d.recent_activity.size() == 10);
  CHECK(d.recent_activity[0].ts == kNow - 100 + 11);
  CHECK(d.recent_activity[0].type == "email_open");
  CHECK(d.recent_activity[0].object == 11);
  CHECK(d.recent_activity[1].type == "page_visit");
  CHECK_FALSE(d.recent_activity[1].object.has_value());
  CHECK(d.recent_activity[9].ts == kNow - 100 + 2);
  CHECK(page->leads[0].campaigns.empty());
  CHECK(page->next == LeadId{7});
  page = e.SegmentLeads(all_id, LeadId{7}, 2);
  REQUIRE_OK(page);
  CHECK(page->leads.size() == 1);
  CHECK_FALSE(page->next.has_value());

  REQUIRE_ERROR(e.SegmentLeads(all_id, std::nullopt, 0),
                StatusCode::kInvalidArgument, "limit");
  REQUIRE_ERROR(e.SegmentLeads(all_id, std::nullopt, 1001),
                StatusCode::kInvalidArgument, "limit");
  REQUIRE_ERROR(e.SegmentLeads(77, std::nullopt, 5), StatusCode::kNotFound,
                "segment");

  auto mine = e.SegmentsOf(7);
  REQUIRE_OK(mine);
  CHECK(mine->segments == std::vector<SegmentId>{all_id, high, warm_id});
  CHECK(mine->active_segments ==
        std::vector<std::pair<CategoryId, SegmentId>>{{1, warm_id}});
  CHECK(e.SegmentsOf(2)->segments.empty());
  REQUIRE_ERROR(e.SegmentsOf(4), StatusCode::kNotFound, "lead 4");
}

}  // namespace
}  // namespace audience::testing
