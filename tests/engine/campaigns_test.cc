// Campaigns: the registry's rules, audiences, actions and participation,
// and how campaigns constrain segment edits and deletes (design.md §4).
#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;

constexpr Timestamp kNow = kProbeNow;

SegmentDefinition Public(std::string name, std::vector<Condition> filters) {
  SegmentDefinition d = Def(std::move(name), std::move(filters));
  d.is_public = true;
  return d;
}

CampaignDefinition Camp(std::string name, std::vector<std::string> sources,
                        std::vector<std::string> workflow = {}) {
  CampaignDefinition c;
  c.name = std::move(name);
  c.status = CampaignStatus::kActive;
  c.start = kNow - kSecondsPerDay;
  c.end = kNow + kSecondsPerDay;
  c.sources = std::move(sources);
  c.workflow_segments = std::move(workflow);
  return c;
}

CampaignAction Host(ActionKind kind, LeadId lead,
                    std::optional<Timestamp> ts = std::nullopt) {
  return CampaignAction{.kind = kind, .lead = lead, .ts = ts};
}

struct Fixture {
  std::unique_ptr<Engine> engine = OpenEngine(kNow);
  SegmentId us = 0, de = 0, hidden = 0;

  Fixture() {
    us = MakeSegment(*engine, Public("US", {F("country", Op::kEq, "US")}));
    de = MakeSegment(*engine, Public("DE", {F("country", Op::kEq, "DE")}));
    hidden = MakeSegment(*engine, Def("Hidden", {}));
    for (LeadId id = 1; id <= 6; ++id) {
      REQUIRE_OK(engine->UpsertLead(
          {id, {{"country", Str(id <= 3 ? "US" : "DE")}, {"score", Int(0)}}}));
    }
  }
};

TEST_CASE("campaign definitions are validated", "[engine]") {
  Fixture f;
  Engine& e = *f.engine;
  CampaignDefinition def = Camp("  Spring  ", {"us", "US"}, {"Hidden"});
  def.status = CampaignStatus::kDraft;
  const CampaignId spring = MakeCampaign(e, def);
  auto got = e.GetCampaign(spring);
  REQUIRE_OK(got);
  CHECK(got->definition.name == "Spring");
  CHECK(got->definition.sources == std::vector<std::string>{"US"});
  CHECK(got->definition.workflow_segments ==
        std::vector<std::string>{"Hidden"});
  CHECK(got->definition.status == CampaignStatus::kDraft);
  CHECK(*e.FindCampaign("SPRING") == spring);

  CampaignDefinition defaults;
  defaults.name = "Defaults";
  defaults.start = 0;
  const CampaignId plain = MakeCampaign(e, defaults);
  CHECK(e.GetCampaign(plain)->definition.status == CampaignStatus::kDraft);
  CHECK_FALSE(e.GetCampaign(plain)->definition.end.has_value());

  CampaignDefinition bad = Camp("Bad", {"US"});
  bad.start.reset();
  REQUIRE_ERROR(e.CreateCampaign(bad), StatusCode::kInvalidArgument,
                "start is required");
  bad = Camp("Bad", {"US"});
  bad.end = *bad.start - 1;
  REQUIRE_ERROR(e.CreateCampaign(bad), StatusCode::kInvalidArgument,
                "is before start");
  REQUIRE_ERROR(e.CreateCampaign(Camp("Bad", {"US", "Hidden"})),
                StatusCode::kFailedPrecondition,
                "sources[1]: segment \"Hidden\" is not public");
  REQUIRE_ERROR(e.CreateCampaign(Camp("Bad", {"US"}, {"Nope"})),
                StatusCode::kNotFound, "workflow_segments[0]: unknown segment");
  REQUIRE_ERROR(e.CreateCampaign(Camp("spring", {"US"})),
                StatusCode::kAlreadyExists, "\"spring\" already exists");
  REQUIRE_ERROR(e.CreateCampaign(Camp("   ", {"US"})),
                StatusCode::kInvalidArgument, "name");
  CHECK(e.ListCampaigns().size() == 2);

  // Update replaces the definition with the same checks.
  REQUIRE_ERROR(e.UpdateCampaign(spring, Camp("Spring", {"Hidden"})),
                StatusCode::kFailedPrecondition, "not public");
  REQUIRE_ERROR(e.UpdateCampaign(spring, Camp("Defaults", {"US"})),
                StatusCode::kAlreadyExists, "Defaults");
  REQUIRE_ERROR(e.UpdateCampaign(99, Camp("X", {})), StatusCode::kNotFound,
                "campaign");
  REQUIRE_OK(e.UpdateCampaign(spring, Camp("Spring Sale", {"DE"})));
  CHECK(e.GetCampaign(spring)->definition.sources ==
        std::vector<std::string>{"DE"});
  CHECK(e.GetCampaign(spring)->definition.status == CampaignStatus::kActive);
  REQUIRE_ERROR(e.FindCampaign("Spring"), StatusCode::kNotFound, "Spring");

  // A segment rename shows through: the campaign holds the segment.
  SegmentDefinition renamed = Public("Germany", {F("country", Op::kEq, "DE")});
  REQUIRE_OK(e.UpdateSegment(f.de, renamed));
  CHECK(e.GetCampaign(spring)->definition.sources ==
        std::vector<std::string>{"Germany"});

  REQUIRE_OK(e.DeleteCampaign(spring));
  REQUIRE_ERROR(e.GetCampaign(spring), StatusCode::kNotFound, "campaign");
  REQUIRE_ERROR(e.DeleteCampaign(spring), StatusCode::kNotFound, "campaign");
  // Ids are never reused; the name is free again.
  CHECK(MakeCampaign(e, Camp("Spring Sale", {"US"})) > plain);
}

