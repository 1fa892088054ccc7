#include "store/numeric_column.h"

#include <algorithm>
#include <cstring>

#include "util/radix_sort.h"

namespace audience {

namespace {
// Below this share of the column's rows, probing rows one by one beats
// scanning their chunks (measured in bench/evaluate_bench.cc).
constexpr uint64_t kProbeDivisor = 64;
}  // namespace

template <typename T>
void NumericColumn<T>::Resize(Row rows) {
  values_.resize(rows, T{});
  codes_.Resize(rows);
}

template <typename T>
void NumericColumn<T>::Set(Row row, const FieldInput& value) {
  T v;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    v = static_cast<T>(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    v = static_cast<T>(*d);
  } else {
    Clear(row);
    return;
  }
  if constexpr (std::is_same_v<T, double>) {
    if (v == 0) v = 0;  // folds -0.0 into 0.0
  }
  if (order_ != nullptr) {
    if (codes_.code(row) != BucketCodes::kEmpty)
      order_->erase({values_[row], row});
    order_->insert({v, row});
  }
  values_[row] = v;
  codes_.Set(row, OrderKey(v));
  if (!Deferred(row)) present_.add(row);
}

template <typename T>
void NumericColumn<T>::Clear(Row row) {
  if (row >= values_.size()) return;
  if (order_ != nullptr && codes_.code(row) != BucketCodes::kEmpty) {
    order_->erase({values_[row], row});
  }
  values_[row] = T{};
  codes_.Clear(row);
  if (!Deferred(row)) present_.remove(row);
}

template <typename T>
void NumericColumn<T>::EnableOrder() {
  if (order_ != nullptr) return;
  // Sorted first: the btree then fills at its end, several times faster
  // than inserting rows in row order (10M rows at open or first use).
  // Entries come in row order, which a stable sort keeps among equal values.
  std::vector<std::pair<T, Row>> entries;
  for (Row row = 0; row < values_.size(); ++row) {
    if (codes_.code(row) != BucketCodes::kEmpty) {
      entries.emplace_back(values_[row], row);
    }
  }
  RadixSort(entries,
            [](const std::pair<T, Row>& e) { return OrderKey(e.first); });
  order_ = std::make_unique<absl::btree_set<std::pair<T, Row>>>(entries.begin(),
                                                                entries.end());
}

template <typename T>
void NumericColumn<T>::FinishDeferred(Row end) {
  const Row first = deferred_from_;
  deferred_from_ = kNotDeferred;
  std::vector<uint32_t> present;
  for (Row row = first; row < end; ++row) {
    if (codes_.code(row) != BucketCodes::kEmpty) present.push_back(row);
  }
  AddSortedRows(present.data(), present.size(), &present_);
}

template <typename T>
Value NumericColumn<T>::Get(Row row) const {
  if (!present_.contains(row)) return std::monostate{};
  return values_[row];
}

template <typename T>
void NumericColumn<T>::Maintain() {
  if (!codes_.WantsRebuild(present_.cardinality())) return;
  codes_.Rebuild(present_, [this](Row row) { return KeyAt(row); });
}

template <typename T>
size_t NumericColumn<T>::MemoryBytes() const {
  // Without the value order: OrderBytes() reports it.
  return values_.capacity() * sizeof(T) + codes_.MemoryBytes() +
         BitmapBytes(present_);
}

template <typename T>
Roaring NumericColumn<T>::SelectKeys(uint64_t lo, uint64_t hi,
                                     const Roaring& rows) const {
  if (lo > hi) return Roaring();
  auto in_range = [&](Row row) {
    if (codes_.code(row) == BucketCodes::kEmpty) return false;
    uint64_t key = KeyAt(row);
    return key >= lo && key <= hi;
  };
  if (rows.cardinality() * kProbeDivisor < values_.size()) {
    return FilterRows(rows, in_range);
  }
  const CodeRange range = codes_.RangeFor(lo, hi);
  const roaring_array_t& ra = rows.roaring.high_low_container;
  uint64_t in[kChunkWords];
  uint64_t edge[kChunkWords];
  uint64_t wanted[kChunkWords];
  ChunkedBitmapBuilder builder;
  for (int32_t i = 0; i < ra.size; ++i) {
    const uint32_t chunk = ra.keys[i];
    const size_t first_row = size_t{chunk} * kChunkRows;
    if (first_row >= codes_.padded_rows()) break;
    const size_t words =
        std::min<size_t>(kChunkWords, (codes_.padded_rows() - first_row) / 64);
    ScanCodes(codes_.data() + first_row, words, range, in, edge);
    std::memset(in + words, 0, (kChunkWords - words) * sizeof(uint64_t));
    // Intersect with the candidates here, word by word, rather than with a
    // bitmap AND afterwards; edge rows outside the candidates need no check.
    ContainerWords(rows, i, wanted);
    for (size_t w = 0; w < words; ++w) {
      in[w] &= wanted[w];
      for (uint64_t bits = edge[w] & wanted[w]; bits != 0; bits &= bits - 1) {
        Row row = static_cast<Row>(first_row + w * 64 + __builtin_ctzll(bits));
        if (in_range(row)) in[w] |= uint64_t{1} << __builtin_ctzll(bits);
      }
    }
    builder.Append(chunk, in);
  }
  return builder.Build();
}

template class NumericColumn<int64_t>;
template class NumericColumn<double>;

}  // namespace audience
