// audience: the command-line front end of the engine (docs/protocol.md).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "commands.h"

namespace audience::cli {

std::optional<std::string_view> ParsedArgs::Flag(std::string_view name) const {
  auto it = flags.find(name);
  if (it == flags.end()) return std::nullopt;
  return it->second;
}

std::optional<ParsedArgs> ParseArgs(
    const Args& args, std::initializer_list<std::string_view> known,
    size_t max_positional) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string name(arg);
    if (arg.size() < 2 || arg.substr(0, 2) != "--") {
      if (parsed.positional.size() == max_positional) {
        std::fprintf(stderr, "audience: unexpected argument '%s'\n",
                     name.c_str());
        return std::nullopt;
      }
      parsed.positional.push_back(arg);
      continue;
    }
    if (std::find(known.begin(), known.end(), arg) == known.end()) {
      std::fprintf(stderr, "audience: unknown flag %s\n", name.c_str());
      return std::nullopt;
    }
    if (i + 1 >= args.size() || args[i + 1].substr(0, 2) == "--") {
      std::fprintf(stderr, "audience: %s needs a value\n", name.c_str());
      return std::nullopt;
    }
    if (!parsed.flags.emplace(arg, args[i + 1]).second) {
      std::fprintf(stderr, "audience: %s is given twice\n", name.c_str());
      return std::nullopt;
    }
    ++i;
  }
  return parsed;
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
    "  replay [--data-dir DIR] [--sync every|interval[:MS]|never] [FILE]\n"
    "                        run NDJSON protocol commands from FILE or stdin,\n"
    "                        one JSON response per line (docs/protocol.md);\n"
    "                        with DIR the state persists from run to run\n"
    "  load --leads F [--events F] [--segments F] [--fields F]\n"
    "       [--now T] [--data-dir DIR] [--sync ...]\n"
    "                        bulk-load NDJSON files and print segment sizes;\n"
    "                        relative-time conditions are evaluated at the\n"
    "                        clock: 0 unless --now T (unix seconds; with DIR,\n"
    "                        its stored clock, which --now may only advance)\n"
    "  snapshot DIR          write a snapshot of a data directory and start\n"
    "                        a new journal\n"
    "  check DIR             verify a data directory without changing it\n"
    "  serve [--listen HOST:PORT] [--data-dir DIR] [--token-file F]\n"
    "        [--demo [--leads N]] ...\n"
    "                        the HTTP API, change stream and Segments screen\n"
    "                        (docs/http.md; `audience serve --help` for all)\n"
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
  if (command == "snapshot") return Snapshot(args);
  if (command == "check") return Check(args);
  if (command == "serve") return Serve(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "audience: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
