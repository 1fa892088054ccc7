// Helpers shared by the tests: status assertions, a seeded RNG that prints
// its seed when a test fails, and builders for leads and segments.
#ifndef AUDIENCE_TESTS_TESTING_TEST_UTIL_H_
#define AUDIENCE_TESTS_TESTING_TEST_UTIL_H_

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audience/audience.h"

namespace audience::testing {

inline std::string StatusText(const absl::Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const absl::StatusOr<T>& s) {
  return s.status().ToString();
}

#define REQUIRE_OK(expr)                                     \
  do {                                                       \
    const auto& audience_result_ = (expr);                   \
    INFO(::audience::testing::StatusText(audience_result_)); \
    REQUIRE(audience_result_.ok());                          \
  } while (0)

// REQUIRE that `expr` failed with `code` and a message containing `text`.
#define REQUIRE_ERROR(expr, code, text)                                \
  do {                                                                 \
    const auto& audience_result_ = (expr);                             \
    const std::string audience_text_ =                                 \
        ::audience::testing::StatusText(audience_result_);             \
    INFO(audience_text_);                                              \
    REQUIRE_FALSE(audience_result_.ok());                              \
    REQUIRE(audience_text_.find(absl::StatusCodeToString(code)) == 0); \
    REQUIRE(audience_text_.find(text) != std::string::npos);           \
  } while (0)

// A deterministic RNG whose seed shows up in the failure report.
class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : seed_(seed), engine_(seed) {}
  uint64_t seed() const { return seed_; }
  uint64_t Below(uint64_t n) { return engine_() % n; }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return (engine_() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  uint64_t seed_;
  std::mt19937_64 engine_;
};

// A fresh directory under the system's temp dir, removed with everything in
// it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "audience-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  std::string path_;
};

inline std::unique_ptr<Engine> OpenEngine(Timestamp now = 0,
                                          bool incremental = true) {
  auto engine =
      Engine::Open(EngineOptions{.now = now, .incremental_index = incremental});
  REQUIRE(engine.ok());
  return std::move(*engine);
}

inline Condition F(std::string field, Op op, Operand value = {}) {
  return Condition::Field(std::move(field), op, std::move(value));
}

inline std::vector<Scalar> List(std::initializer_list<const char*> values) {
  std::vector<Scalar> out;
  for (const char* v : values) out.emplace_back(std::string(v));
  return out;
}

inline SegmentDefinition Def(std::string name, std::vector<Condition> filters) {
  SegmentDefinition d;
  d.name = std::move(name);
  d.filters = std::move(filters);
  return d;
}

// Creates the segment and returns its id.
inline SegmentId MakeSegment(Engine& engine, SegmentDefinition def) {
  auto created = engine.CreateSegment(def);
  REQUIRE_OK(created);
  return static_cast<SegmentId>(created->id);
}

// Creates the campaign and returns its id.
inline CampaignId MakeCampaign(Engine& engine, const CampaignDefinition& def) {
  auto id = engine.CreateCampaign(def);
  REQUIRE_OK(id);
  return *id;
}

// All members, ascending.
inline std::vector<LeadId> MembersOf(const Engine& engine, SegmentId id) {
  auto page = engine.Members(id, std::nullopt, SIZE_MAX);
  REQUIRE_OK(page);
  return page->leads;
}

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_TESTING_TEST_UTIL_H_
