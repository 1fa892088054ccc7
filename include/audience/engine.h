// The engine: leads, segments, categories, campaigns and the clock, behind
// one facade.
//
// An Engine is safe for concurrent access from multiple threads without
// external synchronization: queries (const methods) run concurrently with
// each other, mutations are serialised, and every query sees the state before
// or after a mutation, never in between.
//
// Every call that can fail returns absl::Status / absl::StatusOr; no
// exception crosses this API. A failed mutation leaves the engine unchanged.
// Running out of memory is fatal (CRoaring and the standard library abort).
//
// With a data directory (EngineOptions::data_dir) every successful mutation
// is appended to the journal before it returns; if that write fails the
// mutation returns the error, its effect stays in memory but not on disk,
// and every later mutation fails with that error (reopen to recover).
#ifndef AUDIENCE_ENGINE_H_
#define AUDIENCE_ENGINE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <roaring/roaring64map.hh>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audience/campaign.h"
#include "audience/durability.h"
#include "audience/lead.h"
#include "audience/membership.h"
#include "audience/options.h"
#include "audience/schema.h"
#include "audience/segment.h"
#include "audience/types.h"

namespace audience {

// Receives the membership changes of one mutation (see MutationResult).
using ChangeListener =
    std::function<void(const std::vector<MembershipChange>& changes)>;
using ListenerId = uint64_t;

class Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // --- Schema -------------------------------------------------------------

  // Declares a custom field. `id` is reserved; names are case-sensitive.
  // ALREADY_EXISTS when the name is taken (standard fields included);
  // INVALID_ARGUMENT for a name that is empty, over 128 bytes, has leading or
  // trailing white space or holds a control character.
  absl::Status DefineField(std::string_view name, FieldType type);
  std::vector<FieldDefinition> Fields() const;

  // --- Categories ---------------------------------------------------------

  absl::StatusOr<CategoryId> CreateCategory(std::string_view name);
  absl::Status RenameCategory(std::string_view name, std::string_view new_name);
  // FAILED_PRECONDITION while a segment uses the category (names them).
  absl::Status DeleteCategory(std::string_view name);
  std::vector<Category> Categories() const;  // by id

  // --- Segments -----------------------------------------------------------

  // Validates and saves the segment, then evaluates it; its initial members
  // are reported as entered. INVALID_ARGUMENT names the bad condition
  // ("filters[2]: ..."), NOT_FOUND an unknown category or segment,
  // ALREADY_EXISTS a taken name.
  absl::StatusOr<MutationResult> CreateSegment(const SegmentDefinition& def);
  // Replaces the whole definition and re-evaluates; reports the difference.
  // FAILED_PRECONDITION when it makes non-public a segment that a campaign
  // active now uses as a source (names the campaigns).
  absl::StatusOr<MutationResult> UpdateSegment(SegmentId id,
                                               const SegmentDefinition& def);
  // Deletes permanently; members are reported as left. FAILED_PRECONDITION
  // while other segments' filters reference it (names them; `force` does
  // not help), or while campaigns in any status name it unless `force`: a
  // forced delete detaches it from them and reports them in
  // detached_campaigns.
  absl::StatusOr<MutationResult> DeleteSegment(SegmentId id,
                                               bool force = false);

  // NOT_FOUND when no segment has this name (case-insensitive).
  absl::StatusOr<SegmentId> FindSegment(std::string_view name) const;
  absl::StatusOr<Segment> GetSegment(SegmentId id) const;
  std::vector<Segment> ListSegments() const;  // by id

  // --- Leads and activity -------------------------------------------------

  // Creates or replaces a lead (fields left out become empty).
  // INVALID_ARGUMENT for an undeclared field or a value of the wrong type.
  absl::StatusOr<MutationResult> UpsertLead(const Lead& lead);
  // NOT_FOUND for an unknown lead.
  absl::StatusOr<MutationResult> PatchLead(const LeadPatch& patch);
  // Removes the lead with its events and overrides; memberships are left.
  absl::StatusOr<MutationResult> DeleteLead(LeadId id);
  absl::StatusOr<Lead> GetLead(LeadId id) const;  // only non-empty fields
  size_t LeadCount() const;

  // Batches, for bulk syncs from the host's database: the same checks as
  // the single calls, all made before anything changes (an error names the
  // item, "patches[3]: ..."), then applied in order as one mutation whose
  // changes are the net difference. A batch of patches sees the tags that
  // earlier patches of the same lead leave. DeleteLeads refuses a lead
  // listed twice.
  absl::StatusOr<MutationResult> UpsertLeads(std::span<const Lead> leads);
  absl::StatusOr<MutationResult> PatchLeads(std::span<const LeadPatch> patches);
  absl::StatusOr<MutationResult> DeleteLeads(std::span<const LeadId> ids);

