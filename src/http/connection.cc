#include "http/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "http/http_error.h"
#include "util/str_cat.h"

namespace audience::http {

namespace {

thread_local ConnectionState* current_connection = nullptr;

constexpr size_t kReadChunk = 16 << 10;
constexpr uint32_t kEndOfHeaders = 0x0d0a0d0a;  // "\r\n\r\n"

int PollMillis(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  // Whole milliseconds, rounded up, capped so a far deadline still fits.
  return static_cast<int>(
      std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
}

// Waits for `events` on fd or anything on wake_fd; the revents of fd, 0 on
// timeout, -1 when woken or on error.
int Wait(int fd, int wake_fd, short events, absl::Time deadline) {
  pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
  while (true) {
    int n = ::poll(fds, wake_fd >= 0 ? 2 : 1, PollMillis(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) {
      if (absl::Now() < deadline) continue;
      return 0;
    }
    if (wake_fd >= 0 && fds[1].revents != 0) return -1;
    return fds[0].revents;
  }
}

void AddressOf(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof(text));
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof(text));
    port = ntohs(a.sin6_port);
  }
  ip = text;
}

}  // namespace

ConnectionState* CurrentConnection() { return current_connection; }

void SetCurrentConnection(ConnectionState* state) {
  current_connection = state;
}

ConnectionStream::ConnectionStream(int fd, int wake_fd,
                                   const ConnectionLimits& limits)
    : fd_(fd), wake_fd_(wake_fd), limits_(limits) {
  buffer_.resize(kReadChunk);
}

bool ConnectionStream::WaitForRequest() {
  deadline_ = absl::InfiniteFuture();
  in_headers_ = false;
  if (begin_ < end_) return true;  // pipelined: already here
  const int revents =
      Wait(fd_, wake_fd_, POLLIN, absl::Now() + limits_.idle_timeout);
  return revents > 0 && (revents & (POLLIN | POLLHUP)) != 0 &&
         Fill(absl::Now() + limits_.request_timeout);
}

void ConnectionStream::BeginRequest() {
  deadline_ = absl::Now() + limits_.request_timeout;
  in_headers_ = true;
  header_bytes_ = 0;
  last_four_ = 0;
}

bool ConnectionStream::Fill(absl::Time deadline) {
  if (begin_ == end_) begin_ = end_ = 0;
  if (end_ == buffer_.size()) {
    // Keep the unread part, make room after it.
    buffer_.erase(0, begin_);
    end_ -= begin_;
    begin_ = 0;
    buffer_.resize(std::max(buffer_.size(), end_ + kReadChunk));
  }
  while (true) {
    const int revents = Wait(fd_, wake_fd_, POLLIN, deadline);
    if (revents <= 0) return false;
    ssize_t n = ::recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    end_ += static_cast<size_t>(n);
    return true;
  }
}

bool ConnectionStream::is_readable() const {
  if (begin_ < end_) return true;
  pollfd fd = {fd_, POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

bool ConnectionStream::is_writable() const {
  if (discard_writes_) return true;
  return Wait(fd_, wake_fd_, POLLOUT, absl::Now() + limits_.write_timeout) > 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (failed_) return -1;
  if (begin_ == end_ && !Fill(deadline_)) {
    failed_ = true;
    return -1;
  }
  size_t n = std::min(size, end_ - begin_);
  if (in_headers_) {
    // Count header bytes up to the blank line that ends them; the body
    // after it is bounded by the payload limit instead.
    size_t scanned = 0;
    while (scanned < n && in_headers_) {
      last_four_ = (last_four_ << 8) |
                   static_cast<unsigned char>(buffer_[begin_ + scanned]);
      ++scanned;
      if (last_four_ == kEndOfHeaders) in_headers_ = false;
    }
    header_bytes_ += scanned;
    if (header_bytes_ > limits_.max_header_bytes) {
      RejectHeaders();
      return -1;
    }
  }
  std::copy(buffer_.data() + begin_, buffer_.data() + begin_ + n, ptr);
  begin_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (discard_writes_) return static_cast<ssize_t>(size);
  size_t sent = 0;
  const absl::Time deadline = absl::Now() + limits_.write_timeout;
  while (sent < size) {
    ssize_t n =
        ::send(fd_, ptr + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
        Wait(fd_, wake_fd_, POLLOUT, deadline) > 0) {
      continue;
    }
    failed_ = true;
    return -1;
  }
  return static_cast<ssize_t>(size);
}

void ConnectionStream::SendAll(std::string_view data) {
  write(data.data(), data.size());
}

void ConnectionStream::RejectHeaders() {
  const std::string body = ErrorBody(absl::ResourceExhaustedError(StrCat(
      "request headers are longer than ", limits_.max_header_bytes, " bytes")));
  SendAll(
      StrCat("HTTP/1.1 431 Request Header Fields Too Large\r\n"
             "Content-Type: application/json\r\n"
             "Content-Length: ",
             body.size(), "\r\nConnection: close\r\n\r\n", body));
  failed_ = true;
  discard_writes_ = true;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip,
                                              int& port) const {
  sockaddr_storage addr = {};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    AddressOf(addr, ip, port);
  }
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr = {};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    AddressOf(addr, ip, port);
  }
}

ConnectionThreads::ConnectionThreads(size_t max_threads)
    : max_threads_(std::max<size_t>(1, max_threads)) {}

ConnectionThreads::~ConnectionThreads() { shutdown(); }

void ConnectionThreads::enqueue(std::function<void()> fn) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(fn));
  if (idle_ < tasks_.size() && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { Work(); });
  }
}

void ConnectionThreads::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      ++idle_;
      mu_.Await(absl::Condition(
          +[](ConnectionThreads* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
               self->mu_) { return self->stopping_ || !self->tasks_.empty(); },
          this));
      --idle_;
      if (tasks_.empty()) return;  // stopping, nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void ConnectionThreads::shutdown() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace audience::http
