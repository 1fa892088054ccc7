#include "io/campaign_json.h"

#include <optional>
#include <string>
#include <vector>

#include "io/json_dom.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr CampaignStatus kStatuses[] = {
    CampaignStatus::kDraft, CampaignStatus::kActive, CampaignStatus::kPaused,
    CampaignStatus::kCompleted};

// "a, b, c or d" of the names of `values`.
template <typename T, size_t N, typename NameOf>
std::string Alternatives(const T (&values)[N], NameOf name_of) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) StrAppend(&out, i + 1 == N ? " or " : ", ");
    StrAppend(&out, name_of(values[i]));
  }
  return out;
}

std::string ActionKindNames() {
  ActionKind kinds[kActionKindCount];
  for (size_t i = 0; i < kActionKindCount; ++i) {
    kinds[i] = static_cast<ActionKind>(i);
  }
  return Alternatives(kinds, ActionKindName);
}

absl::StatusOr<std::vector<std::string>> SegmentNames(element e,
                                                      std::string_view key) {
  ASSIGN_OR_RETURN(simdjson::dom::array list, JsonArray(e, key));
  std::vector<std::string> names;
  for (element item : list) {
    ASSIGN_OR_RETURN(std::string name,
                     JsonString(item, StrCat(key, "[", names.size(), "]")));
    names.push_back(std::move(name));
  }
  return names;
}

absl::StatusOr<std::optional<int64_t>> OptionalInt(object o,
                                                   std::string_view key) {
  std::optional<element> e = Member(o, key);
  if (!e) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t v, JsonInt64(*e, key));
  return std::optional<int64_t>(v);
}

// The operand `key` that action `kind` needs.
absl::StatusOr<element> RequiredOperand(object command, std::string_view key,
                                        ActionKind kind) {
  std::optional<element> e = Member(command, key);
  if (!e) {
    return absl::InvalidArgumentError(StrCat(
        "missing \"", key, "\" for action ", Quote(ActionKindName(kind))));
  }
  return *e;
}

absl::StatusOr<SegmentId> SegmentOperand(object command, std::string_view key,
                                         ActionKind kind,
                                         const Engine& engine) {
  ASSIGN_OR_RETURN(element e, RequiredOperand(command, key, kind));
  ASSIGN_OR_RETURN(std::string name, JsonString(e, key));
  return engine.FindSegment(name);
}

}  // namespace

absl::StatusOr<CampaignDefinition> ParseCampaignDefinition(element json) {
  ASSIGN_OR_RETURN(object o, JsonObject(json, "campaign"));
  CampaignDefinition def;
  std::optional<element> name = Member(o, "name");
  if (!name) return absl::InvalidArgumentError("campaign: missing \"name\"");
  ASSIGN_OR_RETURN(def.name, JsonString(*name, "name"));
  if (std::optional<element> status = Member(o, "status")) {
    ASSIGN_OR_RETURN(std::string status_name, JsonString(*status, "status"));
    std::optional<CampaignStatus> parsed = ParseCampaignStatus(status_name);
    if (!parsed) {
      return absl::InvalidArgumentError(
          StrCat("unknown campaign status ", Quote(status_name), " (expected ",
                 Alternatives(kStatuses, CampaignStatusName), ")"));
    }
    def.status = *parsed;
  }
  ASSIGN_OR_RETURN(def.start, OptionalInt(o, "start"));
  ASSIGN_OR_RETURN(def.end, OptionalInt(o, "end"));
  if (std::optional<element> sources = Member(o, "sources")) {
    ASSIGN_OR_RETURN(def.sources, SegmentNames(*sources, "sources"));
  }
  if (std::optional<element> workflow = Member(o, "workflow_segments")) {
    ASSIGN_OR_RETURN(def.workflow_segments,
                     SegmentNames(*workflow, "workflow_segments"));
  }
  return def;
}

absl::StatusOr<CampaignAction> ParseCampaignAction(object command,
                                                   const Engine& engine) {
  CampaignAction action;
  std::optional<element> kind = Member(command, "action");
  if (!kind) return absl::InvalidArgumentError("missing \"action\"");
  ASSIGN_OR_RETURN(std::string kind_name, JsonString(*kind, "action"));
  std::optional<ActionKind> parsed = ParseActionKind(kind_name);
  if (!parsed) {
    return absl::InvalidArgumentError(StrCat("unknown action ",
                                             Quote(kind_name), " (expected ",
                                             ActionKindNames(), ")"));
  }
  action.kind = *parsed;
  ASSIGN_OR_RETURN(action.ts, OptionalInt(command, "ts"));
  switch (action.kind) {
    case ActionKind::kChangeScore: {
      ASSIGN_OR_RETURN(element delta,
                       RequiredOperand(command, "delta", action.kind));
      ASSIGN_OR_RETURN(action.score_delta, JsonInt64(delta, "delta"));
      break;
    }
    case ActionKind::kAddToSegment:
    case ActionKind::kRemoveFromSegment: {
      ASSIGN_OR_RETURN(action.segment,
                       SegmentOperand(command, "segment", action.kind, engine));
      break;
    }
    case ActionKind::kTransfer: {
      ASSIGN_OR_RETURN(action.from,
                       SegmentOperand(command, "from", action.kind, engine));
      ASSIGN_OR_RETURN(action.to,
                       SegmentOperand(command, "to", action.kind, engine));
      break;
    }
    default:  // recorded from the host: no operands
      break;
  }
  return action;
}

void WriteCampaign(const Campaign& c, JsonWriter& out) {
  const CampaignDefinition& d = c.definition;
  out.BeginObject();
  out.Key("id").Uint(c.id);
  out.Key("name").String(d.name);
  out.Key("status").String(CampaignStatusName(d.status));
  out.Key("start").Int(d.start.value_or(0));
  out.Key("end").OptionalInt(d.end);
  out.Key("sources").BeginArray();
  for (const std::string& s : d.sources) out.String(s);
  out.EndArray();
  out.Key("workflow_segments").BeginArray();
  for (const std::string& s : d.workflow_segments) out.String(s);
  out.EndArray();
  out.EndObject();
}

void WriteActionCounts(const ActionCounts& counts, JsonWriter& out) {
  out.BeginObject();
  for (size_t k = 0; k < kActionKindCount; ++k) {
    out.Key(ActionKindName(static_cast<ActionKind>(k))).Uint(counts[k]);
  }
  out.EndObject();
}

}  // namespace audience
