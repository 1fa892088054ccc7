// A naive model of design.md's semantics, written independently of the
// engine: leads as maps of values, segments evaluated lead by lead. The
// differential tests drive it and the engine with the same operations and
// compare the answers.
#ifndef AUDIENCE_TESTS_ENGINE_REFERENCE_MODEL_H_
#define AUDIENCE_TESTS_ENGINE_REFERENCE_MODEL_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audience/audience.h"

namespace audience::testing {

struct ModelEvent {
  std::string type;
  std::optional<int64_t> object;
  Timestamp ts = 0;
};

struct ModelLead {
  std::map<std::string, Value> fields;  // non-empty values only
  std::vector<ModelEvent> events;
};

// A campaign as the model keeps it: segments by name (deduplicated), and
// each lead's actions by kind.
struct ModelCampaign {
  CampaignId id = 0;
  CampaignStatus status = CampaignStatus::kDraft;
  Timestamp start = 0;
  std::optional<Timestamp> end;
  std::vector<std::string> sources;
  std::vector<std::string> workflow;
  std::map<LeadId, ActionCounts> actions;

  bool Uses(const std::string& segment) const;
  bool IsSource(const std::string& segment) const;
  bool ActiveAt(Timestamp now) const {
    return status == CampaignStatus::kActive && start <= now &&
           (!end || now <= *end);
  }
  bool HasRunAt(Timestamp now) const {
    return status == CampaignStatus::kCompleted ||
           (status != CampaignStatus::kDraft && end && *end < now);
  }
};

// The segments a definition's filters reference, groups searched.
std::vector<std::string> SegmentReferences(
    const std::vector<Condition>& filters);

class ReferenceModel {
 public:
  explicit ReferenceModel(std::map<std::string, FieldType> schema)
      : schema_(std::move(schema)) {}

  Timestamp now = 0;
  std::map<LeadId, ModelLead> leads;
  // Segments by name (as created); definitions reference others by name.
  std::map<std::string, SegmentDefinition> segments;
  // Manual overrides by segment name; disjoint per segment.
  std::map<std::string, std::set<LeadId>> added;
  std::map<std::string, std::set<LeadId>> removed;
  // Campaigns by name (as created).
  std::map<std::string, ModelCampaign> campaigns;

  // A manual add (remove) clears the lead's removal (add).
  void AddManually(const std::string& segment, LeadId id) {
    removed[segment].erase(id);
    added[segment].insert(id);
  }
  void RemoveManually(const std::string& segment, LeadId id) {
    added[segment].erase(id);
    removed[segment].insert(id);
  }
  // Drops a deleted lead from every override.
  void ForgetLead(LeadId id) {
    leads.erase(id);
    for (auto& [name, ids] : added) ids.erase(id);
    for (auto& [name, ids] : removed) ids.erase(id);
    for (auto& [name, c] : campaigns) c.actions.erase(id);
  }

  // Stores the lead as the engine should: "" and [] are empty, "" tags are
  // dropped, case-insensitive duplicate tags keep the first spelling.
  void Upsert(const Lead& lead);

  // Members of a saved segment, ascending.
  std::set<LeadId> Members(const std::string& segment) const;
  // Members of every saved segment, by name (one evaluation each).
  std::map<std::string, std::set<LeadId>> AllMembers() const;
  // Members of a definition (segment references resolved by name).
  std::set<LeadId> Evaluate(const SegmentDefinition& def) const;
  bool Holds(const Condition& c, LeadId id, const ModelLead& lead) const;

  // Whether `from` reads `target`, directly or transitively.
  bool DependsOn(const std::string& from, const std::string& target) const;
  // Names of segments whose filters reference `name`.
  std::vector<std::string> ReferencedBy(const std::string& name) const;

  static std::string Fold(const std::string& s);

 private:
  std::map<std::string, FieldType> schema_;
  // Members of segments already evaluated during the current Members call.
  mutable std::map<std::string, std::set<LeadId>>* memo_ = nullptr;
};

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_ENGINE_REFERENCE_MODEL_H_
