// A stress test of the Engine's thread-safety contract (engine.h): readers
// running concurrently with a writer see the state before or after each
// mutation, never one in between. script/tsan runs it under ThreadSanitizer.
//
// The writer (the test's thread) applies a seeded random sequence of
// mutations of every kind: upserts, patches and their batches, deletes,
// events, bulk loads, clock advances, new fields, category renames, segments
// (created, redefined, deleted; segments of segments), manual overrides,
// batch transfers within a category, campaigns and their actions. State v is
// the state after mutation v (0 = the initial one). After each mutation
// nothing else mutates, so the writer runs every probe query itself and
// keeps the answers' fingerprints as state v's.
//
// Three reader threads run the same probes meanwhile and record what they
// saw with a window [lo, hi] of states the engine could be in during the
// call: lo = mutations applied before it began, hi = mutations started by
// its end (lo < hi: the call overlapped a mutation). Afterwards every
// observation must equal the fingerprint of a state in its window, and each
// reader's observations must fit states that never go back (greedy: the
// earliest matching state at or after the previous one). A torn answer
// matches no state; a stale or reordered one falls outside its window. A
// change listener probes too: it must see exactly its mutation's state.
//
// Probes also check invariants that hold within any single answer (two
// manual lists of one category trade leads by transfers only, so their sizes
// add up to a constant; "both" is "hot" and "vip"; a lead's details agree
// with its memberships), and the writer's own probes check them too, so an
// invariant that is wrong fails even without threads. Catch2 assertions are
// not thread-safe: threads only record, the test's thread checks at the end.
//
// AUDIENCE_STRESS_MUTATIONS (default 2000) and AUDIENCE_STRESS_SEED tune a
// run; AUDIENCE_STRESS_VERBOSE=1 prints what it exercised.
#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/config.h"
#include "testing/segment_probe.h"
#include "testing/test_util.h"

#ifdef ABSL_HAVE_THREAD_SANITIZER
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <string_view>

#include "absl/synchronization/mutex.h"

