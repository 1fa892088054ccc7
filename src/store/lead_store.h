// The columnar lead store: host lead ids mapped to dense rows, one column
// per field, and the activity log.
#ifndef AUDIENCE_STORE_LEAD_STORE_H_
#define AUDIENCE_STORE_LEAD_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "audience/lead.h"
#include "store/activity_log.h"
#include "store/bool_column.h"
#include "store/column.h"
#include "store/keyword_column.h"
#include "store/numeric_column.h"
#include "store/schema.h"
#include "store/string_column.h"
#include "store/tag_column.h"

namespace audience {

class Encoder;
class Decoder;

// Thread safety: const methods may run concurrently; mutations need
// exclusive access.
//
// Invariants: live_ holds exactly the rows of current leads; rows freed by a
// delete are empty in every column and the activity log, and are reused.
class LeadStore {
 public:
  LeadStore();

  const Schema& schema() const { return schema_; }
  // As Schema::Define, adding an empty column.
  absl::StatusOr<FieldId> DefineField(std::string_view name, FieldType type,
                                      FieldSource source = FieldSource::kNew);

  std::optional<Row> Find(LeadId id) const;
  LeadId lead_id(Row row) const { return ids_[row]; }
  const Roaring& live() const { return live_; }
  size_t lead_count() const { return rows_.size(); }
  // One past the highest row ever used.
  Row row_limit() const { return static_cast<Row>(ids_.size()); }
  // True while rows were handed out in ascending lead id order (the usual
  // case for bulk loads), so row order is lead id order.
  bool rows_in_id_order() const { return rows_in_id_order_; }
  // The first row whose lead id is greater than `id`.
  // REQUIRES: rows_in_id_order().
  Row FirstRowAfter(LeadId id) const;

  // Creates the lead or replaces all of its fields. Returns its row.
  Row Upsert(const LeadRecord& record);
  // A bulk load of about `more` leads: rows appended until EndBulk() get
  // their bitmap entries (live, present, postings) in one ordered pass at the
  // end. Bitmaps are not to be read in between.
  void BeginBulk(size_t more);
  void EndBulk();
  void SetField(Row row, FieldId field, const FieldInput& value);
  // Removes the lead, its values and its events; the row becomes free.
  void Delete(Row row);

  Value GetValue(Row row, FieldId field) const {
    return columns_[field]->Get(row);
  }
  // Only the lead's non-empty fields.
  Lead GetLead(Row row) const;

  const Column& column(FieldId field) const { return *columns_[field]; }
  const StringColumn& string_column(FieldId field) const;
  const KeywordColumn& keyword_column(FieldId field) const;
  const TagColumn& tag_column(FieldId field) const;
  const BoolColumn& bool_column(FieldId field) const;
  const NumericColumn<int64_t>& int_column(FieldId field) const;
  const NumericColumn<double>& double_column(FieldId field) const;

  // Keeps an int64 / timestamp field's rows ordered by value from now on
  // (see NumericColumn::EnableOrder).
  void EnableValueOrder(FieldId field);
  // Bytes of the value orders enabled so far.
  size_t OrderBytes() const;

  ActivityLog& activity() { return activity_; }
  const ActivityLog& activity() const { return activity_; }

  // Housekeeping after a mutation: index rebuilds, arena compaction.
  void Maintain();

  // The snapshot form (lead_store_codec.cc): schema, rows, values, events.
  void EncodeTo(Encoder& e) const;
  // Restores what EncodeTo wrote into a new, empty store. Damage is reported
  // through the decoder; the store is then to be discarded.
  void DecodeFrom(Decoder& d);

  size_t FieldMemoryBytes(FieldId field) const;
  // Id map, live bitmap and row bookkeeping.
  size_t RowMemoryBytes() const;

 private:
  // REQUIRES: `id` has no row yet.
  Row AllocateRow(LeadId id);
  // Makes every column address at least `rows` rows.
  void GrowColumns(uint64_t rows);
  // The activity log's part of the snapshot form.
  void EncodeEvents(Encoder& e) const;
  void DecodeEvents(Decoder& d);

  Schema schema_;
  std::vector<std::unique_ptr<Column>> columns_;
  absl::flat_hash_map<LeadId, Row> rows_;
  std::vector<LeadId> ids_;
  std::vector<Row> free_rows_;
  // Rows every column can address; grown in blocks, not row by row.
  Row column_rows_ = 0;
  Roaring live_;
  uint64_t live_changes_ = 0;
  bool rows_in_id_order_ = true;
  // First row appended by the running bulk load, if any.
  std::optional<Row> bulk_from_;
  ActivityLog activity_;
  std::vector<const FieldInput*> scratch_;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_LEAD_STORE_H_
