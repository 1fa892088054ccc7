// A 16-bit bucket code per row that preserves the order of the row's
// numeric value: the secondary index that lets range conditions scan two
// bytes per row instead of eight (docs/architecture.md, "numeric columns").
//
// Codes: 0 = empty row; 1..kMaxCode = buckets in ascending key order, bucket
// c holding keys in (bounds_[c-2], bounds_[c-1]]. Any sorted bounds give
// correct answers — rows in a range's edge buckets are checked against their
// exact values — so bounds are only rebuilt (from a sample, equi-depth, with
// room above the maximum for growing values such as timestamps) when a
// bucket grows so large that edge checks would cost.
#ifndef AUDIENCE_STORE_BUCKET_CODES_H_
#define AUDIENCE_STORE_BUCKET_CODES_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "store/code_scan.h"
#include "util/bitmap.h"

namespace audience {

class BucketCodes {
 public:
  static constexpr uint16_t kEmpty = 0;
  static constexpr uint16_t kMaxCode = 65534;

  // Pads to a multiple of 64 rows so scans read whole words.
  void Resize(Row rows);
  void Set(Row row, uint64_t key);
  void Clear(Row row);
  uint16_t code(Row row) const { return codes_[row]; }
  const uint16_t* data() const { return codes_.data(); }
  size_t padded_rows() const { return codes_.size(); }

  // Whether bounds should be rebuilt now: a bucket spanning several keys
  // outgrew its share, and enough updates happened since the last rebuild
  // to pay for one.
  bool WantsRebuild(uint64_t present_rows) const;
  // Picks new bounds from the rows' keys and recodes every row.
  void Rebuild(const Roaring& present,
               const std::function<uint64_t(Row)>& key_of);

  // The code range for keys in [lo, hi]. REQUIRES: lo <= hi.
  CodeRange RangeFor(uint64_t lo, uint64_t hi) const;

  size_t MemoryBytes() const;

 private:
  uint16_t CodeFor(uint64_t key) const;
  void BuildHints();
  // Counts a row into bucket `code`, noting when it mixes distinct keys.
  void Count(uint16_t code, uint64_t key);

  std::vector<uint64_t> bounds_;  // sorted, distinct, at most kMaxCode - 1
  // hints_[j]: the first bound >= bounds_.front() + (j << hint_shift_), so
  // CodeFor searches a handful of bounds instead of all of them. About one
  // hint per bound (a power of two, at most 2^16 + 1); empty without bounds.
  std::vector<uint32_t> hints_;
  int hint_shift_ = 0;
  std::vector<uint16_t> codes_;
  // Per code in use, 0..bounds_.size() + 1 (sized by Rebuild, so a column
  // that never needed bounds does not pay for 64K buckets: hosts may define
  // hundreds of numeric fields): the rows in the bucket, a key in it, and
  // whether it holds another key too. Only a mixed bucket can be split by a
  // rebuild.
  std::vector<uint32_t> counts_ = std::vector<uint32_t>(2, 0);
  std::vector<uint64_t> some_key_ = std::vector<uint64_t>(2, 0);
  std::vector<bool> mixed_ = std::vector<bool>(2, false);
  uint32_t overflow_limit_ = 4096;
  uint64_t updates_since_rebuild_ = 0;
  bool overflowed_ = false;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_BUCKET_CODES_H_
