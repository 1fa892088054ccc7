// The saved segments: definitions, compiled plans, membership bitmaps, names
// and the dependency graph of segment-of-segment references.
#ifndef AUDIENCE_ENGINE_SEGMENT_CATALOG_H_
#define AUDIENCE_ENGINE_SEGMENT_CATALOG_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "audience/filter.h"
#include "audience/segment.h"
#include "engine/name_index.h"
#include "engine/segment_history.h"
#include "engine/segment_members.h"
#include "filter/plan.h"
#include "util/bitmap.h"

namespace audience {

struct SegmentState {
  SegmentId id = 0;
  std::string name;
  std::optional<CategoryId> category;
  bool is_public = false;
  std::string description;
  std::vector<Condition> filters;  // as defined
  // Per condition, the segment it references (bound by id, so renames keep
  // the reference).
  std::vector<std::optional<SegmentId>> refs;
  Plan plan;

  SegmentMembers membership;
  SegmentHistory history;
  uint64_t position = 0;  // rank in the catalog's topological order
  // Segments whose filters reference this one, ascending (kept by the
  // catalog).
  std::vector<SegmentId> dependents;
  const Roaring& members() const { return membership.members(); }
};

// Invariants: topo_order_ lists every segment after the segments it
// references; the graph has no cycles.
class SegmentCatalog {
 public:
  // Segments are found by id in a dense table, one slot per id ever given
  // out, so ids are bounded: 2^24 segments created over an engine's life
  // (a 128 MB table), which also bounds what a snapshot can make us
  // allocate.
  static constexpr SegmentId kMaxId = (SegmentId{1} << 24) - 1;

  SegmentState* Find(SegmentId id);
  const SegmentState* Find(SegmentId id) const;
  const NameIndex<SegmentId>& names() const { return names_; }

  SegmentId NextId() const { return next_id_; }
  // Takes the state, giving it the next id.
  SegmentState& Insert(std::unique_ptr<SegmentState> state);
  // Replaces the definition parts of `id` (name, category, flags, filters,
  // plan) keeping its bitmaps.
  void Redefine(SegmentId id, std::unique_ptr<SegmentState> definition);
  void Erase(SegmentId id);
  // Snapshot restore: takes a state that keeps its id (not in use, below
  // NextId()). States must come dependencies first.
  SegmentState& Restore(std::unique_ptr<SegmentState> state);
  void set_next_id(SegmentId next) {
    next_id_ = next;
    by_id_.resize(next, nullptr);
  }

  // Segments whose filters reference `id`, ascending.
  const std::vector<SegmentId>& ReferencedBy(SegmentId id) const;
  // A rank that increases along topo_order().
  uint64_t position(SegmentId id) const { return by_id_[id]->position; }
  // True when `from` reads `target`, directly or through other segments.
  bool DependsOn(SegmentId from, SegmentId target) const;

  // Every segment, dependencies first.
  const std::vector<SegmentId>& topo_order() const { return topo_order_; }
  // Every segment, by id.
  const std::map<SegmentId, std::unique_ptr<SegmentState>>& all() const {
    return segments_;
  }
  size_t size() const { return segments_.size(); }

 private:
  void RebuildOrder();
  // Adds (link) or removes `s` from the dependents of the segments it reads.
  void LinkRefs(const SegmentState& s, bool link);

  std::map<SegmentId, std::unique_ptr<SegmentState>> segments_;
  NameIndex<SegmentId> names_{"segment"};
  std::vector<SegmentId> topo_order_;
  // Every id handed out, for O(1) lookups; null once deleted.
  std::vector<SegmentState*> by_id_ = {nullptr};
  uint64_t next_position_ = 0;
  SegmentId next_id_ = 1;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_SEGMENT_CATALOG_H_
