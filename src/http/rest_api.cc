#include "http/rest_api.h"

#include <simdjson.h>

#include <charconv>
#include <optional>

#include "audience/protocol.h"
#include "io/command_runner.h"
#include "io/json_dom.h"
#include "io/json_writer.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience::http {

namespace {

// What a route's {id} names.
enum class IdKind { kNone, kSegment, kCampaign, kCategory, kLead };

// Where a route's JSON body goes in the command.
enum class BodyKind {
  kNoBody,
  kValue,       // the whole body is the value of body_key
  kMerged,      // the body's keys are the command's keys
  kMergedInto,  // the body's keys, and the path's id, make body_key's object
};

enum class QueryType { kInteger, kBool, kString };

struct QueryArg {
  const char* name;
  QueryType type;
};

constexpr std::string_view kCollection[] = {"", "segment", "campaign",
                                            "category", "lead"};

// An unsigned integer path segment, or INVALID_ARGUMENT naming it.
absl::StatusOr<uint64_t> PathId(std::string_view text, IdKind kind,
                                std::string_view name) {
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    const std::string_view what =
        name == "lead" ? "lead" : kCollection[static_cast<int>(kind)];
    return absl::InvalidArgumentError(StrCat("path: ", what,
                                             " id must be an unsigned "
                                             "integer, got ",
                                             Quote(text)));
  }
  return id;
}

// A query value as the JSON the command expects: integers and booleans
// that read as such, anything else as a string, so the command reports
// the wrong type with the protocol's own message.
void WriteQueryValue(std::string_view text, QueryType type, JsonWriter& out) {
  if (type == QueryType::kInteger && !text.empty()) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) {
      out.Int(v);
      return;
    }
    uint64_t u = 0;
    auto [uend, uec] =
        std::from_chars(text.data(), text.data() + text.size(), u);
    if (uec == std::errc() && uend == text.data() + text.size()) {
      out.Uint(u);
      return;
    }
  }
  if (type == QueryType::kBool && (text == "true" || text == "false")) {
    out.Bool(text == "true");
    return;
  }
  out.String(text);
}

// "request body: ..." for a body that is not one JSON value of the kind
// the route takes.
absl::Status BodyError(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("request body: ", what));
}

}  // namespace

struct RestApi::Route {
  const char* method;
  const char* pattern;
  const char* op;
  IdKind id = IdKind::kNone;
  const char* id_key = nullptr;    // the command key {id} fills or binds
  const char* lead_key = nullptr;  // the command key {lead} fills
  BodyKind body = BodyKind::kNoBody;
  const char* body_key = nullptr;
  std::vector<QueryArg> query = {};
  int status = 200;  // on success
  // A body key the command calls otherwise ({"name"} of a category rename
  // is the command's "new_name").
  const char* rename_from = nullptr;
  const char* rename_to = nullptr;
};

class RestApi::Workspace {
 public:
  explicit Workspace(Engine& engine) : runner(engine), protocol(engine) {}
  CommandRunner runner;
  Protocol protocol;
  simdjson::dom::parser parser;
};

void RestApi::WorkspaceReturn::operator()(Workspace* w) const {
  absl::MutexLock lock(&api->mu_);
  api->idle_.emplace_back(w);
}

RestApi::WorkspacePtr RestApi::Acquire() const {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      Workspace* w = idle_.back().release();
      idle_.pop_back();
      return WorkspacePtr(w, WorkspaceReturn{this});
    }
  }
  return WorkspacePtr(new Workspace(engine_), WorkspaceReturn{this});
}

