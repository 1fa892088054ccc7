// int64, double and timestamp values: a contiguous value array, the present
// bitmap, and order-preserving bucket codes (BucketCodes) that range
// conditions scan with SIMD.
#ifndef AUDIENCE_STORE_NUMERIC_COLUMN_H_
#define AUDIENCE_STORE_NUMERIC_COLUMN_H_

#include <bit>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "store/bucket_codes.h"
#include "store/column.h"

namespace audience {

// Maps values to uint64 keys whose unsigned order is the values' order, so
// one range scan serves int64 and double. -0.0 is stored as 0.0.
inline uint64_t OrderKey(int64_t v) {
  return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
}
inline uint64_t OrderKey(double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

// T is int64_t (int64 and timestamp fields) or double.
template <typename T>
class NumericColumn final : public Column {
 public:
  void Resize(Row rows) override;
  void Set(Row row, const FieldInput& value) override;
  void Clear(Row row) override;
  Value Get(Row row) const override;
  void FinishDeferred(Row end) override;
  const Roaring& present() const override { return present_; }
  void Maintain() override;
  size_t MemoryBytes() const override;
  void EncodeTo(Encoder& e) const override;
  void DecodeFrom(Decoder& d, const Roaring& live) override;

  // REQUIRES: Has(row).
  T ValueAt(Row row) const { return values_[row]; }
  // Every row's value (0 for empty rows), for scans and benchmarks.
  std::span<const T> values() const { return values_; }
  uint64_t KeyAt(Row row) const { return OrderKey(values_[row]); }

  // Keeps the rows ordered by value from now on (built once, then kept up
  // to date), for questions like "which rows' timestamps lie in this
  // window", which a clock advance asks. Cost: ~40 bytes per row.
  void EnableOrder();
  bool ordered() const { return order_ != nullptr; }
  size_t OrderBytes() const {
    return order_ == nullptr ? 0 : order_->size() * (sizeof(T) + 8) * 3 / 2;
  }
  // Calls fn(row) for each row whose value lies in [lo, hi].
  // REQUIRES: ordered().
  template <typename Fn>
  void ForEachInRange(T lo, T hi, Fn&& fn) const {
    if (lo > hi) return;
    for (auto it = order_->lower_bound({lo, 0});
         it != order_->end() && it->first <= hi; ++it) {
      fn(it->second);
    }
  }

  // The rows of `rows` whose value's key lies in [lo, hi]. Cost: a probe per
  // row when `rows` is sparse, else a code scan of the 64K-row chunks that
  // `rows` touches plus exact checks of the edge buckets.
  Roaring SelectKeys(uint64_t lo, uint64_t hi, const Roaring& rows) const;

 private:
  std::vector<T> values_;
  Roaring present_;
  BucketCodes codes_;
  std::unique_ptr<absl::btree_set<std::pair<T, Row>>> order_;
};

extern template class NumericColumn<int64_t>;
extern template class NumericColumn<double>;

}  // namespace audience

#endif  // AUDIENCE_STORE_NUMERIC_COLUMN_H_
