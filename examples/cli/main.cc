// audience: the command-line front end of the engine (docs/protocol.md).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "commands.h"

namespace audience::cli {

std::optional<std::string_view> FlagValue(const Args& args,
                                          std::string_view name, bool* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != name) continue;
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "audience: %.*s needs a value\n",
                   static_cast<int>(name.size()), name.data());
      *error = true;
      return std::nullopt;
    }
    return args[i + 1];
  }
  return std::nullopt;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "audience: cannot open %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

namespace {

constexpr char kUsage[] =
    "usage: audience <command> [options]\n"
    "\n"
    "commands:\n"
    "  demo [--leads N]      synthetic lead base (default 1,000,000 leads),\n"
    "                        sample segments, timings and an explanation\n"
    "  replay [FILE]         run NDJSON protocol commands from FILE or stdin,\n"
    "                        one JSON response per line (docs/protocol.md)\n"
    "  load --leads F [--events F] [--segments F] [--fields F]\n"
    "                        bulk-load NDJSON files and print segment sizes\n"
    "  help                  this text\n";

}  // namespace
}  // namespace audience::cli

int main(int argc, char** argv) {
  using namespace audience::cli;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string_view command = argv[1];
  Args args(argv + 2, argv + argc);
  if (command == "demo") return Demo(args);
  if (command == "replay") return Replay(args);
  if (command == "load") return Load(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "audience: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
