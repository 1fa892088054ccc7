// Runs protocol commands (docs/protocol.md) against an engine: the one
// implementation behind `audience replay`, POST /v1/commands and the REST
// routes of `audience serve`, so all three validate and answer alike.
#ifndef AUDIENCE_IO_COMMAND_RUNNER_H_
#define AUDIENCE_IO_COMMAND_RUNNER_H_

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "audience/engine.h"
#include "io/json_writer.h"

namespace audience {

// Entities a caller has already identified by id, bound to a command key
// that would otherwise name them: a REST route's path (/v1/segments/7)
// binds "segment" (or "name") to segment 7, so the command does not depend
// on the segment's current name. A bound key must not also appear in the
// command.
struct CommandBindings {
  absl::flat_hash_map<std::string, SegmentId> segments;
  absl::flat_hash_map<std::string, CampaignId> campaigns;
  absl::flat_hash_map<std::string, CategoryId> categories;
};

// Not thread-safe (it owns a parser): one per connection or thread. The
// Engine it drives may be shared.
class CommandRunner {
 public:
  // `engine` must outlive the runner.
  explicit CommandRunner(Engine& engine);
  ~CommandRunner();
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;

  // Parses and runs one command (a JSON object with "op"), writing the
  // keys of its answer into `out`, whose object the caller has begun. On
  // error `out` holds a partial answer to throw away.
  absl::Status Run(std::string_view command, JsonWriter& out,
                   const CommandBindings* bindings = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace audience

#endif  // AUDIENCE_IO_COMMAND_RUNNER_H_