TEST_CASE("a campaign's audience is the union of its sources", "[engine]") {
  Fixture f;
  Engine& e = *f.engine;
  const CampaignId both = MakeCampaign(e, Camp("Both", {"US", "DE"}));
  const CampaignId none = MakeCampaign(e, Camp("None", {}, {"Hidden"}));
  CHECK(*e.CampaignAudienceCount(both) == 6);
  CHECK(*e.CampaignAudienceCount(none) == 0);
  auto page = e.CampaignAudiencePage(both, LeadId{2}, 3);
  REQUIRE_OK(page);
  CHECK(page->leads == Ids({3, 4, 5}));
  CHECK(page->next == LeadId{5});
  REQUIRE_ERROR(e.CampaignAudiencePage(both, std::nullopt, 0),
                StatusCode::kInvalidArgument, "limit");
  auto bitmap = e.CampaignAudience(both);
  REQUIRE_OK(bitmap);
  CHECK(bitmap->cardinality() == 6);
  CHECK(bitmap->contains(uint64_t{4}));

  // The audience follows its sources' members (overrides included).
  REQUIRE_OK(e.PatchLead({.id = 4, .set = {{"country", Str("FR")}}}));
  REQUIRE_OK(e.UpdateCampaign(both, Camp("Both", {"US"})));
  REQUIRE_OK(e.RemoveFromSegment(f.us, 1));
  CHECK(*e.CampaignAudienceCount(both) == 2);
  REQUIRE_ERROR(e.CampaignAudienceCount(42), StatusCode::kNotFound, "campaign");
}

