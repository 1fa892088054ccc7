// Lead and event mutations, bulk loads and the clock.
#include <algorithm>

#include "engine/engine_core.h"
#include "io/ndjson.h"
#include "store/lead_record.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {
constexpr size_t kMaxEventTypeBytes = 256;

absl::Status CheckEventType(std::string_view type) {
  if (type.empty()) {
    return absl::InvalidArgumentError("event type must not be empty");
  }
  if (type.size() > kMaxEventTypeBytes) {
    return absl::InvalidArgumentError(
        StrCat("event type is longer than ", kMaxEventTypeBytes, " bytes"));
  }
  return absl::OkStatus();
}
}  // namespace

void EngineCore::MaybeMaintain(size_t changed) {
  // Column upkeep (bucket rebalancing, arena compaction) scans column
  // metadata; once per few hundred changed leads is plenty.
  changes_since_maintain_ += changed;
  if (changes_since_maintain_ < 256) return;
  changes_since_maintain_ = 0;
  store_.Maintain();
}

struct EngineCore::ResolvedPatch {
  Row row = 0;
  // Values to set, and unset fields as std::monostate, in that order.
  std::vector<std::pair<FieldId, FieldInput>> fields;
  std::optional<TagList> tags;  // the final tag list, when it changes
};

absl::StatusOr<EngineCore::ResolvedPatch> EngineCore::Resolve(
    const LeadPatch& patch, absl::flat_hash_map<Row, TagList>& pending) const {
  ASSIGN_OR_RETURN(Row row, GetRow(patch.id));
  const Schema& schema = store_.schema();
  const FieldId tags_field = schema.tags_field();
  ResolvedPatch out;
  out.row = row;
  std::optional<TagList> set_tags;
  for (const auto& [name, value] : patch.set) {
    ASSIGN_OR_RETURN(FieldId id, FindLeadField(schema, name));
    ASSIGN_OR_RETURN(FieldInput input, ToFieldInput(schema.field(id), value));
    if (id == tags_field) {
      set_tags.emplace();
      if (const auto* list = std::get_if<TagList>(&value)) *set_tags = *list;
      continue;
    }
    out.fields.emplace_back(id, std::move(input));
  }
  bool unset_tags = false;
  for (const std::string& name : patch.unset) {
    ASSIGN_OR_RETURN(FieldId id, FindLeadField(schema, name));
    if (patch.set.contains(name)) {
      return absl::InvalidArgumentError(
          StrCat("field ", Quote(name), " is both set and unset"));
    }
    if (id == tags_field) {
      unset_tags = true;
      continue;
    }
    out.fields.emplace_back(id, std::monostate{});
  }
  if (!set_tags && !unset_tags && patch.add_tags.empty() &&
      patch.remove_tags.empty()) {
    return out;
  }
  // The tag list after set / unset, then add_tags and remove_tags; the base
  // is what earlier patches of the same batch left.
  TagList tags;
  if (set_tags) {
    tags = std::move(*set_tags);
  } else if (!unset_tags) {
    if (auto it = pending.find(row); it != pending.end()) {
      tags = it->second;
    } else if (Value base = store_.GetValue(row, tags_field);
               std::holds_alternative<TagList>(base)) {
      tags = std::get<TagList>(std::move(base));
    }
  }
  for (const std::string& tag : patch.add_tags) tags.push_back(tag);
  std::erase_if(tags, [&](const std::string& tag) {
    return std::any_of(
        patch.remove_tags.begin(), patch.remove_tags.end(),
        [&](const std::string& r) { return FoldAscii(r) == FoldAscii(tag); });
  });
  TagInput check(tags.begin(), tags.end());
  RETURN_IF_ERROR(CheckLimits(schema.field(tags_field), check));
  pending[row] = tags;
  out.tags = std::move(tags);
  return out;
}

