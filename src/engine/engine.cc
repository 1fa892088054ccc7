// The public facade: a reader/writer lock around EngineCore.
#include "audience/engine.h"

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/engine_core.h"

namespace audience {

class Engine::Impl {
 public:
  explicit Impl(const EngineOptions& options) : core(options) {}

  absl::Mutex mu;
  EngineCore core ABSL_GUARDED_BY(mu);
};

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  return std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(options)));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

#define AUDIENCE_READ                     \
  absl::ReaderMutexLock lock(&impl_->mu); \
  const EngineCore& core = impl_->core
#define AUDIENCE_WRITE                    \
  absl::WriterMutexLock lock(&impl_->mu); \
  EngineCore& core = impl_->core

absl::Status Engine::DefineField(std::string_view name, FieldType type) {
  AUDIENCE_WRITE;
  return core.DefineField(name, type);
}

std::vector<FieldDefinition> Engine::Fields() const {
  AUDIENCE_READ;
  return core.Fields();
}

absl::StatusOr<CategoryId> Engine::CreateCategory(std::string_view name) {
  AUDIENCE_WRITE;
  return core.CreateCategory(name);
}

absl::Status Engine::RenameCategory(std::string_view name,
                                    std::string_view new_name) {
  AUDIENCE_WRITE;
  return core.RenameCategory(name, new_name);
}

absl::Status Engine::DeleteCategory(std::string_view name) {
  AUDIENCE_WRITE;
  return core.DeleteCategory(name);
}

std::vector<Category> Engine::Categories() const {
  AUDIENCE_READ;
  return core.Categories();
}

absl::StatusOr<MutationResult> Engine::CreateSegment(
    const SegmentDefinition& def) {
  AUDIENCE_WRITE;
  return core.CreateSegment(def);
}

absl::StatusOr<MutationResult> Engine::UpdateSegment(
    SegmentId id, const SegmentDefinition& def) {
  AUDIENCE_WRITE;
  return core.UpdateSegment(id, def);
}

absl::StatusOr<MutationResult> Engine::DeleteSegment(SegmentId id) {
  AUDIENCE_WRITE;
  return core.DeleteSegment(id);
}

absl::StatusOr<SegmentId> Engine::FindSegment(std::string_view name) const {
  AUDIENCE_READ;
  return core.FindSegment(name);
}

absl::StatusOr<Segment> Engine::GetSegment(SegmentId id) const {
  AUDIENCE_READ;
  return core.GetSegment(id);
}

std::vector<Segment> Engine::ListSegments() const {
  AUDIENCE_READ;
  return core.ListSegments();
}

absl::StatusOr<MutationResult> Engine::UpsertLead(const Lead& lead) {
  AUDIENCE_WRITE;
  return core.UpsertLead(lead);
}

absl::StatusOr<MutationResult> Engine::PatchLead(const LeadPatch& patch) {
  AUDIENCE_WRITE;
  return core.PatchLead(patch);
}

absl::StatusOr<MutationResult> Engine::DeleteLead(LeadId id) {
  AUDIENCE_WRITE;
  return core.DeleteLead(id);
}

absl::StatusOr<Lead> Engine::GetLead(LeadId id) const {
  AUDIENCE_READ;
  return core.GetLead(id);
}

size_t Engine::LeadCount() const {
  AUDIENCE_READ;
  return core.LeadCount();
}

absl::StatusOr<MutationResult> Engine::RecordEvent(const Event& event) {
  AUDIENCE_WRITE;
  return core.RecordEvent(event);
}

absl::StatusOr<LoadReport> Engine::LoadLeads(std::string_view ndjson,
                                             std::string_view source) {
  AUDIENCE_WRITE;
  return core.LoadLeads(ndjson, source);
}

absl::StatusOr<LoadReport> Engine::LoadEvents(std::string_view ndjson,
                                              std::string_view source) {
  AUDIENCE_WRITE;
  return core.LoadEvents(ndjson, source);
}

Timestamp Engine::Now() const {
  AUDIENCE_READ;
  return core.Now();
}

absl::StatusOr<MutationResult> Engine::AdvanceClock(Timestamp now) {
  AUDIENCE_WRITE;
  return core.AdvanceClock(now);
}

absl::StatusOr<uint64_t> Engine::Count(SegmentId segment) const {
  AUDIENCE_READ;
  return core.Count(segment);
}

absl::StatusOr<bool> Engine::Contains(SegmentId segment, LeadId lead) const {
  AUDIENCE_READ;
  return core.Contains(segment, lead);
}

absl::StatusOr<MembersPage> Engine::Members(SegmentId segment,
                                            std::optional<LeadId> after,
                                            size_t limit) const {
  AUDIENCE_READ;
  return core.MembersOf(segment, after, limit);
}

absl::StatusOr<Explanation> Engine::Explain(LeadId lead,
                                            SegmentId segment) const {
  AUDIENCE_READ;
  return core.Explain(lead, segment);
}

absl::StatusOr<Preview> Engine::PreviewSegment(const SegmentDefinition& def,
                                               size_t limit) const {
  AUDIENCE_READ;
  return core.PreviewSegment(def, limit);
}

MemoryStats Engine::Memory() const {
  AUDIENCE_READ;
  return core.Memory();
}

#undef AUDIENCE_READ
#undef AUDIENCE_WRITE

}  // namespace audience
