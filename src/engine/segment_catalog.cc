#include "engine/segment_catalog.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace audience {

SegmentState* SegmentCatalog::Find(SegmentId id) {
  return id < by_id_.size() ? by_id_[id] : nullptr;
}

const SegmentState* SegmentCatalog::Find(SegmentId id) const {
  return id < by_id_.size() ? by_id_[id] : nullptr;
}

SegmentState& SegmentCatalog::Insert(std::unique_ptr<SegmentState> state) {
  state->id = next_id_++;
  names_.Insert(state->name, state->id);
  SegmentState& ref = *state;
  segments_.emplace(state->id, std::move(state));
  // Nothing references a new segment yet, so it can go last: the order
  // stays valid without a rebuild (which would make creating n segments
  // quadratic).
  by_id_.push_back(&ref);
  topo_order_.push_back(ref.id);
  ref.position = next_position_++;
  LinkRefs(ref, true);
  return ref;
}

void SegmentCatalog::Redefine(SegmentId id,
                              std::unique_ptr<SegmentState> definition) {
  SegmentState& s = *segments_.at(id);
  LinkRefs(s, false);
  names_.Erase(s.name);
  names_.Insert(definition->name, id);
  s.name = std::move(definition->name);
  s.category = definition->category;
  s.is_public = definition->is_public;
  s.description = std::move(definition->description);
  s.filters = std::move(definition->filters);
  s.refs = std::move(definition->refs);
  s.plan = std::move(definition->plan);
  LinkRefs(s, true);
  // The order still holds unless the segment now reads a later one.
  for (const auto& ref : s.refs) {
    if (ref && by_id_[*ref]->position > s.position) {
      RebuildOrder();
      return;
    }
  }
}

void SegmentCatalog::Erase(SegmentId id) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return;
  names_.Erase(it->second->name);
  LinkRefs(*it->second, false);
  // Removing an element keeps the rest in a valid order; positions only
  // need to be increasing along it, so gaps are fine.
  topo_order_.erase(std::find(topo_order_.begin(), topo_order_.end(), id));
  by_id_[id] = nullptr;
  segments_.erase(it);
}

void SegmentCatalog::LinkRefs(const SegmentState& s, bool link) {
  for (const auto& ref : s.refs) {
    if (!ref) continue;
    // Kept sorted by id, so the order (errors list it) does not depend on
    // the order references were made, which a snapshot does not keep.
    std::vector<SegmentId>& users = by_id_[*ref]->dependents;
    auto it = std::lower_bound(users.begin(), users.end(), s.id);
    const bool present = it != users.end() && *it == s.id;
    if (link && !present) users.insert(it, s.id);
    if (!link && present) users.erase(it);
  }
}

const std::vector<SegmentId>& SegmentCatalog::ReferencedBy(SegmentId id) const {
  static const std::vector<SegmentId> kNone;
  const SegmentState* s = Find(id);
  return s == nullptr ? kNone : s->dependents;
}

bool SegmentCatalog::DependsOn(SegmentId from, SegmentId target) const {
  std::vector<SegmentId> stack = {from};
  absl::flat_hash_map<SegmentId, bool> seen;
  while (!stack.empty()) {
    SegmentId id = stack.back();
    stack.pop_back();
    if (id == target) return true;
    if (!seen.emplace(id, true).second) continue;
    const SegmentState* s = Find(id);
    if (s == nullptr) continue;
    for (const auto& ref : s->refs) {
      if (ref) stack.push_back(*ref);
    }
  }
  return false;
}

void SegmentCatalog::RebuildOrder() {
  // Kahn's algorithm, smallest id first among the ready ones, so the order
  // is deterministic.
  absl::flat_hash_map<SegmentId, int> pending;
  for (const auto& [id, s] : segments_) {
    for (SegmentId user : s->dependents) ++pending[user];
  }
  std::vector<SegmentId> ready;
  for (const auto& [id, s] : segments_) {
    if (pending[id] == 0) ready.push_back(id);
  }
  std::make_heap(ready.begin(), ready.end(), std::greater<>());
  topo_order_.clear();
  next_position_ = 0;
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), std::greater<>());
    SegmentId id = ready.back();
    ready.pop_back();
    topo_order_.push_back(id);
    by_id_[id]->position = next_position_++;
    for (SegmentId d : ReferencedBy(id)) {
      if (--pending[d] == 0) {
        ready.push_back(d);
        std::push_heap(ready.begin(), ready.end(), std::greater<>());
      }
    }
  }
}

SegmentState& SegmentCatalog::Restore(std::unique_ptr<SegmentState> state) {
  const SegmentId id = state->id;
  names_.Insert(state->name, id);
  SegmentState& ref = *state;
  segments_.emplace(id, std::move(state));
  by_id_[id] = &ref;
  topo_order_.push_back(id);
  ref.position = next_position_++;
  LinkRefs(ref, true);
  return ref;
}

}  // namespace audience
