#include "io/command_runner.h"

#include <simdjson.h>

#include <functional>
#include <limits>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "io/campaign_json.h"
#include "io/json_dom.h"
#include "io/json_writer.h"
#include "io/lead_dom.h"
#include "io/ndjson.h"
#include "io/segment_json.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr int64_t kMaxPageLimit = 1000;

absl::StatusOr<element> Require(object cmd, std::string_view key) {
  std::optional<element> e = Member(cmd, key);
  if (!e) return absl::InvalidArgumentError(StrCat("missing \"", key, "\""));
  return *e;
}

absl::StatusOr<std::string> RequireString(object cmd, std::string_view key) {
  ASSIGN_OR_RETURN(element e, Require(cmd, key));
  return JsonString(e, key);
}

absl::StatusOr<uint64_t> RequireLeadId(object cmd, std::string_view key) {
  ASSIGN_OR_RETURN(element e, Require(cmd, key));
  return JsonUint64(e, key);
}

// The optional exclusive lead-id cursor "after" of a paged query (absent:
// from the start).
absl::StatusOr<std::optional<LeadId>> AfterArg(object cmd) {
  std::optional<element> e = Member(cmd, "after");
  if (!e) return std::optional<LeadId>();
  ASSIGN_OR_RETURN(LeadId after, JsonUint64(*e, "after"));
  return std::optional<LeadId>(after);
}

// The optional page size "limit", 1..1000.
absl::StatusOr<size_t> LimitArg(object cmd, int64_t default_limit) {
  int64_t limit = default_limit;
  if (std::optional<element> e = Member(cmd, "limit")) {
    ASSIGN_OR_RETURN(limit, JsonInt64(*e, "limit"));
    if (limit < 1 || limit > kMaxPageLimit) {
      return absl::InvalidArgumentError(StrCat("limit must be between 1 and ",
                                               kMaxPageLimit, ", got ", limit));
    }
  }
  return static_cast<size_t>(limit);
}

std::string_view ManualName(Explanation::Manual manual) {
  return manual == Explanation::Manual::kAdded ? "added" : "removed";
}

}  // namespace

class CommandRunner::Impl {
 public:
  explicit Impl(Engine& engine) : engine_(engine) {}

  absl::Status Run(std::string_view command, JsonWriter& out,
                   const CommandBindings* bindings) {
    bindings_ = bindings;
    absl::Status status = Dispatch(command, out);
    bindings_ = nullptr;
    return status;
  }

 private:
  using Handler = absl::Status (Impl::*)(object, JsonWriter&);

  absl::Status Dispatch(std::string_view line, JsonWriter& out) {
    if (line.size() > kMaxJsonLineBytes) {
      return absl::InvalidArgumentError(
          StrCat("command line is longer than ", kMaxJsonLineBytes, " bytes"));
    }
    element doc;
    if (auto error = parser_.parse(line.data(), line.size()).get(doc)) {
      return absl::InvalidArgumentError(
          StrCat("malformed JSON (", simdjson::error_message(error), ")"));
    }
    RETURN_IF_ERROR(CheckUniqueKeys(doc));
    ASSIGN_OR_RETURN(object cmd, JsonObject(doc, "command"));
    ASSIGN_OR_RETURN(std::string op, RequireString(cmd, "op"));
    static const auto* handlers = new absl::flat_hash_map<std::string, Handler>{
        {"define_field", &Impl::DefineField},
        {"list_fields", &Impl::ListFields},
        {"create_category", &Impl::CreateCategory},
        {"rename_category", &Impl::RenameCategory},
        {"delete_category", &Impl::DeleteCategory},
        {"list_categories", &Impl::ListCategories},
        {"create_segment", &Impl::CreateSegment},
        {"update_segment", &Impl::UpdateSegment},
        {"delete_segment", &Impl::DeleteSegment},
        {"get_segment", &Impl::GetSegment},
        {"list_segments", &Impl::ListSegments},
        {"upsert_lead", &Impl::UpsertLead},
        {"patch_lead", &Impl::PatchLead},
        {"delete_lead", &Impl::DeleteLead},
        {"upsert_leads", &Impl::UpsertLeads},
        {"patch_leads", &Impl::PatchLeads},
        {"delete_leads", &Impl::DeleteLeads},
        {"leads_over_time", &Impl::LeadsOverTime},
        {"add_to_segment", &Impl::AddToSegment},
        {"remove_from_segment", &Impl::RemoveFromSegment},
        {"transfer", &Impl::Transfer},
        {"active_segment", &Impl::ActiveSegment},
        {"get_lead", &Impl::GetLead},
        {"event", &Impl::RecordEvent},
        {"advance_clock", &Impl::AdvanceClock},
        {"now", &Impl::Now},
        {"members", &Impl::Members},
        {"count", &Impl::Count},
        {"contains", &Impl::Contains},
        {"explain", &Impl::Explain},
        {"preview", &Impl::Preview},
        {"preview_update", &Impl::PreviewUpdate},
        {"segment_usage", &Impl::SegmentUsage},
        {"list_operators", &Impl::ListOperators},
        {"create_campaign", &Impl::CreateCampaign},
        {"update_campaign", &Impl::UpdateCampaign},
        {"delete_campaign", &Impl::DeleteCampaign},
        {"get_campaign", &Impl::GetCampaign},
        {"list_campaigns", &Impl::ListCampaigns},
        {"campaign_audience", &Impl::CampaignAudience},
        {"campaign_action", &Impl::CampaignAction},
        {"lead_campaigns", &Impl::LeadCampaigns},
        {"stats", &Impl::Stats},
        {"segment_leads", &Impl::SegmentLeads},
        {"lead_segments", &Impl::LeadSegments},
        {"snapshot", &Impl::Snapshot},
    };
    auto it = handlers->find(op);
    if (it == handlers->end()) {
      return absl::InvalidArgumentError(StrCat("unknown op ", Quote(op)));
    }
    names_.clear();
    campaign_names_.clear();
    return (this->*(it->second))(cmd, out);
  }