RestApi::RestApi(Engine& engine) : engine_(engine) {
  using enum IdKind;
  using enum BodyKind;
  constexpr QueryArg kAfter{"after", QueryType::kInteger};
  constexpr QueryArg kLimit{"limit", QueryType::kInteger};
  static const std::vector<Route>* routes = new std::vector<Route>{
      // Segments.
      {.method = "GET", .pattern = "/v1/segments", .op = "list_segments"},
      {.method = "POST",
       .pattern = "/v1/segments",
       .op = "create_segment",
       .body = kValue,
       .body_key = "segment",
       .status = 201},
      {.method = "POST",
       .pattern = "/v1/segments/preview",
       .op = "preview",
       .body = kValue,
       .body_key = "segment",
       .query = {kLimit}},
      {.method = "GET",
       .pattern = "/v1/segments/{id}",
       .op = "get_segment",
       .id = kSegment,
       .id_key = "name"},
      {.method = "PUT",
       .pattern = "/v1/segments/{id}",
       .op = "update_segment",
       .id = kSegment,
       .id_key = "name",
       .body = kValue,
       .body_key = "segment"},
      {.method = "DELETE",
       .pattern = "/v1/segments/{id}",
       .op = "delete_segment",
       .id = kSegment,
       .id_key = "name",
       .query = {{"force", QueryType::kBool}}},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/count",
       .op = "count",
       .id = kSegment,
       .id_key = "segment"},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/members",
       .op = "members",
       .id = kSegment,
       .id_key = "segment",
       .query = {kAfter, kLimit}},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/members/{lead}",
       .op = "contains",
       .id = kSegment,
       .id_key = "segment",
       .lead_key = "lead"},
      {.method = "PUT",
       .pattern = "/v1/segments/{id}/members/{lead}",
       .op = "add_to_segment",
       .id = kSegment,
       .id_key = "segment",
       .lead_key = "lead"},
      {.method = "DELETE",
       .pattern = "/v1/segments/{id}/members/{lead}",
       .op = "remove_from_segment",
       .id = kSegment,
       .id_key = "segment",
       .lead_key = "lead"},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/stats",
       .op = "stats",
       .id = kSegment,
       .id_key = "segment"},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/leads_over_time",
       .op = "leads_over_time",
       .id = kSegment,
       .id_key = "segment",
       .query = {{"from", QueryType::kInteger},
                 {"to", QueryType::kInteger},
                 {"bucket", QueryType::kString}}},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/leads",
       .op = "segment_leads",
       .id = kSegment,
       .id_key = "segment",
       .query = {kAfter, kLimit}},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/explain/{lead}",
       .op = "explain",
       .id = kSegment,
       .id_key = "segment",
       .lead_key = "lead"},
      {.method = "POST",
       .pattern = "/v1/segments/{id}/preview",
       .op = "preview_update",
       .id = kSegment,
       .id_key = "name",
       .body = kValue,
       .body_key = "segment",
       .query = {kLimit}},
      {.method = "GET",
       .pattern = "/v1/segments/{id}/usage",
       .op = "segment_usage",
       .id = kSegment,
       .id_key = "segment"},
      {.method = "GET", .pattern = "/v1/operators", .op = "list_operators"},
      // Categories and fields.
      {.method = "GET", .pattern = "/v1/categories", .op = "list_categories"},
      {.method = "POST",
       .pattern = "/v1/categories",
       .op = "create_category",
       .body = kMerged,
       .status = 201},
      {.method = "PUT",
       .pattern = "/v1/categories/{id}",
       .op = "rename_category",
       .id = kCategory,
       .id_key = "name",
       .body = kMerged,
       .rename_from = "name",
       .rename_to = "new_name"},
      {.method = "DELETE",
       .pattern = "/v1/categories/{id}",
       .op = "delete_category",
       .id = kCategory,
       .id_key = "name"},
      {.method = "GET", .pattern = "/v1/fields", .op = "list_fields"},
      {.method = "POST",
       .pattern = "/v1/fields",
       .op = "define_field",
       .body = kMerged,
       .status = 201},
      // Leads and activity.
      {.method = "POST",
       .pattern = "/v1/leads",
       .op = "upsert_lead",
       .body = kValue,
       .body_key = "lead"},
      {.method = "GET",
       .pattern = "/v1/leads/{id}",
       .op = "get_lead",
       .id = kLead,
       .id_key = "id"},
      {.method = "PUT",
       .pattern = "/v1/leads/{id}",
       .op = "upsert_lead",
       .id = kLead,
       .id_key = "id",
       .body = kMergedInto,
       .body_key = "lead"},
      {.method = "PATCH",
       .pattern = "/v1/leads/{id}",
       .op = "patch_lead",
       .id = kLead,
       .id_key = "id",
       .body = kMerged},
      {.method = "DELETE",
       .pattern = "/v1/leads/{id}",
       .op = "delete_lead",
       .id = kLead,
       .id_key = "id"},
      {.method = "GET",
       .pattern = "/v1/leads/{id}/segments",
       .op = "lead_segments",
       .id = kLead,
       .id_key = "lead"},
      {.method = "GET",
       .pattern = "/v1/leads/{id}/campaigns",
       .op = "lead_campaigns",
       .id = kLead,
       .id_key = "lead"},
      {.method = "POST",
       .pattern = "/v1/events",
       .op = "event",
       .body = kMerged},
      {.method = "GET", .pattern = "/v1/clock", .op = "now"},
      {.method = "PUT",
       .pattern = "/v1/clock",
       .op = "advance_clock",
       .body = kMerged},
      {.method = "POST",
       .pattern = "/v1/transfers",
       .op = "transfer",
       .body = kMerged},
      // Campaigns.
      {.method = "GET", .pattern = "/v1/campaigns", .op = "list_campaigns"},
      {.method = "POST",
       .pattern = "/v1/campaigns",
       .op = "create_campaign",
       .body = kValue,
       .body_key = "campaign",
       .status = 201},
      {.method = "GET",
       .pattern = "/v1/campaigns/{id}",
       .op = "get_campaign",
       .id = kCampaign,
       .id_key = "name"},
      {.method = "PUT",
       .pattern = "/v1/campaigns/{id}",
       .op = "update_campaign",
       .id = kCampaign,
       .id_key = "name",
       .body = kValue,
       .body_key = "campaign"},
      {.method = "DELETE",
       .pattern = "/v1/campaigns/{id}",
       .op = "delete_campaign",
       .id = kCampaign,
       .id_key = "name"},
      {.method = "GET",
       .pattern = "/v1/campaigns/{id}/audience",
       .op = "campaign_audience",
       .id = kCampaign,
       .id_key = "campaign",
       .query = {kAfter, kLimit}},
      {.method = "POST",
       .pattern = "/v1/campaigns/{id}/actions",
       .op = "campaign_action",
       .id = kCampaign,
       .id_key = "campaign",
       .body = kMerged},
      // Durability.
      {.method = "POST", .pattern = "/v1/snapshot", .op = "snapshot"},
  };

  // The routes whose path is a literal go first: "/v1/segments/preview"
  // must not be read as segment "preview".
  router_.Add("POST", "/v1/commands",
              [this](const ApiRequest& r) { return Commands(r); });
  router_.Add("POST", "/v1/leads/bulk",
              [this](const ApiRequest& r) { return BulkLoad(r, false); });
  router_.Add("POST", "/v1/events/bulk",
              [this](const ApiRequest& r) { return BulkLoad(r, true); });
  routes_ = {{"POST", "/v1/commands"},
             {"POST", "/v1/leads/bulk"},
             {"POST", "/v1/events/bulk"}};
  for (const Route& route : *routes) {
    router_.Add(
        route.method, route.pattern,
        [this, &route](const ApiRequest& r) { return RunRoute(route, r); });
    routes_.emplace_back(route.method, route.pattern);
  }
}

