// Free text: every row's bytes in an arena of 1 MiB blocks (appends never
// move old bytes), addressed by a packed (offset, length) slot per row, plus an
// "affix" word per row holding the first and last four bytes, case-folded, so
// prefix and suffix conditions mostly decide without touching the arena.
#ifndef AUDIENCE_STORE_STRING_COLUMN_H_
#define AUDIENCE_STORE_STRING_COLUMN_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "store/column.h"

namespace audience {

// Invariants: a row is in present_ iff its slot has a non-zero length;
// garbage_ counts arena bytes no slot points at (rewritten values), and
// Maintain() compacts when they outweigh the live bytes.
class StringColumn final : public Column {
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

  // Every row's packed (offset, length) slot.
  std::span<const uint64_t> slots() const { return slots_; }

  // The affix word of a value: bytes 0..3 hold its first four bytes (byte i
  // of the value in bits 8i..8i+7), bytes 4..7 its last four, right-aligned
  // (the last byte in bits 56..63); missing bytes are 0; letters folded.
  static uint64_t Affix(std::string_view value);
  uint64_t affix(Row row) const { return affixes_[row]; }

  // Calls fn(row, affix) for every row of `rows` in order, prefetching ahead.
  template <typename Fn>
  void ForEachAffix(const Roaring& rows, Fn&& fn) const;

  // Calls fn(row, value) for every row of `rows` in order. Rows go in
  // batches whose slots and bytes are prefetched first: probing scattered
  // candidates is bound by memory latency, not by the comparisons.
  template <typename Fn>
  void ForEachValue(const Roaring& rows, Fn&& fn) const;

  // "" for an empty row.
  std::string_view View(Row row) const {
    const uint64_t slot = slots_[row];
    if ((slot & kLengthMask) == 0) return {};  // there may be no block yet
    return std::string_view(Bytes(slot >> kLengthBits), slot & kLengthMask);
  }

 private:
  static constexpr int kLengthBits = 24;
  static constexpr uint64_t kLengthMask = (uint64_t{1} << kLengthBits) - 1;
  static constexpr int kBlockBits = 20;
  static constexpr uint64_t kBlockBytes = uint64_t{1} << kBlockBits;

  const char* Bytes(uint64_t offset) const {
    return blocks_[offset >> kBlockBits].data() + (offset & (kBlockBytes - 1));
  }
  // Appends to `blocks` and returns the offset. Values never straddle two
  // blocks (kMaxStringBytes < kBlockBytes).
  static uint64_t Append(std::vector<std::vector<char>>& blocks,
                         std::string_view value);

  // Only the first block grows by reallocation (small columns stay small);
  // later ones are allocated whole.
  std::vector<std::vector<char>> blocks_;
  std::vector<uint64_t> slots_;  // offset << 24 | length
  std::vector<uint64_t> affixes_;
  Roaring present_;
  size_t garbage_ = 0;
};

template <typename Fn>
void StringColumn::ForEachAffix(const Roaring& rows, Fn&& fn) const {
  constexpr uint32_t kBatch = 256;
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&rows.roaring, &it);
  uint32_t batch[kBatch];
  while (true) {
    const uint32_t n = roaring_read_uint32_iterator(&it, batch, kBatch);
    for (uint32_t i = 0; i < n; ++i) __builtin_prefetch(&affixes_[batch[i]]);
    for (uint32_t i = 0; i < n; ++i) fn(batch[i], affixes_[batch[i]]);
    if (n < kBatch) break;
  }
}

template <typename Fn>
void StringColumn::ForEachValue(const Roaring& rows, Fn&& fn) const {
  constexpr uint32_t kBatch = 128;
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&rows.roaring, &it);
  uint32_t batch[kBatch];
  while (true) {
    const uint32_t n = roaring_read_uint32_iterator(&it, batch, kBatch);
    for (uint32_t i = 0; i < n; ++i) __builtin_prefetch(&slots_[batch[i]]);
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t slot = slots_[batch[i]];
      if ((slot & kLengthMask) == 0) continue;
      const char* begin = Bytes(slot >> kLengthBits);
      __builtin_prefetch(begin);
      __builtin_prefetch(begin + (slot & kLengthMask));
    }
    for (uint32_t i = 0; i < n; ++i) fn(batch[i], View(batch[i]));
    if (n < kBatch) break;
  }
}

}  // namespace audience

#endif  // AUDIENCE_STORE_STRING_COLUMN_H_