  // The id bound to `key`, if any (CommandBindings).
  template <typename Id>
  static std::optional<Id> Bound(
      const absl::flat_hash_map<std::string, Id>* ids, std::string_view key) {
    if (ids == nullptr) return std::nullopt;
    auto it = ids->find(absl::string_view(key.data(), key.size()));
    if (it == ids->end()) return std::nullopt;
    return it->second;
  }

  absl::StatusOr<SegmentId> SegmentArg(object cmd, std::string_view key) {
    if (auto id = Bound(bindings_ ? &bindings_->segments : nullptr, key)) {
      return *id;  // the engine answers NOT_FOUND for an unknown id
    }
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, key));
    return engine_.FindSegment(name);
  }

  absl::StatusOr<CampaignId> CampaignArg(object cmd, std::string_view key) {
    if (auto id = Bound(bindings_ ? &bindings_->campaigns : nullptr, key)) {
      return *id;
    }
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, key));
    return engine_.FindCampaign(name);
  }

  // A category's name: the command's string, or the current name of the
  // category bound to `key`.
  absl::StatusOr<std::string> CategoryArg(object cmd, std::string_view key) {
    if (auto id = Bound(bindings_ ? &bindings_->categories : nullptr, key)) {
      for (Category& c : engine_.Categories()) {
        if (c.id == *id) return std::move(c.name);
      }
      return absl::NotFoundError(StrCat("unknown category id ", *id));
    }
    return RequireString(cmd, key);
  }

  // A campaign's current name, looked up once per command.
  const std::string& CampaignNameOf(CampaignId id) {
    auto it = campaign_names_.find(id);
    if (it != campaign_names_.end()) return it->second;
    absl::StatusOr<Campaign> c = engine_.GetCampaign(id);
    return campaign_names_[id] = c.ok() ? c->definition.name : StrCat("#", id);
  }

  // The current name of a segment; deleted ones keep the name they had
  // when the command began.
  const std::string& NameOf(SegmentId id) {
    auto it = names_.find(id);
    if (it != names_.end()) return it->second;
    absl::StatusOr<Segment> s = engine_.GetSegment(id);
    return names_[id] = s.ok() ? s->definition.name : StrCat("#", id);
  }

  void WriteChanges(const std::vector<MembershipChange>& changes,
                    JsonWriter& out) {
    out.Key("changes").BeginArray();
    for (const MembershipChange& c : changes) {
      out.BeginObject();
      out.Key("segment").String(NameOf(c.segment));
      out.Key("lead").Uint(c.lead);
      out.Key("change").String(ChangeKindName(c.kind));
      out.EndObject();
    }
    out.EndArray();
  }

  absl::Status Mutation(absl::StatusOr<MutationResult> result, JsonWriter& out,
                        bool with_id = false) {
    if (!result.ok()) return result.status();
    if (with_id) out.Key("id").Uint(result->id);
    WriteChanges(result->changes, out);
    return absl::OkStatus();
  }

  absl::Status NoChanges(JsonWriter& out) {
    return Mutation(MutationResult{}, out);
  }

  absl::Status DefineField(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, "name"));
    ASSIGN_OR_RETURN(std::string type_name, RequireString(cmd, "type"));
    std::optional<FieldType> type = ParseFieldType(type_name);
    if (!type) {
      return absl::InvalidArgumentError(StrCat(
          "unknown field type ", Quote(type_name),
          " (expected string, keyword, int64, double, bool, timestamp or "
          "tags)"));
    }
    RETURN_IF_ERROR(engine_.DefineField(name, *type));
    return NoChanges(out);
  }

  absl::Status ListFields(object, JsonWriter& out) {
    out.Key("fields").BeginArray();
    for (const FieldDefinition& f : engine_.Fields()) {
      out.BeginObject().Key("name").String(f.name);
      out.Key("type").String(FieldTypeName(f.type));
      out.Key("standard").Bool(f.standard).EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status CreateCategory(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, RequireString(cmd, "name"));
    ASSIGN_OR_RETURN(CategoryId id, engine_.CreateCategory(name));
    out.Key("id").Uint(id);
    return NoChanges(out);
  }

  absl::Status RenameCategory(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, CategoryArg(cmd, "name"));
    ASSIGN_OR_RETURN(std::string new_name, RequireString(cmd, "new_name"));
    RETURN_IF_ERROR(engine_.RenameCategory(name, new_name));
    return NoChanges(out);
  }

  absl::Status DeleteCategory(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::string name, CategoryArg(cmd, "name"));
    RETURN_IF_ERROR(engine_.DeleteCategory(name));
    return NoChanges(out);
  }

  absl::Status ListCategories(object, JsonWriter& out) {
    out.Key("categories").BeginArray();
    for (const Category& c : engine_.Categories()) {
      out.BeginObject().Key("id").Uint(c.id).Key("name").String(c.name);
      out.EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::StatusOr<SegmentDefinition> DefinitionArg(object cmd,
                                                  bool require_name) {
    ASSIGN_OR_RETURN(element segment, Require(cmd, "segment"));
    return ParseSegmentDefinition(segment, require_name);
  }

  absl::Status CreateSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, true));
    return Mutation(engine_.CreateSegment(def), out, /*with_id=*/true);
  }

  absl::Status UpdateSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, true));
    return Mutation(engine_.UpdateSegment(id, def), out);
  }

  absl::Status DeleteSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    bool force = false;
    if (std::optional<element> e = Member(cmd, "force")) {
      ASSIGN_OR_RETURN(force, JsonBool(*e, "force"));
    }
    NameOf(id);  // remember the name before it goes
    absl::StatusOr<MutationResult> result = engine_.DeleteSegment(id, force);
    if (result.ok() && force) {
      out.Key("campaigns").BeginArray();
      for (CampaignId c : result->detached_campaigns) {
        out.String(CampaignNameOf(c));
      }
      out.EndArray();
    }
    return Mutation(std::move(result), out);
  }

  absl::Status GetSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    ASSIGN_OR_RETURN(Segment segment, engine_.GetSegment(id));
    out.Key("segment");
    WriteSegment(segment, out);
    return absl::OkStatus();
  }

  absl::Status ListSegments(object, JsonWriter& out) {
    out.Key("segments").BeginArray();
    for (const Segment& s : engine_.ListSegments()) WriteSegment(s, out);
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status UpsertLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(element json, Require(cmd, "lead"));
    ASSIGN_OR_RETURN(Lead lead, LeadFromJson(json));
    return Mutation(engine_.UpsertLead(lead), out);
  }

  absl::Status PatchLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadPatch patch, PatchFromJson(cmd));
    return Mutation(engine_.PatchLead(patch), out);
  }

  absl::Status DeleteLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId id, RequireLeadId(cmd, "id"));
    return Mutation(engine_.DeleteLead(id), out);
  }

  // Each element of the array at `key` through `parse`, errors prefixed
  // with "<key>[i]: ".
  template <typename T, typename Parse>
  absl::StatusOr<std::vector<T>> ListOf(object cmd, std::string_view key,
                                        Parse parse) {
    ASSIGN_OR_RETURN(element json, Require(cmd, key));
    ASSIGN_OR_RETURN(simdjson::dom::array list, JsonArray(json, key));
    std::vector<T> out;
    for (element e : list) {
      absl::StatusOr<T> item = parse(e);
      if (!item.ok()) {
        return absl::Status(
            item.status().code(),
            StrCat(key, "[", out.size(), "]: ", item.status().message()));
      }
      out.push_back(*std::move(item));
    }
    return out;
  }

  absl::Status UpsertLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::vector<Lead> leads,
                     ListOf<Lead>(cmd, "leads", LeadFromJson));
    return Mutation(engine_.UpsertLeads(leads), out);
  }

  absl::Status PatchLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(
        std::vector<LeadPatch> patches,
        ListOf<LeadPatch>(
            cmd, "patches", [](element e) -> absl::StatusOr<LeadPatch> {
              ASSIGN_OR_RETURN(object patch, JsonObject(e, "patch"));
              return PatchFromJson(patch);
            }));
    return Mutation(engine_.PatchLeads(patches), out);
  }

  absl::Status DeleteLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::vector<LeadId> ids,
                     ListOf<LeadId>(cmd, "ids", [](element e) {
                       return JsonUint64(e, "id");
                     }));
    return Mutation(engine_.DeleteLeads(ids), out);
  }

  absl::Status AddToSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    return Mutation(engine_.AddToSegment(id, lead), out);
  }

  absl::Status RemoveFromSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    return Mutation(engine_.RemoveFromSegment(id, lead), out);
  }

  // {"lead": 7} or {"leads": [7, 8]} (a batch: all move or none).
  // {"lead": 7} or {"leads": [7, 8]}.
  absl::StatusOr<std::vector<LeadId>> LeadsArg(object cmd) {
    if (Member(cmd, "leads")) {
      return ListOf<LeadId>(cmd, "leads",
                            [](element e) { return JsonUint64(e, "lead"); });
    }
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    return std::vector<LeadId>{lead};
  }

  absl::Status Transfer(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(std::vector<LeadId> leads, LeadsArg(cmd));
    ASSIGN_OR_RETURN(SegmentId from, SegmentArg(cmd, "from"));
    ASSIGN_OR_RETURN(SegmentId to, SegmentArg(cmd, "to"));
    return Mutation(engine_.Transfer(leads, from, to), out);
  }

  absl::Status ActiveSegment(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(std::string category, RequireString(cmd, "category"));
    ASSIGN_OR_RETURN(std::optional<SegmentId> active,
                     engine_.ActiveSegment(lead, category));
    out.Key("segment");
    if (active) {
      out.String(NameOf(*active));
    } else {
      out.Null();
    }
    return absl::OkStatus();
  }

  absl::Status LeadsOverTime(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(element from_json, Require(cmd, "from"));
    ASSIGN_OR_RETURN(int64_t from, JsonInt64(from_json, "from"));
    ASSIGN_OR_RETURN(element to_json, Require(cmd, "to"));
    ASSIGN_OR_RETURN(int64_t to, JsonInt64(to_json, "to"));
    BucketWidth width = BucketWidth::kDay;
    if (std::optional<element> bucket = Member(cmd, "bucket")) {
      ASSIGN_OR_RETURN(std::string name, JsonString(*bucket, "bucket"));
      if (name == "hour") {
        width = BucketWidth::kHour;
      } else if (name != "day") {
        return absl::InvalidArgumentError(
            StrCat("bucket must be \"day\" or \"hour\", got ", Quote(name)));
      }
    }
    ASSIGN_OR_RETURN(std::vector<HistoryBucket> buckets,
                     engine_.LeadsOverTime(id, from, to, width));
    out.Key("buckets").BeginArray();
    for (const HistoryBucket& b : buckets) {
      out.BeginObject().Key("start").Int(b.start);
      out.Key("added").Uint(b.added).Key("removed").Uint(b.removed);
      out.Key("total").Uint(b.total).EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status GetLead(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId id, RequireLeadId(cmd, "id"));
    ASSIGN_OR_RETURN(Lead lead, engine_.GetLead(id));
    out.Key("lead").BeginObject().Key("id").Uint(lead.id);
    for (const auto& [name, value] : lead.fields) {
      out.Key(name).FieldValue(value);
    }
    out.EndObject();
    return absl::OkStatus();
  }

  absl::Status RecordEvent(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(Event event, EventFromJson(cmd));
    return Mutation(engine_.RecordEvent(event), out);
  }

  absl::Status AdvanceClock(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(element now, Require(cmd, "now"));
    ASSIGN_OR_RETURN(int64_t t, JsonInt64(now, "now"));
    return Mutation(engine_.AdvanceClock(t), out);
  }

  absl::Status Now(object, JsonWriter& out) {
    out.Key("now").Int(engine_.Now());
    return absl::OkStatus();
  }

  // Every member; with "after" or "limit", one page of them and "next".
  absl::Status Members(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    const bool paged = Member(cmd, "after") || Member(cmd, "limit");
    ASSIGN_OR_RETURN(std::optional<LeadId> after, AfterArg(cmd));
    ASSIGN_OR_RETURN(size_t limit, LimitArg(cmd, kMaxPageLimit));
    ASSIGN_OR_RETURN(
        MembersPage page,
        engine_.Members(id, after,
                        paged ? limit : std::numeric_limits<size_t>::max()));
    out.Key("members").BeginArray();
    for (LeadId lead : page.leads) out.Uint(lead);
    out.EndArray();
    if (paged) out.Key("next").OptionalUint(page.next);
    return absl::OkStatus();
  }

  absl::Status Count(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(uint64_t count, engine_.Count(id));
    out.Key("count").Uint(count);
    return absl::OkStatus();
  }

  absl::Status Contains(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(bool member, engine_.Contains(id, lead));
    out.Key("member").Bool(member);
    return absl::OkStatus();
  }

  // Leaves {"index","held","value"}; groups {"index","group","held",
  // "conditions"} (design.md §2.1).
  static void WriteOutcomes(const std::vector<ConditionOutcome>& outcomes,
                            JsonWriter& out) {
    out.Key("conditions").BeginArray();
    for (const ConditionOutcome& c : outcomes) {
      out.BeginObject().Key("index").Uint(c.index);
      if (c.group) {
        out.Key("group").String(GroupName(*c.group));
        out.Key("held").Bool(c.held);
        WriteOutcomes(c.conditions, out);
      } else {
        out.Key("held").Bool(c.held);
        out.Key("value").FieldValue(c.value);
      }
      out.EndObject();
    }
    out.EndArray();
  }

  absl::Status Explain(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(Explanation e, engine_.Explain(lead, id));
    out.Key("member").Bool(e.member);
    out.Key("matches").Bool(e.matches);
    out.Key("manual");
    if (e.manual == Explanation::Manual::kNone) {
      out.Null();
    } else {
      out.String(ManualName(e.manual));
    }
    WriteOutcomes(e.conditions, out);
    return absl::OkStatus();
  }

  // {"count", "members"}: the size and first ids of a preview.
  static void WritePreview(const audience::Preview& preview, JsonWriter& out) {
    out.Key("count").Uint(preview.count);
    out.Key("members").BeginArray();
    for (LeadId lead : preview.first_members) out.Uint(lead);
    out.EndArray();
  }

  absl::Status Preview(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, false));
    ASSIGN_OR_RETURN(size_t limit, LimitArg(cmd, 20));
    ASSIGN_OR_RETURN(audience::Preview preview,
                     engine_.PreviewSegment(def, limit));
    WritePreview(preview, out);
    return absl::OkStatus();
  }

  // The segment `name` as `segment` would redefine it: the preview's keys
  // plus how many leads would enter and leave.
  absl::Status PreviewUpdate(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "name"));
    ASSIGN_OR_RETURN(SegmentDefinition def, DefinitionArg(cmd, false));
    ASSIGN_OR_RETURN(size_t limit, LimitArg(cmd, 20));
    ASSIGN_OR_RETURN(audience::Preview preview,
                     engine_.PreviewSegmentUpdate(id, def, limit));
    WritePreview(preview, out);
    out.Key("entering").Uint(preview.entering);
    out.Key("leaving").Uint(preview.leaving);
    return absl::OkStatus();
  }

  absl::Status SegmentUsage(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(audience::SegmentUsage usage, engine_.Usage(id));
    out.Key("campaigns").BeginArray();
    for (CampaignId c : usage.campaigns) out.String(CampaignNameOf(c));
    out.EndArray();
    out.Key("segments").BeginArray();
    for (SegmentId s : usage.segments) out.String(NameOf(s));
    out.EndArray();
    return absl::OkStatus();
  }

  // The operators each kind of condition takes (docs/filters.md).
  absl::Status ListOperators(object, JsonWriter& out) {
    out.Key("fields").BeginObject();
    for (FieldType type :
         {FieldType::kString, FieldType::kKeyword, FieldType::kInt64,
          FieldType::kDouble, FieldType::kBool, FieldType::kTimestamp,
          FieldType::kTags}) {
      out.Key(FieldTypeName(type)).BeginArray();
      for (Op op : FieldOperators(type)) out.String(OpName(op));
      out.EndArray();
    }
    out.EndObject();
    out.Key("activity").BeginArray().String(OpName(Op::kDid));
    out.String(OpName(Op::kDidNot)).EndArray();
    out.Key("segment").BeginArray().String(OpName(Op::kMember));
    out.String(OpName(Op::kNotMember)).EndArray();
    return absl::OkStatus();
  }

  // --- Campaigns ------------------------------------------------------------

  absl::StatusOr<CampaignDefinition> CampaignDefinitionArg(object cmd) {
    ASSIGN_OR_RETURN(element campaign, Require(cmd, "campaign"));
    return ParseCampaignDefinition(campaign);
  }

  absl::Status CreateCampaign(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(CampaignDefinition def, CampaignDefinitionArg(cmd));
    ASSIGN_OR_RETURN(CampaignId id, engine_.CreateCampaign(def));
    out.Key("id").Uint(id);
    return NoChanges(out);
  }

  absl::Status UpdateCampaign(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(CampaignId id, CampaignArg(cmd, "name"));
    ASSIGN_OR_RETURN(CampaignDefinition def, CampaignDefinitionArg(cmd));
    RETURN_IF_ERROR(engine_.UpdateCampaign(id, def));
    return NoChanges(out);
  }

  absl::Status DeleteCampaign(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(CampaignId id, CampaignArg(cmd, "name"));
    RETURN_IF_ERROR(engine_.DeleteCampaign(id));
    return NoChanges(out);
  }

  absl::Status GetCampaign(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(CampaignId id, CampaignArg(cmd, "name"));
    ASSIGN_OR_RETURN(Campaign campaign, engine_.GetCampaign(id));
    out.Key("campaign");
    WriteCampaign(campaign, out);
    return absl::OkStatus();
  }

  absl::Status ListCampaigns(object, JsonWriter& out) {
    out.Key("campaigns").BeginArray();
    for (const Campaign& c : engine_.ListCampaigns()) WriteCampaign(c, out);
    out.EndArray();
    return absl::OkStatus();
  }

  absl::Status CampaignAudience(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(CampaignId id, CampaignArg(cmd, "campaign"));
    ASSIGN_OR_RETURN(std::optional<LeadId> after, AfterArg(cmd));
    ASSIGN_OR_RETURN(size_t limit, LimitArg(cmd, 50));
    ASSIGN_OR_RETURN(uint64_t count, engine_.CampaignAudienceCount(id));
    ASSIGN_OR_RETURN(MembersPage page,
                     engine_.CampaignAudiencePage(id, after, limit));
    out.Key("count").Uint(count);
    out.Key("leads").BeginArray();
    for (LeadId lead : page.leads) out.Uint(lead);
    out.EndArray();
    out.Key("next").OptionalUint(page.next);
    return absl::OkStatus();
  }

  absl::Status CampaignAction(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(CampaignId id, CampaignArg(cmd, "campaign"));
    ASSIGN_OR_RETURN(std::vector<LeadId> leads, LeadsArg(cmd));
    ASSIGN_OR_RETURN(audience::CampaignAction action,
                     ParseCampaignAction(cmd, engine_));
    return Mutation(engine_.RecordCampaignActions(id, action, leads), out);
  }

  absl::Status LeadCampaigns(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(std::vector<Participation> campaigns,
                     engine_.LeadCampaigns(lead));
    out.Key("campaigns").BeginArray();
    for (const Participation& p : campaigns) {
      out.BeginObject().Key("campaign").String(CampaignNameOf(p.campaign));
      out.Key("actions");
      WriteActionCounts(p.actions, out);
      out.Key("last_action").Int(p.last_action).EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  // --- Segment statistics and views -----------------------------------------

  absl::Status Stats(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(SegmentStats stats, engine_.Stats(id));
    out.Key("total_leads").Uint(stats.total_leads);
    out.Key("active_campaigns").Uint(stats.active_campaigns);
    out.Key("campaigns_participated").Uint(stats.campaigns_participated);
    out.Key("by_campaign").BeginArray();
    for (const CampaignUsage& u : stats.by_campaign) {
      out.BeginObject().Key("campaign").String(CampaignNameOf(u.campaign));
      out.Key("participated").Uint(u.participated);
      out.Key("actions");
      WriteActionCounts(u.actions, out);
      out.EndObject();
    }
    out.EndArray();
    return absl::OkStatus();
  }

  void WriteLeadDetails(const LeadDetails& d, JsonWriter& out) {
    out.BeginObject().Key("id").Uint(d.lead.id);
    out.Key("fields").BeginObject();
    for (const auto& [name, value] : d.lead.fields) {
      out.Key(name).FieldValue(value);
    }
    out.EndObject();
    out.Key("score").OptionalInt(d.score);
    out.Key("segments").BeginArray();
    for (SegmentId s : d.segments) out.String(NameOf(s));
    out.EndArray();
    out.Key("campaigns").BeginArray();
    for (CampaignId c : d.campaigns) out.String(CampaignNameOf(c));
    out.EndArray();
    out.Key("recent_activity").BeginArray();
    for (const Event& e : d.recent_activity) {
      out.BeginObject().Key("type").String(e.type);
      out.Key("object")
          .OptionalInt(e.object)
          .Key("ts")
          .Int(e.ts.value_or(0))
          .EndObject();
    }
    out.EndArray();
    out.EndObject();
  }

  absl::Status SegmentLeads(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(SegmentId id, SegmentArg(cmd, "segment"));
    ASSIGN_OR_RETURN(std::optional<LeadId> after, AfterArg(cmd));
    ASSIGN_OR_RETURN(size_t limit, LimitArg(cmd, 50));
    ASSIGN_OR_RETURN(LeadsPage page, engine_.SegmentLeads(id, after, limit));
    out.Key("leads").BeginArray();
    for (const LeadDetails& d : page.leads) WriteLeadDetails(d, out);
    out.EndArray();
    out.Key("next").OptionalUint(page.next);
    return absl::OkStatus();
  }

  absl::Status LeadSegments(object cmd, JsonWriter& out) {
    ASSIGN_OR_RETURN(LeadId lead, RequireLeadId(cmd, "lead"));
    ASSIGN_OR_RETURN(audience::LeadSegments of, engine_.SegmentsOf(lead));
    out.Key("segments").BeginArray();
    for (SegmentId s : of.segments) out.String(NameOf(s));
    out.EndArray();
    absl::flat_hash_map<CategoryId, std::string> categories;
    for (Category& c : engine_.Categories()) {
      categories[c.id] = std::move(c.name);
    }
    out.Key("active_segments").BeginObject();
    for (const auto& [category, segment] : of.active_segments) {
      out.Key(categories[category]).String(NameOf(segment));
    }
    out.EndObject();
    return absl::OkStatus();
  }

  // --- Durability ------------------------------------------------------------

  absl::Status Snapshot(object, JsonWriter& out) {
    ASSIGN_OR_RETURN(SnapshotInfo info, engine_.Snapshot());
    out.Key("generation").Uint(info.generation);
    out.Key("bytes").Uint(info.bytes);
    return absl::OkStatus();
  }

  Engine& engine_;
  const CommandBindings* bindings_ = nullptr;
  simdjson::dom::parser parser_;
  absl::flat_hash_map<SegmentId, std::string> names_;
  absl::flat_hash_map<CampaignId, std::string> campaign_names_;
};

CommandRunner::CommandRunner(Engine& engine)
    : impl_(std::make_unique<Impl>(engine)) {}
CommandRunner::~CommandRunner() = default;

absl::Status CommandRunner::Run(std::string_view command, JsonWriter& out,
                                const CommandBindings* bindings) {
  return impl_->Run(command, out, bindings);
}

}  // namespace audience
