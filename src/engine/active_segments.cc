#include "engine/active_segments.h"

namespace audience {

void ActiveSegments::Set(const Roaring& rows, CategoryId category,
                         SegmentId segment) {
  std::map<SegmentId, Roaring>& segments = by_category_[category];
  for (auto it = segments.begin(); it != segments.end();) {
    if (it->first != segment) RemoveRows(rows, &it->second);
    it = it->second.isEmpty() ? segments.erase(it) : std::next(it);
  }
  AddRows(rows, &segments[segment]);
}

std::optional<SegmentId> ActiveSegments::Get(Row row,
                                             CategoryId category) const {
  auto c = by_category_.find(category);
  if (c == by_category_.end()) return std::nullopt;
  for (const auto& [segment, rows] : c->second) {
    if (rows.contains(row)) return segment;
  }
  return std::nullopt;
}

std::vector<std::pair<CategoryId, SegmentId>> ActiveSegments::Of(
    Row row) const {
  std::vector<std::pair<CategoryId, SegmentId>> out;
  for (const auto& [category, segments] : by_category_) {
    for (const auto& [segment, rows] : segments) {
      if (rows.contains(row)) out.emplace_back(category, segment);
    }
  }
  return out;
}

void ActiveSegments::ForgetSegment(SegmentId segment) {
  for (auto& [category, segments] : by_category_) segments.erase(segment);
}

void ActiveSegments::ForgetRows(const Roaring& rows) {
  for (auto& [category, segments] : by_category_) {
    for (auto it = segments.begin(); it != segments.end();) {
      RemoveRows(rows, &it->second);
      it = it->second.isEmpty() ? segments.erase(it) : std::next(it);
    }
  }
}

size_t ActiveSegments::MemoryBytes() const {
  size_t bytes = 0;
  for (const auto& [category, segments] : by_category_) {
    for (const auto& [segment, rows] : segments) bytes += BitmapBytes(rows);
  }
  return bytes;
}

}  // namespace audience
