// Free text: every row's bytes in one arena, addressed by a packed
// (offset, length) slot per row.
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
  const Roaring& present() const override { return present_; }
  void Maintain() override;
  size_t MemoryBytes() const override;

  // Every row's packed (offset, length) slot.
  std::span<const uint64_t> slots() const { return slots_; }

  // "" for an empty row.
  std::string_view View(Row row) const {
    uint64_t slot = slots_[row];
    return std::string_view(arena_.data() + (slot >> kLengthBits),
                            slot & kLengthMask);
  }

 private:
  static constexpr int kLengthBits = 24;
  static constexpr uint64_t kLengthMask = (uint64_t{1} << kLengthBits) - 1;

  std::vector<char> arena_;
  std::vector<uint64_t> slots_;  // offset << 24 | length
  Roaring present_;
  size_t garbage_ = 0;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_STRING_COLUMN_H_
