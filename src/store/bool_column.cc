#include "store/bool_column.h"

namespace audience {

void BoolColumn::Set(Row row, const FieldInput& value) {
  const auto* b = std::get_if<bool>(&value);
  if (b == nullptr) {
    Clear(row);
    return;
  }
  if (present_.contains(row)) (*b ? false_rows_ : true_rows_).remove(row);
  (*b ? true_rows_ : false_rows_).add(row);
  present_.add(row);
}

void BoolColumn::Clear(Row row) {
  true_rows_.remove(row);
  false_rows_.remove(row);
  present_.remove(row);
}

Value BoolColumn::Get(Row row) const {
  if (true_rows_.contains(row)) return true;
  if (false_rows_.contains(row)) return false;
  return std::monostate{};
}

size_t BoolColumn::MemoryBytes() const {
  return BitmapBytes(true_rows_) + BitmapBytes(false_rows_) +
         BitmapBytes(present_);
}

}  // namespace audience
