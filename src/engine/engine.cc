// The public facade: a reader/writer lock around EngineCore.
#include "audience/engine.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/engine_core.h"
#include "persist/data_dir.h"
#include "persist/mutation_records.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

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

  // Runs a mutation under the writer lock, journals it (with a data
  // directory), then hands its changes to the listeners with the lock
  // released. notify_mu is held throughout, so listeners see mutations one
  // at a time and in order, and the journal receives them in that order.
  template <typename Fn, typename Rec>
  auto Mutate(Fn fn, Rec rec) -> decltype(fn(std::declval<EngineCore&>())) {
    using R = decltype(fn(std::declval<EngineCore&>()));
    if (in_listener) {
      return R(absl::FailedPreconditionError(
          "a change listener cannot mutate the engine"));
    }
    absl::MutexLock order(&notify_mu);
    std::string record;
    if (dir != nullptr) {
      if (!broken.ok()) return R(broken);
      // Encoded before it runs, so one too large to journal never runs.
      record = rec();
      if (record.size() > kMaxRecordBytes) {
        return R(absl::ResourceExhaustedError(
            StrCat("the mutation's journal record would take ", record.size(),
                   " bytes, over the limit of ", kMaxRecordBytes)));
      }
    }
    R result = [&] {
      absl::WriterMutexLock lock(&mu);
      R r = fn(core);
      if (dir != nullptr && r.ok()) {
        absl::Status journaled = dir->Append(record);
        if (!journaled.ok()) {
          broken = journaled;
          return R(journaled);
        }
      }
      return r;
    }();
    // Readers may see the mutation before it is on disk; its caller hears
    // of it only after.
    if (dir != nullptr && result.ok()) {
      absl::Status synced = dir->Commit();
      if (!synced.ok()) {
        broken = synced;
        return R(synced);
      }
    }
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

  absl::Mutex snapshot_mu ABSL_ACQUIRED_BEFORE(notify_mu);
  absl::Mutex notify_mu ABSL_ACQUIRED_BEFORE(mu);
  absl::Mutex mu;
  EngineCore core ABSL_GUARDED_BY(mu);

  // Durability: set once by Open; the journal is written under notify_mu.
  std::unique_ptr<DataDir> dir;
  RecoveryReport recovery;
  // The first journal failure; every later mutation fails with it.
  absl::Status broken ABSL_GUARDED_BY(notify_mu);

  absl::Mutex listeners_mu;
  std::vector<std::pair<ListenerId, std::shared_ptr<ChangeListener>>> listeners
      ABSL_GUARDED_BY(listeners_mu);
  ListenerId next_listener ABSL_GUARDED_BY(listeners_mu) = 1;
};

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  if (!options.data_dir.empty()) {
    if (options.sync_interval_ms < 1) {
      return absl::InvalidArgumentError("sync_interval_ms must be at least 1");
    }
    absl::WriterMutexLock lock(&impl->mu);
    ASSIGN_OR_RETURN(impl->dir,
                     DataDir::Open(options, impl->core, &impl->recovery));
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const RecoveryReport& Engine::recovery() const { return impl_->recovery; }

absl::StatusOr<SnapshotInfo> Engine::Snapshot() {
  if (in_listener) {
    return absl::FailedPreconditionError(
        "a change listener cannot snapshot the engine");
  }
  if (impl_->dir == nullptr) {
    return absl::FailedPreconditionError("the engine has no data directory");
  }
  const auto start = std::chrono::steady_clock::now();
  absl::MutexLock one_at_a_time(&impl_->snapshot_mu);
  DataDir::PendingSnapshot pending;
  {
    // Mutations wait while the state is serialised; queries go on.
    absl::MutexLock order(&impl_->notify_mu);
    if (!impl_->broken.ok()) return impl_->broken;
    absl::ReaderMutexLock lock(&impl_->mu);
    ASSIGN_OR_RETURN(pending, impl_->dir->StartSnapshot(impl_->core));
  }
  RETURN_IF_ERROR(impl_->dir->FinishSnapshot(pending));
  SnapshotInfo info;
  info.generation = pending.generation;
  info.bytes = pending.bytes.size();
  info.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return info;
}

absl::Status Engine::Sync() {
  if (impl_->dir == nullptr) return absl::OkStatus();
  if (in_listener) {
    return absl::FailedPreconditionError(
        "a change listener cannot sync the engine");
  }
  absl::MutexLock order(&impl_->notify_mu);
  if (!impl_->broken.ok()) return impl_->broken;
  return impl_->dir->Sync();
}

absl::StatusOr<DataDirReport> Engine::CheckDataDir(std::string_view dir) {
  EngineCore core{EngineOptions{}};
  DataDirReport report;
  RETURN_IF_ERROR(DataDir::Check(std::string(dir), core, &report));
  report.leads = core.LeadCount();
  report.segments = core.SegmentCount();
  report.campaigns = core.CampaignCount();
  return report;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

#define AUDIENCE_READ                     \
  absl::ReaderMutexLock lock(&impl_->mu); \
  const EngineCore& core = impl_->core
// Runs core.call and journals record::rec when the engine has a data
// directory.
#define AUDIENCE_MUTATE(call, rec)                                  \
  return impl_->Mutate([&](EngineCore& core) { return core.call; }, \
                       [&] { return record::rec; })

absl::Status Engine::DefineField(std::string_view name, FieldType type) {
  AUDIENCE_MUTATE(DefineField(name, type), DefineField(name, type));
}

std::vector<FieldDefinition> Engine::Fields() const {
  AUDIENCE_READ;
  return core.Fields();
}

absl::StatusOr<CategoryId> Engine::CreateCategory(std::string_view name) {
  AUDIENCE_MUTATE(CreateCategory(name), CreateCategory(name));
}

absl::Status Engine::RenameCategory(std::string_view name,
                                    std::string_view new_name) {
  AUDIENCE_MUTATE(RenameCategory(name, new_name),
                  RenameCategory(name, new_name));
}

absl::Status Engine::DeleteCategory(std::string_view name) {
  AUDIENCE_MUTATE(DeleteCategory(name), DeleteCategory(name));
}

std::vector<Category> Engine::Categories() const {
  AUDIENCE_READ;
  return core.Categories();
}

absl::StatusOr<MutationResult> Engine::CreateSegment(
    const SegmentDefinition& def) {
  AUDIENCE_MUTATE(CreateSegment(def), CreateSegment(def));
}

absl::StatusOr<MutationResult> Engine::UpdateSegment(
    SegmentId id, const SegmentDefinition& def) {
  AUDIENCE_MUTATE(UpdateSegment(id, def), UpdateSegment(id, def));
}

absl::StatusOr<MutationResult> Engine::DeleteSegment(SegmentId id, bool force) {
  AUDIENCE_MUTATE(DeleteSegment(id, force), DeleteSegment(id, force));
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
  AUDIENCE_MUTATE(UpsertLeads({&lead, 1}), UpsertLeads({&lead, 1}));
}

absl::StatusOr<MutationResult> Engine::PatchLead(const LeadPatch& patch) {
  AUDIENCE_MUTATE(PatchLeads({&patch, 1}), PatchLeads({&patch, 1}));
}

absl::StatusOr<MutationResult> Engine::DeleteLead(LeadId id) {
  AUDIENCE_MUTATE(DeleteLeads({&id, 1}), DeleteLeads({&id, 1}));
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
  AUDIENCE_MUTATE(RecordEvent(event), RecordEvent(event));
}

absl::StatusOr<LoadReport> Engine::LoadLeads(std::string_view ndjson,
                                             std::string_view source) {
  AUDIENCE_MUTATE(LoadLeads(ndjson, source), LoadLeads(ndjson, source));
}

absl::StatusOr<LoadReport> Engine::LoadEvents(std::string_view ndjson,
                                              std::string_view source) {
  AUDIENCE_MUTATE(LoadEvents(ndjson, source), LoadEvents(ndjson, source));
}

Timestamp Engine::Now() const {
  AUDIENCE_READ;
  return core.Now();
}

absl::StatusOr<MutationResult> Engine::AdvanceClock(Timestamp now) {
  AUDIENCE_MUTATE(AdvanceClock(now), AdvanceClock(now));
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

absl::StatusOr<Preview> Engine::PreviewSegmentUpdate(
    SegmentId segment, const SegmentDefinition& def, size_t limit) const {
  AUDIENCE_READ;
  return core.PreviewSegmentUpdate(segment, def, limit);
}

absl::StatusOr<SegmentUsage> Engine::Usage(SegmentId segment) const {
  AUDIENCE_READ;
  return core.Usage(segment);
}

absl::StatusOr<MutationResult> Engine::UpsertLeads(
    std::span<const Lead> leads) {
  AUDIENCE_MUTATE(UpsertLeads(leads), UpsertLeads(leads));
}

absl::StatusOr<MutationResult> Engine::PatchLeads(
    std::span<const LeadPatch> patches) {
  AUDIENCE_MUTATE(PatchLeads(patches), PatchLeads(patches));
}

absl::StatusOr<MutationResult> Engine::DeleteLeads(
    std::span<const LeadId> ids) {
  AUDIENCE_MUTATE(DeleteLeads(ids), DeleteLeads(ids));
}

absl::StatusOr<MutationResult> Engine::AddToSegment(SegmentId segment,
                                                    LeadId lead) {
  AUDIENCE_MUTATE(AddToSegment(segment, lead), AddToSegment(segment, lead));
}

absl::StatusOr<MutationResult> Engine::RemoveFromSegment(SegmentId segment,
                                                         LeadId lead) {
  AUDIENCE_MUTATE(RemoveFromSegment(segment, lead),
                  RemoveFromSegment(segment, lead));
}

absl::StatusOr<MutationResult> Engine::Transfer(std::span<const LeadId> leads,
                                                SegmentId from, SegmentId to) {
  AUDIENCE_MUTATE(Transfer(leads, from, to), Transfer(leads, from, to));
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
  AUDIENCE_MUTATE(CreateCampaign(def), CreateCampaign(def));
}

absl::Status Engine::UpdateCampaign(CampaignId id,
                                    const CampaignDefinition& def) {
  AUDIENCE_MUTATE(UpdateCampaign(id, def), UpdateCampaign(id, def));
}

absl::Status Engine::DeleteCampaign(CampaignId id) {
  AUDIENCE_MUTATE(DeleteCampaign(id), DeleteCampaign(id));
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
  AUDIENCE_MUTATE(RecordCampaignActions(campaign, action, {&action.lead, 1}),
                  CampaignActions(campaign, action, {&action.lead, 1}));
}

absl::StatusOr<MutationResult> Engine::RecordCampaignActions(
    CampaignId campaign, const CampaignAction& action,
    std::span<const LeadId> leads) {
  AUDIENCE_MUTATE(RecordCampaignActions(campaign, action, leads),
                  CampaignActions(campaign, action, leads));
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
