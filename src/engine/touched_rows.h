// The rows a lead mutation touches, each with what its watched fields held
// before the mutation first changed them: after the mutation, comparing
// those values with the new ones tells which segments can have flipped.
#ifndef AUDIENCE_ENGINE_TOUCHED_ROWS_H_
#define AUDIENCE_ENGINE_TOUCHED_ROWS_H_

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "audience/lead.h"
#include "store/schema.h"
#include "util/bitmap.h"

namespace audience {

class TouchedRows {
 public:
  struct Entry {
    Row row = 0;
    bool created = false;  // new in this mutation: every field was empty
    std::vector<std::pair<FieldId, Value>> before;
  };

  // Notes a row the mutation just created.
  void Created(Row row) { Find(row).created = true; }
  // Notes `field` of `row` before it changes; `value` is called only for
  // the first change of that field in a row that already existed.
  void Before(Row row, FieldId field, absl::FunctionRef<Value()> value) {
    Entry& e = Find(row);
    if (e.created) return;
    for (const auto& [f, v] : e.before) {
      if (f == field) return;
    }
    e.before.emplace_back(field, value());
  }
  // Notes a row whose fields did not change (an event, say).
  void Touch(Row row) { Find(row); }

  // In order of first touch.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  Entry& Find(Row row) {
    // Most mutations touch a row or two: scan those, index the rest.
    constexpr size_t kScan = 8;
    if (entries_.size() <= kScan) {
      for (Entry& e : entries_) {
        if (e.row == row) return e;
      }
      if (entries_.size() < kScan) {
        entries_.push_back(Entry{row, false, {}});
        return entries_.back();
      }
      for (size_t i = 0; i < entries_.size(); ++i) {
        index_.emplace(entries_[i].row, i);
      }
    }
    auto [it, inserted] = index_.try_emplace(row, entries_.size());
    if (inserted) entries_.push_back(Entry{row, false, {}});
    return entries_[it->second];
  }

  std::vector<Entry> entries_;
  absl::flat_hash_map<Row, size_t> index_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_TOUCHED_ROWS_H_
