// LeadStore's snapshot form. Rows keep their numbers, since the segments'
// bitmaps saved beside it are bitmaps of rows.
#include <algorithm>

#include "persist/codec.h"
#include "store/lead_record.h"
#include "store/lead_store.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

void LeadStore::EncodeTo(Encoder& e) const {
  e.Varint(schema_.size());
  for (const FieldDefinition& field : schema_.fields()) {
    e.Bytes(field.name);
    e.U8(static_cast<uint8_t>(field.type));
  }
  e.Varint(ids_.size());
  for (LeadId id : ids_) e.Varint(id);
  e.Bitmap(live_);
  e.Varint(free_rows_.size());
  for (Row row : free_rows_) e.Varint(row);
  e.Bool(rows_in_id_order_);

  for (FieldId f = 0; f < columns_.size(); ++f) {
    const Column& column = *columns_[f];
    e.Bitmap(column.present());
    ForEachRow(column.present(),
               [&](Row row) { EncodeValue(column.Get(row), e); });
  }

  e.Varint(activity_.type_count());
  for (uint32_t t = 0; t < activity_.type_count(); ++t) {
    e.Bytes(activity_.type_name(t));
  }
  Roaring with_events;
  for (uint32_t t = 0; t < activity_.type_count(); ++t) {
    with_events |= activity_.RowsWith(t);
  }
  e.Bitmap(with_events);
  ForEachRow(with_events, [&](Row row) {
    std::span<const EventRecord> events = activity_.EventsOf(row);
    e.Varint(events.size());
    for (const EventRecord& event : events) {
      e.Varint(event.type);
      e.Signed(event.ts);
      e.Bool(event.has_object);
      if (event.has_object) e.Signed(event.object);
    }
  });
}

void LeadStore::DecodeFrom(Decoder& d) {
  const size_t fields = d.Count(2);
  for (FieldId f = 0; f < fields && d.ok(); ++f) {
    std::string name(d.Bytes());
    FieldType type = d.Enum(FieldType::kTags);
    if (!d.ok()) return;
    if (f < schema_.size()) {
      const FieldDefinition& standard = schema_.field(f);
      if (standard.name != name || standard.type != type) {
        d.Fail(StrCat("field ", f, " is ", Quote(name),
                      ", not the standard field ", Quote(standard.name)));
      }
      continue;
    }
    absl::StatusOr<FieldId> id = DefineField(name, type);
    if (!id.ok()) d.Fail(std::string(id.status().message()));
  }
  if (fields < schema_.size()) d.Fail("standard fields missing");

  const size_t rows = d.Count();
  ids_.resize(rows);
  for (LeadId& id : ids_) id = d.Varint();
  live_ = d.Bitmap();
  if (!d.ok()) return;
  if (!live_.isEmpty() && live_.maximum() >= rows) {
    d.Fail("live rows beyond the row count");
    return;
  }
  rows_.reserve(live_.cardinality());
  ForEachRow(live_, [&](Row row) {
    if (!rows_.try_emplace(ids_[row], row).second) {
      d.Fail(StrCat("lead ", ids_[row], " has two rows"));
    }
  });
  free_rows_.resize(d.Count());
  if (free_rows_.size() + live_.cardinality() != rows) {
    d.Fail("free rows do not complement the live rows");
  }
  Roaring free;
  for (Row& row : free_rows_) {
    row = static_cast<Row>(d.Varint());
    if (row >= rows || live_.contains(row) || free.contains(row)) {
      d.Fail(StrCat("bad free row ", row));
    }
    free.add(row);
  }
  rows_in_id_order_ = d.Bool();
  if (!d.ok()) return;

  GrowColumns(rows);
  for (FieldId f = 0; f < columns_.size() && d.ok(); ++f) {
    Column& column = *columns_[f];
    const FieldDefinition& field = schema_.field(f);
    Roaring present = d.Bitmap();
    if (!present.isSubset(live_)) d.Fail("values of rows that are not live");
    column.DeferIndexFrom(0);
    ForEachRow(present, [&](Row row) {
      if (!d.ok()) return;
      Value value = DecodeValue(d);
      absl::StatusOr<FieldInput> input = ToFieldInput(field, value);
      if (input.ok() && !IsEmptyValue(value)) {
        absl::Status limits = CheckLimits(field, *input);
        if (!limits.ok()) input = limits;
      }
      if (!input.ok() || IsEmptyValue(value)) {
        d.Fail(input.ok() ? StrCat("empty value in ", Quote(field.name))
                          : std::string(input.status().message()));
        return;
      }
      column.Set(row, *input);
    });
    column.FinishDeferred(static_cast<Row>(rows));
  }

  const size_t types = d.Count();
  for (size_t t = 0; t < types && d.ok(); ++t) {
    std::string_view name = d.Bytes();
    if (activity_.FindType(name) || name.empty() ||
        activity_.type_count() >= ActivityLog::kMaxTypes) {
      d.Fail(StrCat("bad event type ", Quote(name)));
    } else {
      activity_.InternType(name);
    }
  }
  Roaring with_events = d.Bitmap();
  if (!with_events.isSubset(live_)) d.Fail("events of rows that are not live");
  ForEachRow(with_events, [&](Row row) {
    for (size_t n = d.Count(3); n > 0 && d.ok(); --n) {
      const uint64_t type = d.Varint();
      const Timestamp ts = d.Signed();
      std::optional<int64_t> object;
      if (d.Bool()) object = d.Signed();
      if (type >= activity_.type_count()) d.Fail("bad event type");
      if (!d.ok()) return;
      activity_.Add(row, static_cast<uint32_t>(type), object, ts);
    }
  });
}

}  // namespace audience
