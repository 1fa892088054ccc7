// Helpers for the HTTP tests: a server on a free loopback port over its own
// engine, and a raw TCP connection for what no well-behaved client sends.
#ifndef AUDIENCE_TESTS_HTTP_HTTP_TEST_UTIL_H_
#define AUDIENCE_TESTS_HTTP_HTTP_TEST_UTIL_H_

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "audience/engine.h"
#include "http/server.h"

namespace audience::testing {

inline constexpr char kTestToken[] = "test-token-0123456789abcdef";

class TestServer {
 public:
  // Starts on 127.0.0.1 and a free port with kTestToken; `options`' host,
  // port and token are overwritten.
  explicit TestServer(http::ServerOptions options = {},
                      EngineOptions engine_options = {});
  ~TestServer();

  Engine& engine() { return *engine_; }
  http::Server& server() { return *server_; }
  int port() const { return server_->port(); }
  // A client of this server, with the bearer token unless told otherwise.
  std::unique_ptr<httplib::Client> Client(bool with_token = true) const;

 private:
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<http::Server> server_;
};

// A raw connection to 127.0.0.1:port. Not thread-safe.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the server has closed or reset the connection.
  bool Send(std::string_view data);
  // Reads until the server closes the connection or `timeout` passes;
  // *closed says which.
  std::string ReadUntilClosed(absl::Duration timeout, bool* closed);
  // Reads until `text` has arrived (true) or the connection closes or
  // `timeout` passes (false); everything read is appended to received().
  bool ReadUntil(std::string_view text, absl::Duration timeout);
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  std::string received_;
};

// "GET /path HTTP/1.1" with Host and the bearer token, ready to send.
std::string RawRequest(std::string_view method, std::string_view path,
                       std::string_view body = "", bool with_token = true);

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_HTTP_HTTP_TEST_UTIL_H_
