// Everything the Engine does, without the locking: the Engine facade holds
// an EngineCore behind its reader/writer mutex.
#ifndef AUDIENCE_ENGINE_ENGINE_CORE_H_
#define AUDIENCE_ENGINE_ENGINE_CORE_H_

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "audience/engine.h"
#include "campaigns/campaign_registry.h"
#include "engine/active_segments.h"
#include "engine/category_registry.h"
#include "engine/change_collector.h"
#include "engine/segment_catalog.h"
#include "engine/touched_rows.h"
#include "engine/watch_index.h"
#include "filter/predicate.h"
#include "io/lead_json.h"
#include "persist/snapshot_file.h"
#include "store/lead_store.h"

namespace audience {

// An error about item i of a list of `count` items: "<what>[i]: <message>"
// (the status as it is when the list holds one item).
absl::Status ItemError(std::string_view what, size_t i, size_t count,
                       const absl::Status& status);

// Thread safety: none; the caller serialises mutations against everything
// and lets const methods run together.
class EngineCore final : public SegmentMembership {
 public:
  explicit EngineCore(const EngineOptions& options);

  // SegmentMembership
  const Roaring& Members(SegmentId segment) const override;

  // Schema
  // `source` as for Schema::Define: kStored when a journal replays it.
  absl::Status DefineField(std::string_view name, FieldType type,
                           FieldSource source = FieldSource::kNew);
  std::vector<FieldDefinition> Fields() const;

  // Categories
  absl::StatusOr<CategoryId> CreateCategory(std::string_view name);
  absl::Status RenameCategory(std::string_view name, std::string_view new_name);
  absl::Status DeleteCategory(std::string_view name);
  std::vector<Category> Categories() const { return categories_.List(); }

  // Segments
  absl::StatusOr<MutationResult> CreateSegment(const SegmentDefinition& def);
  absl::StatusOr<MutationResult> UpdateSegment(SegmentId id,
                                               const SegmentDefinition& def);
  absl::StatusOr<MutationResult> DeleteSegment(SegmentId id, bool force);
  absl::StatusOr<SegmentId> FindSegment(std::string_view name) const;
  absl::StatusOr<Segment> GetSegment(SegmentId id) const;
  std::vector<Segment> ListSegments() const;

  // Leads
  absl::StatusOr<MutationResult> UpsertLeads(std::span<const Lead> leads);
  absl::StatusOr<MutationResult> PatchLeads(std::span<const LeadPatch> patches);
  absl::StatusOr<MutationResult> DeleteLeads(std::span<const LeadId> ids);
  absl::StatusOr<Lead> GetLead(LeadId id) const;
  size_t LeadCount() const { return store_.lead_count(); }
  absl::StatusOr<MutationResult> RecordEvent(const Event& event);
  absl::StatusOr<LoadReport> LoadLeads(std::string_view ndjson,
                                       std::string_view source);
  absl::StatusOr<LoadReport> LoadEvents(std::string_view ndjson,
                                        std::string_view source);

  // Manual membership and transfers
  absl::StatusOr<MutationResult> AddToSegment(SegmentId segment, LeadId lead);
  absl::StatusOr<MutationResult> RemoveFromSegment(SegmentId segment,
                                                   LeadId lead);
  absl::StatusOr<MutationResult> Transfer(std::span<const LeadId> leads,
                                          SegmentId from, SegmentId to);
  absl::StatusOr<std::optional<SegmentId>> ActiveSegment(
      LeadId lead, std::string_view category) const;

  // Campaigns (engine_campaigns.cc)
  absl::StatusOr<CampaignId> CreateCampaign(const CampaignDefinition& def);
  absl::Status UpdateCampaign(CampaignId id, const CampaignDefinition& def);
  absl::Status DeleteCampaign(CampaignId id);
  absl::StatusOr<CampaignId> FindCampaign(std::string_view name) const {
    return campaigns_.names().Lookup(name);
  }
  absl::StatusOr<Campaign> GetCampaign(CampaignId id) const;
  std::vector<Campaign> ListCampaigns() const;
  absl::StatusOr<Roaring64Map> CampaignAudience(CampaignId id) const;
  absl::StatusOr<uint64_t> CampaignAudienceCount(CampaignId id) const;
  absl::StatusOr<MembersPage> CampaignAudiencePage(CampaignId id,
                                                   std::optional<LeadId> after,
                                                   size_t limit) const;
  absl::StatusOr<MutationResult> RecordCampaignActions(
      CampaignId campaign, const CampaignAction& action,
      std::span<const LeadId> leads);
  absl::StatusOr<std::vector<Participation>> LeadCampaigns(LeadId lead) const;