TEST_CASE("campaign actions are performed or recorded", "[engine]") {
  Fixture f;
  Engine& e = *f.engine;
  const SegmentId high =
      MakeSegment(e, Public("High", {F("score", Op::kGte, int64_t{10})}));
  REQUIRE_OK(e.CreateCategory("Lifecycle"));
  SegmentDefinition cold = Def("Cold", {});
  cold.category = "Lifecycle";
  SegmentDefinition warm = Def("Warm", {});
  warm.category = "Lifecycle";
  const SegmentId cold_id = MakeSegment(e, cold);
  const SegmentId warm_id = MakeSegment(e, warm);
  CampaignDefinition def = Camp("Nurture", {"US"}, {"Cold", "Warm"});
  def.status = CampaignStatus::kPaused;  // actions are accepted in any status
  const CampaignId c = MakeCampaign(e, def);

  SECTION("host actions") {
    REQUIRE_OK(e.RecordCampaignAction(c, Host(ActionKind::kEmailSent, 1, 5)));
    REQUIRE_OK(e.RecordCampaignAction(c, Host(ActionKind::kEmailSent, 1, 3)));
    auto opened = e.RecordCampaignAction(c, Host(ActionKind::kEmailOpened, 1));
    REQUIRE_OK(opened);
    CHECK(opened->changes.empty());
    auto p = e.LeadCampaigns(1);
    REQUIRE_OK(p);
    REQUIRE(p->size() == 1);
    CHECK((*p)[0].campaign == c);
    CHECK((*p)[0].actions[size_t(ActionKind::kEmailSent)] == 2);
    CHECK((*p)[0].actions[size_t(ActionKind::kEmailOpened)] == 1);
    CHECK((*p)[0].last_action == kNow);  // no ts: the engine's clock
    CHECK(e.LeadCampaigns(2)->empty());
    REQUIRE_ERROR(e.RecordCampaignAction(c, Host(ActionKind::kSmsSent, 77)),
                  StatusCode::kNotFound, "unknown lead 77");
    REQUIRE_ERROR(e.RecordCampaignAction(9, Host(ActionKind::kSmsSent, 1)),
                  StatusCode::kNotFound, "campaign");
    REQUIRE_ERROR(e.LeadCampaigns(77), StatusCode::kNotFound, "lead");
  }
  SECTION("score changes flow through the filters") {
    CampaignAction score{.kind = ActionKind::kChangeScore, .lead = 2};
    score.score_delta = 15;
    auto r = e.RecordCampaignAction(c, score);
    REQUIRE_OK(r);
    CHECK(MovedBy(r->changes) == std::vector<Moved>{{high, 2, kIn}});
    CHECK(r->changes[0].cause == ChangeCause::kFilter);
    CHECK(std::get<int64_t>(e.GetLead(2)->fields.at("score")) == 15);
    // An empty score counts as 0.
    REQUIRE_OK(e.PatchLead({.id = 3, .unset = {"score"}}));
    score.lead = 3;
    score.score_delta = -4;
    REQUIRE_OK(e.RecordCampaignAction(c, score));
    CHECK(std::get<int64_t>(e.GetLead(3)->fields.at("score")) == -4);
    score.score_delta = INT64_MIN;
    REQUIRE_ERROR(e.RecordCampaignAction(c, score),
                  StatusCode::kInvalidArgument, "overflows");
    CHECK(e.LeadCampaigns(3)->at(0).actions[0] == 1);  // the failure: none
  }
  SECTION("segment actions and transfers") {
    CampaignAction add{.kind = ActionKind::kAddToSegment, .lead = 4};
    add.segment = cold_id;
    auto added = e.RecordCampaignAction(c, add);
    REQUIRE_OK(added);
    CHECK(MovedBy(added->changes) == std::vector<Moved>{{cold_id, 4, kIn}});
    CHECK(added->changes[0].cause == ChangeCause::kManual);

    CampaignAction move{.kind = ActionKind::kTransfer, .lead = 4};
    move.from = cold_id;
    move.to = warm_id;
    auto moved = e.RecordCampaignAction(c, move);
    REQUIRE_OK(moved);
    CHECK(MovedBy(moved->changes) ==
          std::vector<Moved>{{cold_id, 4, kOut}, {warm_id, 4, kIn}});
    CHECK(moved->changes[0].cause == ChangeCause::kTransfer);
    CHECK(*e.ActiveSegment(4, "lifecycle") == warm_id);

    // Not a member of the source: refused, nothing recorded.
    move.lead = 5;
    REQUIRE_ERROR(e.RecordCampaignAction(c, move),
                  StatusCode::kFailedPrecondition, "not a member of \"Cold\"");
    CHECK(e.LeadCampaigns(5)->empty());
    CampaignAction remove{.kind = ActionKind::kRemoveFromSegment, .lead = 4};
    remove.segment = warm_id;
    REQUIRE_OK(e.RecordCampaignAction(c, remove));
    CHECK(MembersOf(e, warm_id).empty());
    remove.segment = 999;
    REQUIRE_ERROR(e.RecordCampaignAction(c, remove), StatusCode::kNotFound,
                  "segment");
    auto p = e.LeadCampaigns(4);
    REQUIRE_OK(p);
    CHECK((*p)[0].actions[size_t(ActionKind::kAddToSegment)] == 1);
    CHECK((*p)[0].actions[size_t(ActionKind::kTransfer)] == 1);
    CHECK((*p)[0].actions[size_t(ActionKind::kRemoveFromSegment)] == 1);
  }
  SECTION("deleting a lead drops its participation") {
    REQUIRE_OK(e.RecordCampaignAction(c, Host(ActionKind::kCustom, 6)));
    REQUIRE_OK(e.DeleteLead(6));
    REQUIRE_OK(e.UpsertLead({6, {{"country", Str("US")}}}));
    CHECK(e.LeadCampaigns(6)->empty());
    // Upserts keep it.
    REQUIRE_OK(e.RecordCampaignAction(c, Host(ActionKind::kCustom, 6)));
    REQUIRE_OK(e.UpsertLead({6, {{"country", Str("DE")}}}));
    CHECK(e.LeadCampaigns(6)->size() == 1);
  }
}

