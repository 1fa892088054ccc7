// The active segment of each lead per category: where a same-category
// transfer last moved it (design.md §3).
#ifndef AUDIENCE_ENGINE_ACTIVE_SEGMENTS_H_
#define AUDIENCE_ENGINE_ACTIVE_SEGMENTS_H_

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "audience/types.h"
#include "util/bitmap.h"

namespace audience {

class Encoder;
class Decoder;

// Kept as bitmaps per (category, segment) so that a batch transfer updates
// a few bitmaps rather than a map entry per lead.
//
// Invariants: within a category a row is in at most one segment's bitmap;
// no bitmap is empty.
class ActiveSegments {
 public:
  // Makes `segment` the active segment of `rows` in `category`.
  void Set(const Roaring& rows, CategoryId category, SegmentId segment);
  std::optional<SegmentId> Get(Row row, CategoryId category) const;
  // The row's (category, segment) pairs, by category.
  std::vector<std::pair<CategoryId, SegmentId>> Of(Row row) const;

  void ForgetSegment(SegmentId segment);
  void ForgetRows(const Roaring& rows);

  size_t MemoryBytes() const;

  // The snapshot form; DecodeFrom checks the invariants, that rows are in
  // `live`, and valid(category, segment).
  void EncodeTo(Encoder& e) const;
  void DecodeFrom(Decoder& d, const Roaring& live,
                  absl::FunctionRef<bool(CategoryId, SegmentId)> valid);

 private:
  std::map<CategoryId, std::map<SegmentId, Roaring>> by_category_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_ACTIVE_SEGMENTS_H_
