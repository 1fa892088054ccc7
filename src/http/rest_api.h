// The /v1 routes of `audience serve` (docs/http.md) that answer with one
// reply: the REST resources, POST /v1/commands and the bulk uploads. GET
// /v1/changes streams and lives in the server.
//
// Every REST route is a protocol command (docs/protocol.md) run by the same
// CommandRunner as `audience replay`: the route names the op, its path and
// query fill the command's keys (ids in the path bind to the entity itself,
// not its name), and its JSON body becomes one key or joins the command's
// keys. So validation, messages and answers are the protocol's; the reply
// is the protocol's answer without "ok", and an error is the envelope of
// http_error.h with its status.
//
// Thread safety: a RestApi is safe for concurrent access from multiple
// threads without external synchronization.
#ifndef AUDIENCE_HTTP_REST_API_H_
#define AUDIENCE_HTTP_REST_API_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "audience/engine.h"
#include "http/api_request.h"
#include "http/router.h"

namespace audience::http {

class RestApi {
 public:
  // `engine` must outlive the api.
  explicit RestApi(Engine& engine);
  ~RestApi();
  RestApi(const RestApi&) = delete;
  RestApi& operator=(const RestApi&) = delete;

  // Routes and answers `request` (its path starts with /v1/). `route`
  // receives the matched pattern, for metrics.
  ApiReply Handle(ApiRequest& request, std::string_view* route) const;

  // The routes served, as (method, pattern), in the order they are tried.
  const std::vector<std::pair<std::string, std::string>>& Routes() const {
    return routes_;
  }

 private:
  class Workspace;  // a command runner, a protocol and a parser
  struct Route;

  // A workspace for one request; returned to the pool by the deleter.
  struct WorkspaceReturn {
    const RestApi* api;
    void operator()(Workspace* w) const;
  };
  using WorkspacePtr = std::unique_ptr<Workspace, WorkspaceReturn>;
  WorkspacePtr Acquire() const;

  ApiReply RunRoute(const Route& route, const ApiRequest& request) const;
  ApiReply Commands(const ApiRequest& request) const;
  ApiReply BulkLoad(const ApiRequest& request, bool events) const;

  Engine& engine_;
  Router router_;
  std::vector<std::pair<std::string, std::string>> routes_;
  mutable absl::Mutex mu_;
  mutable std::vector<std::unique_ptr<Workspace>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_REST_API_H_
