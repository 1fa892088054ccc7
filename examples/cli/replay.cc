// audience replay [--data-dir DIR] [--sync POLICY] [FILE]: the line protocol
// over stdin / a file.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "audience/engine.h"
#include "audience/protocol.h"
#include "commands.h"

namespace audience::cli {

int Replay(const Args& args) {
  std::optional<ParsedArgs> parsed =
      ParseArgs(args, {"--data-dir", "--sync"}, 1);
  std::optional<EngineOptions> options;
  if (parsed) options = StorageOptions(*parsed);
  if (!options) {
    std::fprintf(stderr,
                 "usage: audience replay [--data-dir DIR] "
                 "[--sync every|interval[:MS]|never] [FILE]\n");
    return 2;
  }
  std::ifstream file;
  if (!parsed->positional.empty()) {
    std::string path(parsed->positional[0]);
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "audience: cannot open %s\n", path.c_str());
      return 1;
    }
  }
  std::istream& in = parsed->positional.empty() ? std::cin : file;
  std::unique_ptr<Engine> engine = OpenEngine(*options);
  if (!engine) return 1;
  Protocol protocol(*engine);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    // Execute returns once the engine has journaled the mutation (and, with
    // --sync every, synced it): a response is never ahead of the disk.
    std::string response = protocol.Execute(line);
    response.push_back('\n');
    // One response per command, visible at once to a driving process.
    std::fwrite(response.data(), 1, response.size(), stdout);
    std::fflush(stdout);
  }
  return FinalSync(*engine);
}

}  // namespace audience::cli