  // Records an event. NOT_FOUND for an unknown lead.
  absl::StatusOr<MutationResult> RecordEvent(const Event& event);

  // Bulk loads from NDJSON text: one lead object ({"id": 7, "email": ...})
  // or one event object ({"lead": 7, "type": ..., "object": ..., "ts": ...})
  // per line. Bad lines are rejected and named ("<source>:<line>: ..."), the
  // rest load; blank lines are skipped. Cost: faster per lead than UpsertLead,
  // segments are re-evaluated once at the end.
  absl::StatusOr<LoadReport> LoadLeads(std::string_view ndjson,
                                       std::string_view source = "leads");
  absl::StatusOr<LoadReport> LoadEvents(std::string_view ndjson,
                                        std::string_view source = "events");

  // --- Manual membership and transfers ------------------------------------

  // members = (matches ∪ added) \ removed: adding clears a manual removal,
  // removing clears a manual add, and filters never undo either. Adding a
  // member or removing a non-member still records the override. Changes
  // have cause kManual. NOT_FOUND for an unknown segment or lead.
  absl::StatusOr<MutationResult> AddToSegment(SegmentId segment, LeadId lead);
  absl::StatusOr<MutationResult> RemoveFromSegment(SegmentId segment,
                                                   LeadId lead);
  // Moves leads from `from` to `to` (cause kTransfer). Each lead must be a
  // member of `from` (FAILED_PRECONDITION, naming it; nothing changes).
  // Across categories (or with an uncategorised segment) the lead is added
  // to `to` and stays in `from`; within one category it is added to `to`,
  // removed from `from`, and `to` becomes its active segment there.
  // INVALID_ARGUMENT when from == to.
  absl::StatusOr<MutationResult> Transfer(std::span<const LeadId> leads,
                                          SegmentId from, SegmentId to);
  // The segment a transfer last made the lead's active one in `category`
  // (nullopt if none, or once that segment is deleted).
  absl::StatusOr<std::optional<SegmentId>> ActiveSegment(
      LeadId lead, std::string_view category) const;

  // --- Campaigns ----------------------------------------------------------

  // Validates and saves a campaign. INVALID_ARGUMENT for a bad name, a
  // missing start or end < start; NOT_FOUND for an unknown segment;
  // FAILED_PRECONDITION for a source that is not public; ALREADY_EXISTS for
  // a taken name.
  absl::StatusOr<CampaignId> CreateCampaign(const CampaignDefinition& def);
  // Replaces the whole definition (same checks); participation is kept.
  absl::Status UpdateCampaign(CampaignId id, const CampaignDefinition& def);
  // Deletes the campaign and its participation records.
  absl::Status DeleteCampaign(CampaignId id);
  absl::StatusOr<CampaignId> FindCampaign(std::string_view name) const;
  absl::StatusOr<Campaign> GetCampaign(CampaignId id) const;
  std::vector<Campaign> ListCampaigns() const;  // by id

  // The audience: the union of the sources' members, as lead ids.
  absl::StatusOr<Roaring64Map> CampaignAudience(CampaignId id) const;
  absl::StatusOr<uint64_t> CampaignAudienceCount(CampaignId id) const;
  // A page of the audience in ascending lead id order (see Members).
  absl::StatusOr<MembersPage> CampaignAudiencePage(CampaignId id,
                                                   std::optional<LeadId> after,
                                                   size_t limit) const;

  // Performs (score change, segment add / remove, transfer: changes with
  // cause kFilter, kManual and kTransfer) or records (email, SMS, custom) an
  // action of the campaign on a lead, in any campaign status; the lead then
  // has participated in the campaign. NOT_FOUND for an unknown lead or
  // segment; the errors of PatchLead / AddToSegment / Transfer otherwise. A
  // failed action records nothing.
  absl::StatusOr<MutationResult> RecordCampaignAction(
      CampaignId campaign, const CampaignAction& action);
  // The same action (action.lead aside) for many leads as one mutation:
  // every lead is checked first (errors name the item, "leads[3]: ..."; a
  // lead listed twice is INVALID_ARGUMENT), then all are performed and
  // recorded, or none. A batch transfer is Transfer's batch.
  absl::StatusOr<MutationResult> RecordCampaignActions(
      CampaignId campaign, const CampaignAction& action,
      std::span<const LeadId> leads);
  // The lead's participation, by campaign id (campaigns with no action of
  // the lead are left out).
  absl::StatusOr<std::vector<Participation>> LeadCampaigns(LeadId lead) const;

