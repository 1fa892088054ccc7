#include "engine/active_segments.h"

#include "persist/codec.h"

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

void ActiveSegments::EncodeTo(Encoder& e) const {
  e.Varint(by_category_.size());
  for (const auto& [category, segments] : by_category_) {
    e.Varint(category);
    e.Varint(segments.size());
    for (const auto& [segment, rows] : segments) {
      e.Varint(segment);
      e.Bitmap(rows);
    }
  }
}

void ActiveSegments::DecodeFrom(
    Decoder& d, const Roaring& live,
    absl::FunctionRef<bool(CategoryId, SegmentId)> valid) {
  for (size_t c = d.Count(2); c > 0 && d.ok(); --c) {
    const auto category = static_cast<CategoryId>(d.Varint());
    std::map<SegmentId, Roaring>& segments = by_category_[category];
    Roaring seen;
    for (size_t s = d.Count(2); s > 0 && d.ok(); --s) {
      const auto segment = static_cast<SegmentId>(d.Varint());
      Roaring rows = d.Bitmap();
      if (!d.ok()) return;
      if (!valid(category, segment) || rows.isEmpty() ||
          !IsSubset(rows, live) || rows.intersect(seen) ||
          segments.count(segment) > 0) {
        d.Fail("bad active segment");
        return;
      }
      seen |= rows;
      segments.emplace(segment, std::move(rows));
    }
  }
}

}  // namespace audience
