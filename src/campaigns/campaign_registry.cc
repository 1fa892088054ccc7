#include "campaigns/campaign_registry.h"

#include <algorithm>

namespace audience {

bool CampaignState::IsSource(SegmentId segment) const {
  return std::find(sources.begin(), sources.end(), segment) != sources.end();
}

bool CampaignState::Uses(SegmentId segment) const {
  return IsSource(segment) ||
         std::find(workflow.begin(), workflow.end(), segment) != workflow.end();
}

bool CampaignState::ActiveAt(Timestamp now) const {
  return status == CampaignStatus::kActive && start <= now &&
         (!end || now <= *end);
}

bool CampaignState::HasRunAt(Timestamp now) const {
  return status == CampaignStatus::kCompleted ||
         (status != CampaignStatus::kDraft && end && *end < now);
}

CampaignState* CampaignRegistry::Find(CampaignId id) {
  auto it = campaigns_.find(id);
  return it == campaigns_.end() ? nullptr : it->second.get();
}

const CampaignState* CampaignRegistry::Find(CampaignId id) const {
  auto it = campaigns_.find(id);
  return it == campaigns_.end() ? nullptr : it->second.get();
}

CampaignState& CampaignRegistry::Insert(std::unique_ptr<CampaignState> state) {
  state->id = next_id_++;
  names_.Insert(state->name, state->id);
  CampaignState& s = *state;
  campaigns_[s.id] = std::move(state);
  return s;
}

void CampaignRegistry::Redefine(CampaignId id,
                                std::unique_ptr<CampaignState> definition) {
  CampaignState& s = *campaigns_.at(id);
  names_.Erase(s.name);
  names_.Insert(definition->name, id);
  s.name = std::move(definition->name);
  s.status = definition->status;
  s.start = definition->start;
  s.end = definition->end;
  s.sources = std::move(definition->sources);
  s.workflow = std::move(definition->workflow);
}

void CampaignRegistry::Erase(CampaignId id) {
  auto it = campaigns_.find(id);
  names_.Erase(it->second->name);
  campaigns_.erase(it);
}

std::vector<CampaignState*> CampaignRegistry::UsersOf(SegmentId segment) {
  std::vector<CampaignState*> out;
  for (auto& [id, c] : campaigns_) {
    if (c->Uses(segment)) out.push_back(c.get());
  }
  return out;
}

std::vector<const CampaignState*> CampaignRegistry::UsersOf(
    SegmentId segment) const {
  std::vector<const CampaignState*> out;
  for (const auto& [id, c] : campaigns_) {
    if (c->Uses(segment)) out.push_back(c.get());
  }
  return out;
}

void CampaignRegistry::ForgetRows(const Roaring& rows) {
  for (auto& [id, c] : campaigns_) c->participation.Forget(rows);
}

void CampaignRegistry::Restore(std::unique_ptr<CampaignState> state) {
  names_.Insert(state->name, state->id);
  const CampaignId id = state->id;
  campaigns_[id] = std::move(state);
}

}  // namespace audience
