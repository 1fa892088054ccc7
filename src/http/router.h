// Matches a method and path against route patterns such as
// "/v1/segments/{id}/explain/{lead}": literal segments compare exactly,
// {name} takes one path segment. Patterns are tried in the order added.
//
// Thread safety: Add before serving; Find is const and may run on many
// threads at once.
#ifndef AUDIENCE_HTTP_ROUTER_H_
#define AUDIENCE_HTTP_ROUTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/api_request.h"

namespace audience::http {

class Router {
 public:
  using Handler = std::function<ApiReply(const ApiRequest&)>;

  // REQUIRES: `pattern` starts with '/'.
  void Add(std::string_view method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // nullptr: no route
    std::string_view pattern;          // the route's pattern, for metrics
    std::vector<std::pair<std::string, std::string>> params;
    // When the path matches but not the method: the methods it has.
    std::vector<std::string_view> allowed;
  };
  Match Find(std::string_view method, std::string_view path) const;

  // Routes `request` (filling its params) and runs the handler: 404 for an
  // unknown path, 405 with an Allow header for a known path and another
  // method. `pattern` receives the matched pattern (or "unmatched").
  ApiReply Dispatch(ApiRequest& request, std::string_view* pattern) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for a parameter
    Handler handler;
  };
  std::vector<Route> routes_;
};

// "/a/b/" -> {"a", "b"}; empty segments are kept except a trailing one.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_ROUTER_H_