  // --- Statistics and views -----------------------------------------------

  // Totals, campaign counts at the engine's clock and per-campaign usage.
  // Cost: a few bitmap intersections per campaign using the segment.
  absl::StatusOr<SegmentStats> Stats(SegmentId segment) const;
  // The leads tab: members after `after` (exclusive) in ascending lead id
  // order with their details. INVALID_ARGUMENT unless 1 <= limit <= 1000.
  absl::StatusOr<LeadsPage> SegmentLeads(SegmentId segment,
                                         std::optional<LeadId> after,
                                         size_t limit) const;
  // Every segment the lead is in, and its active segments.
  absl::StatusOr<LeadSegments> SegmentsOf(LeadId lead) const;

  // --- Clock --------------------------------------------------------------

  Timestamp Now() const;
  // Moves the clock forward; relative time conditions follow.
  // FAILED_PRECONDITION when `now` is before the current clock; the same
  // time is a no-op.
  absl::StatusOr<MutationResult> AdvanceClock(Timestamp now);

  // --- Queries ------------------------------------------------------------

  absl::StatusOr<uint64_t> Count(SegmentId segment) const;
  absl::StatusOr<bool> Contains(SegmentId segment, LeadId lead) const;
  // Members in ascending lead id order, starting after `after` (exclusive;
  // nullopt = from the start). REQUIRES: limit >= 1. Cost: linear in the
  // segment's size.
  absl::StatusOr<MembersPage> Members(SegmentId segment,
                                      std::optional<LeadId> after,
                                      size_t limit) const;
  // Why `lead` is or is not in `segment`, condition by condition.
  absl::StatusOr<Explanation> Explain(LeadId lead, SegmentId segment) const;
  // Evaluates a definition without saving it. The name may be empty or
  // equal an existing segment's; everything else is validated as
  // CreateSegment does. REQUIRES: 1 <= limit <= 1000.
  absl::StatusOr<Preview> PreviewSegment(const SegmentDefinition& def,
                                         size_t limit) const;
  // What UpdateSegment(segment, def) would make of the segment, without
  // changing anything: its members afterwards (manual overrides kept), and
  // how many would enter and leave. Checked as PreviewSegment checks a
  // definition, plus cycles through `segment`. REQUIRES: 1 <= limit <= 1000.
  absl::StatusOr<Preview> PreviewSegmentUpdate(SegmentId segment,
                                               const SegmentDefinition& def,
                                               size_t limit) const;
  // The campaigns and segments a delete of `segment` would affect.
  absl::StatusOr<SegmentUsage> Usage(SegmentId segment) const;

  // A segment's added, removed and total leads per UTC-aligned hour or day,
  // every bucket overlapping [from, to] (empty ones included), from the
  // changes counted at the engine's clock when each mutation ran.
  // INVALID_ARGUMENT when from > to or the range spans more than 10,000
  // buckets.
  absl::StatusOr<std::vector<HistoryBucket>> LeadsOverTime(
      SegmentId segment, Timestamp from, Timestamp to, BucketWidth width) const;

  // --- Change listeners ---------------------------------------------------

  // Registers a listener. After each mutation that changed memberships
  // (bulk loads included), once it is applied and its lock released, every
  // listener is called with its changes; calls come one mutation at a time,
  // in mutation order, on the mutating thread. A listener may query the
  // engine; a mutation from a listener fails with FAILED_PRECONDITION. The
  // next mutation waits for the listeners, so keep them short.
  ListenerId AddListener(ChangeListener listener);
  // Once this returns the listener is not called again (called from within
  // a listener: from the next mutation on).
  void RemoveListener(ListenerId id);

  // Sizes of the engine's parts, for capacity planning.
  MemoryStats Memory() const;

  // --- Durability (EngineOptions::data_dir) -------------------------------

  // How Open found the data directory (default values without one).
  const RecoveryReport& recovery() const;

  // Writes a snapshot of the current state atomically and starts a new
  // journal, then removes the files it replaces. Queries run meanwhile;
  // mutations wait until the state is serialised. FAILED_PRECONDITION
  // without a data directory.
  absl::StatusOr<SnapshotInfo> Snapshot();

  // Forces every journal record written so far to disk (useful with
  // SyncPolicy::kInterval or kNever). OK without a data directory.
  absl::Status Sync();

  // Verifies a data directory without changing it: every checksum, and the
  // snapshot and journal load and replay into a scratch engine. DATA_LOSS
  // names the file and offset of the first damage.
  static absl::StatusOr<DataDirReport> CheckDataDir(std::string_view dir);

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_H_
