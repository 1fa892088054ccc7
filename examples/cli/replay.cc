// audience replay [FILE]: the line protocol over stdin / a file.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "audience/engine.h"
#include "audience/protocol.h"
#include "commands.h"

namespace audience::cli {

int Replay(const Args& args) {
  if (args.size() > 1) {
    std::fprintf(stderr, "usage: audience replay [FILE]\n");
    return 2;
  }
  std::ifstream file;
  if (!args.empty()) {
    file.open(std::string(args[0]));
    if (!file) {
      std::fprintf(stderr, "audience: cannot open %s\n",
                   std::string(args[0]).c_str());
      return 1;
    }
  }
  std::istream& in = args.empty() ? std::cin : file;
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      Engine::Open(EngineOptions{});
  if (!engine.ok()) {
    std::fprintf(stderr, "audience: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  Protocol protocol(**engine);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::string response = protocol.Execute(line);
    response.push_back('\n');
    // One response per command, visible at once to a driving process.
    std::fwrite(response.data(), 1, response.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace audience::cli