  // Statistics and views (engine_stats.cc)
  absl::StatusOr<SegmentStats> Stats(SegmentId segment) const;
  absl::StatusOr<LeadsPage> SegmentLeads(SegmentId segment,
                                         std::optional<LeadId> after,
                                         size_t limit) const;
  absl::StatusOr<LeadSegments> SegmentsOf(LeadId lead) const;

  // Clock
  Timestamp Now() const { return now_; }
  absl::StatusOr<MutationResult> AdvanceClock(Timestamp now);

  // Queries
  absl::StatusOr<uint64_t> Count(SegmentId segment) const;
  absl::StatusOr<bool> Contains(SegmentId segment, LeadId lead) const;
  absl::StatusOr<MembersPage> MembersOf(SegmentId segment,
                                        std::optional<LeadId> after,
                                        size_t limit) const;
  absl::StatusOr<Explanation> Explain(LeadId lead, SegmentId segment) const;
  absl::StatusOr<Preview> PreviewSegment(const SegmentDefinition& def,
                                         size_t limit) const;
  absl::StatusOr<Preview> PreviewSegmentUpdate(SegmentId id,
                                               const SegmentDefinition& def,
                                               size_t limit) const;
  absl::StatusOr<SegmentUsage> Usage(SegmentId id) const;

  absl::StatusOr<std::vector<HistoryBucket>> LeadsOverTime(
      SegmentId segment, Timestamp from, Timestamp to, BucketWidth width) const;

  MemoryStats Memory() const;

  // Snapshots (engine_snapshot.cc): the whole state as sections; restoring
  // requires a new core and leaves it unusable when it fails.
  void EncodeSnapshot(SnapshotWriter& out) const;
  absl::Status DecodeSnapshot(SnapshotReader& in);
  // Counts for a data directory check.
  size_t SegmentCount() const { return segments_.size(); }
  size_t CampaignCount() const { return campaigns_.all().size(); }

  // The rows matching a definition checked as PreviewSegment checks it.
  absl::StatusOr<Roaring> EvaluateDefinition(
      const SegmentDefinition& def) const;

  const LeadStore& store() const { return store_; }
  // Switches between the watch index and the naive path (see
  // EngineOptions::incremental_index), for side-by-side measurements.
  void set_incremental_index(bool on) { options_.incremental_index = on; }

 private:
  // A definition checked and compiled, ready to be saved as `self` (nullopt
  // for a new segment).
  absl::StatusOr<std::unique_ptr<SegmentState>> Prepare(
      const SegmentDefinition& def, std::optional<SegmentId> self,
      bool preview) const;
  EvalContext Context() const { return EvalContext{store_, now_, *this}; }
  const SegmentState* FindState(SegmentId id) const;
  absl::StatusOr<const CampaignState*> GetCampaignState(CampaignId id) const;
  // A campaign definition checked and resolved, ready to be saved as
  // `self` (nullopt for a new campaign).
  absl::StatusOr<std::unique_ptr<CampaignState>> PrepareCampaign(
      const CampaignDefinition& def, std::optional<CampaignId> self) const;
  // The union of a campaign's sources' members.
  Roaring AudienceRows(const CampaignState& c) const;
  // Performs an engine action of a campaign (score, segments, transfer) on
  // `leads`, whose rows are `rows`.
  absl::StatusOr<MutationResult> PerformAction(const CampaignAction& action,
                                               std::span<const LeadId> leads,
                                               const std::vector<Row>& rows);
  // The rows of `leads` (listed under `what` in errors); unknown leads and
  // a lead listed twice are errors.
  absl::StatusOr<std::vector<Row>> RowsOfLeads(std::span<const LeadId> leads,
                                               std::string_view what) const;
  // Manually adds `rows` to (or removes them from) `segment`, as one
  // mutation.
  absl::StatusOr<MutationResult> OverrideRows(SegmentId segment,
                                              const std::vector<Row>& rows,
                                              bool adding);
  absl::StatusOr<const SegmentState*> GetState(SegmentId id) const;
  absl::StatusOr<Row> GetRow(LeadId id) const;
  Segment Describe(const SegmentState& s) const;

