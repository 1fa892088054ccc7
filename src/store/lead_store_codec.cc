// LeadStore's snapshot form. Rows keep their numbers, since the segments'
// bitmaps saved beside it are bitmaps of rows.
#include <algorithm>
#include <cmath>

#include "persist/codec.h"
#include "store/lead_record.h"
#include "store/lead_store.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

// A value as EncodeValue wrote it, viewing into the decoder's bytes (a
// snapshot restores millions of them; no copies on the way in).
FieldInput DecodeFieldInput(Decoder& d, TagInput* tags) {
  switch (d.U8()) {
    case 1:
      return d.Bytes();
    case 2:
      return d.Signed();
    case 3:
      return d.Double();
    case 4:
      return d.Bool();
    case 5: {
      tags->resize(d.Count());
      for (std::string_view& tag : *tags) tag = d.Bytes();
      return *tags;
    }
  }
  d.Fail("bad value");
  return {};
}

// Whether a restored value is one the field's column stores (non-empty, of
// the field's type).
bool Fits(FieldType type, const FieldInput& input) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kKeyword: {
      const auto* s = std::get_if<std::string_view>(&input);
      return s != nullptr && !s->empty();
    }
    case FieldType::kInt64:
    case FieldType::kTimestamp:
      return std::holds_alternative<int64_t>(input);
    case FieldType::kDouble: {
      const auto* v = std::get_if<double>(&input);
      return v != nullptr && !std::isnan(*v);
    }
    case FieldType::kBool:
      return std::holds_alternative<bool>(input);
    case FieldType::kTags: {
      const auto* t = std::get_if<TagInput>(&input);
      return t != nullptr && !t->empty() &&
             std::none_of(t->begin(), t->end(),
                          [](std::string_view tag) { return tag.empty(); });
    }
  }
  return false;
}

}  // namespace

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
  TagInput tags;
  for (FieldId f = 0; f < columns_.size() && d.ok(); ++f) {
    Column& column = *columns_[f];
    const FieldDefinition& field = schema_.field(f);
    Roaring present = d.Bitmap();
    if (!present.isSubset(live_)) d.Fail("values of rows that are not live");
    column.DeferIndexFrom(0);
    ForEachRow(present, [&](Row row) {
      if (!d.ok()) return;
      FieldInput input = DecodeFieldInput(d, &tags);
      if (!d.ok()) return;
      if (!Fits(field.type, input)) {
        d.Fail(StrCat("bad value for field ", Quote(field.name)));
        return;
      }
      absl::Status limits = CheckLimits(field, input);
      if (!limits.ok()) {
        d.Fail(std::string(limits.message()));
        return;
      }
      column.Set(row, input);
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
    if (!d.ok()) return;
    std::vector<EventRecord> events(d.Count(3));
    for (size_t i = 0; i < events.size() && d.ok(); ++i) {
      EventRecord& e = events[i];
      const uint64_t type = d.Varint();
      e.ts = d.Signed();
      e.has_object = d.Bool();
      if (e.has_object) e.object = d.Signed();
      e.type = static_cast<uint32_t>(type);
      if (type >= activity_.type_count() ||
          (i > 0 &&
           (e.type < events[i - 1].type ||
            (e.type == events[i - 1].type && e.ts < events[i - 1].ts)))) {
        d.Fail("bad or unordered event");
      }
    }
    if (events.empty()) d.Fail("a row listed with events has none");
    if (d.ok()) activity_.RestoreRow(row, std::move(events));
  });
  activity_.FinishRestore();
}

}  // namespace audience
