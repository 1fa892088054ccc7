// Campaigns (design.md §4): the registry, audiences and actions.
#include "engine/engine_core.h"
#include "engine/sorted_leads.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

absl::StatusOr<const CampaignState*> EngineCore::GetCampaignState(
    CampaignId id) const {
  const CampaignState* c = campaigns_.Find(id);
  if (c == nullptr) {
    return absl::NotFoundError(StrCat("unknown campaign id ", id));
  }
  return c;
}

absl::StatusOr<std::unique_ptr<CampaignState>> EngineCore::PrepareCampaign(
    const CampaignDefinition& def, std::optional<CampaignId> self) const {
  auto c = std::make_unique<CampaignState>();
  ASSIGN_OR_RETURN(c->name, campaigns_.names().Check(def.name, self));
  c->status = def.status;
  if (!def.start) return absl::InvalidArgumentError("start is required");
  c->start = *def.start;
  c->end = def.end;
  if (c->end && *c->end < c->start) {
    return absl::InvalidArgumentError(
        StrCat("end (", *c->end, ") is before start (", c->start, ")"));
  }
  auto resolve = [&](const std::vector<std::string>& names,
                     std::string_view key, bool source,
                     std::vector<SegmentId>* out) -> absl::Status {
    for (size_t i = 0; i < names.size(); ++i) {
      absl::StatusOr<SegmentId> id = segments_.names().Lookup(names[i]);
      absl::Status status = id.status();
      if (id.ok() && source && !segments_.Find(*id)->is_public) {
        status = absl::FailedPreconditionError(
            StrCat("segment ", Quote(segments_.Find(*id)->name),
                   " is not public; only public segments can be sources"));
      }
      if (!status.ok()) {
        return absl::Status(status.code(),
                            StrCat(key, "[", i, "]: ", status.message()));
      }
      if (std::find(out->begin(), out->end(), *id) == out->end()) {
        out->push_back(*id);
      }
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(resolve(def.sources, "sources", true, &c->sources));
  RETURN_IF_ERROR(
      resolve(def.workflow_segments, "workflow_segments", false, &c->workflow));
  return c;
}

absl::StatusOr<CampaignId> EngineCore::CreateCampaign(
    const CampaignDefinition& def) {
  ASSIGN_OR_RETURN(auto state, PrepareCampaign(def, std::nullopt));
  return campaigns_.Insert(std::move(state)).id;
}

absl::Status EngineCore::UpdateCampaign(CampaignId id,
                                        const CampaignDefinition& def) {
  RETURN_IF_ERROR(GetCampaignState(id).status());
  ASSIGN_OR_RETURN(auto state, PrepareCampaign(def, id));
  campaigns_.Redefine(id, std::move(state));
  return absl::OkStatus();
}

absl::Status EngineCore::DeleteCampaign(CampaignId id) {
  RETURN_IF_ERROR(GetCampaignState(id).status());
  campaigns_.Erase(id);
  return absl::OkStatus();
}

absl::StatusOr<Campaign> EngineCore::GetCampaign(CampaignId id) const {
  ASSIGN_OR_RETURN(const CampaignState* c, GetCampaignState(id));
  Campaign out;
  out.id = c->id;
  CampaignDefinition& d = out.definition;
  d.name = c->name;
  d.status = c->status;
  d.start = c->start;
  d.end = c->end;
  for (SegmentId s : c->sources) d.sources.push_back(segments_.Find(s)->name);
  for (SegmentId s : c->workflow) {
    d.workflow_segments.push_back(segments_.Find(s)->name);
  }
  return out;
}

std::vector<Campaign> EngineCore::ListCampaigns() const {
  std::vector<Campaign> out;
  for (const auto& [id, c] : campaigns_.all()) out.push_back(*GetCampaign(id));
  return out;
}

Roaring EngineCore::AudienceRows(const CampaignState& c) const {
  std::vector<const Roaring*> members;
  for (SegmentId s : c.sources)
    members.push_back(&segments_.Find(s)->members());
  if (members.empty()) return Roaring();
  return Roaring::fastunion(members.size(), members.data());
}

absl::StatusOr<Roaring64Map> EngineCore::CampaignAudience(CampaignId id) const {
  ASSIGN_OR_RETURN(const CampaignState* c, GetCampaignState(id));
  Roaring64Map out;
  std::vector<uint64_t> ids;
  ForEachRow(AudienceRows(*c),
             [&](Row row) { ids.push_back(store_.lead_id(row)); });
  out.addMany(ids.size(), ids.data());
  return out;
}

absl::StatusOr<uint64_t> EngineCore::CampaignAudienceCount(
    CampaignId id) const {
  ASSIGN_OR_RETURN(const CampaignState* c, GetCampaignState(id));
  return AudienceRows(*c).cardinality();
}

absl::StatusOr<MembersPage> EngineCore::CampaignAudiencePage(
    CampaignId id, std::optional<LeadId> after, size_t limit) const {
  ASSIGN_OR_RETURN(const CampaignState* c, GetCampaignState(id));
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  return SortedLeads(store_, AudienceRows(*c), after, limit);
}

absl::StatusOr<MutationResult> EngineCore::PerformAction(
    const CampaignAction& action, std::span<const LeadId> leads,
    const std::vector<Row>& rows) {
  switch (action.kind) {
    case ActionKind::kChangeScore: {
      const FieldId score = *store_.schema().Find("score");
      std::vector<LeadPatch> patches;
      for (size_t i = 0; i < rows.size(); ++i) {
        const Value current = store_.GetValue(rows[i], score);
        const int64_t* before = std::get_if<int64_t>(&current);
        int64_t after;
        if (__builtin_add_overflow(before ? *before : 0, action.score_delta,
                                   &after)) {
          return ItemError("leads", i, rows.size(),
                           absl::InvalidArgumentError(
                               StrCat("score ", before ? *before : 0, " + ",
                                      action.score_delta, " overflows int64")));
        }
        patches.push_back({.id = leads[i], .set = {{"score", after}}});
      }
      return PatchLeads(patches);
    }
    case ActionKind::kAddToSegment:
      return OverrideRows(action.segment, rows, /*adding=*/true);
    case ActionKind::kRemoveFromSegment:
      return OverrideRows(action.segment, rows, /*adding=*/false);
    case ActionKind::kTransfer:
      return Transfer(leads, action.from, action.to);
    default:  // recorded from the host: nothing to perform
      return MutationResult{};
  }
}

absl::StatusOr<MutationResult> EngineCore::RecordCampaignActions(
    CampaignId campaign, const CampaignAction& action,
    std::span<const LeadId> leads) {
  RETURN_IF_ERROR(GetCampaignState(campaign).status());
  ASSIGN_OR_RETURN(std::vector<Row> rows, RowsOfLeads(leads, "leads"));
  ASSIGN_OR_RETURN(MutationResult result, PerformAction(action, leads, rows));
  CampaignParticipation& participation =
      campaigns_.Find(campaign)->participation;
  const Timestamp ts = action.ts.value_or(now_);
  for (Row row : rows) participation.Record(row, action.kind, ts);
  return result;
}

absl::StatusOr<std::vector<Participation>> EngineCore::LeadCampaigns(
    LeadId lead) const {
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  std::vector<Participation> out;
  for (const auto& [id, c] : campaigns_.all()) {
    if (std::optional<Participation> p = c->participation.Of(row)) {
      p->campaign = id;
      out.push_back(*p);
    }
  }
  return out;
}

}  // namespace audience
