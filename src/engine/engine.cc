// The public facade: a reader/writer lock around EngineCore.
#include "audience/engine.h"

#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/engine_core.h"

namespace audience {

namespace {

// Set while this thread runs a change listener, whose mutations would
// deadlock on the notification order (and reorder notifications).
thread_local bool in_listener = false;

const std::vector<MembershipChange>* ChangesOf(
    const absl::StatusOr<MutationResult>& r) {
  return r.ok() ? &r->changes : nullptr;
}
const std::vector<MembershipChange>* ChangesOf(
    const absl::StatusOr<LoadReport>& r) {
  return r.ok() ? &r->changes : nullptr;
}
template <typename R>
const std::vector<MembershipChange>* ChangesOf(const R&) {
  return nullptr;
}

}  // namespace

class Engine::Impl {
 public:
  explicit Impl(const EngineOptions& options) : core(options) {}

  // Runs a mutation under the writer lock, then hands its changes to the
  // listeners with the lock released. notify_mu is held throughout, so
  // listeners see mutations one at a time and in order.
  template <typename Fn>
  auto Mutate(Fn fn) -> decltype(fn(std::declval<EngineCore&>())) {
    using R = decltype(fn(std::declval<EngineCore&>()));
    if (in_listener) {
      return R(absl::FailedPreconditionError(
          "a change listener cannot mutate the engine"));
    }
    absl::MutexLock order(&notify_mu);
    R result = [&] {
      absl::WriterMutexLock lock(&mu);
      return fn(core);
    }();
    const std::vector<MembershipChange>* changes = ChangesOf(result);
    if (changes != nullptr && !changes->empty()) Notify(*changes);
    return result;
  }

