#include "http/http_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "testing/test_util.h"

namespace audience::testing {

TestServer::TestServer(http::ServerOptions options,
                       EngineOptions engine_options) {
  auto engine = Engine::Open(engine_options);
  REQUIRE_OK(engine);
  engine_ = *std::move(engine);
  options.host = "127.0.0.1";
  options.port = 0;
  options.token = kTestToken;
  auto server = http::Server::Start(*engine_, options);
  REQUIRE_OK(server);
  server_ = *std::move(server);
}

TestServer::~TestServer() {
  server_.reset();  // before the engine it serves
}

std::unique_ptr<httplib::Client> TestServer::Client(bool with_token) const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port());
  if (with_token) client->set_bearer_token_auth(kTestToken);
  client->set_read_timeout(10, 0);
  return client;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd_ >= 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) ==
          0);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n =
        ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// One read of whatever is there within `left`: >0 bytes, 0 closed, -1
// nothing yet.
ssize_t ReadSome(int fd, absl::Duration left, std::string* out) {
  pollfd p = {fd, POLLIN, 0};
  int ms =
      static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(left)));
  if (::poll(&p, 1, ms) <= 0) return -1;
  char buf[65536];
  ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
  if (n < 0) return 0;  // reset counts as closed
  out->append(buf, static_cast<size_t>(n));
  return n;
}

}  // namespace

std::string RawConnection::ReadUntilClosed(absl::Duration timeout,
                                           bool* closed) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string out;
  *closed = false;
  while (absl::Now() < deadline) {
    ssize_t n = ReadSome(fd_, deadline - absl::Now(), &out);
    if (n == 0) {
      *closed = true;
      break;
    }
  }
  received_ += out;
  return out;
}

bool RawConnection::ReadUntil(std::string_view text, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (received_.find(text) == std::string::npos) {
    if (absl::Now() >= deadline) return false;
    if (ReadSome(fd_, deadline - absl::Now(), &received_) == 0) {
      return received_.find(text) != std::string::npos;
    }
  }
  return true;
}

std::string RawRequest(std::string_view method, std::string_view path,
                       std::string_view body, bool with_token) {
  std::string out = std::string(method) + " " + std::string(path) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (with_token)
    out += std::string("Authorization: Bearer ") + kTestToken + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" ||
      method == "PATCH") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace audience::testing
