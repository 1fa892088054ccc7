// The saved campaigns: schedule, the segments they use, participation.
#ifndef AUDIENCE_CAMPAIGNS_CAMPAIGN_REGISTRY_H_
#define AUDIENCE_CAMPAIGNS_CAMPAIGN_REGISTRY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audience/campaign.h"
#include "campaigns/participation.h"
#include "engine/name_index.h"

namespace audience {

struct CampaignState {
  CampaignId id = 0;
  std::string name;
  CampaignStatus status = CampaignStatus::kDraft;
  Timestamp start = 0;
  std::optional<Timestamp> end;
  // Bound by id (a rename keeps them), each listed once, in given order.
  std::vector<SegmentId> sources;
  std::vector<SegmentId> workflow;
  CampaignParticipation participation;

  bool Uses(SegmentId segment) const;  // as source or workflow segment
  bool IsSource(SegmentId segment) const;
  // Status active and start <= now <= end (design.md §4).
  bool ActiveAt(Timestamp now) const;
  // Completed, or ended before `now` in any status but draft.
  bool HasRunAt(Timestamp now) const;
};

class CampaignRegistry {
 public:
  CampaignState* Find(CampaignId id);
  const CampaignState* Find(CampaignId id) const;
  const NameIndex<CampaignId>& names() const { return names_; }

  // Takes the state, giving it the next id.
  CampaignState& Insert(std::unique_ptr<CampaignState> state);
  // Replaces everything but the id and the participation.
  void Redefine(CampaignId id, std::unique_ptr<CampaignState> definition);
  void Erase(CampaignId id);
  // Snapshot restore: takes a state that keeps its id (not in use, below
  // next_id()).
  void Restore(std::unique_ptr<CampaignState> state);
  CampaignId next_id() const { return next_id_; }
  void set_next_id(CampaignId next) { next_id_ = next; }

  // Campaigns naming `segment` as source or workflow segment, by id.
  std::vector<CampaignState*> UsersOf(SegmentId segment);
  std::vector<const CampaignState*> UsersOf(SegmentId segment) const;
  // Drops deleted leads' rows from every campaign's participation.
  void ForgetRows(const Roaring& rows);

  const std::map<CampaignId, std::unique_ptr<CampaignState>>& all() const {
    return campaigns_;
  }

 private:
  std::map<CampaignId, std::unique_ptr<CampaignState>> campaigns_;
  NameIndex<CampaignId> names_{"campaign"};
  CampaignId next_id_ = 1;
};

}  // namespace audience

#endif  // AUDIENCE_CAMPAIGNS_CAMPAIGN_REGISTRY_H_
