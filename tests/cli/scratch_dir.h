// A fresh temporary directory for a CLI test, removed with everything in it
// at the end, unless the test is failing on a REQUIRE or calls Keep(): then
// the path is printed and the files (a data directory, the children's stderr)
// stay for a look, which testing::TempDir does not offer.
#ifndef AUDIENCE_TESTS_CLI_SCRATCH_DIR_H_
#define AUDIENCE_TESTS_CLI_SCRATCH_DIR_H_

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <system_error>

namespace audience::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "audience-test-XXXXXX")
            .string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    if (keep_ || std::uncaught_exceptions() > 0) {
      std::fprintf(stderr, "test files kept in %s\n", path_.c_str());
      return;
    }
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string operator/(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_CLI_SCRATCH_DIR_H_
