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

absl::StatusOr<MutationResult> EngineCore::UpsertLead(const Lead& lead) {
  ASSIGN_OR_RETURN(LeadRecord record, ToLeadRecord(store_.schema(), lead));
  return UpsertRecord(record);
}

absl::StatusOr<MutationResult> EngineCore::UpsertRecord(
    const LeadRecord& record) {
  Row row = store_.Upsert(record);
  store_.Maintain();
  ChangeCollector changes(now_);
  RefreshRow(row, ChangeCause::kFilter, changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::PatchLead(const LeadPatch& patch) {
  ASSIGN_OR_RETURN(Row row, GetRow(patch.id));
  const Schema& schema = store_.schema();
  const FieldId tags_field = schema.tags_field();
  // Check everything before changing anything.
  std::vector<std::pair<FieldId, FieldInput>> sets;
  for (const auto& [name, value] : patch.set) {
    ASSIGN_OR_RETURN(FieldId id, FindLeadField(schema, name));
    ASSIGN_OR_RETURN(FieldInput input, ToFieldInput(schema.field(id), value));
    sets.emplace_back(id, std::move(input));
  }
  std::vector<FieldId> unsets;
  for (const std::string& name : patch.unset) {
    ASSIGN_OR_RETURN(FieldId id, FindLeadField(schema, name));
    if (patch.set.contains(name)) {
      return absl::InvalidArgumentError(
          StrCat("field ", Quote(name), " is both set and unset"));
    }
    unsets.push_back(id);
  }
  // The tag list after set / unset, then add_tags and remove_tags.
  std::optional<TagList> tags;
  if (!patch.add_tags.empty() || !patch.remove_tags.empty()) {
    tags.emplace();
    auto set_tags = patch.set.find(kTagsField);
    const bool unset_tags =
        std::find(unsets.begin(), unsets.end(), tags_field) != unsets.end();
    Value base = set_tags != patch.set.end() ? set_tags->second
                 : unset_tags                ? Value()
                                             : store_.GetValue(row, tags_field);
    if (auto* list = std::get_if<TagList>(&base)) *tags = std::move(*list);
    for (const std::string& tag : patch.add_tags) tags->push_back(tag);
    std::erase_if(*tags, [&](const std::string& tag) {
      return std::any_of(
          patch.remove_tags.begin(), patch.remove_tags.end(),
          [&](const std::string& r) { return FoldAscii(r) == FoldAscii(tag); });
    });
    TagInput check(tags->begin(), tags->end());
    RETURN_IF_ERROR(CheckLimits(schema.field(tags_field), check));
  }
  for (const auto& [id, input] : sets) store_.SetField(row, id, input);
  for (FieldId id : unsets) store_.SetField(row, id, std::monostate{});
  if (tags) {
    store_.SetField(row, tags_field, TagInput(tags->begin(), tags->end()));
  }
  store_.Maintain();
  ChangeCollector changes(now_);
  RefreshRow(row, ChangeCause::kFilter, changes);
  return Finish(changes);
}

absl::StatusOr<MutationResult> EngineCore::DeleteLead(LeadId id) {
  ASSIGN_OR_RETURN(Row row, GetRow(id));
  ChangeCollector changes(now_);
  for (const auto& [sid, s] : segments_.all()) {
    if (s->members.contains(row)) {
      changes.Add(sid, id, ChangeKind::kLeft, ChangeCause::kLeadDeleted);
    }
    s->matches.remove(row);
    s->added.remove(row);
    s->removed.remove(row);
    s->members.remove(row);
  }
  store_.Delete(row);
  store_.Maintain();
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
  log.Add(row, log.InternType(event.type), event.object,
          event.ts.value_or(now_));
  return row;
}

absl::StatusOr<MutationResult> EngineCore::RecordEvent(const Event& event) {
  ASSIGN_OR_RETURN(Row row, AddEvent(event));
  ChangeCollector changes(now_);
  RefreshRow(row, ChangeCause::kFilter, changes);
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
  RefreshRows(touched, changes);
  report.changes = changes.Finish();
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

absl::StatusOr<MutationResult> EngineCore::AdvanceClock(Timestamp now) {
  if (now < now_) {
    return absl::FailedPreconditionError(StrCat(
        "the clock cannot move backwards: now is ", now_, ", got ", now));
  }
  ChangeCollector changes(now);
  if (now == now_) return Finish(changes);
  now_ = now;
  std::vector<SegmentId> roots;
  for (SegmentId id : segments_.topo_order()) {
    if (segments_.Find(id)->plan.reads_clock()) roots.push_back(id);
  }
  Refresh(roots, ChangeCause::kClock, changes);
  return Finish(changes);
}

}  // namespace audience
