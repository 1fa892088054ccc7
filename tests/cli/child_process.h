// Runs the `audience` CLI as a child process for the CLI and crash tests:
// its stdin and stdout are pipes, its stderr goes to a file.
#ifndef AUDIENCE_TESTS_CLI_CHILD_PROCESS_H_
#define AUDIENCE_TESTS_CLI_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace audience::testing {

// The path of the `audience` binary this test build goes with.
const char* CliPath();

// One child process. Not thread-safe. The destructor kills it if it is
// still running.
class ChildProcess {
 public:
  // Starts CliPath() with `args`; stderr is appended to `stderr_path`.
  ChildProcess(const std::vector<std::string>& args,
               const std::string& stderr_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Writes `line` and a newline to the child's stdin; false when the child
  // no longer reads it.
  bool WriteLine(std::string_view line);
  void CloseInput();
  // The next line of the child's stdout (without the newline); nullopt at
  // the end of its output or when nothing came within `timeout_ms`.
  std::optional<std::string> ReadLine(int timeout_ms);
  // Everything the child still writes until it closes stdout.
  std::string ReadRest(int timeout_ms);

  // SIGKILL and reap. Returns the status Wait() would.
  int Kill();
  // Sends `signal` (e.g. SIGTERM) and waits for the exit.
  int Stop(int signal);
  // Waits for the exit: the exit code, or 128 + the signal that ended it.
  int Wait();
  // True while the child has not exited (reaps it if it has).
  bool Running();

 private:
  pid_t pid_ = -1;
  int status_ = -1;  // the Wait() result once reaped
  int in_ = -1;      // the write end of the child's stdin
  int out_ = -1;     // the read end of its stdout
  std::string buffer_;
};

struct CliResult {
  int status = -1;  // as ChildProcess::Wait
  std::string out;
  std::string err;
};

// Runs `audience args...` with `input` on stdin to completion.
// `scratch_file` receives its stderr.
CliResult RunCli(const std::vector<std::string>& args, std::string_view input,
                 const std::string& scratch_file);

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_CLI_CHILD_PROCESS_H_