TEST_CASE("one action for many leads is one mutation", "[engine]") {
  Fixture f;
  Engine& e = *f.engine;
  REQUIRE_OK(e.CreateCategory("Lifecycle"));
  SegmentDefinition cold = Def("Cold", {F("country", Op::kEq, "US")});
  cold.category = "Lifecycle";
  SegmentDefinition warm = Def("Warm", {});
  warm.category = "Lifecycle";
  const SegmentId cold_id = MakeSegment(e, cold);
  const SegmentId warm_id = MakeSegment(e, warm);
  const CampaignId c = MakeCampaign(e, Camp("Nurture", {"US"}, {"Warm"}));
  const std::vector<LeadId> us = {1, 2, 3};

  auto sent =
      e.RecordCampaignActions(c, {.kind = ActionKind::kEmailSent, .ts = 7}, us);
  REQUIRE_OK(sent);
  CHECK(sent->changes.empty());
  CampaignAction move{.kind = ActionKind::kTransfer};
  move.from = cold_id;
  move.to = warm_id;
  auto moved = e.RecordCampaignActions(c, move, us);
  REQUIRE_OK(moved);
  CHECK(moved->changes.size() == 6);
  CHECK(MembersOf(e, warm_id) == Ids({1, 2, 3}));
  CampaignAction score{.kind = ActionKind::kChangeScore};
  score.score_delta = 5;
  REQUIRE_OK(e.RecordCampaignActions(c, score, us));
  REQUIRE_OK(e.RecordCampaignActions(c, score, std::vector<LeadId>{1}));
  CHECK(std::get<int64_t>(e.GetLead(1)->fields.at("score")) == 10);
  CHECK(std::get<int64_t>(e.GetLead(2)->fields.at("score")) == 5);
  CampaignAction remove{.kind = ActionKind::kRemoveFromSegment};
  remove.segment = warm_id;
  auto removed = e.RecordCampaignActions(c, remove, std::vector<LeadId>{3, 2});
  REQUIRE_OK(removed);
  CHECK(MovedBy(removed->changes) ==
        std::vector<Moved>{{warm_id, 2, kOut}, {warm_id, 3, kOut}});
  for (LeadId id : us) {
    auto p = e.LeadCampaigns(id);
    REQUIRE_OK(p);
    CHECK((*p)[0].actions[size_t(ActionKind::kEmailSent)] == 1);
    CHECK((*p)[0].actions[size_t(ActionKind::kTransfer)] == 1);
    CHECK((*p)[0].actions[size_t(ActionKind::kChangeScore)] ==
          (id == 1 ? 2 : 1));
  }
  CHECK(e.Stats(warm_id)->by_campaign[0].participated == 1);

  // All or nothing: a bad item names itself and records nothing.
  REQUIRE_ERROR(e.RecordCampaignActions(c, {.kind = ActionKind::kSmsSent},
                                        std::vector<LeadId>{4, 99}),
                StatusCode::kNotFound, "leads[1]: unknown lead 99");
  REQUIRE_ERROR(e.RecordCampaignActions(c, {.kind = ActionKind::kSmsSent},
                                        std::vector<LeadId>{4, 5, 4}),
                StatusCode::kInvalidArgument, "listed more than once");
  move.from = warm_id;
  move.to = cold_id;
  REQUIRE_ERROR(e.RecordCampaignActions(c, move, std::vector<LeadId>{1, 2}),
                StatusCode::kFailedPrecondition,
                "leads[1]: lead 2 is not a member of \"Warm\"");
  score.score_delta = INT64_MAX;
  REQUIRE_ERROR(e.RecordCampaignActions(c, score, std::vector<LeadId>{4, 1}),
                StatusCode::kInvalidArgument, "leads[1]: score 10 + ");
  CHECK(e.LeadCampaigns(4)->empty());
  CHECK(MembersOf(e, warm_id) == Ids({1}));
  CHECK(std::get<int64_t>(e.GetLead(1)->fields.at("score")) == 10);
}

