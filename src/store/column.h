// The interface every column type implements, so the lead store can treat
// fields uniformly; evaluation uses the concrete classes.
#ifndef AUDIENCE_STORE_COLUMN_H_
#define AUDIENCE_STORE_COLUMN_H_

#include <cstddef>

#include "audience/lead.h"
#include "store/field_input.h"
#include "util/bitmap.h"

namespace audience {

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
};

}  // namespace audience

#endif  // AUDIENCE_STORE_COLUMN_H_
