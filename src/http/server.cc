#include "http/server.h"

#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

#include "absl/strings/numbers.h"
#include "http/change_feed.h"
#include "http/http_error.h"
#include "http/metrics.h"
#include "http/rest_api.h"
#include "io/json_writer.h"
#include "util/str_cat.h"

namespace audience::http {

namespace {

constexpr size_t kSseChunkBytes = 256 << 10;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Compares without stopping at the first difference, so the time taken
// says nothing about how much of a guess was right (the length is no
// secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

bool HasBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  uint64_t length = 0;
  return req.has_header("Content-Length") &&
         absl::SimpleAtoi(req.get_header_value("Content-Length"), &length) &&
         length > 0;
}

void SetReply(httplib::Response& res, const ApiReply& reply) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, reply.content_type.c_str());
}

}  // namespace

std::string GenerateToken() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0xF]);
  }
  return token;
}

class Server::Impl {
 public:
  Impl(Engine& engine, const ServerOptions& options)
      : engine_(engine),
        options_(options),
        api_(engine),
        feed_(options.change_buffer),
        listener_(*this) {}

  ~Impl() { Stop(); }

  absl::Status Start() {
    if (options_.token.empty()) {
      return absl::InvalidArgumentError("the bearer token must not be empty");
    }
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) return absl::InternalError("eventfd failed");
    if (!options_.web_root.empty()) {
      std::error_code error;
      if (!std::filesystem::is_directory(options_.web_root, error) ||
          !listener_.set_mount_point("/", options_.web_root)) {
        return absl::InvalidArgumentError(
            StrCat("web root ", options_.web_root, " is not a directory"));
      }
    }
    Configure();
    listener_id_ = engine_.AddListener(
        [this](const std::vector<MembershipChange>& changes) {
          feed_.Publish(changes, [this](SegmentId id) {
            absl::StatusOr<Segment> s = engine_.GetSegment(id);
            return s.ok() ? std::optional<std::string>(s->definition.name)
                          : std::nullopt;
          });
        });
    listening_ = true;
    const int port = options_.port == 0
                         ? listener_.bind_to_any_port(options_.host)
                         : (listener_.bind_to_port(options_.host, options_.port)
                                ? options_.port
                                : -1);
    if (port < 0) {
      Stop();
      return absl::UnavailableError(
          StrCat("cannot listen on ", options_.host, ":", options_.port));
    }
    port_ = port;
    listener_.RaiseBacklog();
    thread_ = std::thread([this] { listener_.listen_after_bind(); });
    return absl::OkStatus();
  }

  void Stop() {
    bool expected = true;
    if (!listening_.compare_exchange_strong(expected, false)) return;
    engine_.RemoveListener(listener_id_);
    feed_.Close();
    if (wake_fd_ >= 0) {
      uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    }
    listener_.stop();
    if (thread_.joinable()) thread_.join();
    if (wake_fd_ >= 0) ::close(wake_fd_);
    wake_fd_ = -1;
  }

  int port() const { return port_; }

 private:
  // The HTTP library's server with our connection loop (connection.h)
  // in place of its own: it reads through ConnectionStream, so the limits
  // hold from the first byte.
  class Listener final : public httplib::Server {
   public:
    explicit Listener(Impl& impl) : impl_(impl) {}

    // The library listens with a backlog of 5; a burst of clients (a page
    // and its change stream, a load test) would wait on SYN retries.
    void RaiseBacklog() { ::listen(svr_sock_, 512); }

   private:
    bool process_and_close_socket(socket_t sock) override {
      return impl_.Serve(
          sock,
          [this](httplib::Stream& strm, bool close, bool& closed) {
            return process_request(strm, close, closed, nullptr);
          },
          svr_sock_);
    }

    Impl& impl_;
  };

  using ProcessRequest =
      std::function<bool(httplib::Stream&, bool close, bool& closed)>;

  bool Serve(int sock, const ProcessRequest& process,
             const std::atomic<socket_t>& listening) {
    const size_t active = ++connections_;
    if (active > options_.max_connections) {
      RefuseConnection(sock);
      --connections_;
      return false;
    }
    ConnectionStream stream(sock, wake_fd_, options_.limits);
    ConnectionState state;
    SetCurrentConnection(&state);
    size_t served = 0;
    while (listening != INVALID_SOCKET && stream.WaitForRequest()) {
      stream.BeginRequest();
      state = ConnectionState{.request_start = absl::Now()};
      const bool last = ++served >= options_.limits.max_requests;
      bool closed = false;
      const bool ok = process(stream, last, closed);
      if (!ok || last || closed || state.close_after_response ||
          stream.failed()) {
        break;
      }
    }
    SetCurrentConnection(nullptr);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    --connections_;
    return true;
  }

  // One connection too many: 503, then close (after the client's request
  // has had a moment to arrive, so that it reads the answer, not a reset).
  void RefuseConnection(int sock) {
    const std::string body = ErrorBody(absl::UnavailableError(StrCat(
        "too many connections (at most ", options_.max_connections, ")")));
    const std::string response = StrCat(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
        "application/json\r\nContent-Length: ",
        body.size(), "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n", body);
    ConnectionLimits quick = options_.limits;
    quick.write_timeout = absl::Milliseconds(500);
    ConnectionStream stream(sock, wake_fd_, quick);
    stream.write(response.data(), response.size());
    ::shutdown(sock, SHUT_WR);
    char drain[4096];
    ConnectionLimits drain_limits = quick;
    drain_limits.request_timeout = absl::Milliseconds(200);
    ConnectionStream reader(sock, wake_fd_, drain_limits);
    reader.BeginRequest();
    while (reader.read(drain, sizeof(drain)) > 0) {
    }
    ::close(sock);
  }

  void Configure() {
    listener_.new_task_queue = [this] {
      // A few threads beyond the connection limit answer the 503s.
      return new ConnectionThreads(options_.max_connections + 8);
    };
    listener_.set_payload_max_length(options_.max_body_bytes);
    // Only what the Keep-Alive response header says: the connection loop
    // (Serve) enforces both.
    listener_.set_keep_alive_max_count(options_.limits.max_requests);
    listener_.set_keep_alive_timeout(
        absl::ToInt64Seconds(options_.limits.idle_timeout));
    listener_.set_tcp_nodelay(true);
    // No CORS headers, ever: a page from another origin cannot call the
    // API. These keep the screen's page from being framed or sniffed.
    listener_.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                   {"X-Frame-Options", "DENY"},
                                   {"Referrer-Policy", "no-referrer"}});
    listener_.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) {
          return PreRoute(req, res);
        });
    const auto body_route = [this](const httplib::Request& req,
                                   httplib::Response& res) {
      SetReply(res, Dispatch(req));
    };
    listener_.Post("/v1/.*", body_route);
    listener_.Put("/v1/.*", body_route);
    listener_.Patch("/v1/.*", body_route);
    listener_.Delete("/v1/.*", body_route);
    listener_.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& req, httplib::Response& res) {
          return OnError(req, res);
        }));
    listener_.set_logger(
        [this](const httplib::Request& req, const httplib::Response& res) {
          Record(req, res);
        });
  }

  using HandlerResponse = httplib::Server::HandlerResponse;

  // Everything that needs no request body is answered here, before the
  // library reads one: /healthz, /metrics, authentication, GET routes and
  // the change stream. Routes with a body go on to the handlers above.
  HandlerResponse PreRoute(const httplib::Request& req,
                           httplib::Response& res) {
    if (!AnswerBeforeBody(req, res)) return HandlerResponse::Unhandled;
    // A body sent with a request answered here stays unread on the
    // connection, where it would be read as the next request.
    if (HasBody(req)) CurrentConnection()->close_after_response = true;
    return HandlerResponse::Handled;
  }

  // Answers `req` if it needs no body; false for static files and for the
  // routes that read one.
  bool AnswerBeforeBody(const httplib::Request& req, httplib::Response& res) {
    ConnectionState* state = CurrentConnection();
    const std::string& path = req.path;
    if (path == "/healthz" || path == "/metrics") {
      state->route = path == "/healthz" ? "/healthz" : "/metrics";
      if (req.method != "GET" && req.method != "HEAD") {
        ApiReply reply = ApiReply::Error(
            405, absl::InvalidArgumentError(StrCat("method ", req.method,
                                                   " is not allowed on ", path,
                                                   " (allowed: GET)")));
        reply.headers.emplace_back("Allow", "GET");
        SetReply(res, reply);
      } else if (path == "/healthz") {
        res.set_content("{\"status\":\"ok\"}", "application/json");
      } else {
        res.set_content(Metrics(), "text/plain; version=0.0.4");
      }
      return true;
    }
    if (path != "/v1" && !StartsWith(path, "/v1/")) {
      state->route = "static";
      return false;  // static files, or 404
    }
    if (!Authorized(req)) {
      state->route = "unauthorized";
      SetReply(res, ApiReply::Error(absl::UnauthenticatedError(
                        "missing or wrong bearer token: send "
                        "\"Authorization: Bearer <token>\"")));
      res.set_header("WWW-Authenticate", "Bearer");
      return true;
    }
    if (path == "/v1/changes" && req.method == "GET") {
      state->route = "/v1/changes";
      StartChangeStream(req, res);
      return true;
    }
    const bool reads_body = req.method == "POST" || req.method == "PUT" ||
                            req.method == "PATCH" ||
                            (req.method == "DELETE" && HasBody(req));
    if (reads_body) return false;
    SetReply(res, Dispatch(req));  // GET, HEAD, DELETE; 404/405 for others
    return true;
  }

  bool Authorized(const httplib::Request& req) const {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!StartsWith(header, kBearer)) return false;
    return ConstantTimeEquals(std::string_view(header).substr(kBearer.size()),
                              options_.token);
  }

  ApiReply Dispatch(const httplib::Request& req) {
    ApiRequest request;
    request.method = req.method == "HEAD" ? "GET" : req.method;
    request.path = req.path;
    for (const auto& [name, value] : req.params) {
      request.query.emplace(name, value);  // the first of a repeated name
    }
    request.body = req.body;
    std::string_view route;
    ApiReply reply = api_.Handle(request, &route);
    CurrentConnection()->route = route;
    return reply;
  }

  // GET /v1/changes: Server-Sent Events from the feed, resuming after
  // Last-Event-ID (or ?last_event_id=) when given.
  void StartChangeStream(const httplib::Request& req, httplib::Response& res) {
    std::string resume_from = req.get_header_value("Last-Event-ID");
    if (resume_from.empty() && req.has_param("last_event_id")) {
      resume_from = req.get_param_value("last_event_id");
    }
    struct Stream {
      uint64_t after = 0;
      bool started = false;
      std::optional<std::string> resync;  // why, when the client must resync
    };
    auto stream = std::make_shared<Stream>();
    if (resume_from.empty()) {
      stream->after = feed_.latest();
    } else {
      uint64_t last = 0;
      ChangeFeed::Resume resume =
          absl::SimpleAtoi(resume_from, &last)
              ? feed_.ResumeAfter(last)
              : ChangeFeed::Resume{.resync = true, .after = feed_.latest()};
      stream->after = resume.after;
      if (resume.resync) {
        stream->resync =
            StrCat("{\"reason\":\"resume\",\"last_event_id\":",
                   JsonString(resume_from), ",\"oldest\":", feed_.oldest(),
                   ",\"latest\":", resume.after, "}");
      }
    }
    ++change_streams_;
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, stream](size_t, httplib::DataSink& sink) {
          std::string out;
          if (!stream->started) {
            stream->started = true;
            out = "retry: 3000\n\n";
            if (stream->resync) {
              out += SseEvent("resync", *stream->resync, stream->after);
            }
            out +=
                SseEvent("ready", StrCat("{\"latest\":", stream->after, "}"));
            return sink.write(out.data(), out.size());
          }
          uint64_t last = 0;
          switch (feed_.Read(stream->after, options_.heartbeat, kSseChunkBytes,
                             &out, &last)) {
            case ChangeFeed::ReadStatus::kEvents:
              stream->after = last;
              break;
            case ChangeFeed::ReadStatus::kTimeout:
              out = ": keepalive\n\n";
              break;
            case ChangeFeed::ReadStatus::kBehind: {
              const uint64_t latest = feed_.latest();
              out =
                  SseEvent("resync",
                           StrCat("{\"reason\":\"behind\",\"last_event_id\":",
                                  stream->after, ",\"oldest\":", feed_.oldest(),
                                  ",\"latest\":", latest, "}"),
                           latest);
              stream->after = latest;
              break;
            }
            case ChangeFeed::ReadStatus::kClosed:
              sink.done();
              return true;
          }
          return sink.write(out.data(), out.size());
        },
        [this](bool) { --change_streams_; });
  }

  // Fills in the error envelope for errors the library answers itself
  // (malformed requests, 413, unknown static files), and closes the
  // connection after them: the request's body may still be unread.
  HandlerResponse OnError(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return HandlerResponse::Unhandled;
    absl::Status status;
    switch (res.status) {
      case 413:
        status = absl::ResourceExhaustedError(StrCat(
            "request body is larger than ", options_.max_body_bytes, " bytes"));
        break;
      case 404:
        status = absl::NotFoundError(StrCat("no such file: ", req.path));
        break;
      case 414:
        status = absl::ResourceExhaustedError("request line is too long");
        break;
      default:
        status = absl::Status(CodeForHttpStatus(res.status),
                              StrCat("bad request (HTTP ", res.status, ")"));
    }
    res.set_content(ErrorBody(status), "application/json");
    if (ConnectionState* state = CurrentConnection()) {
      state->close_after_response = true;
    }
    return HandlerResponse::Handled;
  }

  void Record(const httplib::Request& req, const httplib::Response& res) {
    ConnectionState* state = CurrentConnection();
    if (state == nullptr) return;
    metrics_.Record(req.method, state->route, res.status,
                    absl::ToDoubleSeconds(absl::Now() - state->request_start));
  }

  std::string Metrics() const {
    std::string out;
    metrics_.Render(&out);
    auto gauge = [&out](std::string_view name, std::string_view type,
                        std::string_view help, double value) {
      AppendFamily(&out, name, type, help);
      AppendSample(&out, name, "", value);
    };
    gauge("audience_http_connections", "gauge", "Open HTTP connections.",
          connections_.load());
    gauge("audience_change_streams", "gauge",
          "Clients reading GET /v1/changes.", change_streams_.load());
    gauge("audience_changes_published_total", "counter",
          "Membership changes published to the change stream.",
          static_cast<double>(feed_.latest()));
    gauge("audience_change_buffer_oldest", "gauge",
          "The oldest change a client can still resume from.",
          static_cast<double>(feed_.oldest()));
    gauge("audience_leads", "gauge", "Leads in the engine.",
          static_cast<double>(engine_.LeadCount()));
    gauge("audience_segments", "gauge", "Segments defined.",
          static_cast<double>(engine_.ListSegments().size()));
    gauge("audience_campaigns", "gauge", "Campaigns defined.",
          static_cast<double>(engine_.ListCampaigns().size()));
    gauge("audience_clock_seconds", "gauge", "The engine's clock (unix time).",
          static_cast<double>(engine_.Now()));
    const RecoveryReport& recovery = engine_.recovery();
    gauge("audience_snapshot_generation", "gauge",
          "The data directory's snapshot generation (0 without one).",
          static_cast<double>(recovery.generation));
    gauge("audience_recovery_replayed_records", "gauge",
          "Journal records replayed when the data directory opened.",
          static_cast<double>(recovery.replayed));
    return out;
  }

  static std::string JsonString(std::string_view s) {
    std::string out;
    AppendJsonString(s, &out);
    return out;
  }

  Engine& engine_;
  const ServerOptions options_;
  RestApi api_;
  ChangeFeed feed_;
  HttpMetrics metrics_;
  Listener listener_;
  std::thread thread_;
  int wake_fd_ = -1;
  int port_ = 0;
  ListenerId listener_id_ = 0;
  std::atomic<bool> listening_{false};
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> change_streams_{0};
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    Engine& engine, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>(engine, options);
  absl::Status started = impl->Start();
  if (!started.ok()) return started;
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
int Server::port() const { return impl_->port(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace audience::http
