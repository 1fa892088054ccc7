#include "store/string_column.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "util/text.h"

namespace audience {

void StringColumn::Resize(Row rows) {
  slots_.resize(rows, 0);
  affixes_.resize(rows, 0);
}

uint64_t StringColumn::Affix(std::string_view value) {
  uint64_t affix = 0;
  const size_t n = std::min<size_t>(4, value.size());
  for (size_t i = 0; i < n; ++i) {
    affix |= uint64_t{static_cast<unsigned char>(FoldChar(value[i]))}
             << (8 * i);
    affix |= uint64_t{static_cast<unsigned char>(
                 FoldChar(value[value.size() - 1 - i]))}
             << (56 - 8 * i);
  }
  return affix;
}

void StringColumn::Set(Row row, const FieldInput& value) {
  const auto* text = std::get_if<std::string_view>(&value);
  if (text == nullptr || text->empty()) {
    Clear(row);
    return;
  }
  assert(text->size() <= kLengthMask);
  garbage_ += slots_[row] & kLengthMask;
  const uint64_t offset = Append(blocks_, *text);
  slots_[row] = offset << kLengthBits | text->size();
  affixes_[row] = Affix(*text);
  if (!Deferred(row)) present_.add(row);
}

void StringColumn::Clear(Row row) {
  if (row >= slots_.size()) return;
  garbage_ += slots_[row] & kLengthMask;
  slots_[row] = 0;
  affixes_[row] = 0;
  if (!Deferred(row)) present_.remove(row);
}

void StringColumn::FinishDeferred(Row end) {
  const Row first = deferred_from_;
  deferred_from_ = kNotDeferred;
  std::vector<uint32_t> present;
  for (Row row = first; row < end; ++row) {
    if ((slots_[row] & kLengthMask) != 0) present.push_back(row);
  }
  AddSortedRows(present.data(), present.size(), &present_);
}

Value StringColumn::Get(Row row) const {
  std::string_view v = View(row);
  if (v.empty()) return std::monostate{};
  return std::string(v);
}

uint64_t StringColumn::Append(std::vector<std::vector<char>>& blocks,
                              std::string_view value) {
  if (blocks.empty() || blocks.back().size() + value.size() > kBlockBytes) {
    blocks.emplace_back();
    if (blocks.size() > 1) blocks.back().reserve(kBlockBytes);
  }
  std::vector<char>& block = blocks.back();
  const uint64_t offset = (blocks.size() - 1) * kBlockBytes + block.size();
  block.insert(block.end(), value.begin(), value.end());
  return offset;
}

void StringColumn::Maintain() {
  uint64_t stored = 0;
  for (const auto& block : blocks_) stored += block.size();
  if (garbage_ < (1u << 20) || garbage_ * 2 < stored) return;
  std::vector<std::vector<char>> compacted;
  for (uint64_t& slot : slots_) {
    const uint64_t length = slot & kLengthMask;
    if (length == 0) continue;
    const uint64_t offset =
        Append(compacted, std::string_view(Bytes(slot >> kLengthBits), length));
    slot = offset << kLengthBits | length;
  }
  blocks_.swap(compacted);
  garbage_ = 0;
}

size_t StringColumn::MemoryBytes() const {
  size_t arena = 0;
  for (const auto& block : blocks_) arena += block.capacity();
  return arena + slots_.capacity() * sizeof(uint64_t) +
         affixes_.capacity() * sizeof(uint64_t) + BitmapBytes(present_);
}

}  // namespace audience
