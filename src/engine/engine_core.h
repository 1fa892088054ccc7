// Everything the Engine does, without the locking: the Engine facade holds
// an EngineCore behind its reader/writer mutex.
#ifndef AUDIENCE_ENGINE_ENGINE_CORE_H_
#define AUDIENCE_ENGINE_ENGINE_CORE_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "audience/engine.h"
#include "engine/category_registry.h"
#include "engine/change_collector.h"
#include "engine/segment_catalog.h"
#include "filter/predicate.h"
#include "io/lead_json.h"
#include "store/lead_store.h"

namespace audience {

// Thread safety: none; the caller serialises mutations against everything
// and lets const methods run together.
class EngineCore final : public SegmentMembership {
 public:
  explicit EngineCore(const EngineOptions& options);

  // SegmentMembership
  const Roaring& Members(SegmentId segment) const override;

  // Schema
  absl::Status DefineField(std::string_view name, FieldType type);
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
  absl::StatusOr<MutationResult> DeleteSegment(SegmentId id);
  absl::StatusOr<SegmentId> FindSegment(std::string_view name) const;
  absl::StatusOr<Segment> GetSegment(SegmentId id) const;
  std::vector<Segment> ListSegments() const;

  // Leads
  absl::StatusOr<MutationResult> UpsertLead(const Lead& lead);
  absl::StatusOr<MutationResult> UpsertRecord(const LeadRecord& record);
  absl::StatusOr<MutationResult> PatchLead(const LeadPatch& patch);
  absl::StatusOr<MutationResult> DeleteLead(LeadId id);
  absl::StatusOr<Lead> GetLead(LeadId id) const;
  size_t LeadCount() const { return store_.lead_count(); }
  absl::StatusOr<MutationResult> RecordEvent(const Event& event);
  absl::StatusOr<LoadReport> LoadLeads(std::string_view ndjson,
                                       std::string_view source);
  absl::StatusOr<LoadReport> LoadEvents(std::string_view ndjson,
                                        std::string_view source);

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

  MemoryStats Memory() const;

  // The rows matching a definition checked as PreviewSegment checks it.
  absl::StatusOr<Roaring> EvaluateDefinition(
      const SegmentDefinition& def) const;

  const LeadStore& store() const { return store_; }

 private:
  // A definition checked and compiled, ready to be saved as `self` (nullopt
  // for a new segment).
  absl::StatusOr<std::unique_ptr<SegmentState>> Prepare(
      const SegmentDefinition& def, std::optional<SegmentId> self,
      bool preview) const;
  EvalContext Context() const { return EvalContext{store_, now_, *this}; }
  const SegmentState* FindState(SegmentId id) const;
  absl::StatusOr<const SegmentState*> GetState(SegmentId id) const;
  absl::StatusOr<Row> GetRow(LeadId id) const;
  Segment Describe(const SegmentState& s) const;

  // Re-evaluates `roots` and, in dependency order, every segment reading a
  // segment whose members changed; records the differences.
  void Refresh(const std::vector<SegmentId>& roots, ChangeCause cause,
               ChangeCollector& changes);
  // Point-evaluates one row against every segment, dependencies first.
  void RefreshRow(Row row, ChangeCause cause, ChangeCollector& changes);
  // After a bulk load touching `rows`: per row when few, else everything.
  void RefreshRows(const std::vector<Row>& rows, ChangeCollector& changes);
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
  // Refreshes the memberships of the rows a load touched.
  void FinishLoad(const std::vector<Row>& touched, LoadReport& report);

  EngineOptions options_;
  LeadStore store_;
  CategoryRegistry categories_;
  SegmentCatalog segments_;
  Timestamp now_;
  LeadJsonParser lead_parser_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_ENGINE_CORE_H_
