// How `audience serve` holds a client connection: the socket stream the
// HTTP library parses requests from, with the limits that keep a slow or
// hostile client from holding a worker (design.md §9), and the threads
// that serve connections.
#ifndef AUDIENCE_HTTP_CONNECTION_H_
#define AUDIENCE_HTTP_CONNECTION_H_

#include <httplib.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace audience::http {

struct ConnectionLimits {
  // A request's line and headers, in bytes; more is answered 431.
  size_t max_header_bytes = 16 << 10;
  // From a request's first byte until all of it (headers and body) has
  // arrived; a slower request is dropped.
  absl::Duration request_timeout = absl::Seconds(30);
  // How long a kept-alive connection may wait for its next request.
  absl::Duration idle_timeout = absl::Seconds(5);
  // How long one write may wait for the client to read.
  absl::Duration write_timeout = absl::Seconds(10);
  // Requests on one connection before it is closed.
  size_t max_requests = 10000;
};

// What the handlers running for the current request may tell the
// connection loop. Valid on the thread serving the connection.
struct ConnectionState {
  bool close_after_response = false;
  absl::Time request_start;
  std::string_view route = "unmatched";  // the pattern served, for metrics
};
ConnectionState* CurrentConnection();  // nullptr outside a connection
// For the connection loop: the state of the connection this thread serves
// from now on (nullptr when it is done).
void SetCurrentConnection(ConnectionState* state);

// A client socket as an httplib::Stream: reads are buffered and bounded by
// the request deadline and header limit of ConnectionLimits; writes by the
// write timeout. A write to `wake_fd` (an eventfd the server owns) ends
// every wait at once, for shutdown.
//
// Thread safety: used by the one thread serving its connection.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int fd, int wake_fd, const ConnectionLimits& limits);

  // Waits up to the idle timeout for the next request's first byte. False
  // when the client closed, the wait timed out or the server is stopping.
  bool WaitForRequest();
  // Starts a request's deadline and header count.
  void BeginRequest();
  // A limit ended the request: the connection must close.
  bool failed() const { return failed_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  // Reads more into buffer_ before `deadline`; false on timeout, end of
  // stream, error or shutdown.
  bool Fill(absl::Time deadline);
  // Answers 431 directly and makes every later read fail and every later
  // write vanish (the library's own 400 for the failed read).
  void RejectHeaders();
  void SendAll(std::string_view data);

  int fd_;
  int wake_fd_;
  const ConnectionLimits& limits_;
  std::string buffer_;
  size_t begin_ = 0;  // unread data is buffer_[begin_, end_)
  size_t end_ = 0;
  absl::Time deadline_ = absl::InfiniteFuture();
  bool in_headers_ = false;
  size_t header_bytes_ = 0;
  uint32_t last_four_ = 0;  // the last bytes read, to find "\r\n\r\n"
  bool failed_ = false;
  bool discard_writes_ = false;
};

// The HTTP library's task queue: a thread per connection, reused once its
// connection ends, at most `max_threads` (later connections wait for one).
// A connection holds its thread for its whole life, so a change stream
// (GET /v1/changes) never starves other requests of a worker.
//
// Thread safety: safe for concurrent access from multiple threads.
class ConnectionThreads final : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(size_t max_threads);
  ~ConnectionThreads() override;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins every thread.
  void shutdown() override;

 private:
  void Work();

  const size_t max_threads_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  size_t idle_ ABSL_GUARDED_BY(mu_) = 0;  // threads waiting for a task
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace audience::http

#endif  // AUDIENCE_HTTP_CONNECTION_H_
