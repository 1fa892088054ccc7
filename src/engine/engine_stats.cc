// Statistics and views of a segment (design.md §5): totals and campaign
// counts, usage by campaign, the leads tab, a lead's memberships.
#include <algorithm>
#include <tuple>

#include "engine/engine_core.h"
#include "engine/sorted_leads.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace audience {

namespace {
constexpr size_t kMaxPageLimit = 1000;
constexpr size_t kRecentEvents = 10;
}  // namespace

absl::StatusOr<SegmentStats> EngineCore::Stats(SegmentId segment) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  const Roaring& members = s->members();
  SegmentStats stats;
  stats.total_leads = members.cardinality();
  for (const CampaignState* c : campaigns_.UsersOf(segment)) {
    stats.active_campaigns += c->ActiveAt(now_);
    stats.campaigns_participated += c->HasRunAt(now_);
    CampaignUsage usage;
    usage.campaign = c->id;
    usage.participated =
        c->participation.participants().and_cardinality(members);
    if (usage.participated > 0) {
      usage.actions = c->participation.CountWithin(members);
    }
    stats.by_campaign.push_back(usage);
  }
  return stats;
}

absl::StatusOr<LeadsPage> EngineCore::SegmentLeads(SegmentId segment,
                                                   std::optional<LeadId> after,
                                                   size_t limit) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  if (limit < 1 || limit > kMaxPageLimit) {
    return absl::InvalidArgumentError(
        StrCat("limit must be between 1 and ", kMaxPageLimit, ", got ", limit));
  }
  MembersPage ids = SortedLeads(store_, s->members(), after, limit);
  LeadsPage page;
  page.next = ids.next;
  std::vector<Row> rows;
  for (LeadId id : ids.leads) rows.push_back(*store_.Find(id));
  page.leads.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    LeadDetails& d = page.leads[i];
    d.lead = store_.GetLead(rows[i]);
    auto score = d.lead.fields.find("score");
    if (score != d.lead.fields.end())
      d.score = std::get<int64_t>(score->second);
    std::vector<EventRecord> events(store_.activity().EventsOf(rows[i]).begin(),
                                    store_.activity().EventsOf(rows[i]).end());
    const size_t n = std::min(events.size(), kRecentEvents);
    // Newest first; ties by type and object, so pages are reproducible.
    std::partial_sort(events.begin(), events.begin() + n, events.end(),
                      [](const EventRecord& a, const EventRecord& b) {
                        return std::tie(b.ts, a.type, a.has_object, a.object) <
                               std::tie(a.ts, b.type, b.has_object, b.object);
                      });
    for (size_t e = 0; e < n; ++e) {
      const EventRecord& r = events[e];
      d.recent_activity.push_back(
          Event{d.lead.id, std::string(store_.activity().type_name(r.type)),
                r.has_object ? std::optional<int64_t>(r.object) : std::nullopt,
                r.ts});
    }
  }
  // Segment by segment, so each bitmap is walked while it is warm.
  for (const auto& [id, other] : segments_.all()) {
    const Roaring& members = other->members();
    for (size_t i = 0; i < rows.size(); ++i) {
      if (members.contains(rows[i])) page.leads[i].segments.push_back(id);
    }
  }
  for (const auto& [id, c] : campaigns_.all()) {
    const Roaring& participants = c->participation.participants();
    for (size_t i = 0; i < rows.size(); ++i) {
      if (participants.contains(rows[i])) page.leads[i].campaigns.push_back(id);
    }
  }
  return page;
}

absl::StatusOr<LeadSegments> EngineCore::SegmentsOf(LeadId lead) const {
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  LeadSegments out;
  for (const auto& [id, s] : segments_.all()) {
    if (s->members().contains(row)) out.segments.push_back(id);
  }
  out.active_segments = active_.Of(row);
  return out;
}

}  // namespace audience
