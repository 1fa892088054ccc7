// A data directory written by an earlier release still opens to the same
// state (tests/persist/format1/README.md).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "audience/protocol.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("a data directory from before groups opens to the state it held",
          "[persist]") {
  const std::filesystem::path fixture =
      std::filesystem::path(AUDIENCE_SOURCE_DIR) / "tests/persist/format1";
  TempDir dir;
  for (const char* file : {"snapshot", "journal-000002.log"}) {
    std::filesystem::copy_file(fixture / file,
                               std::filesystem::path(dir.path()) / file);
  }
  EngineOptions options;
  options.data_dir = dir.path();
  auto engine = Engine::Open(options);
  REQUIRE_OK(engine);
  CHECK((*engine)->recovery().generation == 2);
  CHECK((*engine)->recovery().replayed == 4);
  Protocol protocol(**engine);
  std::istringstream queries(Read(fixture / "queries.ndjson"));
  std::istringstream expected(Read(fixture / "expected.ndjson"));
  std::string query, want;
  size_t n = 0;
  while (std::getline(queries, query)) {
    REQUIRE(std::getline(expected, want));
    INFO(query);
    CHECK(protocol.Execute(query) == want);
    ++n;
  }
  CHECK(n == 7);
}

}  // namespace
}  // namespace audience::testing
