// What the Segments screen asks before it saves or deletes: the members an
// edit would leave (manual overrides kept) and how many would enter and
// leave (PreviewSegmentUpdate), what depends on a segment (Usage), and the
// operators each field type takes (FieldOperators).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

using absl::StatusCode;

std::unique_ptr<Engine> Scores() {
  auto engine = OpenEngine(kProbeNow);
  for (LeadId id : {50, 10, 40, 20, 30}) {
    REQUIRE_OK(
        engine->UpsertLead({id, {{"score", Int(static_cast<int64_t>(id))}}}));
  }
  return engine;
}

SegmentId Create(Engine& engine, const SegmentDefinition& def) {
  auto created = engine.CreateSegment(def);
  REQUIRE_OK(created);
  return static_cast<SegmentId>(created->id);
}

TEST_CASE(
    "an update preview counts who would enter and leave and changes "
    "nothing",
    "[engine]") {
  auto engine = Scores();
  const SegmentId high =
      Create(*engine, Def("high", {F("score", Op::kGte, int64_t{30})}));
  // Manual decisions survive an edit: 10 added, 50 removed.
  REQUIRE_OK(engine->AddToSegment(high, 10));
  REQUIRE_OK(engine->RemoveFromSegment(high, 50));
  REQUIRE(MembersOf(*engine, high) == Ids({10, 30, 40}));

  const SegmentDefinition lower =
      Def("high", {F("score", Op::kGte, int64_t{20})});
  auto preview = engine->PreviewSegmentUpdate(high, lower, 2);
  REQUIRE_OK(preview);
  CHECK(preview->count == 4);  // 10 (added), 20, 30, 40; 50 stays removed
  CHECK(preview->first_members == std::vector<LeadId>{10, 20});
  CHECK(preview->entering == 1);
  CHECK(preview->leaving == 0);
  CHECK(MembersOf(*engine, high) == Ids({10, 30, 40}));

  auto narrower = engine->PreviewSegmentUpdate(
      high, Def("renamed", {F("score", Op::kGte, int64_t{45})}), 20);
  REQUIRE_OK(narrower);
  CHECK(narrower->count == 1);  // 10 (added); 50 removed
  CHECK(narrower->entering == 0);
  CHECK(narrower->leaving == 2);

  // The update itself agrees with its preview.
  auto updated = engine->UpdateSegment(high, lower);
  REQUIRE_OK(updated);
  CHECK(updated->changes.size() == 1);
  CHECK(MembersOf(*engine, high) == Ids({10, 20, 30, 40}));
}

TEST_CASE("an update preview is checked as the update would be", "[engine]") {
  auto engine = Scores();
  const SegmentId a = Create(*engine, Def("a", {}));
  const SegmentId b =
      Create(*engine, Def("b", {Condition::Segment("a", Op::kMember)}));
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(
                    a, Def("a", {Condition::Segment("b", Op::kMember)}), 20),
                StatusCode::kInvalidArgument, "would create a cycle");
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(
                    a, Def("a", {F("score", Op::kGte, std::string("x"))}), 20),
                StatusCode::kInvalidArgument, "filters[0]");
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(99, Def("a", {}), 20),
                StatusCode::kNotFound, "unknown segment id 99");
  REQUIRE_ERROR(engine->PreviewSegmentUpdate(a, Def("a", {}), 0),
                StatusCode::kInvalidArgument, "limit");
  (void)b;
}

TEST_CASE("Usage names the campaigns and segments that depend on a segment",
          "[engine]") {
  auto engine = Scores();
  SegmentDefinition base = Def("base", {F("score", Op::kGte, int64_t{30})});
  base.is_public = true;
  const SegmentId id = Create(*engine, base);
  const SegmentId user = Create(
      *engine, Def("user", {Condition::Segment("base", Op::kNotMember)}));
  auto unused = engine->Usage(user);
  REQUIRE_OK(unused);
  CHECK(unused->campaigns.empty());
  CHECK(unused->segments.empty());
  CampaignDefinition spring{.name = "Spring", .start = 0, .sources = {"base"}};
  auto campaign = engine->CreateCampaign(spring);
  REQUIRE_OK(campaign);
  CampaignDefinition autumn{
      .name = "Autumn", .start = 0, .workflow_segments = {"base"}};
  auto second = engine->CreateCampaign(autumn);
  REQUIRE_OK(second);
  auto usage = engine->Usage(id);
  REQUIRE_OK(usage);
  CHECK(usage->campaigns == std::vector<CampaignId>{*campaign, *second});
  CHECK(usage->segments == std::vector<SegmentId>{user});
  REQUIRE_ERROR(engine->Usage(99), StatusCode::kNotFound, "99");
}

TEST_CASE(
    "FieldOperators lists what each field type takes, and the engine "
    "agrees",
    "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  for (FieldType type :
       {FieldType::kString, FieldType::kKeyword, FieldType::kInt64,
        FieldType::kDouble, FieldType::kBool, FieldType::kTimestamp,
        FieldType::kTags}) {
    const std::string field = "f_" + std::string(FieldTypeName(type));
    REQUIRE_OK(engine->DefineField(field, type));
    // Every listed operator is accepted with an operand of the right
    // shape, and every other field operator is refused.
    for (int o = 0; o <= static_cast<int>(Op::kHasNone); ++o) {
      const Op op = static_cast<Op>(o);
      const auto ops = FieldOperators(type);
      const bool listed = std::find(ops.begin(), ops.end(), op) != ops.end();
      auto preview = engine->PreviewSegment(Def("", {F(field, op)}), 1);
      INFO(field << " " << OpName(op) << ": " << StatusText(preview));
      if (!listed) {
        CHECK(!preview.ok());
        if (!preview.ok()) {
          CHECK(
              std::string(preview.status().message()).find("does not apply") !=
              std::string::npos);
        }
      }
    }
  }
  CHECK(FieldOperators(FieldType::kBool).size() == 3);
}

}  // namespace
}  // namespace audience::testing
