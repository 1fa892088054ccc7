// Runs one harness's LLVMFuzzerTestOneInput over files, without libFuzzer,
// so that any compiler replays the corpora: ctest runs each harness over
// tests/fuzz/<harness>/ (seeds and crash-* reproducers) in every build with
// tests, the GCC ASan build of script/test included (docs/fuzzing.md).
//
// usage: <harness>_corpus PATH...
// A directory stands for its regular files, in name order. Each input is
// passed in a heap buffer of exactly its size, as libFuzzer does, so the
// sanitizers see reads past its end. A failed FUZZ_CHECK or sanitizer
// report aborts; "Running: <file>" before it names the input. Exits 2 when
// there is no input at all, so a mistyped path cannot pass.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// The files a command-line path stands for; false if it names nothing.
bool AddInputs(const fs::path& path, std::vector<fs::path>* out) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    out->insert(out->end(), files.begin(), files.end());
    return true;
  }
  if (fs::is_regular_file(path, error)) {
    out->push_back(path);
    return true;
  }
  return false;
}

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!AddInputs(argv[i], &inputs)) {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s PATH... (no input files found)\n",
                 argc > 0 ? argv[0] : "corpus");
    return 2;
  }
  for (const fs::path& path : inputs) {
    std::string text;
    if (!ReadFile(path, &text)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    std::printf("Running: %s (%zu bytes)\n", path.c_str(), text.size());
    std::fflush(stdout);
    auto data = std::make_unique<uint8_t[]>(text.size());
    std::copy(text.begin(), text.end(), data.get());
    LLVMFuzzerTestOneInput(data.get(), text.size());
  }
  std::printf("%zu inputs passed\n", inputs.size());
  return 0;
}