  // Incremental re-evaluation (engine_refresh.cc). Each re-checks what it
  // is given and then, in dependency order, the segments reading a segment
  // whose members changed, for the rows that changed; records every
  // membership change.
  //
  // Point-evaluates one row against `segments` (any order, repeats ok).
  void RecheckRow(Row row, const std::vector<SegmentId>& segments,
                  ChangeCause cause, ChangeCollector& changes);
  struct Recheck {
    bool all = false;  // every live row
    Roaring rows;
  };
  using DirtyRows = absl::flat_hash_map<SegmentId, Recheck>;
  void RecheckRows(DirtyRows dirty, ChangeCause cause,
                   ChangeCollector& changes);
  void RecheckEverything(ChangeCause cause, ChangeCollector& changes);
  // After lead changes: each row against the segments whose answer its
  // field changes can flip (the watch index), or against every segment
  // when the index is off.
  void RecheckTouched(const TouchedRows& touched, ChangeCollector& changes);
  // The segments whose answer a touched row's changes can flip.
  void DirtySegmentsOf(const TouchedRows::Entry& e, SegmentList* dirty) const;
  void RecheckEvent(Row row, std::string_view type,
                    std::optional<int64_t> object, ChangeCollector& changes);
  // Rows whose relative-time answers for `key` can differ between the
  // clock at `from` and at `to`.
  Roaring ClockCrossings(const ClockWatchKey& key, Timestamp from,
                         Timestamp to) const;
  // Watch index upkeep for a saved segment's plan.
  void Register(SegmentId id);
  void Unregister(SegmentId id);
  // Keeps time orders for every relative-time condition's field or event
  // type (idempotent).
  void EnableClockIndexes();

  // Applies a resolved lead change, noting what it touches.
  struct ResolvedPatch;
  absl::StatusOr<ResolvedPatch> Resolve(
      const LeadPatch& patch, absl::flat_hash_map<Row, TagList>& tags) const;
  void Apply(const ResolvedPatch& patch, TouchedRows& touched);
  // Manually adds `rows` to one segment and removes them from another, then
  // re-checks the segments reading the ones whose membership flipped
  // (engine_manual.cc).
  void Override(const Roaring& rows, std::optional<SegmentId> add,
                std::optional<SegmentId> remove, ChangeCause cause,
                ChangeCollector& changes);
  // The rows of `leads`, which must all be members of `source`; the error
  // names the first lead, in list order, that is unknown or not a member.
  absl::StatusOr<Roaring> RowsOfMembers(std::span<const LeadId> leads,
                                        const SegmentState& source) const;

  // Runs the store's upkeep once enough leads changed.
  void MaybeMaintain(size_t changed);
  // Records the changes in the history and hands them out.
  MutationResult Finish(ChangeCollector& changes, uint64_t id = 0);

  // Checks an event and adds it to the log; returns its lead's row.
  absl::StatusOr<Row> AddEvent(const Event& event);
  // Bulk loads: runs `apply` on each NDJSON line, rejecting (and naming)
  // the lines it fails on; collects the rows it touched.
  LoadReport ApplyLines(
      std::string_view ndjson, std::string_view source,
      absl::FunctionRef<absl::StatusOr<Row>(simdjson::padded_string_view)>
          apply,
      std::vector<Row>* touched);
  // Re-checks the rows a load touched: one by one against every segment
  // when few, else every segment as a whole.
  void FinishLoad(const std::vector<Row>& touched, LoadReport& report);

  EngineOptions options_;
  LeadStore store_;
  CategoryRegistry categories_;
  SegmentCatalog segments_;
  CampaignRegistry campaigns_;
  WatchIndex watch_;
  size_t changes_since_maintain_ = 0;
  ActiveSegments active_;
  // Reused between mutations so a small change allocates little.
  std::vector<std::pair<uint64_t, SegmentId>> queue_scratch_;
  SegmentList dirty_scratch_;
  Timestamp now_;
  LeadJsonParser lead_parser_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_ENGINE_CORE_H_
