// LeadStore's snapshot form. Rows keep their numbers, since the segments'
// bitmaps saved beside it are bitmaps of rows.
#include <algorithm>
#include <functional>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "persist/codec.h"
#include "store/lead_store.h"
#include "util/parallel.h"
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
  e.Array(std::span<const LeadId>(ids_));
  e.Bitmap(live_);
  e.Varint(free_rows_.size());
  e.Array(std::span<const Row>(free_rows_));
  e.Bool(rows_in_id_order_);
  // Each column, then the events, as a part of its own: a restore decodes
  // them side by side.
  for (const std::unique_ptr<Column>& column : columns_) {
    const size_t at = e.BeginPart();
    column->EncodeTo(e);
    e.EndPart(at);
  }
  const size_t at = e.BeginPart();
  EncodeEvents(e);
  e.EndPart(at);
}

// Events as arrays: per row with events its count, then per event its type,
// time and whether it has an object, then the objects.
void LeadStore::EncodeEvents(Encoder& e) const {
  e.Varint(activity_.type_count());
  for (uint32_t t = 0; t < activity_.type_count(); ++t) {
    e.Bytes(activity_.type_name(t));
  }
  Roaring with_events;
  for (uint32_t t = 0; t < activity_.type_count(); ++t) {
    with_events |= activity_.RowsWith(t);
  }
  e.Bitmap(with_events);
  std::vector<uint32_t> counts;
  std::vector<uint16_t> types;
  std::vector<Timestamp> times;
  std::vector<uint8_t> has_object;
  std::vector<int64_t> objects;
  ForEachRow(with_events, [&](Row row) {
    std::span<const EventRecord> events = activity_.EventsOf(row);
    counts.push_back(static_cast<uint32_t>(events.size()));
    for (const EventRecord& event : events) {
      types.push_back(static_cast<uint16_t>(event.type));
      times.push_back(event.ts);
      has_object.push_back(event.has_object ? 1 : 0);
      if (event.has_object) objects.push_back(event.object);
    }
  });
  e.Array(std::span<const uint32_t>(counts));
  e.Varint(types.size());
  e.Array(std::span<const uint16_t>(types));
  e.Array(std::span<const Timestamp>(times));
  e.Array(std::span<const uint8_t>(has_object));
  e.Varint(objects.size());
  e.Array(std::span<const int64_t>(objects));
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
    absl::StatusOr<FieldId> id = DefineField(name, type, FieldSource::kStored);
    if (!id.ok()) d.Fail(std::string(id.status().message()));
  }
  if (fields < schema_.size()) d.Fail("standard fields missing");

  const uint64_t ids_at = d.offset();
  const PackedArray<LeadId> ids = d.Array<LeadId>(d.Varint());
  const size_t rows = ids.size();
  live_ = d.Bitmap();
  if (!d.ok()) return;
  if (rows > std::numeric_limits<Row>::max() ||
      (!live_.isEmpty() && live_.maximum() >= rows)) {
    d.Fail("live rows beyond the row count");
    return;
  }
  ids_ = ids.ToVector();
  free_rows_ = d.Array<Row>(d.Varint()).ToVector();
  if (free_rows_.size() + live_.cardinality() != rows) {
    d.Fail("free rows do not complement the live rows");
  }
  if (d.ok()) {
    Roaring free = RowSet(free_rows_);
    if (free.cardinality() != free_rows_.size() ||
        (!free.isEmpty() && free.maximum() >= rows) ||
        free.and_cardinality(live_) != 0) {
      d.Fail("bad free rows");
    }
  }
  rows_in_id_order_ = d.Bool();
  if (!d.ok()) return;

  GrowColumns(rows);
  std::vector<Decoder> parts;
  for (size_t part = 0; part <= columns_.size() && d.ok(); ++part) {
    parts.push_back(d.Part());
  }
  if (!d.ok()) return;

  // The id map, each column and the events restore on their own threads,
  // the largest parts first; then their failures come back in file order.
  Decoder id_errors({}, ids_at);
  std::vector<std::pair<size_t, std::function<void()>>> jobs;
  jobs.emplace_back(rows * 16, [&] {
    rows_.reserve(live_.cardinality());
    ForEachRow(live_, [&](Row row) {
      if (!rows_.try_emplace(ids_[row], row).second) {
        id_errors.Fail(StrCat("lead ", ids_[row], " has two rows"));
      }
    });
  });
  for (FieldId f = 0; f < columns_.size(); ++f) {
    jobs.emplace_back(parts[f].size(), [this, f, &parts] {
      columns_[f]->DecodeFrom(parts[f], live_);
      if (parts[f].ok() && !parts[f].done()) parts[f].Fail("data left over");
      parts[f].Annotate(StrCat("field ", Quote(schema_.field(f).name)));
    });
  }
  jobs.emplace_back(parts.back().size(), [this, &parts] {
    DecodeEvents(parts.back());
    if (parts.back().ok() && !parts.back().done()) {
      parts.back().Fail("events: data left over");
    }
  });
  RunLargestFirst(std::move(jobs));
  d.Adopt(id_errors);
  for (const Decoder& part : parts) d.Adopt(part);
}

void LeadStore::DecodeEvents(Decoder& d) {
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
  if (!IsSubset(with_events, live_)) d.Fail("events of rows that are not live");
  const PackedArray<uint32_t> counts =
      d.Array<uint32_t>(with_events.cardinality());
  const size_t total = d.Varint();
  const PackedArray<uint16_t> type_of = d.Array<uint16_t>(total);
  const PackedArray<Timestamp> time_of = d.Array<Timestamp>(total);
  const PackedArray<uint8_t> has_object = d.Array<uint8_t>(total);
  const PackedArray<int64_t> objects = d.Array<int64_t>(d.Varint());
  if (!d.ok()) return;
  size_t i = 0, next = 0, next_object = 0;
  ForEachRow(with_events, [&](Row row) {
    if (!d.ok()) return;
    const uint32_t count = counts[i++];
    if (count == 0 || count > total - next) {
      d.Fail(StrCat("row ", row, ": bad event count ", count));
      return;
    }
    std::vector<EventRecord> events(count);
    for (EventRecord& e : events) {
      e.type = type_of[next];
      e.ts = time_of[next];
      const uint8_t with_object = has_object[next];
      ++next;
      if (with_object > 1 ||
          (with_object == 1 && next_object == objects.size())) {
        d.Fail(StrCat("row ", row, ": bad event object"));
        return;
      }
      e.has_object = with_object == 1;
      if (e.has_object) e.object = objects[next_object++];
      if (e.type >= activity_.type_count() ||
          (&e != events.data() &&
           (e.type < (&e - 1)->type ||
            (e.type == (&e - 1)->type && e.ts < (&e - 1)->ts)))) {
        d.Fail(StrCat("row ", row, ": bad or unordered event"));
        return;
      }
    }
    activity_.RestoreRow(row, std::move(events));
  });
  if (d.ok() && (next != total || next_object != objects.size())) {
    d.Fail("events of no row");
  }
  activity_.FinishRestore();
}

}  // namespace audience
