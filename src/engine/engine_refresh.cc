// Incremental membership: which segments and rows a change can affect, and
// re-checking exactly those, dependencies first.
#include <algorithm>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "engine/engine_core.h"
#include "util/parallel.h"

namespace audience {

namespace {

// Re-checking up to this many rows of a segment probes them one by one
// (a point evaluation and a bitmap update each); beyond, narrowing them with
// the plan as a set and replacing them in bitmap operations costs less.
constexpr uint64_t kPointCheckLimit = 512;

using Queue = std::vector<std::pair<uint64_t, SegmentId>>;  // min-heap

void Push(Queue& queue, uint64_t position, SegmentId id) {
  queue.emplace_back(position, id);
  std::push_heap(queue.begin(), queue.end(), std::greater<>());
}

// Pops the next segment in dependency order, skipping repeats.
bool Pop(Queue& queue, SegmentId& id) {
  if (queue.empty()) return false;
  std::pop_heap(queue.begin(), queue.end(), std::greater<>());
  id = queue.back().second;
  queue.pop_back();
  // A segment queued twice sits next to itself in the heap order.
  while (!queue.empty() && queue.front().second == id) {
    std::pop_heap(queue.begin(), queue.end(), std::greater<>());
    queue.pop_back();
  }
  return true;
}

Timestamp SaturatingAdd(Timestamp a, int64_t b) {
  Timestamp out;
  if (__builtin_add_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<Timestamp>::max()
                 : std::numeric_limits<Timestamp>::min();
  }
  return out;
}

}  // namespace

void EngineCore::RecheckRow(Row row, const std::vector<SegmentId>& segments,
                            ChangeCause cause, ChangeCollector& changes) {
  if (segments.empty()) return;
  const EvalContext ctx = Context();
  const LeadId lead = store_.lead_id(row);
  Queue& queue = queue_scratch_;
  queue.clear();
  for (SegmentId id : segments) {
    // The states are scattered over memory: start loading them all at once.
    const SegmentState* s = segments_.Find(id);
    __builtin_prefetch(&s->plan);
    __builtin_prefetch(&s->membership);
    __builtin_prefetch(&s->position);
  }
  for (SegmentId id : segments) Push(queue, segments_.position(id), id);
  SegmentId id;
  while (Pop(queue, id)) {
    SegmentState& s = *segments_.Find(id);
    if (!s.membership.SetMatch(row, s.plan.Matches(ctx, row))) continue;
    const bool member = s.membership.IsMember(row);
    changes.Add(id, lead, member ? ChangeKind::kEntered : ChangeKind::kLeft,
                cause);
    for (SegmentId user : segments_.ReferencedBy(id)) {
      Push(queue, segments_.position(user), user);
    }
  }
}

void EngineCore::RecheckRows(DirtyRows dirty, ChangeCause cause,
                             ChangeCollector& changes) {
  const EvalContext ctx = Context();
  Queue queue;
  for (const auto& [id, recheck] : dirty) {
    Push(queue, segments_.position(id), id);
  }
  SegmentId id;
  while (Pop(queue, id)) {
    SegmentState& s = *segments_.Find(id);
    Roaring flipped;
    {
      Recheck& r = dirty[id];
      if (r.all) {
        flipped =
            s.membership.ReplaceMatches(store_.live(), s.plan.Evaluate(ctx));
      } else {
        r.rows &= store_.live();
        if (r.rows.cardinality() <= kPointCheckLimit) {
          ForEachRow(r.rows, [&](Row row) {
            if (s.membership.SetMatch(row, s.plan.Matches(ctx, row))) {
              flipped.add(row);
            }
          });
        } else {
          Roaring fresh = s.plan.EvaluateWithin(ctx, r.rows);
          flipped = s.membership.ReplaceMatches(r.rows, std::move(fresh));
        }
      }
    }
    if (flipped.isEmpty()) continue;
    ForEachRow(flipped, [&](Row row) {
      changes.Add(
          id, store_.lead_id(row),
          s.membership.IsMember(row) ? ChangeKind::kEntered : ChangeKind::kLeft,
          cause);
    });
    for (SegmentId user : segments_.ReferencedBy(id)) {
      Recheck& r = dirty[user];
      if (!r.all) r.rows |= flipped;
      Push(queue, segments_.position(user), user);
    }
  }
}

void EngineCore::RecheckEverything(ChangeCause cause,
                                   ChangeCollector& changes) {
  DirtyRows dirty;
  for (SegmentId id : segments_.topo_order()) dirty[id].all = true;
  RecheckRows(std::move(dirty), cause, changes);
}

void EngineCore::DirtySegmentsOf(const TouchedRows::Entry& e,
                                 SegmentList* dirty) const {
  const Schema& schema = store_.schema();
  if (e.created) {
    *dirty = watch_.empty_matchers();
    const Value empty;
    for (FieldId f = 0; f < schema.size(); ++f) {
      if (!watch_.Watches(f)) continue;
      Value after = store_.GetValue(e.row, f);
      if (IsEmptyValue(after)) continue;
      watch_.FieldChanged(f, schema.field(f).type, empty, after, dirty);
    }
    return;
  }
  for (const auto& [f, before] : e.before) {
    watch_.FieldChanged(f, schema.field(f).type, before,
                        store_.GetValue(e.row, f), dirty);
  }
}

void EngineCore::RecheckTouched(const TouchedRows& touched,
                                ChangeCollector& changes) {
  // Past a few rows, re-checking segment by segment (each segment's rows
  // together) keeps a segment's bitmaps in cache across its rows.
  constexpr size_t kRowsBySegment = 32;
  SegmentList& dirty = dirty_scratch_;
  if (!options_.incremental_index ||
      touched.entries().size() < kRowsBySegment) {
    for (const TouchedRows::Entry& e : touched.entries()) {
      if (!store_.live().contains(e.row)) continue;
      if (!options_.incremental_index) {
        RecheckRow(e.row, segments_.topo_order(), ChangeCause::kFilter,
                   changes);
        continue;
      }
      dirty.clear();
      DirtySegmentsOf(e, &dirty);
      RecheckRow(e.row, dirty, ChangeCause::kFilter, changes);
    }
    return;
  }
  // Rows in ascending order, so each segment's list comes out sorted.
  std::vector<const TouchedRows::Entry*> entries;
  for (const TouchedRows::Entry& e : touched.entries()) {
    if (store_.live().contains(e.row)) entries.push_back(&e);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->row < b->row; });
  std::vector<std::vector<Row>> rows_of(segments_.NextId());
  for (const TouchedRows::Entry* e : entries) {
    dirty.clear();
    DirtySegmentsOf(*e, &dirty);
    for (SegmentId id : dirty) {
      std::vector<Row>& rows = rows_of[id];
      if (rows.empty() || rows.back() != e->row) rows.push_back(e->row);
    }
  }
  DirtyRows by_segment;
  for (SegmentId id = 0; id < rows_of.size(); ++id) {
    if (rows_of[id].empty()) continue;
    by_segment[id].rows = Roaring(rows_of[id].size(), rows_of[id].data());
  }
  RecheckRows(std::move(by_segment), ChangeCause::kFilter, changes);
}