TEST_CASE("segments used by campaigns", "[engine]") {
  Fixture f;
  Engine& e = *f.engine;
  SECTION("a source of an active campaign stays public") {
    const CampaignId live = MakeCampaign(e, Camp("Live", {"US"}));
    CampaignDefinition later = Camp("Later", {"US"});
    later.start = kNow + 10;
    MakeCampaign(e, later);
    SegmentDefinition closed = Def("US", {F("country", Op::kEq, "US")});
    REQUIRE_ERROR(e.UpdateSegment(f.us, closed),
                  StatusCode::kFailedPrecondition,
                  "source of active campaigns \"Live\"");
    CHECK(e.GetSegment(f.us)->definition.is_public);
    // Other edits are fine, and so is going private once nothing active
    // uses it as a source (a campaign not started yet does not count).
    REQUIRE_OK(e.UpdateSegment(f.us, Public("US", {})));
    CampaignDefinition paused = Camp("Live", {"US"});
    paused.status = CampaignStatus::kPaused;
    REQUIRE_OK(e.UpdateCampaign(live, paused));
    REQUIRE_OK(e.UpdateSegment(f.us, closed));
  }
  SECTION("workflow use does not need public") {
    MakeCampaign(e, Camp("Live", {"DE"}, {"US"}));
    REQUIRE_OK(e.UpdateSegment(f.us, Def("US", {})));
  }
  SECTION("an ended campaign does not hold a segment public") {
    CampaignDefinition ended = Camp("Ended", {"US"});
    ended.end = kNow - 1;
    MakeCampaign(e, ended);
    REQUIRE_OK(e.UpdateSegment(f.us, Def("US", {})));
  }
  SECTION("deletes are refused unless forced") {
    CampaignDefinition draft = Camp("Draft", {"DE"}, {"Hidden"});
    draft.status = CampaignStatus::kDraft;
    const CampaignId d = MakeCampaign(e, draft);
    const CampaignId other = MakeCampaign(e, Camp("Other", {"US"}));
    REQUIRE_ERROR(e.DeleteSegment(f.hidden), StatusCode::kFailedPrecondition,
                  "used by campaigns \"Draft\"");
    REQUIRE_ERROR(e.DeleteSegment(f.de), StatusCode::kFailedPrecondition,
                  "\"Draft\"");
    CHECK(e.GetSegment(f.de).ok());
    auto forced = e.DeleteSegment(f.de, /*force=*/true);
    REQUIRE_OK(forced);
    CHECK(forced->detached_campaigns == std::vector<CampaignId>{d});
    CHECK(forced->changes.size() == 3);  // its members left
    CHECK(e.GetCampaign(d)->definition.sources.empty());
    CHECK(e.GetCampaign(d)->definition.workflow_segments ==
          std::vector<std::string>{"Hidden"});
    CHECK(e.GetCampaign(other)->definition.sources ==
          std::vector<std::string>{"US"});
    // An unused segment needs no force and detaches nothing.
    MakeSegment(e, Def("Spare", {}));
    auto spare = e.DeleteSegment(*e.FindSegment("Spare"), true);
    REQUIRE_OK(spare);
    CHECK(spare->detached_campaigns.empty());
  }
  SECTION("force never overrides filter references") {
    MakeSegment(e, Def("Reads US", {Condition::Segment("US", Op::kMember)}));
    MakeCampaign(e, Camp("Uses US", {"US"}));
    REQUIRE_ERROR(e.DeleteSegment(f.us, true), StatusCode::kFailedPrecondition,
                  "referenced by the filters of \"Reads US\"");
    CHECK(e.GetCampaign(*e.FindCampaign("Uses US"))->definition.sources ==
          std::vector<std::string>{"US"});
  }
}

}  // namespace
}  // namespace audience::testing
