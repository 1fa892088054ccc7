#include "demo_campaign.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace audience::synthetic {

namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since)
      .count();
}

// A small deterministic generator for the campaign simulation.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : state_(seed) {}
  uint64_t Below(uint64_t n) { return Next() % n; }
  bool Chance(double p) {
    return static_cast<double>(Next() & 0xFFFFFF) < p * 0x1000000;
  }

 private:
  uint64_t Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  uint64_t state_;
};

constexpr uint64_t kEmailsPerDay = 2000;
// Openers moved from Cold to Warm per day: the minimum plus a random part of
// the extra.
constexpr uint64_t kMinTransfersPerDay = 150;
constexpr uint64_t kExtraTransfersPerDay = 250;

// One day of the campaign at the engine's clock: emails to random members of
// the audience; some open (recorded as campaign actions and as email_open
// events of email 9000 + day), some of those click and gain 25 points, and
// a few hundred openers still in Cold move to Warm. About 1% of Warm's
// members unsubscribe (a custom action) and are removed from it.
absl::Status CampaignDay(Engine& engine, CampaignId campaign, SegmentId cold,
                         SegmentId warm, int day, Lcg& rng,
                         DemoCampaign& tally) {
  absl::StatusOr<Roaring64Map> audience = engine.CampaignAudience(campaign);
  if (!audience.ok()) return audience.status();
  const uint64_t size = audience->cardinality();
  if (size == 0) return absl::OkStatus();
  const uint64_t emails =
      std::min(kEmailsPerDay, std::max<uint64_t>(1, size / 5));
  absl::Status error;
  auto act = [&](ActionKind kind, LeadId lead) {
    CampaignAction action{.kind = kind, .lead = lead};
    if (kind == ActionKind::kChangeScore) action.score_delta = 25;
    if (kind == ActionKind::kRemoveFromSegment) action.segment = warm;
    if (kind == ActionKind::kTransfer) {
      action.from = cold;
      action.to = warm;
    }
    auto t = Clock::now();
    absl::StatusOr<MutationResult> r =
        engine.RecordCampaignAction(campaign, action);
    tally.ms += Millis(t);
    ++tally.calls;
    if (!r.ok()) {
      error = r.status();
      return false;
    }
    ++tally.actions[static_cast<size_t>(kind)];
    return true;
  };
  const uint64_t max_transfers =
      kMinTransfersPerDay + rng.Below(kExtraTransfersPerDay);
  std::vector<LeadId> to_warm;
  for (uint64_t i = 0; i < emails; ++i) {
    uint64_t lead = 0;
    audience->select(rng.Below(size), &lead);
    if (!act(ActionKind::kEmailSent, lead)) return error;
    if (!rng.Chance(0.35)) continue;
    if (!act(ActionKind::kEmailOpened, lead)) return error;
    Event open;
    open.lead = lead;
    open.type = "email_open";
    open.object = 9000 + day;
    absl::StatusOr<MutationResult> event = engine.RecordEvent(open);
    if (!event.ok()) return event.status();
    if (rng.Chance(0.25)) {
      if (!act(ActionKind::kEmailClicked, lead)) return error;
      if (!act(ActionKind::kChangeScore, lead)) return error;
    }
    absl::StatusOr<bool> in_cold = engine.Contains(cold, lead);
    if (!in_cold.ok()) return in_cold.status();
    if (*in_cold && to_warm.size() < max_transfers &&
        std::find(to_warm.begin(), to_warm.end(), lead) == to_warm.end()) {
      to_warm.push_back(lead);
    }
  }
  // The day's openers move to Warm together, in one batch action; those a
  // click has lifted out of Cold since stay where they are.
  std::erase_if(to_warm, [&](LeadId lead) {
    absl::StatusOr<bool> in = engine.Contains(cold, lead);
    return !in.ok() || !*in;
  });
  CampaignAction transfer{.kind = ActionKind::kTransfer};
  transfer.from = cold;
  transfer.to = warm;
  auto t = Clock::now();
  absl::StatusOr<MutationResult> moved =
      engine.RecordCampaignActions(campaign, transfer, to_warm);
  tally.ms += Millis(t);
  ++tally.calls;
  if (!moved.ok()) return moved.status();
  tally.actions[static_cast<size_t>(ActionKind::kTransfer)] += to_warm.size();
  absl::StatusOr<MembersPage> warm_members =
      engine.Members(warm, std::nullopt, SIZE_MAX);
  if (!warm_members.ok()) return warm_members.status();
  for (LeadId lead : warm_members->leads) {
    if (!rng.Chance(0.01)) continue;
    if (!act(ActionKind::kCustom, lead)) return error;
    if (!act(ActionKind::kRemoveFromSegment, lead)) return error;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DemoCampaign> RunDemoCampaign(Engine& engine) {
  if (absl::StatusOr<CategoryId> c = engine.CreateCategory("Lifecycle");
      !c.ok()) {
    return c.status();
  }
  SegmentDefinition cold_def;
  cold_def.name = "Cold";
  cold_def.category = "Lifecycle";
  cold_def.is_public = true;
  cold_def.filters = {Condition::Field("score", Op::kLt, int64_t{400})};
  SegmentDefinition warm_def;  // no filters: filled by transfers only
  warm_def.name = "Warm";
  warm_def.category = "Lifecycle";
  warm_def.is_public = true;
  absl::StatusOr<MutationResult> cold = engine.CreateSegment(cold_def);
  if (!cold.ok()) return cold.status();
  absl::StatusOr<MutationResult> warm = engine.CreateSegment(warm_def);
  if (!warm.ok()) return warm.status();

  DemoCampaign out;
  out.cold = static_cast<SegmentId>(cold->id);
  out.warm = static_cast<SegmentId>(warm->id);
  out.start = engine.Now();
  out.end = out.start + 30 * kSecondsPerDay;
  CampaignDefinition def;
  def.name = "Autumn nurture";
  def.status = CampaignStatus::kActive;
  def.start = out.start;
  def.end = out.end;
  def.sources = {"Cold", "North America", "VIP"};
  def.workflow_segments = {"Warm"};
  absl::StatusOr<CampaignId> campaign = engine.CreateCampaign(def);
  if (!campaign.ok()) return campaign.status();
  out.campaign = *campaign;
  absl::StatusOr<uint64_t> audience = engine.CampaignAudienceCount(*campaign);
  if (!audience.ok()) return audience.status();
  absl::StatusOr<uint64_t> cold_count = engine.Count(out.cold);
  if (!cold_count.ok()) return cold_count.status();
  out.audience_before = *audience;
  out.cold_before = *cold_count;

  Lcg rng(2026);
  for (int day = 1; day <= kDemoCampaignDays; ++day) {
    absl::Status status =
        engine.AdvanceClock(out.start + day * kSecondsPerDay).status();
    if (status.ok()) {
      status =
          CampaignDay(engine, out.campaign, out.cold, out.warm, day, rng, out);
    }
    if (!status.ok()) return status;
  }
  return out;
}

}  // namespace audience::synthetic
