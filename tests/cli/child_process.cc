#include "cli/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace audience::testing {

namespace {

// Exit code, or 128 + signal, from a waitpid status.
int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void Die(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

const char* CliPath() { return AUDIENCE_CLI_PATH; }

ChildProcess::ChildProcess(const std::vector<std::string>& args,
                           const std::string& stderr_path) {
  // A write to a child that died must fail with EPIPE, not end the test.
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) Die("pipe2");
  std::vector<std::string> argv_storage = {CliPath()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) Die("fork");
  if (pid_ == 0) {
    // Only async-signal-safe calls from here to exec.
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err < 0 || dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 ||
        dup2(err, 2) < 0) {
      _exit(126);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  in_ = in[1];
  out_ = out[0];
}

ChildProcess::~ChildProcess() {
  if (status_ < 0) Kill();
  CloseInput();
  if (out_ >= 0) close(out_);
}

bool ChildProcess::WriteLine(std::string_view line) {
  std::string text(line);
  text.push_back('\n');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(in_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void ChildProcess::CloseInput() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

std::optional<std::string> ChildProcess::ReadLine(int timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return std::nullopt;
    pollfd p = {out_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    ssize_t n = read(out_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;  // end of output
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string ChildProcess::ReadRest(int timeout_ms) {
  std::string rest;
  while (std::optional<std::string> line = ReadLine(timeout_ms)) {
    rest += *line + "\n";
  }
  rest += buffer_;
  buffer_.clear();
  return rest;
}

int ChildProcess::Kill() { return Stop(SIGKILL); }

int ChildProcess::Stop(int signal) {
  if (status_ >= 0) return status_;
  kill(pid_, signal);
  return Wait();
}

int ChildProcess::Wait() {
  if (status_ >= 0) return status_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) Die("waitpid");
  }
  status_ = DecodeStatus(status);
  return status_;
}

bool ChildProcess::Running() {
  if (status_ >= 0) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  if (done < 0) Die("waitpid");
  status_ = DecodeStatus(status);
  return false;
}

CliResult RunCli(const std::vector<std::string>& args, std::string_view input,
                 const std::string& scratch_file) {
  std::remove(scratch_file.c_str());
  ChildProcess child(args, scratch_file);
  CliResult result;
  // Small inputs fit the pipe: write everything, then read.
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    if (!child.WriteLine(input.substr(start, end - start))) break;
    start = end + 1;
  }
  child.CloseInput();
  result.out = child.ReadRest(60'000);
  result.status = child.Wait();
  std::ifstream err(scratch_file);
  std::ostringstream text;
  text << err.rdbuf();
  result.err = text.str();
  return result;
}

}  // namespace audience::testing
