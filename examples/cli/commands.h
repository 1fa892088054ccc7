// The subcommands of the `audience` CLI. Each takes the arguments after its
// name and returns the process exit code: 0 success, 1 failure, 2 usage.
#ifndef AUDIENCE_EXAMPLES_CLI_COMMANDS_H_
#define AUDIENCE_EXAMPLES_CLI_COMMANDS_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audience/engine.h"

namespace audience::cli {

using Args = std::vector<std::string_view>;

int Demo(const Args& args);
int Replay(const Args& args);
int Load(const Args& args);
int Snapshot(const Args& args);
int Check(const Args& args);
int Serve(const Args& args);

// A subcommand's `--name value` flags and its positional arguments.
struct ParsedArgs {
  std::map<std::string_view, std::string_view> flags;
  std::vector<std::string_view> positional;

  std::optional<std::string_view> Flag(std::string_view name) const;
};

// Splits args into the flags named in `known` (each with a value, at most
// once) and up to `max_positional` positional arguments. On an unknown flag,
// a flag without a value or given twice, or one argument too many: nullopt,
// after printing why on stderr.
std::optional<ParsedArgs> ParseArgs(
    const Args& args, std::initializer_list<std::string_view> known,
    size_t max_positional);

// The engine options of --data-dir DIR and --sync every|interval[:MS]|never
// (the default is every mutation). nullopt, after printing why, for a bad
// --sync value or --sync without --data-dir.
std::optional<EngineOptions> StorageOptions(const ParsedArgs& args);

// Opens the engine; with a data directory, prints one line on stderr saying
// how it came back (DescribeRecovery). nullptr after printing the error.
std::unique_ptr<Engine> OpenEngine(const EngineOptions& options);

// "generation 3 (1,024 bytes), 17 journal records replayed in 0.01 s", plus
// the torn tail dropped, if any; "created" for a new directory.
std::string DescribeRecovery(const RecoveryReport& recovery);

// Syncs the journal (the end of a run is a durable point even with a
// relaxed --sync): 0, or 1 after printing why it failed.
int FinalSync(Engine& engine);

// Reads a whole file; nullopt (after printing why) on failure.
std::optional<std::string> ReadFile(const std::string& path);
// 1234567 -> "1,234,567".
std::string Thousands(uint64_t n);

}  // namespace audience::cli

#endif  // AUDIENCE_EXAMPLES_CLI_COMMANDS_H_
