// The subcommands of the `audience` CLI. Each takes the arguments after its
// name and returns the process exit code.
#ifndef AUDIENCE_EXAMPLES_CLI_COMMANDS_H_
#define AUDIENCE_EXAMPLES_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace audience::cli {

using Args = std::vector<std::string_view>;

int Demo(const Args& args);
int Replay(const Args& args);
int Load(const Args& args);

// `--name value` from args, if present; sets *error on a missing value.
std::optional<std::string_view> FlagValue(const Args& args,
                                          std::string_view name, bool* error);
// Reads a whole file; nullopt (after printing why) on failure.
std::optional<std::string> ReadFile(const std::string& path);
// 1234567 -> "1,234,567".
std::string Thousands(uint64_t n);

}  // namespace audience::cli

#endif  // AUDIENCE_EXAMPLES_CLI_COMMANDS_H_
