// The interface every column type implements, so the lead store can treat
// fields uniformly; evaluation uses the concrete classes.
#ifndef AUDIENCE_STORE_COLUMN_H_
#define AUDIENCE_STORE_COLUMN_H_

#include <cstddef>

#include "audience/lead.h"
#include "store/field_input.h"
#include "util/bitmap.h"

namespace audience {

class Encoder;
class Decoder;

// Thread safety: const methods may run concurrently; anything else needs
// exclusive access (the Engine's writer lock).
class Column {
 public:
  virtual ~Column() = default;

  // Makes rows [0, rows) addressable; new rows are empty.
  virtual void Resize(Row rows) = 0;
  // REQUIRES: `value` has the alternative of the column's type (empty
  // inputs are allowed and clear the row).
  virtual void Set(Row row, const FieldInput& value) = 0;
  virtual void Clear(Row row) = 0;
  virtual Value Get(Row row) const = 0;
  // Rows whose value is not empty.
  virtual const Roaring& present() const = 0;
  bool Has(Row row) const { return present().contains(row); }

  // Housekeeping after a mutation (arena compaction, index rebuilds).
  virtual void Maintain() {}
  virtual size_t MemoryBytes() const = 0;

  // The snapshot form (column_codec.cc): the column's own arrays (values of
  // present rows, dictionaries with their codes), so that a restore is
  // mostly copies; derived state (postings, bucket codes) is rebuilt.
  virtual void EncodeTo(Encoder& e) const = 0;
  // Restores what EncodeTo wrote into a new, empty column already resized
  // to every live row. Values may only sit on `live` rows.
  // Damage is reported through the decoder; the column is then to be
  // discarded.
  virtual void DecodeFrom(Decoder& d, const Roaring& live) = 0;

  // Bulk loads: rows from `first` on are being appended. Their bitmap
  // entries (present, postings) are left out until FinishDeferred(end)
  // builds them in one ordered pass, which costs far less than adding rows
  // to bitmaps one at a time. Reads of those rows' bitmaps are undefined
  // in between.
  void DeferIndexFrom(Row first) { deferred_from_ = first; }
  virtual void FinishDeferred(Row /*end*/) { deferred_from_ = kNotDeferred; }

 protected:
  static constexpr Row kNotDeferred = ~Row{0};
  bool Deferred(Row row) const { return row >= deferred_from_; }

  Row deferred_from_ = kNotDeferred;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_COLUMN_H_
