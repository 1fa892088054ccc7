#include "store/lead_store.h"

#include <algorithm>

namespace audience {

namespace {

std::unique_ptr<Column> MakeColumn(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return std::make_unique<StringColumn>();
    case FieldType::kKeyword:
      return std::make_unique<KeywordColumn>();
    case FieldType::kInt64:
    case FieldType::kTimestamp:
      return std::make_unique<NumericColumn<int64_t>>();
    case FieldType::kDouble:
      return std::make_unique<NumericColumn<double>>();
    case FieldType::kBool:
      return std::make_unique<BoolColumn>();
    case FieldType::kTags:
      return std::make_unique<TagColumn>();
  }
  return nullptr;
}

// Re-optimising the live bitmap into runs after this many row changes keeps
// copies of it (every evaluation starts from one) cheap.
constexpr uint64_t kLiveOptimizeEvery = 1 << 14;

}  // namespace

LeadStore::LeadStore() {
  for (const FieldDefinition& field : schema_.fields()) {
    columns_.push_back(MakeColumn(field.type));
  }
}

absl::StatusOr<FieldId> LeadStore::DefineField(std::string_view name,
                                               FieldType type,
                                               FieldSource source) {
  absl::StatusOr<FieldId> id = schema_.Define(name, type, source);
  if (!id.ok()) return id;
  columns_.push_back(MakeColumn(type));
  columns_.back()->Resize(column_rows_);
  return id;
}

std::optional<Row> LeadStore::Find(LeadId id) const {
  auto it = rows_.find(id);
  if (it == rows_.end()) return std::nullopt;
  return it->second;
}

void LeadStore::BeginBulk(size_t more) {
  rows_.reserve(rows_.size() + more);
  ids_.reserve(ids_.size() + more);
  GrowColumns(ids_.size() + more);
  bulk_from_ = row_limit();
  for (auto& column : columns_) column->DeferIndexFrom(*bulk_from_);
}

void LeadStore::EndBulk() {
  if (!bulk_from_) return;
  const Row end = row_limit();
  for (auto& column : columns_) column->FinishDeferred(end);
  if (*bulk_from_ < end) live_.addRange(*bulk_from_, end);
  live_changes_ += end - *bulk_from_;
  bulk_from_.reset();
}

void LeadStore::GrowColumns(uint64_t rows) {
  if (rows <= column_rows_) return;
  column_rows_ = static_cast<Row>(std::min<uint64_t>(UINT32_MAX, rows));
  for (auto& column : columns_) column->Resize(column_rows_);
  activity_.Resize(column_rows_);
}

Row LeadStore::AllocateRow(LeadId id) {
  Row row;
  if (!free_rows_.empty()) {
    row = free_rows_.back();
    free_rows_.pop_back();
    ids_[row] = id;
    rows_in_id_order_ = false;
  } else {
    row = static_cast<Row>(ids_.size());
    if (!ids_.empty() && id <= ids_.back()) rows_in_id_order_ = false;
    ids_.push_back(id);
    if (row >= column_rows_) {
      GrowColumns(std::max<uint64_t>(4096, uint64_t{row} + row / 2 + 1));
    }
  }
  if (!bulk_from_ || row < *bulk_from_) {
    live_.add(row);
    ++live_changes_;
  }
  return row;
}

Row LeadStore::Upsert(const LeadRecord& record) {
  // One hash probe finds the lead or claims its slot.
  auto [slot, created] = rows_.try_emplace(record.id, Row{0});
  if (created) {
    // A new row is empty in every column: only the given fields need work.
    const Row row = slot->second = AllocateRow(record.id);
    for (const auto& [field, value] : record.fields) {
      columns_[field]->Set(row, value);
    }
    return row;
  }
  const Row row = slot->second;
  scratch_.assign(columns_.size(), nullptr);
  for (const auto& [field, value] : record.fields) scratch_[field] = &value;
  for (FieldId f = 0; f < columns_.size(); ++f) {
    if (scratch_[f] != nullptr) {
      columns_[f]->Set(row, *scratch_[f]);
    } else {
      columns_[f]->Clear(row);
    }
  }
  return row;
}

void LeadStore::SetField(Row row, FieldId field, const FieldInput& value) {
  columns_[field]->Set(row, value);
}

void LeadStore::Delete(Row row) {
  for (auto& column : columns_) column->Clear(row);
  activity_.ClearRow(row);
  rows_.erase(ids_[row]);
  live_.remove(row);
  ++live_changes_;
  free_rows_.push_back(row);
}

Row LeadStore::FirstRowAfter(LeadId id) const {
  // Freed rows keep their old ids in ids_, which stays sorted.
  return static_cast<Row>(std::upper_bound(ids_.begin(), ids_.end(), id) -
                          ids_.begin());
}

Lead LeadStore::GetLead(Row row) const {
  Lead lead;
  lead.id = ids_[row];
  for (FieldId f = 0; f < columns_.size(); ++f) {
    Value v = columns_[f]->Get(row);
    if (!std::holds_alternative<std::monostate>(v)) {
      lead.fields.emplace(schema_.field(f).name, std::move(v));
    }
  }
  return lead;
}

const StringColumn& LeadStore::string_column(FieldId field) const {
  return static_cast<const StringColumn&>(*columns_[field]);
}
const KeywordColumn& LeadStore::keyword_column(FieldId field) const {
  return static_cast<const KeywordColumn&>(*columns_[field]);
}
const TagColumn& LeadStore::tag_column(FieldId field) const {
  return static_cast<const TagColumn&>(*columns_[field]);
}
const BoolColumn& LeadStore::bool_column(FieldId field) const {
  return static_cast<const BoolColumn&>(*columns_[field]);
}
const NumericColumn<int64_t>& LeadStore::int_column(FieldId field) const {
  return static_cast<const NumericColumn<int64_t>&>(*columns_[field]);
}
const NumericColumn<double>& LeadStore::double_column(FieldId field) const {
  return static_cast<const NumericColumn<double>&>(*columns_[field]);
}

void LeadStore::EnableValueOrder(FieldId field) {
  static_cast<NumericColumn<int64_t>&>(*columns_[field]).EnableOrder();
}

size_t LeadStore::OrderBytes() const {
  size_t bytes = 0;
  for (FieldId f = 0; f < schema_.size(); ++f) {
    FieldType type = schema_.field(f).type;
    if (type == FieldType::kInt64 || type == FieldType::kTimestamp) {
      bytes += int_column(f).OrderBytes();
    }
  }
  return bytes;
}

void LeadStore::Maintain() {
  for (auto& column : columns_) column->Maintain();
  if (live_changes_ >= kLiveOptimizeEvery) {
    live_.runOptimize();
    live_changes_ = 0;
  }
}

size_t LeadStore::FieldMemoryBytes(FieldId field) const {
  return columns_[field]->MemoryBytes();
}

size_t LeadStore::RowMemoryBytes() const {
  return ids_.capacity() * sizeof(LeadId) +
         rows_.capacity() * (sizeof(LeadId) + sizeof(Row) + 1) +
         free_rows_.capacity() * sizeof(Row) + BitmapBytes(live_);
}

}  // namespace audience
