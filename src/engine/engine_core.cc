#include "engine/engine_core.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

absl::Status ItemError(std::string_view what, size_t i, size_t count,
                       const absl::Status& status) {
  if (count == 1) return status;
  return absl::Status(status.code(),
                      StrCat(what, "[", i, "]: ", status.message()));
}

EngineCore::EngineCore(const EngineOptions& options)
    : options_(options), now_(options.now) {}

const Roaring& EngineCore::Members(SegmentId segment) const {
  static const Roaring kNone;
  const SegmentState* s = segments_.Find(segment);
  return s == nullptr ? kNone : s->members();
}

absl::Status EngineCore::DefineField(std::string_view name, FieldType type,
                                     FieldSource source) {
  return store_.DefineField(name, type, source).status();
}

std::vector<FieldDefinition> EngineCore::Fields() const {
  return store_.schema().fields();
}

absl::StatusOr<CategoryId> EngineCore::CreateCategory(std::string_view name) {
  return categories_.Create(name);
}

absl::Status EngineCore::RenameCategory(std::string_view name,
                                        std::string_view new_name) {
  ASSIGN_OR_RETURN(CategoryId id, categories_.Lookup(name));
  return categories_.Rename(id, new_name);
}

absl::Status EngineCore::DeleteCategory(std::string_view name) {
  ASSIGN_OR_RETURN(CategoryId id, categories_.Lookup(name));
  std::vector<std::string> users;
  for (const auto& [sid, s] : segments_.all()) {
    if (s->category == id) users.push_back(Quote(s->name));
  }
  if (!users.empty()) {
    return absl::FailedPreconditionError(
        StrCat("category ", Quote(categories_.name(id)),
               " is used by segments ", absl::StrJoin(users, ", ")));
  }
  categories_.Remove(id);
  return absl::OkStatus();
}

const SegmentState* EngineCore::FindState(SegmentId id) const {
  return segments_.Find(id);
}

absl::StatusOr<const SegmentState*> EngineCore::GetState(SegmentId id) const {
  const SegmentState* s = segments_.Find(id);
  if (s == nullptr) {
    return absl::NotFoundError(StrCat("unknown segment id ", id));
  }
  return s;
}

absl::StatusOr<std::vector<Row>> EngineCore::RowsOfLeads(
    std::span<const LeadId> leads, std::string_view what) const {
  std::vector<Row> rows;
  rows.reserve(leads.size());
  for (size_t i = 0; i < leads.size(); ++i) {
    absl::StatusOr<Row> row = GetRow(leads[i]);
    if (!row.ok()) return ItemError(what, i, leads.size(), row.status());
    rows.push_back(*row);
  }
  if (rows.size() > 1 && RowSet(rows).cardinality() != rows.size()) {
    return absl::InvalidArgumentError(
        StrCat(what, ": a lead is listed more than once"));
  }
  return rows;
}

absl::StatusOr<Row> EngineCore::GetRow(LeadId id) const {
  std::optional<Row> row = store_.Find(id);
  if (!row) return absl::NotFoundError(StrCat("unknown lead ", id));
  return *row;
}

MutationResult EngineCore::Finish(ChangeCollector& changes, uint64_t id) {
  MutationResult result{id, changes.Finish()};
  // Changes come sorted by segment: count each segment's run.
  const auto& all = result.changes;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    uint64_t added = 0;
    for (; j < all.size() && all[j].segment == all[i].segment; ++j) {
      added += all[j].kind == ChangeKind::kEntered;
    }
    // A deleted segment's last changes have no history to go to.
    if (SegmentState* s = segments_.Find(all[i].segment)) {
      s->history.Record(now_, added, (j - i) - added);
    }
    i = j;
  }
  return result;
}

}  // namespace audience