  void Notify(const std::vector<MembershipChange>& changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(notify_mu) {
    std::vector<std::shared_ptr<ChangeListener>> calls;
    {
      absl::MutexLock lock(&listeners_mu);
      for (const auto& [id, listener] : listeners) calls.push_back(listener);
    }
    in_listener = true;
    for (const auto& listener : calls) (*listener)(changes);
    in_listener = false;
  }

  absl::Mutex notify_mu ABSL_ACQUIRED_BEFORE(mu);
  absl::Mutex mu;
  EngineCore core ABSL_GUARDED_BY(mu);

  absl::Mutex listeners_mu;
  std::vector<std::pair<ListenerId, std::shared_ptr<ChangeListener>>> listeners
      ABSL_GUARDED_BY(listeners_mu);
  ListenerId next_listener ABSL_GUARDED_BY(listeners_mu) = 1;
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
#define AUDIENCE_MUTATE(call) \
  return impl_->Mutate([&](EngineCore& core) { return core.call; })

absl::Status Engine::DefineField(std::string_view name, FieldType type) {
  AUDIENCE_MUTATE(DefineField(name, type));
}

std::vector<FieldDefinition> Engine::Fields() const {
  AUDIENCE_READ;
  return core.Fields();
}

absl::StatusOr<CategoryId> Engine::CreateCategory(std::string_view name) {
  AUDIENCE_MUTATE(CreateCategory(name));
}

absl::Status Engine::RenameCategory(std::string_view name,
                                    std::string_view new_name) {
  AUDIENCE_MUTATE(RenameCategory(name, new_name));
}

absl::Status Engine::DeleteCategory(std::string_view name) {
  AUDIENCE_MUTATE(DeleteCategory(name));
}

std::vector<Category> Engine::Categories() const {
  AUDIENCE_READ;
  return core.Categories();
}

absl::StatusOr<MutationResult> Engine::CreateSegment(
    const SegmentDefinition& def) {
  AUDIENCE_MUTATE(CreateSegment(def));
}

absl::StatusOr<MutationResult> Engine::UpdateSegment(
    SegmentId id, const SegmentDefinition& def) {
  AUDIENCE_MUTATE(UpdateSegment(id, def));
}

absl::StatusOr<MutationResult> Engine::DeleteSegment(SegmentId id, bool force) {
  AUDIENCE_MUTATE(DeleteSegment(id, force));
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
  AUDIENCE_MUTATE(UpsertLeads({&lead, 1}));
}

absl::StatusOr<MutationResult> Engine::PatchLead(const LeadPatch& patch) {
  AUDIENCE_MUTATE(PatchLeads({&patch, 1}));
}

absl::StatusOr<MutationResult> Engine::DeleteLead(LeadId id) {
  AUDIENCE_MUTATE(DeleteLeads({&id, 1}));
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
  AUDIENCE_MUTATE(RecordEvent(event));
}

absl::StatusOr<LoadReport> Engine::LoadLeads(std::string_view ndjson,
                                             std::string_view source) {
  AUDIENCE_MUTATE(LoadLeads(ndjson, source));
}

absl::StatusOr<LoadReport> Engine::LoadEvents(std::string_view ndjson,
                                              std::string_view source) {
  AUDIENCE_MUTATE(LoadEvents(ndjson, source));
}

Timestamp Engine::Now() const {
  AUDIENCE_READ;
  return core.Now();
}

absl::StatusOr<MutationResult> Engine::AdvanceClock(Timestamp now) {
  AUDIENCE_MUTATE(AdvanceClock(now));
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

absl::StatusOr<MutationResult> Engine::UpsertLeads(
    std::span<const Lead> leads) {
  AUDIENCE_MUTATE(UpsertLeads(leads));
}

absl::StatusOr<MutationResult> Engine::PatchLeads(
    std::span<const LeadPatch> patches) {
  AUDIENCE_MUTATE(PatchLeads(patches));
}

absl::StatusOr<MutationResult> Engine::DeleteLeads(
    std::span<const LeadId> ids) {
  AUDIENCE_MUTATE(DeleteLeads(ids));
}

absl::StatusOr<MutationResult> Engine::AddToSegment(SegmentId segment,
                                                    LeadId lead) {
  AUDIENCE_MUTATE(AddToSegment(segment, lead));
}

absl::StatusOr<MutationResult> Engine::RemoveFromSegment(SegmentId segment,
                                                         LeadId lead) {
  AUDIENCE_MUTATE(RemoveFromSegment(segment, lead));
}

absl::StatusOr<MutationResult> Engine::Transfer(std::span<const LeadId> leads,
                                                SegmentId from, SegmentId to) {
  AUDIENCE_MUTATE(Transfer(leads, from, to));
}

absl::StatusOr<std::optional<SegmentId>> Engine::ActiveSegment(
    LeadId lead, std::string_view category) const {
  AUDIENCE_READ;
  return core.ActiveSegment(lead, category);
}

absl::StatusOr<std::vector<HistoryBucket>> Engine::LeadsOverTime(
    SegmentId segment, Timestamp from, Timestamp to, BucketWidth width) const {
  AUDIENCE_READ;
  return core.LeadsOverTime(segment, from, to, width);
}

absl::StatusOr<CampaignId> Engine::CreateCampaign(
    const CampaignDefinition& def) {
  AUDIENCE_MUTATE(CreateCampaign(def));
}

absl::Status Engine::UpdateCampaign(CampaignId id,
                                    const CampaignDefinition& def) {
  AUDIENCE_MUTATE(UpdateCampaign(id, def));
}

absl::Status Engine::DeleteCampaign(CampaignId id) {
  AUDIENCE_MUTATE(DeleteCampaign(id));
}

absl::StatusOr<CampaignId> Engine::FindCampaign(std::string_view name) const {
  AUDIENCE_READ;
  return core.FindCampaign(name);
}

absl::StatusOr<Campaign> Engine::GetCampaign(CampaignId id) const {
  AUDIENCE_READ;
  return core.GetCampaign(id);
}

std::vector<Campaign> Engine::ListCampaigns() const {
  AUDIENCE_READ;
  return core.ListCampaigns();
}

absl::StatusOr<Roaring64Map> Engine::CampaignAudience(CampaignId id) const {
  AUDIENCE_READ;
  return core.CampaignAudience(id);
}

absl::StatusOr<uint64_t> Engine::CampaignAudienceCount(CampaignId id) const {
  AUDIENCE_READ;
  return core.CampaignAudienceCount(id);
}

absl::StatusOr<MembersPage> Engine::CampaignAudiencePage(
    CampaignId id, std::optional<LeadId> after, size_t limit) const {
  AUDIENCE_READ;
  return core.CampaignAudiencePage(id, after, limit);
}

absl::StatusOr<MutationResult> Engine::RecordCampaignAction(
    CampaignId campaign, const CampaignAction& action) {
  AUDIENCE_MUTATE(RecordCampaignActions(campaign, action, {&action.lead, 1}));
}

absl::StatusOr<MutationResult> Engine::RecordCampaignActions(
    CampaignId campaign, const CampaignAction& action,
    std::span<const LeadId> leads) {
  AUDIENCE_MUTATE(RecordCampaignActions(campaign, action, leads));
}

absl::StatusOr<std::vector<Participation>> Engine::LeadCampaigns(
    LeadId lead) const {
  AUDIENCE_READ;
  return core.LeadCampaigns(lead);
}

absl::StatusOr<SegmentStats> Engine::Stats(SegmentId segment) const {
  AUDIENCE_READ;
  return core.Stats(segment);
}

absl::StatusOr<LeadsPage> Engine::SegmentLeads(SegmentId segment,
                                               std::optional<LeadId> after,
                                               size_t limit) const {
  AUDIENCE_READ;
  return core.SegmentLeads(segment, after, limit);
}

absl::StatusOr<LeadSegments> Engine::SegmentsOf(LeadId lead) const {
  AUDIENCE_READ;
  return core.SegmentsOf(lead);
}

ListenerId Engine::AddListener(ChangeListener listener) {
  absl::MutexLock lock(&impl_->listeners_mu);
  ListenerId id = impl_->next_listener++;
  impl_->listeners.emplace_back(
      id, std::make_shared<ChangeListener>(std::move(listener)));
  return id;
}

void Engine::RemoveListener(ListenerId id) {
  // Outside a listener, wait for a notification in progress, so the
  // listener is never called after this returns.
  std::optional<absl::MutexLock> order;
  if (!in_listener) order.emplace(&impl_->notify_mu);
  absl::MutexLock lock(&impl_->listeners_mu);
  std::erase_if(impl_->listeners,
                [&](const auto& entry) { return entry.first == id; });
}

MemoryStats Engine::Memory() const {
  AUDIENCE_READ;
  return core.Memory();
}

#undef AUDIENCE_READ
#undef AUDIENCE_MUTATE

}  // namespace audience