// ThreadSanitizer and Debian's Abseil. absl::Mutex reports its locking to
// TSan through __tsan_mutex_* hooks that libabsl_synchronization contains
// only when Abseil itself is built with -fsanitize=thread; Debian's is not,
// so TSan would see none of the Engine's locking and report every reader
// as racing the writer. Suppressing those reports would hide real races
// too. Instead the TSan build interposes the Mutex calls the Engine makes
// (Lock, Unlock, their Reader and Try forms, the destructor): each forwards
// to Abseil's and makes the hooks Abseil's mutex.cc makes when built for
// TSan. The inline constructor already calls __tsan_mutex_create. With the
// hooks TSan also checks the lock order. REQUIRES: no code in this binary
// uses the Mutex calls left out (LockWhen, Await, CondVar), which would
// lock without telling TSan. Remove this once Abseil comes built for TSan:
// its hooks and these would both run.
namespace absl {
ABSL_NAMESPACE_BEGIN
namespace {

// Abseil's definition of a Mutex member, by its mangled name
// (_ZN4absl<inline namespace>5Mutex<member>).
template <typename Fn>
Fn AbseilMutexMember(std::string_view member) {
  std::string name = "_ZN4absl";
#if ABSL_OPTION_USE_INLINE_NAMESPACE
  constexpr std::string_view ns =
      ABSL_INTERNAL_TOKEN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  name += std::to_string(ns.size()) + std::string(ns);
#endif
  name += "5Mutex" + std::string(member);
  void* fn = dlsym(RTLD_NEXT, name.c_str());
  if (fn == nullptr) {
    std::fprintf(stderr, "stress_test: %s not found\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

using MutexCall = void (*)(Mutex*);
using MutexTry = bool (*)(Mutex*);

}  // namespace

void Mutex::Lock() {
  static const auto real = AbseilMutexMember<MutexCall>("4LockEv");
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLock() {
  static const auto real = AbseilMutexMember<MutexCall>("10ReaderLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

bool Mutex::TryLock() {
  static const auto real = AbseilMutexMember<MutexTry>("7TryLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(
      this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
      0);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static const auto real = AbseilMutexMember<MutexTry>("13ReaderTryLockEv");
  const unsigned flags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(this, flags);
  const bool locked = real(this);
  __tsan_mutex_post_lock(
      this, flags | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

void Mutex::Unlock() {
  static const auto real = AbseilMutexMember<MutexCall>("6UnlockEv");
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  static const auto real = AbseilMutexMember<MutexCall>("12ReaderUnlockEv");
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

Mutex::~Mutex() {
  static const auto real = AbseilMutexMember<MutexCall>("D1Ev");
  __tsan_mutex_destroy(this, __tsan_mutex_not_static);
  real(this);
}

ABSL_NAMESPACE_END
}  // namespace absl
#endif  // ABSL_HAVE_THREAD_SANITIZER

namespace audience::testing {
namespace {

constexpr Timestamp kStart = kProbeNow;
constexpr LeadId kLeads = 200;           // ordinary leads: 0 .. kLeads-1
constexpr LeadId kPipelineFirst = 1000;  // pipeline leads, never deleted
constexpr LeadId kPipelineLeads = 40;    // always in exactly one of A, B
constexpr LeadId kPipelineProbe = kPipelineFirst + 3;
constexpr LeadId kLeadProbe = 7;  // deleted and re-created at times
constexpr int64_t kHotScore = 5;  // hot: score >= kHotScore
constexpr size_t kReaders = 3;
constexpr size_t kLeadsPage = 25;
constexpr int kDynamicSegments = 5;
constexpr int kDynamicCampaigns = 3;
constexpr int kExtraFields = 8;  // int64 fields defined while readers run

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* env = std::getenv(name);
  return env != nullptr ? std::strtoull(env, nullptr, 10) : fallback;
}

// An order-sensitive 64-bit hash of everything an answer holds.
class Fingerprint {
 public:
  Fingerprint& Add(uint64_t v) {
    // splitmix64's finaliser over a running sum.
    uint64_t z = (h_ += 0x9e3779b97f4a7c15ULL + v);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    h_ = z ^ (z >> 31);
    return *this;
  }
  Fingerprint& Add(const std::string& s) {
    Add(s.size());
    for (unsigned char c : s) Add(c);
    return *this;
  }
  Fingerprint& Add(const Value& v) {
    Add(v.index());
    if (const auto* s = std::get_if<std::string>(&v)) Add(*s);
    if (const auto* i = std::get_if<int64_t>(&v))
      Add(static_cast<uint64_t>(*i));
    if (const auto* d = std::get_if<double>(&v))
      Add(std::bit_cast<uint64_t>(*d));
    if (const auto* b = std::get_if<bool>(&v)) Add(*b);
    if (const auto* t = std::get_if<TagList>(&v)) {
      Add(t->size());
      for (const std::string& tag : *t) Add(tag);
    }
    return *this;
  }
  template <typename T>
  Fingerprint& AddAll(const std::vector<T>& values) {
    Add(values.size());
    for (const T& v : values) Add(static_cast<uint64_t>(v));
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0;
};

// Collects failures from any thread; only the test's thread asserts.
class Problems {
 public:
  void Report(std::string what) {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    if (list_.size() < 20) list_.push_back(std::move(what));
  }
  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (count_ > list_.size()) {
      list_.push_back("... " + std::to_string(count_ - list_.size()) + " more");
    }
    return list_;
  }

 private:
  std::mutex mu_;
  size_t count_ = 0;
  std::vector<std::string> list_;
};

// The segments and campaign the probes read; never deleted.
struct Fixture {
  SegmentId hot = 0;      // score >= kHotScore, public
  SegmentId vip = 0;      // tags has "vip", public
  SegmentId both = 0;     // member of hot and of vip
  SegmentId recent = 0;   // seen within the last 2 days
  SegmentId engaged = 0;  // did "open" within 3 days
  SegmentId picked = 0;   // country "US", plus manual overrides
  SegmentId list_a = 0;   // manual lists of category "pipeline"
  SegmentId list_b = 0;
  CampaignId launch = 0;  // sources hot and vip
};

enum Probe : size_t {
  kCountHot,
  kMembersBoth,
  kMembersListA,
  kListSegments,
  kStatsHot,
  kLeadsOfVip,
  kSegmentsOfPipelineLead,
  kSegmentsOfLead,
  kExplainBoth,
  kCountRecent,
  kMembersEngaged,
  kAudienceOfLaunch,
  kCampaignsOfPipelineLead,
  kHistoryOfHot,
  kLeadCount,
  kGetLead,
  kPreview,
  kFields,
  kCategories,
  kMemory,
  kProbeCount,
};
// clang-format off
constexpr const char* kProbeNames[kProbeCount] = {
    "Count(hot)", "Members(both)", "Members(A)", "ListSegments", "Stats(hot)",
    "SegmentLeads(vip)", "SegmentsOf(pipeline)", "SegmentsOf(lead)",
    "Explain(lead, both)", "Count(recent)", "Members(engaged)",
    "AudienceCount(launch)", "LeadCampaigns", "LeadsOverTime(hot)",
    "LeadCount", "GetLead", "PreviewSegment", "Fields", "Categories",
    "Memory"};
// clang-format on

bool Contains(const std::vector<SegmentId>& ids, SegmentId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

bool HasTag(const Lead& lead, const std::string& tag) {
  auto it = lead.fields.find("tags");
  if (it == lead.fields.end()) return false;
  const auto* tags = std::get_if<TagList>(&it->second);
  return tags != nullptr &&
         std::find(tags->begin(), tags->end(), tag) != tags->end();
}

// Runs one probe and returns the fingerprint of its answer; reports broken
// single-answer invariants as problems.
uint64_t RunProbe(const Engine& engine, const Fixture& fx, Probe probe,
                  Problems& problems) {
  Fingerprint fp;
  auto fail = [&](const std::string& what) {
    problems.Report(std::string(kProbeNames[probe]) + ": " + what);
  };
  auto add_status = [&](const absl::Status& s) {
    fp.Add(static_cast<uint64_t>(s.code()));
    if (!s.ok() && s.code() != absl::StatusCode::kNotFound) {
      fail(std::string(s.message()));
    }
    return s.ok();
  };
  auto add_members = [&](SegmentId segment) {
    auto page = engine.Members(segment, std::nullopt, SIZE_MAX);
    if (add_status(page.status())) {
      fp.AddAll(page->leads);
      if (!std::is_sorted(page->leads.begin(), page->leads.end())) {
        fail("members out of order");
      }
    }
  };
  switch (probe) {
    case kCountHot:
    case kCountRecent: {
      auto count = engine.Count(probe == kCountHot ? fx.hot : fx.recent);
      if (add_status(count.status())) fp.Add(*count);
      break;
    }
    case kMembersBoth:
      add_members(fx.both);
      break;
    case kMembersListA:
      add_members(fx.list_a);
      break;
    case kMembersEngaged:
      add_members(fx.engaged);
      break;
    case kListSegments: {
      std::map<SegmentId, uint64_t> counts;
      for (const Segment& s : engine.ListSegments()) {
        fp.Add(s.id).Add(s.definition.name).Add(s.definition.is_public);
        fp.Add(s.definition.category.value_or("-"));
        fp.Add(s.definition.filters.size()).Add(s.member_count);
        counts[s.id] = s.member_count;
      }
      if (counts[fx.list_a] + counts[fx.list_b] != kPipelineLeads) {
        fail("lists A and B hold " + std::to_string(counts[fx.list_a]) + " + " +
             std::to_string(counts[fx.list_b]) + " leads");
      }
      if (counts[fx.both] > std::min(counts[fx.hot], counts[fx.vip])) {
        fail("both is larger than hot or vip");
      }
      break;
    }
    case kStatsHot: {
      auto stats = engine.Stats(fx.hot);
      if (!add_status(stats.status())) break;
      fp.Add(stats->total_leads).Add(stats->active_campaigns);
      fp.Add(stats->campaigns_participated).Add(stats->by_campaign.size());
      for (const CampaignUsage& u : stats->by_campaign) {
        fp.Add(u.campaign).Add(u.participated);
        for (uint64_t n : u.actions) fp.Add(n);
        if (u.participated > stats->total_leads) {
          fail("more participants than members");
        }
      }
      break;
    }
    case kLeadsOfVip: {
      auto page = engine.SegmentLeads(fx.vip, std::nullopt, kLeadsPage);
      if (!add_status(page.status())) break;
      fp.Add(page->next.value_or(~uint64_t{0}));
      for (const LeadDetails& d : page->leads) {
        fp.Add(d.lead.id).Add(d.lead.fields.size());
        for (const auto& [name, value] : d.lead.fields) fp.Add(name).Add(value);
        fp.AddAll(d.segments).AddAll(d.campaigns);
        fp.Add(d.recent_activity.size());
        for (const Event& e : d.recent_activity) {
          fp.Add(e.type).Add(static_cast<uint64_t>(e.ts.value_or(0)));
        }
        // One answer is one state: the details agree with the memberships.
        const bool hot = Contains(d.segments, fx.hot);
        const bool score_hot = d.score && *d.score >= kHotScore;
        if (!Contains(d.segments, fx.vip) || !HasTag(d.lead, "vip") ||
            hot != score_hot || Contains(d.segments, fx.both) != hot) {
          fail("lead " + std::to_string(d.lead.id) +
               " disagrees with its memberships");
        }
      }
      break;
    }
    case kSegmentsOfPipelineLead:
    case kSegmentsOfLead: {
      const bool pipeline = probe == kSegmentsOfPipelineLead;
      auto of = engine.SegmentsOf(pipeline ? kPipelineProbe : kLeadProbe);
      if (!add_status(of.status())) break;
      fp.AddAll(of->segments).Add(of->active_segments.size());
      for (const auto& [category, segment] : of->active_segments) {
        fp.Add(category).Add(segment);
      }
      if (!pipeline) break;
      const bool in_a = Contains(of->segments, fx.list_a);
      const bool in_b = Contains(of->segments, fx.list_b);
      if (in_a == in_b) fail("in A and B: " + std::to_string(in_a));
      for (const auto& [category, segment] : of->active_segments) {
        if (segment != (in_a ? fx.list_a : fx.list_b)) {
          fail("active segment is not the list holding the lead");
        }
      }
      break;
    }
    case kExplainBoth: {
      auto why = engine.Explain(kLeadProbe, fx.both);
      if (!add_status(why.status())) break;
      fp.Add(why->member).Add(why->matches).Add(static_cast<int>(why->manual));
      bool all = true;
      for (const ConditionOutcome& c : why->conditions) {
        fp.Add(c.held).Add(c.value);
        all = all && c.held;
        if (c.value != Value(c.held)) fail("held differs from the value");
      }
      if (why->conditions.size() != 2 || why->member != all ||
          why->matches != all) {
        fail("member differs from its conditions");
      }
      break;
    }
    case kAudienceOfLaunch: {
      auto count = engine.CampaignAudienceCount(fx.launch);
      if (add_status(count.status())) fp.Add(*count);
      break;
    }
    case kCampaignsOfPipelineLead: {
      auto campaigns = engine.LeadCampaigns(kPipelineProbe);
      if (!add_status(campaigns.status())) break;
      for (const Participation& p : *campaigns) {
        fp.Add(p.campaign).Add(static_cast<uint64_t>(p.last_action));
        for (uint64_t n : p.actions) fp.Add(n);
      }
      break;
    }
    case kHistoryOfHot: {
      auto series =
          engine.LeadsOverTime(fx.hot, kStart - kSecondsPerDay,
                               kStart + 30 * kSecondsPerDay, BucketWidth::kDay);
      if (!add_status(series.status())) break;
      for (const HistoryBucket& b : *series) {
        fp.Add(b.added).Add(b.removed).Add(b.total);
      }
      break;
    }
    case kLeadCount:
      fp.Add(engine.LeadCount());
      break;
    case kGetLead: {
      auto lead = engine.GetLead(kLeadProbe);
      if (!add_status(lead.status())) break;
      for (const auto& [name, value] : lead->fields) fp.Add(name).Add(value);
      break;
    }
    case kPreview: {
      auto preview = engine.PreviewSegment(
          Def("",
              {F("score", Op::kGte, int64_t{3}), F("tags", Op::kHas, "news")}),
          10);
      if (!add_status(preview.status())) break;
      fp.Add(preview->count).AddAll(preview->first_members);
      if (preview->first_members.size() !=
          std::min<uint64_t>(preview->count, 10)) {
        fail("first members differ from the count");
      }
      break;
    }
    case kFields:
      for (const FieldDefinition& f : engine.Fields()) {
        fp.Add(f.name).Add(static_cast<uint64_t>(f.type)).Add(f.standard);
      }
      break;
    case kCategories:
      for (const Category& c : engine.Categories()) fp.Add(c.id).Add(c.name);
      break;
    case kMemory: {
      const MemoryStats m = engine.Memory();
      fp.Add(m.leads).Add(m.row_bytes).Add(m.activity_bytes);
      fp.Add(m.segment_bytes).Add(m.index_bytes).Add(m.history_bytes);
      fp.Add(m.campaign_bytes);
      for (const auto& [name, bytes] : m.field_bytes) fp.Add(name).Add(bytes);
      break;
    }
    case kProbeCount:
      break;
  }
  return fp.value();
}

// The writer: a seeded random mutation per step, of every kind the engine
// has. Many are meant to fail sometimes (unknown leads, transfers of
// non-members, deletes of referenced segments): a failed mutation must
// change nothing, which the readers check like any other.
class Writer {
 public:
  Writer(Engine& engine, const Fixture& fx, uint64_t seed, Problems& problems)
      : engine_(&engine), fx_(fx), rng_(seed), problems_(problems) {}

  // Goes on with `engine`, a reopened copy of the one it was writing to.
  void Rebind(Engine& engine) { engine_ = &engine; }

  void Step() {
    const uint64_t r = rng_.Below(100);
    bool ok = false;
    std::string kind;
    if (r < 12) {
      kind = "upsert";
      ok = engine_->UpsertLead(RandomLead(AnyLead())).ok();
    } else if (r < 24) {
      kind = "patch";
      ok = engine_->PatchLead(RandomPatch(AnyLead())).ok();
    } else if (r < 30) {
      kind = "patch batch";
      std::vector<LeadPatch> patches;
      for (int i = rng_.Between(2, 8); i > 0; --i) {
        patches.push_back(RandomPatch(AnyLead()));
      }
      ok = engine_->PatchLeads(patches).ok();
    } else if (r < 33) {
      kind = "upsert batch";
      std::vector<Lead> leads;
      for (int i = rng_.Between(2, 8); i > 0; --i) {
        leads.push_back(RandomLead(AnyLead()));
      }
      ok = engine_->UpsertLeads(leads).ok();
    } else if (r < 38) {
      kind = "delete";
      // Only ordinary leads: the pipeline's sizes stay constant.
      std::set<LeadId> ids;
      for (int i = rng_.Chance(0.7) ? 1 : rng_.Between(2, 5); i > 0; --i) {
        ids.insert(rng_.Below(kLeads));
      }
      ok = engine_->DeleteLeads(std::vector<LeadId>(ids.begin(), ids.end()))
               .ok();
    } else if (r < 48) {
      kind = "event";
      ok = engine_
               ->RecordEvent(Event{AnyLead(),
                                   rng_.Chance(0.8) ? "open" : "click",
                                   rng_.Below(3), now_ - EventAge()})
               .ok();
    } else if (r < 52) {
      kind = "clock";
      now_ += rng_.Between(1, 3) * kSecondsPerHour;
      ok = engine_->AdvanceClock(now_).ok();
    } else if (r < 58) {
      kind = "segment";
      ok = ChangeSegment();
    } else if (r < 64) {
      kind = "manual";
      const LeadId lead = AnyLead();
      ok = rng_.Chance(0.5) ? engine_->AddToSegment(fx_.picked, lead).ok()
                            : engine_->RemoveFromSegment(fx_.picked, lead).ok();
    } else if (r < 72) {
      kind = "transfer";
      const bool forward = rng_.Chance(0.5);
      const SegmentId from = forward ? fx_.list_a : fx_.list_b;
      const SegmentId to = forward ? fx_.list_b : fx_.list_a;
      ok = engine_->Transfer(TransferBatch(from), from, to).ok();
    } else if (r < 75) {
      kind = "campaign";
      ok = ChangeCampaign();
    } else if (r < 78) {
      kind = "bulk load";
      ok = BulkLoad();
    } else if (r < 79) {
      kind = "schema";
      ok = ChangeSchema();
    } else {
      kind = "campaign action";
      ok = CampaignActions();
    }
    auto& [done, failed] = tally_[kind];
    ++(ok ? done : failed);
  }

  // The mutations applied and refused, by kind.
  const std::map<std::string, std::pair<uint64_t, uint64_t>>& tally() const {
    return tally_;
  }

 private:
  LeadId AnyLead() {
    return rng_.Chance(0.8) ? rng_.Below(kLeads)
                            : kPipelineFirst + rng_.Below(kPipelineLeads);
  }
  Timestamp EventAge() { return rng_.Between(0, 96) * kSecondsPerHour; }

  Value Score() { return rng_.Chance(0.1) ? Value() : Int(rng_.Between(0, 9)); }
  Value RandomTags() {
    TagList tags;
    for (const char* tag : {"vip", "news", "trial"}) {
      if (rng_.Chance(0.4)) tags.emplace_back(tag);
    }
    return tags;
  }
  Value Country() { return Str(rng_.Pick<std::string>({"US", "CA", "DE"})); }

  Lead RandomLead(LeadId id) {
    Lead lead{id, {}};
    lead.fields["email"] = Str("lead" + std::to_string(id) + "@x.com");
    lead.fields["score"] = Score();
    lead.fields["tags"] = RandomTags();
    lead.fields["country"] = Country();
    lead.fields["seen"] = Int(now_ - EventAge());
    return lead;
  }

  LeadPatch RandomPatch(LeadId id) {
    LeadPatch patch{.id = id};
    if (rng_.Chance(0.5)) patch.set["score"] = Score();
    if (rng_.Chance(0.2)) patch.set["country"] = Country();
    if (rng_.Chance(0.3)) patch.set["seen"] = Int(now_ - EventAge());
    if (rng_.Chance(0.4))
      patch.add_tags.push_back(rng_.Chance(0.6) ? "vip" : "news");
    if (rng_.Chance(0.4)) patch.remove_tags.push_back("vip");
    if (extra_fields_ > 0 && rng_.Chance(0.3)) {
      const std::string field =
          "extra" + std::to_string(rng_.Below(extra_fields_));
      patch.set[field] = Int(rng_.Between(0, 99));
    }
    return patch;
  }

  // Some members of `from`; now and then a non-member, which must make the
  // whole batch fail.
  std::vector<LeadId> TransferBatch(SegmentId from) {
    // Not MembersOf: a REQUIRE failing here would leave the readers running.
    auto members = engine_->Members(from, std::nullopt, SIZE_MAX);
    if (!members.ok()) problems_.Report("Members of a pipeline list failed");
    std::vector<LeadId> batch;
    for (LeadId id : members.ok() ? members->leads : std::vector<LeadId>{}) {
      if (rng_.Chance(0.3)) batch.push_back(id);
    }
    if (batch.empty() || rng_.Chance(0.1)) {
      batch.push_back(kPipelineFirst + rng_.Below(kPipelineLeads));
      std::sort(batch.begin(), batch.end());
      batch.erase(std::unique(batch.begin(), batch.end()), batch.end());
    }
    return batch;
  }

  Condition RandomCondition(const std::string& self) {
    switch (rng_.Below(6)) {
      case 0: {
        const Op op = rng_.Chance(0.5) ? Op::kGte : Op::kLt;
        return F("score", op, rng_.Between(0, 9));
      }
      case 1:
        return F("tags", Op::kHas, rng_.Pick<std::string>({"vip", "news"}));
      case 2:
        return F("country", Op::kEq, rng_.Pick<std::string>({"US", "CA"}));
      case 3:
        return F("seen", Op::kWithinLast, Hours(rng_.Between(6, 72)));
      case 4: {
        // Separate statements: the order of argument evaluation is
        // unspecified, and the writer must be deterministic.
        const Op op = rng_.Chance(0.7) ? Op::kDid : Op::kDidNot;
        const int64_t at_least = rng_.Between(1, 2);
        const int64_t days = rng_.Between(1, 4);
        return Condition::Activity("open", op, std::nullopt, at_least, days);
      }
      default: {
        // Segment of segments: a fixed one or another dynamic one (which
        // may be missing, or form a cycle: both are refused).
        std::string other = rng_.Pick<std::string>(
            {"hot", "vip", "both", "recent", "dyn0", "dyn1", "dyn2", "dyn3"});
        if (other == self) other = "hot";
        return Condition::Segment(
            other, rng_.Chance(0.7) ? Op::kMember : Op::kNotMember);
      }
    }
  }

  bool ChangeSegment() {
    const std::string name =
        "dyn" + std::to_string(rng_.Below(kDynamicSegments));
    auto id = engine_->FindSegment(name);
    const uint64_t r = rng_.Below(10);
    if (r == 0) {
      // Referenced by "both": must be refused, forced or not.
      if (engine_->DeleteSegment(fx_.hot, rng_.Chance(0.5)).ok()) {
        problems_.Report("deleting the referenced segment hot succeeded");
      }
      return false;
    }
    if (id.ok() && r < 4)
      return engine_->DeleteSegment(*id, rng_.Chance(0.5)).ok();
    SegmentDefinition def = Def(name, {});
    def.is_public = rng_.Chance(0.5);
    for (int i = rng_.Between(0, 3); i > 0; --i) {
      def.filters.push_back(RandomCondition(name));
    }
    return id.ok() ? engine_->UpdateSegment(*id, def).ok()
                   : engine_->CreateSegment(def).ok();
  }

  bool ChangeCampaign() {
    const std::string name =
        "promo" + std::to_string(rng_.Below(kDynamicCampaigns));
    auto id = engine_->FindCampaign(name);
    if (id.ok() && rng_.Chance(0.3)) return engine_->DeleteCampaign(*id).ok();
    CampaignDefinition def;
    def.name = name;
    def.status = static_cast<CampaignStatus>(rng_.Below(4));
    def.start = now_ - rng_.Between(-1, 2) * kSecondsPerDay;
    if (rng_.Chance(0.7))
      def.end = *def.start + rng_.Between(0, 3) * kSecondsPerDay;
    def.sources = {rng_.Pick<std::string>({"hot", "vip", "dyn0", "dyn1"})};
    def.workflow_segments = {rng_.Pick<std::string>({"picked", "A", "B"})};
    return id.ok() ? engine_->UpdateCampaign(*id, def).ok()
                   : engine_->CreateCampaign(def).ok();
  }

  // NDJSON leads or events, now and then with a bad line (rejected, the
  // rest load).
  bool BulkLoad() {
    std::string ndjson;
    const bool events = rng_.Chance(0.5);
    for (int i = rng_.Between(1, 12); i > 0; --i) {
      const LeadId id = AnyLead();
      const Timestamp ts = now_ - EventAge();
      if (events) {
        ndjson += "{\"lead\": " + std::to_string(id) +
                  ", \"type\": \"open\", \"ts\": " + std::to_string(ts) + "}\n";
        continue;
      }
      const int64_t score = rng_.Between(0, 9);
      const bool vip = rng_.Chance(0.4);
      ndjson += "{\"id\": " + std::to_string(id) +
                ", \"score\": " + std::to_string(score) +
                (vip ? ", \"tags\": [\"vip\"]" : "") +
                ", \"country\": \"US\", \"seen\": " + std::to_string(ts) +
                "}\n";
    }
    if (rng_.Chance(0.2)) ndjson += "{\"id\": \"bad\"}\n";
    return events ? engine_->LoadEvents(ndjson).ok()
                  : engine_->LoadLeads(ndjson).ok();
  }

  // A new field (the store grows a column) or a category rename.
  bool ChangeSchema() {
    if (extra_fields_ < kExtraFields && rng_.Chance(0.6)) {
      return engine_
          ->DefineField("extra" + std::to_string(extra_fields_++),
                        FieldType::kInt64)
          .ok();
    }
    const std::string next =
        category_ == "pipeline" ? "Pipeline stages" : "pipeline";
    if (!engine_->RenameCategory(category_, next).ok()) return false;
    category_ = next;
    return true;
  }

  bool CampaignActions() {
    CampaignId campaign = fx_.launch;
    if (auto promo = engine_->FindCampaign("promo0");
        promo.ok() && rng_.Chance(0.3)) {
      campaign = *promo;
    }
    CampaignAction action;
    action.kind = static_cast<ActionKind>(rng_.Below(kActionKindCount));
    action.score_delta = rng_.Between(-3, 3);
    action.segment = fx_.picked;
    action.from = rng_.Chance(0.5) ? fx_.list_a : fx_.list_b;
    action.to = action.from == fx_.list_a ? fx_.list_b : fx_.list_a;
    std::vector<LeadId> leads;
    if (action.kind == ActionKind::kTransfer) {
      leads = TransferBatch(action.from);
    } else {
      std::set<LeadId> ids;
      for (int i = rng_.Between(1, 6); i > 0; --i) ids.insert(AnyLead());
      leads.assign(ids.begin(), ids.end());
    }
    if (leads.size() == 1 && rng_.Chance(0.5)) {
      action.lead = leads[0];
      return engine_->RecordCampaignAction(campaign, action).ok();
    }
    return engine_->RecordCampaignActions(campaign, action, leads).ok();
  }

  Engine* engine_;
  const Fixture& fx_;
  SeededRandom rng_;
  Problems& problems_;
  Timestamp now_ = kStart;
  int extra_fields_ = 0;
  std::string category_ = "pipeline";
  std::map<std::string, std::pair<uint64_t, uint64_t>> tally_;
};

// Fields, fixed segments and campaign, and a first population.
Fixture Populate(Engine& engine, SeededRandom& rng) {
  REQUIRE_OK(engine.DefineField("seen", FieldType::kTimestamp));
  REQUIRE_OK(engine.CreateCategory("pipeline"));
  Fixture fx;
  SegmentDefinition hot = Def("hot", {F("score", Op::kGte, kHotScore)});
  hot.is_public = true;
  fx.hot = MakeSegment(engine, hot);
  SegmentDefinition vip = Def("vip", {F("tags", Op::kHas, "vip")});
  vip.is_public = true;
  fx.vip = MakeSegment(engine, vip);
  fx.both = MakeSegment(engine,
                        Def("both", {Condition::Segment("hot", Op::kMember),
                                     Condition::Segment("vip", Op::kMember)}));
  fx.recent =
      MakeSegment(engine, Def("recent", {F("seen", Op::kWithinLast, Days(2))}));
  fx.engaged = MakeSegment(
      engine, Def("engaged",
                  {Condition::Activity("open", Op::kDid, std::nullopt, 1, 3)}));
  fx.picked = MakeSegment(engine, Def("picked", {F("country", Op::kEq, "US")}));
  SegmentDefinition a = Def("A", {});
  a.category = "pipeline";
  fx.list_a = MakeSegment(engine, a);
  SegmentDefinition b = Def("B", {});
  b.category = "pipeline";
  fx.list_b = MakeSegment(engine, b);

  std::vector<Lead> leads;
  for (LeadId id = 0; id < kLeads + kPipelineLeads; ++id) {
    const LeadId lead_id = id < kLeads ? id : kPipelineFirst + id - kLeads;
    Lead lead{lead_id,
              {{"score", Int(rng.Between(0, 9))},
               {"country", Str(id % 3 == 0 ? "US" : "CA")},
               {"seen", Int(kStart - rng.Between(0, 96) * 3600)}}};
    if (rng.Chance(0.4)) lead.fields["tags"] = Tags({"vip"});
    leads.push_back(std::move(lead));
  }
  REQUIRE_OK(engine.UpsertLeads(leads));
  for (LeadId id = kPipelineFirst; id < kPipelineFirst + kPipelineLeads; ++id) {
    REQUIRE_OK(engine.AddToSegment(fx.list_a, id));
  }

  CampaignDefinition launch;
  launch.name = "launch";
  launch.status = CampaignStatus::kActive;
  launch.start = kStart;
  launch.end = kStart + 4 * kSecondsPerDay;
  launch.sources = {"hot", "vip"};
  launch.workflow_segments = {"picked", "A", "B"};
  auto created = engine.CreateCampaign(launch);
  REQUIRE_OK(created);
  fx.launch = *created;
  return fx;
}

using Fingerprints = std::array<uint64_t, kProbeCount>;

Fingerprints RunAllProbes(const Engine& engine, const Fixture& fx,
                          Problems& problems) {
  Fingerprints out;
  for (size_t p = 0; p < kProbeCount; ++p) {
    out[p] = RunProbe(engine, fx, static_cast<Probe>(p), problems);
  }
  return out;
}

// What a reader saw: a probe's fingerprint and the window of states the
// engine could be in during the call.
struct Observation {
  uint32_t probe;
  uint32_t lo;
  uint32_t hi;
  uint64_t fingerprint;
};

TEST_CASE("readers see a state before or after each mutation under stress",
          "[stress]") {
  const uint64_t mutations = EnvOr("AUDIENCE_STRESS_MUTATIONS", 2000);
  const uint64_t seed = EnvOr("AUDIENCE_STRESS_SEED", 20240611);
  const bool verbose = EnvOr("AUDIENCE_STRESS_VERBOSE", 0) != 0;
  INFO("seed " << seed << ", " << mutations << " mutations");

  auto engine = OpenEngine(kStart);
  SeededRandom setup_rng(seed);
  const Fixture fx = Populate(*engine, setup_rng);

  Problems problems;
  // published[v]: the fingerprints of state v. Written by the writer only,
  // read only once the readers are joined.
  std::vector<Fingerprints> published(mutations + 1);
  published[0] = RunAllProbes(*engine, fx, problems);
  // A call that begins after mutation `applied` returned sees a state at
  // least that late; one that ends before mutation `started` + 1 begins, a
  // state at most `started`.
  std::atomic<uint32_t> applied{0};
  std::atomic<uint32_t> started{0};
  std::atomic<bool> done{false};
  std::atomic<size_t> ready{0};

  std::vector<std::vector<Observation>> seen(kReaders);
  std::vector<std::thread> readers;
  for (size_t r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      SeededRandom rng(seed + 1 + r);
      std::vector<Observation>& out = seen[r];
      ready.fetch_add(1);
      do {
        const auto probe = static_cast<Probe>(rng.Below(kProbeCount));
        const uint32_t lo = applied.load(std::memory_order_acquire);
        const uint64_t fp = RunProbe(*engine, fx, probe, problems);
        const uint32_t hi = started.load(std::memory_order_acquire);
        out.push_back(Observation{static_cast<uint32_t>(probe), lo, hi, fp});
      } while (!done.load(std::memory_order_acquire));
    });
  }
  // Mutations start once every reader runs, so they overlap from the first.
  while (ready.load() < kReaders) std::this_thread::yield();

  // A listener runs after its mutation and before the next (engine.h), on
  // the writer's thread: what it queries must be the state published next.
  struct Heard {
    uint32_t state;
    Probe probe;
    uint64_t fingerprint;
  };
  std::vector<Heard> heard;
  engine->AddListener([&](const std::vector<MembershipChange>&) {
    const auto probe = static_cast<Probe>(heard.size() % kProbeCount);
    heard.push_back(
        Heard{started.load(), probe, RunProbe(*engine, fx, probe, problems)});
  });

  Writer writer(*engine, fx, seed, problems);
  for (uint32_t v = 1; v <= mutations; ++v) {
    started.store(v, std::memory_order_release);
    writer.Step();
    applied.store(v, std::memory_order_release);
    published[v] = RunAllProbes(*engine, fx, problems);
    // Single-threaded truths the readers' probes cannot see in one answer.
    auto count = engine->Count(fx.hot);
    auto stats = engine->Stats(fx.hot);
    if (!count.ok() || !stats.ok() || stats->total_leads != *count) {
      problems.Report("Stats(hot).total_leads differs from Count(hot)");
    }
  }
  done.store(true, std::memory_order_release);
  for (std::thread& t : readers) t.join();

  for (const Heard& h : heard) {
    if (published[h.state][h.probe] != h.fingerprint) {
      problems.Report("a listener of mutation " + std::to_string(h.state) +
                      " read " + kProbeNames[h.probe] + " of another state");
    }
  }
  // Every observation against the published states, in each reader's order.
  size_t observations = 0, overlapping = 0;
  std::set<uint64_t> distinct_states;
  for (size_t r = 0; r < kReaders; ++r) {
    uint32_t at = 0;  // the earliest state that explains the reads so far
    for (size_t i = 0; i < seen[r].size(); ++i) {
      const Observation& o = seen[r][i];
      ++observations;
      overlapping += o.lo < o.hi;
      uint32_t v = std::max(at, o.lo);
      while (v <= o.hi && published[v][o.probe] != o.fingerprint) ++v;
      if (v <= o.hi) {
        at = v;
        distinct_states.insert(v);
        continue;
      }
      // Name the states with this answer, if any: a torn answer has none.
      std::string where = "no state had this answer";
      for (uint32_t s = 0; s <= mutations; ++s) {
        if (published[s][o.probe] == o.fingerprint) {
          where = "first published for state " + std::to_string(s);
          break;
        }
      }
      problems.Report("reader " + std::to_string(r) + ", read " +
                      std::to_string(i) + ", " + kProbeNames[o.probe] +
                      " during states [" + std::to_string(o.lo) + ", " +
                      std::to_string(o.hi) + "] after reading state " +
                      std::to_string(at) + ": " + where);
    }
  }
  if (verbose) {
    std::printf(
        "stress: %llu mutations, %zu reads (%zu overlapping a "
        "mutation), %zu distinct states read\n",
        static_cast<unsigned long long>(mutations), observations, overlapping,
        distinct_states.size());
    for (const auto& [kind, n] : writer.tally()) {
      std::printf("  %-16s %6llu applied %6llu refused\n", kind.c_str(),
                  static_cast<unsigned long long>(n.first),
                  static_cast<unsigned long long>(n.second));
    }
  }
  CHECK(problems.Take() == std::vector<std::string>{});
  for (size_t r = 0; r < kReaders; ++r) CHECK(!seen[r].empty());
  CHECK(heard.size() > mutations / 4);
  // The writer drove the engine through many distinct answers.
  std::set<uint64_t> states;
  for (const Fingerprints& f : published) states.insert(f[kListSegments]);
  CHECK(states.size() > mutations / 10);
}

}  // namespace
}  // namespace audience::testing

namespace audience::testing {
namespace {

// Durability with the same writer: an engine on a data directory, closed
// and reopened at random points (snapshots in between, each sync policy),
// must answer every probe as it did before it closed. [durability] runs in
// the ASan build too. AUDIENCE_DURABILITY_SEEDS / _MUTATIONS lengthen it.
TEST_CASE("a data directory reopens to the state it held under every mutation",
          "[durability]") {
  const uint64_t seeds = EnvOr("AUDIENCE_DURABILITY_SEEDS", 3);
  const uint64_t mutations = EnvOr("AUDIENCE_DURABILITY_MUTATIONS", 400);
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    INFO("seed " << seed);
    TempDir dir;
    EngineOptions options;
    options.now = kStart;
    options.data_dir = dir.path();
    options.sync = static_cast<SyncPolicy>(seed % 3);
    options.sync_interval_ms = 2;
    auto opened = Engine::Open(options);
    REQUIRE_OK(opened);
    std::unique_ptr<Engine> engine = std::move(*opened);
    SeededRandom rng(seed);
    const Fixture fx = Populate(*engine, rng);
    Problems problems;
    Writer writer(*engine, fx, seed, problems);
    size_t reopens = 0;
    for (uint64_t step = 1; step <= mutations; ++step) {
      writer.Step();
      if (rng.Chance(0.02)) REQUIRE_OK(engine->Snapshot());
      if (!rng.Chance(0.04) && step != mutations) continue;
      Fingerprints before = RunAllProbes(*engine, fx, problems);
      engine.reset();
      opened = Engine::Open(options);
      REQUIRE_OK(opened);
      engine = std::move(*opened);
      Fingerprints after = RunAllProbes(*engine, fx, problems);
      for (size_t p = 0; p < kProbeCount; ++p) {
        if (p == kMemory) continue;  // sizes differ: capacity, time orders
        INFO("step " << step << ", probe " << kProbeNames[p]);
        CHECK(before[p] == after[p]);
      }
      writer.Rebind(*engine);
      ++reopens;
    }
    CHECK(reopens > 1);
    for (const std::string& problem : problems.Take()) FAIL_CHECK(problem);
    engine.reset();
    auto check = Engine::CheckDataDir(dir.path());
    REQUIRE_OK(check);
  }
}

}  // namespace
}  // namespace audience::testing
