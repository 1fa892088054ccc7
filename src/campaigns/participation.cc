#include "campaigns/participation.h"

#include <algorithm>

#include "persist/codec.h"

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

void CampaignParticipation::EncodeTo(Encoder& e) const {
  for (const std::vector<Roaring>& levels : levels_) {
    e.Varint(levels.size());
    for (const Roaring& level : levels) e.Bitmap(level);
  }
  std::vector<std::pair<Row, Timestamp>> last(last_action_.begin(),
                                              last_action_.end());
  std::sort(last.begin(), last.end());
  e.Varint(last.size());
  for (const auto& [row, ts] : last) {
    e.Varint(row);
    e.Signed(ts);
  }
}

void CampaignParticipation::DecodeFrom(Decoder& d, const Roaring& live) {
  for (std::vector<Roaring>& levels : levels_) {
    levels.resize(d.Count(4));
    for (size_t i = 0; i < levels.size() && d.ok(); ++i) {
      levels[i] = d.Bitmap();
      if (levels[i].isEmpty() ||
          !IsSubset(levels[i], i == 0 ? live : levels[i - 1])) {
        d.Fail("participation levels are not nested");
      }
    }
    if (!levels.empty()) participants_ |= levels[0];
  }
  const size_t n = d.Count(2);
  if (n != participants_.cardinality()) d.Fail("participants without times");
  for (size_t i = 0; i < n && d.ok(); ++i) {
    const Row row = static_cast<Row>(d.Varint());
    const Timestamp ts = d.Signed();
    if (!participants_.contains(row) ||
        !last_action_.try_emplace(row, ts).second) {
      d.Fail("bad participant row");
    }
  }
}

}  // namespace audience
