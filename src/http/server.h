// `audience serve`: the engine behind HTTP (design.md §9, docs/http.md).
// The REST resources, POST /v1/commands and GET /v1/changes under /v1
// (each needs "Authorization: Bearer <token>"), /healthz, /metrics, and
// static files from a web root at /. Loopback by default; request bodies,
// headers, connections and idle and read times are bounded; no CORS.
//
// Thread safety: a Server is safe for concurrent access from multiple
// threads without external synchronization; Stop may be called from any
// thread, and more than once.
#ifndef AUDIENCE_HTTP_SERVER_H_
#define AUDIENCE_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audience/engine.h"
#include "http/connection.h"

namespace audience::http {

struct ServerOptions {
  // Behaviour

  // The address to listen on; anything but loopback exposes the engine to
  // the network (the token still guards /v1).
  // Default: "127.0.0.1"
  std::string host = "127.0.0.1";

  // Default: 8080 (0: any free port; Server::port() says which)
  int port = 8080;

  // The bearer token every /v1 request must carry. REQUIRES: not empty.
  // Default: ""
  std::string token = {};

  // A directory served at / (index.html for "/"); files outside it are
  // never served. Empty: no static files.
  // Default: ""
  std::string web_root = {};

  // Limits

  // Request bodies larger than this are answered 413 unread.
  // Default: 64 MiB
  size_t max_body_bytes = size_t{64} << 20;

  // Open connections, change streams included; one more is answered 503.
  // Default: 512
  size_t max_connections = 512;

  // Header size, read, idle and write times (connection.h).
  ConnectionLimits limits = {};

  // Change stream

  // Membership changes kept for GET /v1/changes to resume from (about 200
  // bytes each); a client further behind is told to resync.
  // Default: 1,000,000
  size_t change_buffer = 1'000'000;

  // A quiet change stream sends a comment this often, so that dead
  // clients are noticed and proxies keep it open.
  // Default: 15 s
  absl::Duration heartbeat = absl::Seconds(15);
};

class Server {
 public:
  // Binds, registers a change listener on `engine` and starts serving on
  // background threads. UNAVAILABLE when the address cannot be bound,
  // INVALID_ARGUMENT for an empty token or a missing web root.
  // `engine` must outlive the Server.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      Engine& engine, const ServerOptions& options);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // Stops.

  // The port listened on.
  int port() const;

  // Stops accepting, ends every connection (change streams included) and
  // joins the serving threads.
  void Stop();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A random token of 32 hex characters (128 bits from getrandom).
std::string GenerateToken();

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_SERVER_H_