RestApi::~RestApi() = default;

ApiReply RestApi::Handle(ApiRequest& request, std::string_view* route) const {
  return router_.Dispatch(request, route);
}

ApiReply RestApi::RunRoute(const Route& route,
                           const ApiRequest& request) const {
  WorkspacePtr w = Acquire();
  CommandBindings bindings;
  JsonWriter cmd;
  cmd.BeginObject().Key("op").String(route.op);
  // Keys the path and query wrote, with their JSON, for a body naming them.
  std::vector<std::pair<std::string, std::string>> written;

  std::optional<uint64_t> id;
  if (route.id != IdKind::kNone) {
    absl::StatusOr<uint64_t> parsed =
        PathId(request.Param("id"), route.id, "id");
    if (!parsed.ok()) return ApiReply::Error(parsed.status());
    id = *parsed;
    // Segment and category ids are 32-bit: a larger one names nothing.
    const bool narrow =
        route.id == IdKind::kSegment || route.id == IdKind::kCategory;
    if (narrow && *id > UINT32_MAX) {
      return ApiReply::Error(absl::NotFoundError(StrCat(
          "unknown ", kCollection[static_cast<int>(route.id)], " id ", *id)));
    }
    switch (route.id) {
      case IdKind::kSegment:
        bindings.segments[route.id_key] = static_cast<SegmentId>(*id);
        break;
      case IdKind::kCampaign:
        bindings.campaigns[route.id_key] = *id;
        break;
      case IdKind::kCategory:
        bindings.categories[route.id_key] = static_cast<CategoryId>(*id);
        break;
      case IdKind::kLead:
        if (route.body != BodyKind::kMergedInto) {
          cmd.Key(route.id_key).Uint(*id);
          written.emplace_back(route.id_key, StrCat(*id));
        }
        break;
      case IdKind::kNone:
        break;
    }
  }
  if (route.lead_key != nullptr) {
    absl::StatusOr<uint64_t> lead =
        PathId(request.Param("lead"), IdKind::kLead, "lead");
    if (!lead.ok()) return ApiReply::Error(lead.status());
    cmd.Key(route.lead_key).Uint(*lead);
    written.emplace_back(route.lead_key, StrCat(*lead));
  }
  for (const QueryArg& arg : route.query) {
    auto it = request.query.find(std::string_view(arg.name));
    if (it == request.query.end()) continue;
    cmd.Key(arg.name);
    WriteQueryValue(it->second, arg.type, cmd);
    written.emplace_back(arg.name, "");
  }

  if (route.body != BodyKind::kNoBody) {
    simdjson::dom::element body;
    if (request.body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return ApiReply::Error(BodyError("expected a JSON object, got nothing"));
    }
    if (auto error = w->parser.parse(request.body.data(), request.body.size())
                         .get(body)) {
      return ApiReply::Error(BodyError(
          StrCat("malformed JSON (", simdjson::error_message(error), ")")));
    }
    if (route.body == BodyKind::kValue) {
      cmd.Key(route.body_key).Raw(simdjson::minify(body));
    } else {
      absl::StatusOr<simdjson::dom::object> object =
          JsonObject(body, "request body");
      if (!object.ok()) return ApiReply::Error(object.status());
      if (route.body == BodyKind::kMergedInto) {
        cmd.Key(route.body_key).BeginObject();
        cmd.Key(route.id_key).Uint(*id);
        written.emplace_back(route.id_key, StrCat(*id));
      }
      for (auto [key, value] : *object) {
        std::string_view k(key.data(), key.size());
        if (k == "op") continue;  // the route decides the op
        if (route.rename_from != nullptr && k == route.rename_from) {
          k = route.rename_to;
        }
        const std::string json = simdjson::minify(value);
        bool duplicate = false;
        for (const auto& [name, text] : written) {
          if (name != k) continue;
          duplicate = true;
          if (!text.empty() && text != json) {
            return ApiReply::Error(absl::InvalidArgumentError(
                StrCat("request body: \"", k, "\" is ", json,
                       " but the path says ", text)));
          }
        }
        if (!duplicate) cmd.Key(k).Raw(json);
      }
      if (route.body == BodyKind::kMergedInto) cmd.EndObject();
    }
  }
  cmd.EndObject();

  JsonWriter out;
  out.BeginObject();
  absl::Status status = w->runner.Run(cmd.str(), out, &bindings);
  if (!status.ok()) return ApiReply::Error(status);
  ApiReply reply;
  reply.status = route.status;
  reply.body = out.EndObject().Take();
  return reply;
}

ApiReply RestApi::Commands(const ApiRequest& request) const {
  WorkspacePtr w = Acquire();
  ApiReply reply;
  reply.content_type = "application/x-ndjson";
  // Lines as `audience replay` reads them: split at '\n', one trailing
  // '\r' dropped, lines of only spaces and tabs skipped.
  std::string_view body = request.body;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    reply.body += w->protocol.Execute(line);
    reply.body += '\n';
  }
  return reply;
}

ApiReply RestApi::BulkLoad(const ApiRequest& request, bool events) const {
  absl::StatusOr<LoadReport> report =
      events ? engine_.LoadEvents(request.body, "body")
             : engine_.LoadLeads(request.body, "body");
  if (!report.ok()) return ApiReply::Error(report.status());
  JsonWriter out;
  out.BeginObject().Key("loaded").Uint(report->loaded);
  out.Key("rejected").Uint(report->rejected);
  out.Key("errors").BeginArray();
  for (const std::string& error : report->errors) out.String(error);
  out.EndArray();
  out.Key("membership_changes").Uint(report->changes.size());
  ApiReply reply;
  reply.body = out.EndObject().Take();
  return reply;
}

}  // namespace audience::http
