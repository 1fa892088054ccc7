// Read-only questions about segments and leads.
#include "engine/engine_core.h"
#include "engine/sorted_leads.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace audience {

absl::StatusOr<uint64_t> EngineCore::Count(SegmentId segment) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  return s->members().cardinality();
}

absl::StatusOr<bool> EngineCore::Contains(SegmentId segment,
                                          LeadId lead) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  std::optional<Row> row = store_.Find(lead);
  return row && s->members().contains(*row);
}

absl::StatusOr<MembersPage> EngineCore::MembersOf(SegmentId segment,
                                                  std::optional<LeadId> after,
                                                  size_t limit) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  if (limit < 1) {
    return absl::InvalidArgumentError("limit must be at least 1");
  }
  return SortedLeads(store_, s->members(), after, limit);
}

absl::StatusOr<Explanation> EngineCore::Explain(LeadId lead,
                                                SegmentId segment) const {
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  ASSIGN_OR_RETURN(Row row, GetRow(lead));
  const EvalContext ctx = Context();
  Explanation out;
  out.member = s->members().contains(row);
  out.matches = s->membership.matches().contains(row);
  if (s->membership.added().contains(row)) {
    out.manual = Explanation::Manual::kAdded;
  } else if (s->membership.removed().contains(row)) {
    out.manual = Explanation::Manual::kRemoved;
  }
  const Plan& plan = s->plan;
  const auto outcome = [&](const auto& self, const Plan::Node& node,
                           size_t index) -> ConditionOutcome {
    ConditionOutcome o;
    o.index = index;
    o.held = plan.NodeMatches(ctx, node, row);
    if (node.kind == Plan::Node::Kind::kLeaf) {
      o.value = plan.predicates()[node.leaf]->Observe(ctx, row);
      return o;
    }
    o.group = node.kind == Plan::Node::Kind::kAll   ? Condition::Kind::kAll
              : node.kind == Plan::Node::Kind::kAny ? Condition::Kind::kAny
                                                    : Condition::Kind::kNot;
    for (size_t i = 0; i < node.children.size(); ++i) {
      o.conditions.push_back(self(self, node.children[i], i));
    }
    return o;
  };
  for (size_t i = 0; i < plan.top().size(); ++i) {
    out.conditions.push_back(outcome(outcome, plan.top()[i], i));
  }
  return out;
}

MemoryStats EngineCore::Memory() const {
  MemoryStats stats;
  stats.leads = store_.lead_count();
  const Schema& schema = store_.schema();
  for (FieldId f = 0; f < schema.size(); ++f) {
    stats.field_bytes.emplace_back(schema.field(f).name,
                                   store_.FieldMemoryBytes(f));
  }
  stats.row_bytes = store_.RowMemoryBytes();
  stats.activity_bytes = store_.activity().MemoryBytes();
  for (const auto& [id, s] : segments_.all()) {
    stats.segment_bytes += s->membership.MemoryBytes();
    stats.history_bytes += s->history.MemoryBytes();
  }
  for (const auto& [id, c] : campaigns_.all()) {
    stats.campaign_bytes += c->participation.MemoryBytes();
  }
  stats.campaign_bytes += active_.MemoryBytes();
  stats.index_bytes = watch_.MemoryBytes() + store_.OrderBytes() +
                      store_.activity().TimeIndexBytes();
  return stats;
}

absl::StatusOr<std::vector<HistoryBucket>> EngineCore::LeadsOverTime(
    SegmentId segment, Timestamp from, Timestamp to, BucketWidth width) const {
  constexpr int64_t kMaxBuckets = 10000;
  ASSIGN_OR_RETURN(const SegmentState* s, GetState(segment));
  if (from > to) {
    return absl::InvalidArgumentError(
        StrCat("from (", from, ") is after to (", to, ")"));
  }
  // Keeps bucket arithmetic clear of int64 overflow (±146 billion years).
  constexpr int64_t kMaxTime = int64_t{1} << 62;
  if (from < -kMaxTime || to > kMaxTime) {
    return absl::InvalidArgumentError(
        StrCat("from and to must lie within -", kMaxTime, "..", kMaxTime));
  }
  const int64_t seconds = width == BucketWidth::kDay ? kSecondsPerDay : 3600;
  // Divide before subtracting so extreme times cannot overflow.
  const int64_t buckets =
      BucketStart(to, seconds) / seconds - BucketStart(from, seconds) / seconds;
  if (buckets >= kMaxBuckets) {
    return absl::InvalidArgumentError(
        StrCat("the range spans more than ", kMaxBuckets, " buckets"));
  }
  return s->history.Series(from, to, seconds);
}

}  // namespace audience
