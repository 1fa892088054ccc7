// Row bitmaps: CRoaring's Roaring, plus the few helpers the engine needs to
// build them fast (from dense 64K-row chunks) and to walk them.
#ifndef AUDIENCE_UTIL_BITMAP_H_
#define AUDIENCE_UTIL_BITMAP_H_

#include <cstdint>
#include <roaring/roaring.hh>
#include <vector>

namespace audience {

// A lead's dense internal position in the columns.
using Row = uint32_t;

// Rows per Roaring container: dense scans work a chunk at a time.
inline constexpr uint32_t kChunkRows = 1u << 16;
inline constexpr uint32_t kChunkWords = kChunkRows / 64;

// Adds ascending, distinct rows to `bitmap`, building whole containers
// instead of inserting one row at a time (CRoaring 0.2.66's addMany searches
// per value).
void AddSortedRows(const uint32_t* rows, size_t n, Roaring* bitmap);

inline Roaring FromSortedRows(const std::vector<uint32_t>& rows) {
  Roaring out;
  AddSortedRows(rows.data(), rows.size(), &out);
  return out;
}

// The set of `rows`, in any order, repeats allowed.
Roaring RowSet(std::vector<uint32_t> rows);

// Calls fn(row) for every row in ascending order.
template <typename Fn>
void ForEachRow(const Roaring& rows, Fn&& fn) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&rows.roaring, &it);
  uint32_t buffer[256];
  while (true) {
    uint32_t n = roaring_read_uint32_iterator(&it, buffer, 256);
    for (uint32_t i = 0; i < n; ++i) fn(buffer[i]);
    if (n < 256) break;
  }
}

// Set operations whose right-hand side may be a few rows (a manual add, a
// single transfer, a deleted lead): up to kFewRows they go row by row, since
// CRoaring 0.2.66 rebuilds a whole array container for an in-place union or
// difference, far dearer than a few binary searches.
inline constexpr uint64_t kFewRows = 8;
void AddRows(const Roaring& rows, Roaring* bitmap);          // bitmap |= rows
void RemoveRows(const Roaring& rows, Roaring* bitmap);       // bitmap -= rows
Roaring RowsIn(const Roaring& rows, const Roaring& set);     // rows & set
Roaring RowsNotIn(const Roaring& rows, const Roaring& set);  // rows - set

// rows ⊆ set, by counting: CRoaring 0.2.66's isSubset checks a bitset
// container against a run container bit by bit. The live rows are usually
// one run, [min, max], which needs no more than rows' bounds.
inline bool IsSubset(const Roaring& rows, const Roaring& set) {
  if (rows.isEmpty()) return true;
  if (set.isEmpty()) return false;
  if (set.cardinality() == uint64_t{set.maximum()} - set.minimum() + 1) {
    return rows.minimum() >= set.minimum() && rows.maximum() <= set.maximum();
  }
  return rows.and_cardinality(set) == rows.cardinality();
}

// The rows of `rows` for which keep(row) is true.
template <typename Keep>
Roaring FilterRows(const Roaring& rows, Keep&& keep) {
  std::vector<uint32_t> kept;
  kept.reserve(static_cast<size_t>(rows.cardinality()));
  ForEachRow(rows, [&](uint32_t row) {
    if (keep(row)) kept.push_back(row);
  });
  return FromSortedRows(kept);
}

// Set bits in words[0, n). Uses the CPU's popcnt when it has one: Debian's
// baseline x86-64 build would otherwise call a software routine per word.
uint64_t CountBits(const uint64_t* words, size_t n);

// The rows of container `index` of `rows` as kChunkWords dense words (bit i
// of word w is row chunk * 65536 + w * 64 + i, chunk = the container's key).
void ContainerWords(const Roaring& rows, int32_t index, uint64_t* words);

// Whether a bitmap read from untrusted bytes keeps CRoaring's invariants:
// ascending keys; non-empty containers; arrays strictly ascending; bitsets
// holding as many bits as their cardinality says (more than 4096); runs
// ascending, apart, and within their 65536 values. CRoaring 0.2.66's safe
// reader checks only that it stays within the bytes, and its operations
// (and ours, ContainerWords) index by these values.
bool IsWellFormed(const Roaring& bitmap);

// Collects rows per group (a term, say) in ascending row order, then adds
// each group's rows to its bitmap at once.
class RowGroups {
 public:
  void Add(uint32_t group, uint32_t row) {
    if (group >= rows_.size()) rows_.resize(group + 1);
    rows_[group].push_back(row);
  }
  // REQUIRES: bitmaps->size() > every group added.
  void AddTo(std::vector<Roaring>* bitmaps) const {
    for (size_t g = 0; g < rows_.size(); ++g) {
      AddSortedRows(rows_[g].data(), rows_[g].size(), &(*bitmaps)[g]);
    }
  }

 private:
  std::vector<std::vector<uint32_t>> rows_;
};

// Builds a Roaring bitmap from dense 65536-bit chunks given in ascending
// chunk order, without going through per-bit inserts.
class ChunkedBitmapBuilder {
 public:
  // REQUIRES: chunk greater than every chunk appended before.
  // `words` holds kChunkWords words; bit i of word w is row
  // chunk * 65536 + w * 64 + i.
  void Append(uint32_t chunk, const uint64_t* words);
  Roaring Build() { return std::move(result_); }

 private:
  Roaring result_;
};

// Bytes the bitmap takes in memory (CRoaring's portable size is a close
// proxy for its in-memory size).
inline uint64_t BitmapBytes(const Roaring& r) {
  return r.getSizeInBytes(/*portable=*/true);
}

}  // namespace audience

#endif  // AUDIENCE_UTIL_BITMAP_H_
