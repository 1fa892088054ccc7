#include "engine/segment_catalog.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace audience {

SegmentState* SegmentCatalog::Find(SegmentId id) {
  auto it = segments_.find(id);
  return it == segments_.end() ? nullptr : it->second.get();
}

const SegmentState* SegmentCatalog::Find(SegmentId id) const {
  auto it = segments_.find(id);
  return it == segments_.end() ? nullptr : it->second.get();
}

SegmentState& SegmentCatalog::Insert(std::unique_ptr<SegmentState> state) {
  state->id = next_id_++;
  names_.Insert(state->name, state->id);
  SegmentState& ref = *state;
  segments_.emplace(state->id, std::move(state));
  RebuildOrder();
  return ref;
}

void SegmentCatalog::Redefine(SegmentId id,
                              std::unique_ptr<SegmentState> definition) {
  SegmentState& s = *segments_.at(id);
  names_.Erase(s.name);
  names_.Insert(definition->name, id);
  s.name = std::move(definition->name);
  s.category = definition->category;
  s.is_public = definition->is_public;
  s.description = std::move(definition->description);
  s.filters = std::move(definition->filters);
  s.refs = std::move(definition->refs);
  s.plan = std::move(definition->plan);
  RebuildOrder();
}

void SegmentCatalog::Erase(SegmentId id) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return;
  names_.Erase(it->second->name);
  segments_.erase(it);
  RebuildOrder();
}

const std::vector<SegmentId>& SegmentCatalog::ReferencedBy(SegmentId id) const {
  static const std::vector<SegmentId> kNone;
  auto it = dependents_.find(id);
  return it == dependents_.end() ? kNone : it->second;
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
  dependents_.clear();
  for (const auto& [id, s] : segments_) {
    int n = 0;
    for (const auto& ref : s->refs) {
      if (!ref || !segments_.count(*ref)) continue;
      // A segment naming another twice depends on it once.
      std::vector<SegmentId>& users = dependents_[*ref];
      if (users.empty() || users.back() != id) {
        users.push_back(id);
        ++n;
      }
    }
    pending[id] = n;
  }
  std::vector<SegmentId> ready;
  for (const auto& [id, s] : segments_) {
    if (pending[id] == 0) ready.push_back(id);
  }
  std::make_heap(ready.begin(), ready.end(), std::greater<>());
  topo_order_.clear();
  position_.clear();
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), std::greater<>());
    SegmentId id = ready.back();
    ready.pop_back();
    topo_order_.push_back(id);
    position_[id] = static_cast<uint32_t>(topo_order_.size() - 1);
    for (SegmentId d : ReferencedBy(id)) {
      if (--pending[d] == 0) {
        ready.push_back(d);
        std::push_heap(ready.begin(), ready.end(), std::greater<>());
      }
    }
  }
}

}  // namespace audience