void EngineCore::Apply(const ResolvedPatch& patch, TouchedRows& touched) {
  // Only watched fields can flip a segment; the naive path re-checks every
  // segment and reads no before-values.
  touched.Touch(patch.row);
  auto note = [&](FieldId field) {
    if (options_.incremental_index && watch_.Watches(field)) {
      touched.Before(patch.row, field,
                     [&] { return store_.GetValue(patch.row, field); });
    }
  };
  for (const auto& [id, input] : patch.fields) {
    note(id);
    store_.SetField(patch.row, id, input);
  }
  if (patch.tags) {
    const FieldId tags_field = store_.schema().tags_field();
    note(tags_field);
    store_.SetField(patch.row, tags_field,
                    TagInput(patch.tags->begin(), patch.tags->end()));
  }
}

namespace {}  // namespace

absl::StatusOr<MutationResult> EngineCore::UpsertLeads(
    std::span<const Lead> leads) {
  // Check everything before changing anything.
  std::vector<LeadRecord> records;
  records.reserve(leads.size());
  for (size_t i = 0; i < leads.size(); ++i) {
    absl::StatusOr<LeadRecord> record = ToLeadRecord(store_.schema(), leads[i]);
    if (!record.ok()) {
      return ItemError("leads", i, leads.size(), record.status());
    }
    records.push_back(*std::move(record));
  }
  TouchedRows touched;
  const Schema& schema = store_.schema();
  for (const LeadRecord& record : records) {
    if (std::optional<Row> row = store_.Find(record.id)) {
      for (FieldId f = 0; f < schema.size(); ++f) {
        if (!options_.incremental_index || !watch_.Watches(f)) continue;
        touched.Before(*row, f, [&] { return store_.GetValue(*row, f); });
      }
      touched.Touch(*row);
      store_.Upsert(record);
    } else {
      touched.Created(store_.Upsert(record));
    }
  }
  MaybeMaintain(records.size());
  ChangeCollector changes(now_);
  RecheckTouched(touched, changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::PatchLeads(
    std::span<const LeadPatch> patches) {
  std::vector<ResolvedPatch> resolved;
  resolved.reserve(patches.size());
  absl::flat_hash_map<Row, TagList> pending_tags;
  for (size_t i = 0; i < patches.size(); ++i) {
    absl::StatusOr<ResolvedPatch> r = Resolve(patches[i], pending_tags);
    if (!r.ok()) {
      return ItemError("patches", i, patches.size(), r.status());
    }
    resolved.push_back(*std::move(r));
  }
  TouchedRows touched;
  for (const ResolvedPatch& patch : resolved) Apply(patch, touched);
  MaybeMaintain(resolved.size());
  ChangeCollector changes(now_);
  RecheckTouched(touched, changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::DeleteLeads(
    std::span<const LeadId> ids) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, RowsOfLeads(ids, "ids"));
  const Roaring gone = RowSet(rows);
  ChangeCollector changes(now_);
  for (const auto& [id, s] : segments_.all()) {
    const SegmentId sid = id;  // clang < 16 cannot capture a binding
    ForEachRow(s->membership.Forget(gone), [&](Row row) {
      changes.Add(sid, store_.lead_id(row), ChangeKind::kLeft,
                  ChangeCause::kLeadDeleted);
    });
  }
  campaigns_.ForgetRows(gone);
  active_.ForgetRows(gone);
  for (Row row : rows) {
    store_.Delete(row);
  }
  MaybeMaintain(rows.size());
  return Finish(changes);
}

absl::StatusOr<Lead> EngineCore::GetLead(LeadId id) const {
  ASSIGN_OR_RETURN(Row row, GetRow(id));
  return store_.GetLead(row);
}

absl::StatusOr<Row> EngineCore::AddEvent(const Event& event) {
  RETURN_IF_ERROR(CheckEventType(event.type));
  ASSIGN_OR_RETURN(Row row, GetRow(event.lead));
  ActivityLog& log = store_.activity();
  if (!log.FindType(event.type) && log.type_count() >= ActivityLog::kMaxTypes) {
    return absl::ResourceExhaustedError(
        StrCat("too many event types (at most ", ActivityLog::kMaxTypes, ")"));
  }
  const size_t types = log.type_count();
  const uint32_t type = log.InternType(event.type);
  // A new type may be one a windowed condition waits for.
  if (log.type_count() != types) EnableClockIndexes();
  log.Add(row, type, event.object, event.ts.value_or(now_));
  return row;
}

absl::StatusOr<MutationResult> EngineCore::RecordEvent(const Event& event) {
  ASSIGN_OR_RETURN(Row row, AddEvent(event));
  ChangeCollector changes(now_);
  RecheckEvent(row, event.type, event.object, changes);
  return Finish(changes);
}

namespace {

// Counts a rejected line and keeps its message while there is room.
void Reject(LoadReport& report, size_t max_errors, std::string_view source,
            size_t line, const absl::Status& status) {
  ++report.rejected;
  if (report.errors.size() < max_errors) {
    report.errors.push_back(
        StrCat(std::string(source), ":", line, ": ", status.message()));
  }
}

}  // namespace

LoadReport EngineCore::ApplyLines(
    std::string_view ndjson, std::string_view source,
    absl::FunctionRef<absl::StatusOr<Row>(simdjson::padded_string_view)> apply,
    std::vector<Row>* touched) {
  simdjson::padded_string text(ndjson);
  LoadReport report;
  ForEachNdjsonLine(text, [&](size_t line, simdjson::padded_string_view json) {
    if (json.size() > kMaxJsonLineBytes) {
      Reject(report, options_.max_load_errors, source, line,
             absl::InvalidArgumentError(
                 StrCat("line is longer than ", kMaxJsonLineBytes, " bytes")));
      return;
    }
    absl::StatusOr<Row> row = apply(json);
    if (!row.ok()) {
      Reject(report, options_.max_load_errors, source, line, row.status());
      return;
    }
    touched->push_back(*row);
    ++report.loaded;
  });
  return report;
}

void EngineCore::FinishLoad(const std::vector<Row>& touched,
                            LoadReport& report) {
  ChangeCollector changes(now_);
  // Point evaluation costs a walk over the segments per row; past a small
  // share of the leads, evaluating each segment as a whole is cheaper.
  if (touched.size() * 16 >= store_.lead_count()) {
    RecheckEverything(ChangeCause::kFilter, changes);
  } else {
    Roaring unique(touched.size(), touched.data());
    ForEachRow(unique, [&](Row row) {
      if (store_.live().contains(row)) {
        RecheckRow(row, segments_.topo_order(), ChangeCause::kFilter, changes);
      }
    });
  }
  report.changes = Finish(changes).changes;
}

absl::StatusOr<LoadReport> EngineCore::LoadLeads(std::string_view ndjson,
                                                 std::string_view source) {
  std::vector<Row> touched;
  LeadRecord record;
  store_.BeginBulk(std::count(ndjson.begin(), ndjson.end(), '\n') + 1);
  LoadReport report = ApplyLines(
      ndjson, source,
      [&](simdjson::padded_string_view json) -> absl::StatusOr<Row> {
        RETURN_IF_ERROR(lead_parser_.ParseLead(json, store_.schema(), &record));
        return store_.Upsert(record);
      },
      &touched);
  store_.EndBulk();
  store_.Maintain();
  FinishLoad(touched, report);
  return report;
}

absl::StatusOr<LoadReport> EngineCore::LoadEvents(std::string_view ndjson,
                                                  std::string_view source) {
  std::vector<Row> touched;
  Event event;
  LoadReport report = ApplyLines(
      ndjson, source,
      [&](simdjson::padded_string_view json) -> absl::StatusOr<Row> {
        RETURN_IF_ERROR(lead_parser_.ParseEvent(json, &event));
        return AddEvent(event);
      },
      &touched);
  FinishLoad(touched, report);
  return report;
}

}  // namespace audience
