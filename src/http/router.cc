#include "http/router.h"

#include <algorithm>

#include "util/str_cat.h"

namespace audience::http {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

void Router::Add(std::string_view method, std::string_view pattern,
                 Handler handler) {
  Route route;
  route.method = std::string(method);
  route.pattern = std::string(pattern);
  for (std::string_view s : SplitPath(pattern)) route.segments.emplace_back(s);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method,
                           std::string_view path) const {
  Match match;
  const std::vector<std::string_view> segments = SplitPath(path);
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) {
          matches = false;
        } else {
          params.emplace_back(want.substr(1, want.size() - 2),
                              std::string(segments[i]));
        }
      } else {
        matches = want == segments[i];
      }
    }
    if (!matches) continue;
    if (route.method != method) {
      if (std::find(match.allowed.begin(), match.allowed.end(), route.method) ==
          match.allowed.end()) {
        match.allowed.push_back(route.method);
      }
      continue;
    }
    match.handler = &route.handler;
    match.pattern = route.pattern;
    match.params = std::move(params);
    return match;
  }
  return match;
}

ApiReply Router::Dispatch(ApiRequest& request,
                          std::string_view* pattern) const {
  Match match = Find(request.method, request.path);
  if (match.handler != nullptr) {
    *pattern = match.pattern;
    request.params = std::move(match.params);
    return (*match.handler)(request);
  }
  *pattern = "unmatched";
  if (match.allowed.empty()) {
    return ApiReply::Error(
        404, absl::NotFoundError(
                 StrCat("no route for ", request.method, " ", request.path)));
  }
  std::string allowed;
  for (std::string_view m : match.allowed) {
    StrAppend(&allowed, allowed.empty() ? "" : ", ", m);
  }
  ApiReply reply =
      ApiReply::Error(405, absl::InvalidArgumentError(StrCat(
                               "method ", request.method, " is not allowed on ",
                               request.path, " (allowed: ", allowed, ")")));
  reply.headers.emplace_back("Allow", allowed);
  return reply;
}

}  // namespace audience::http
