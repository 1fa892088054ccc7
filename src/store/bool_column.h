// Booleans as two row bitmaps: the rows holding true and those holding
// false (the column is its own inverted index).
#ifndef AUDIENCE_STORE_BOOL_COLUMN_H_
#define AUDIENCE_STORE_BOOL_COLUMN_H_

#include "store/column.h"

namespace audience {

// Invariants: true_rows_ and false_rows_ are disjoint; present_ is their
// union.
class BoolColumn final : public Column {
 public:
  void Resize(Row) override {}
  void Set(Row row, const FieldInput& value) override;
  void Clear(Row row) override;
  Value Get(Row row) const override;
  const Roaring& present() const override { return present_; }
  size_t MemoryBytes() const override;
  void EncodeTo(Encoder& e) const override;
  void DecodeFrom(Decoder& d, const Roaring& live) override;

  const Roaring& rows_with(bool value) const {
    return value ? true_rows_ : false_rows_;
  }

 private:
  Roaring true_rows_;
  Roaring false_rows_;
  Roaring present_;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_BOOL_COLUMN_H_
