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
  uint64_t offset = arena_.size();
  arena_.insert(arena_.end(), text->begin(), text->end());
  slots_[row] = offset << kLengthBits | text->size();
  affixes_[row] = Affix(*text);
  present_.add(row);
}

void StringColumn::Clear(Row row) {
  if (row >= slots_.size()) return;
  garbage_ += slots_[row] & kLengthMask;
  slots_[row] = 0;
  affixes_[row] = 0;
  present_.remove(row);
}

Value StringColumn::Get(Row row) const {
  std::string_view v = View(row);
  if (v.empty()) return std::monostate{};
  return std::string(v);
}

void StringColumn::Maintain() {
  if (garbage_ < (1u << 20) || garbage_ * 2 < arena_.size()) return;
  std::vector<char> compacted;
  compacted.reserve(arena_.size() - garbage_);
  for (uint64_t& slot : slots_) {
    uint64_t length = slot & kLengthMask;
    if (length == 0) continue;
    const char* begin = arena_.data() + (slot >> kLengthBits);
    uint64_t offset = compacted.size();
    compacted.insert(compacted.end(), begin, begin + length);
    slot = offset << kLengthBits | length;
  }
  arena_.swap(compacted);
  arena_.shrink_to_fit();
  garbage_ = 0;
}

size_t StringColumn::MemoryBytes() const {
  return arena_.capacity() + slots_.capacity() * sizeof(uint64_t) +
         affixes_.capacity() * sizeof(uint64_t) + BitmapBytes(present_);
}

}  // namespace audience
