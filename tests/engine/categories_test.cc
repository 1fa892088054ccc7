// The category registry through the engine: create, rename (case-only
// included), delete refused while segments use a category, and names that
// are trimmed, unique ignoring case, and referenced by id from segments.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;

std::vector<std::string> CategoryNames(const Engine& engine) {
  std::vector<std::string> names;
  for (const Category& c : engine.Categories()) names.push_back(c.name);
  return names;
}

SegmentDefinition InCategory(std::string name, std::string category) {
  SegmentDefinition def = Def(std::move(name), {});
  def.category = std::move(category);
  return def;
}

TEST_CASE("categories are created with trimmed, unique names", "[engine]") {
  auto engine = OpenEngine();
  auto lifecycle = engine->CreateCategory("  Lifecycle ");
  REQUIRE_OK(lifecycle);
  auto region = engine->CreateCategory("Region");
  REQUIRE_OK(region);
  CHECK(*lifecycle != *region);
  const std::vector<Category> listed = engine->Categories();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == *lifecycle);
  CHECK(listed[0].name == "Lifecycle");
  CHECK(listed[1].id == *region);

  REQUIRE_ERROR(engine->CreateCategory("LIFECYCLE"), StatusCode::kAlreadyExists,
                "category \"LIFECYCLE\" already exists");
  REQUIRE_ERROR(engine->CreateCategory(" region\t"), StatusCode::kAlreadyExists,
                "already exists");
  REQUIRE_ERROR(engine->CreateCategory(""), StatusCode::kInvalidArgument,
                "category name must not be empty");
  REQUIRE_ERROR(engine->CreateCategory("   "), StatusCode::kInvalidArgument,
                "category name must not be empty");
  REQUIRE_ERROR(engine->CreateCategory(std::string(201, 'c')),
                StatusCode::kInvalidArgument,
                "category name is longer than 200 characters");
  REQUIRE_OK(engine->CreateCategory(std::string(200, 'c')));
  CHECK(engine->Categories().size() == 3);
}

TEST_CASE("renaming a category", "[engine]") {
  auto engine = OpenEngine();
  REQUIRE_OK(engine->CreateCategory("Lifecycle"));
  REQUIRE_OK(engine->CreateCategory("Region"));
  const SegmentId id = MakeSegment(*engine, InCategory("s", "lifecycle"));

  // A case-only rename changes the spelling.
  REQUIRE_OK(engine->RenameCategory("LIFECYCLE", "LifeCycle"));
  CHECK(CategoryNames(*engine) ==
        std::vector<std::string>{"LifeCycle", "Region"});
  // Segments refer to the category, not its name.
  REQUIRE_OK(engine->RenameCategory("lifecycle", " Stages "));
  CHECK(CategoryNames(*engine) == std::vector<std::string>{"Stages", "Region"});
  auto segment = engine->GetSegment(id);
  REQUIRE_OK(segment);
  CHECK(segment->definition.category == std::optional<std::string>("Stages"));
  // The old name is free again and no longer resolves.
  REQUIRE_ERROR(engine->CreateSegment(InCategory("t", "Lifecycle")),
                StatusCode::kNotFound, "unknown category \"Lifecycle\"");

  REQUIRE_ERROR(engine->RenameCategory("Stages", "region"),
                StatusCode::kAlreadyExists, "already exists");
  REQUIRE_ERROR(engine->RenameCategory("Nope", "Other"), StatusCode::kNotFound,
                "unknown category \"Nope\"");
  REQUIRE_ERROR(engine->RenameCategory("Stages", "  "),
                StatusCode::kInvalidArgument, "must not be empty");
  CHECK(CategoryNames(*engine) == std::vector<std::string>{"Stages", "Region"});
}

TEST_CASE("deleting a category is refused while segments use it", "[engine]") {
  auto engine = OpenEngine();
  auto lifecycle = engine->CreateCategory("Lifecycle");
  REQUIRE_OK(lifecycle);
  const SegmentId cold = MakeSegment(*engine, InCategory("Cold", "Lifecycle"));
  const SegmentId warm = MakeSegment(*engine, InCategory("Warm", "Lifecycle"));
  MakeSegment(*engine, Def("Uncategorised", {}));

  REQUIRE_ERROR(
      engine->DeleteCategory("lifecycle"), StatusCode::kFailedPrecondition,
      "category \"Lifecycle\" is used by segments \"Cold\", \"Warm\"");
  CHECK(CategoryNames(*engine) == std::vector<std::string>{"Lifecycle"});

  // Moving one segment out is not enough; deleting the other is.
  REQUIRE_OK(engine->UpdateSegment(cold, Def("Cold", {})));
  REQUIRE_ERROR(engine->DeleteCategory("Lifecycle"),
                StatusCode::kFailedPrecondition, "\"Warm\"");
  REQUIRE_OK(engine->DeleteSegment(warm));
  REQUIRE_OK(engine->DeleteCategory("Lifecycle"));
  CHECK(engine->Categories().empty());
  REQUIRE_ERROR(engine->DeleteCategory("Lifecycle"), StatusCode::kNotFound,
                "unknown category");
  REQUIRE_ERROR(engine->CreateSegment(InCategory("Hot", "Lifecycle")),
                StatusCode::kNotFound, "unknown category");

  // A new category of the same name is a new category with a new id.
  auto again = engine->CreateCategory("Lifecycle");
  REQUIRE_OK(again);
  CHECK(*again != *lifecycle);
}

}  // namespace
}  // namespace audience::testing