void EngineCore::RecheckEvent(Row row, std::string_view type,
                              std::optional<int64_t> object,
                              ChangeCollector& changes) {
  if (!options_.incremental_index) {
    RecheckRow(row, segments_.topo_order(), ChangeCause::kFilter, changes);
    return;
  }
  SegmentList& dirty = dirty_scratch_;
  dirty.clear();
  watch_.EventRecorded(type, object, &dirty);
  RecheckRow(row, dirty, ChangeCause::kFilter, changes);
}

void EngineCore::Register(SegmentId id) {
  watch_.Add(id, segments_.Find(id)->plan);
  EnableClockIndexes();
}

void EngineCore::Unregister(SegmentId id) {
  watch_.Remove(id, segments_.Find(id)->plan);
}

void EngineCore::EnableClockIndexes() {
  // The missing orders, each built from its own column or event type, side
  // by side (a snapshot restore builds them all at once), largest first.
  ActivityLog& log = store_.activity();
  absl::btree_set<FieldId> fields;
  absl::btree_set<uint32_t> types;
  for (const auto& [key, segments] : watch_.clock_watches()) {
    if (!key.activity) {
      if (!store_.int_column(key.field).ordered()) fields.insert(key.field);
    } else if (std::optional<uint32_t> type = log.FindType(key.type)) {
      if (!log.time_indexed(*type)) types.insert(*type);
    }
  }
  if (fields.empty() && types.empty()) return;
  log.ReserveTimeIndexes();
  std::vector<std::pair<uint64_t, std::function<void()>>> jobs;
  for (FieldId field : fields) {
    jobs.emplace_back(store_.column(field).present().cardinality(),
                      [this, field] { store_.EnableValueOrder(field); });
  }
  for (uint32_t type : types) {
    jobs.emplace_back(log.EventCount(type),
                      [&log, type] { log.EnableTimeIndex(type); });
  }
  RunLargestFirst(std::move(jobs));
}

Roaring EngineCore::ClockCrossings(const ClockWatchKey& key, Timestamp from,
                                   Timestamp to) const {
  // A value ts is inside a within_last window [now - d, now] at one clock
  // and not the other only if ts lies in [from - d, to - d) (it aged out)
  // or in (from, to] (it stopped being in the future); older_than d is
  // ts < now - d, whose answer moves only over [from - d, to - d).
  std::vector<Row> rows;
  const Timestamp aged_lo = SaturatingAdd(from, -key.seconds);
  const Timestamp aged_hi = SaturatingAdd(SaturatingAdd(to, -key.seconds), -1);
  auto collect = [&](Timestamp lo, Timestamp hi) {
    if (key.activity) {
      const ActivityLog& log = store_.activity();
      std::optional<uint32_t> type = log.FindType(key.type);
      if (!type) return;
      log.ForEachEventInRange(*type, lo, hi,
                              [&](Row row) { rows.push_back(row); });
    } else {
      store_.int_column(key.field).ForEachInRange(
          lo, hi, [&](Row row) { rows.push_back(row); });
    }
  };
  collect(aged_lo, aged_hi);
  if (key.within_last && from < to) collect(from + 1, to);
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return Roaring(rows.size(), rows.data());
}

absl::StatusOr<MutationResult> EngineCore::AdvanceClock(Timestamp now) {
  if (now < now_) {
    return absl::FailedPreconditionError(StrCat(
        "the clock cannot move backwards: now is ", now_, ", got ", now));
  }
  ChangeCollector changes(now);
  if (now == now_) return Finish(changes);
  const Timestamp before = now_;
  now_ = now;
  DirtyRows dirty;
  if (!options_.incremental_index) {
    for (SegmentId id : segments_.topo_order()) {
      if (segments_.Find(id)->plan.reads_clock()) dirty[id].all = true;
    }
  } else {
    for (const auto& [key, segments] : watch_.clock_watches()) {
      Roaring rows = ClockCrossings(key, before, now);
      if (rows.isEmpty()) continue;
      for (SegmentId id : segments) dirty[id].rows |= rows;
    }
  }
  RecheckRows(std::move(dirty), ChangeCause::kClock, changes);
  return Finish(changes);
}

}  // namespace audience
