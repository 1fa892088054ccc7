#include "campaigns/participation.h"

#include <algorithm>

namespace audience {

namespace {

// How many levels hold `row`: levels are nested, so it is a prefix.
size_t Depth(const std::vector<Roaring>& levels, Row row) {
  size_t lo = 0;
  size_t hi = levels.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (levels[mid].contains(row)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

void CampaignParticipation::Record(Row row, ActionKind kind, Timestamp ts) {
  std::vector<Roaring>& levels = levels_[static_cast<size_t>(kind)];
  const size_t depth = Depth(levels, row);
  if (depth == levels.size()) levels.emplace_back();
  levels[depth].add(row);
  participants_.add(row);
  auto [it, inserted] = last_action_.try_emplace(row, ts);
  if (!inserted) it->second = std::max(it->second, ts);
}

ActionCounts CampaignParticipation::CountWithin(const Roaring& rows) const {
  ActionCounts counts = {};
  for (size_t k = 0; k < kActionKindCount; ++k) {
    for (const Roaring& level : levels_[k]) {
      const uint64_t n = level.and_cardinality(rows);
      if (n == 0) break;  // deeper levels are subsets
      counts[k] += n;
    }
  }
  return counts;
}

std::optional<Participation> CampaignParticipation::Of(Row row) const {
  auto it = last_action_.find(row);
  if (it == last_action_.end()) return std::nullopt;
  Participation p;
  p.last_action = it->second;
  for (size_t k = 0; k < kActionKindCount; ++k) {
    p.actions[k] = Depth(levels_[k], row);
  }
  return p;
}

void CampaignParticipation::Forget(const Roaring& rows) {
  if (!participants_.intersect(rows)) return;
  RemoveRows(rows, &participants_);
  for (std::vector<Roaring>& levels : levels_) {
    for (Roaring& level : levels) RemoveRows(rows, &level);
    std::erase_if(levels, [](const Roaring& level) { return level.isEmpty(); });
  }
  ForEachRow(rows, [&](Row row) { last_action_.erase(row); });
}

size_t CampaignParticipation::MemoryBytes() const {
  size_t bytes = BitmapBytes(participants_) +
                 last_action_.capacity() * (sizeof(Row) + sizeof(Timestamp));
  for (const std::vector<Roaring>& levels : levels_) {
    for (const Roaring& level : levels) bytes += BitmapBytes(level);
  }
  return bytes;
}

}  // namespace audience
