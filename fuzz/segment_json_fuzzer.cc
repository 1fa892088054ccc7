// Fuzzes the segment definition JSON (ParseSegmentJson) and the validation,
// evaluation and serialisation of what it parses.
//
// A definition that parses is previewed and then created on a seeded engine
// (seeded_engine.h). Whatever the input, it checks that:
// - a failed create leaves every segment as it was, and fails for the
//   reason the preview gave (or for its name: the preview accepts a taken
//   name);
// - a created segment has the preview's members and reports them all as
//   entered;
// - the saved segment survives SegmentToJson -> ParseSegmentJson ->
//   UpdateSegment with no membership change and the same JSON;
// - deleting it reports its members as left and restores the segment list.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audience/engine.h"
#include "audience/json.h"
#include "fuzz_check.h"
#include "seeded_engine.h"

namespace audience::fuzz {

namespace {

constexpr size_t kPreviewLimit = 1000;

std::vector<std::string> SegmentsJson(const Engine& engine) {
  std::vector<std::string> out;
  for (const Segment& s : engine.ListSegments()) {
    out.push_back(SegmentToJson(s));
  }
  return out;
}

std::string Describe(const absl::Status& status) { return status.ToString(); }

// A failed create: nothing changed, and the reason agrees with the preview.
void CheckFailedCreate(const Engine& engine, const absl::Status& created,
                       const absl::StatusOr<Preview>& preview,
                       const std::vector<std::string>& before) {
  FUZZ_CHECK(
      SegmentsJson(engine) == before,
      "a failed CreateSegment changed the segments: " + Describe(created));
  // Create checks the name (trimmed, 1..200 characters, unique) first; the
  // preview accepts an empty or taken name and checks the rest alike.
  const bool name_error =
      created.code() == absl::StatusCode::kAlreadyExists ||
      std::string(created.message()).starts_with("segment name ");
  if (preview.ok()) {
    FUZZ_CHECK(name_error,
               "PreviewSegment accepted what CreateSegment "
               "refused for another reason than its name: " +
                   Describe(created));
  } else if (!name_error) {
    FUZZ_CHECK(preview.status() == created,
               Cat("PreviewSegment and CreateSegment disagree: ",
                   Describe(preview.status()), " vs ", Describe(created)));
  }
}

void CheckCreated(Engine& engine, const MutationResult& created,
                  const absl::StatusOr<Preview>& preview,
                  const std::vector<std::string>& before) {
  FUZZ_CHECK(preview.ok(),
             "CreateSegment accepted what PreviewSegment "
             "refused: " +
                 Describe(preview.status()));
  const SegmentId id = static_cast<SegmentId>(created.id);
  absl::StatusOr<Segment> segment = engine.GetSegment(id);
  FUZZ_CHECK(segment.ok(), Describe(segment.status()));
  std::vector<LeadId> members = AllMembers(engine, id);
  FUZZ_CHECK(segment->member_count == members.size() &&
                 preview->count == members.size(),
             Cat("created with ", members.size(), " members, member_count ",
                 segment->member_count, ", preview count ", preview->count));
  const size_t shown = std::min(members.size(), kPreviewLimit);
  FUZZ_CHECK(std::vector<LeadId>(members.begin(), members.begin() + shown) ==
                 preview->first_members,
             "the preview's members differ from the created segment's");
  // No other segment reads a new one, so its members are all the changes.
  FUZZ_CHECK(created.changes.size() == members.size(),
             Cat(created.changes.size(), " changes for ", members.size(),
                 " initial members"));
  for (size_t i = 0; i < members.size(); ++i) {
    const MembershipChange& c = created.changes[i];
    FUZZ_CHECK(c.segment == id && c.lead == members[i] &&
                   c.kind == ChangeKind::kEntered,
               Cat("change ", i, " is not lead ", members[i], " entering"));
  }
  std::vector<std::string> now = SegmentsJson(engine);
  FUZZ_CHECK(now.size() == before.size() + 1 &&
                 std::equal(before.begin(), before.end(), now.begin()),
             "creating a segment changed the others");

  // The saved form reads back as the same definition.
  const std::string json = SegmentToJson(*segment);
  absl::StatusOr<SegmentDefinition> reread = ParseSegmentJson(json);
  FUZZ_CHECK(reread.ok(), Cat("SegmentToJson wrote what "
                              "ParseSegmentJson refuses: ",
                              Describe(reread.status()), " in ", json));
  absl::StatusOr<MutationResult> updated = engine.UpdateSegment(id, *reread);
  FUZZ_CHECK(updated.ok(), Cat("updating with its own JSON: ",
                               Describe(updated.status()), " in ", json));
  FUZZ_CHECK(updated->changes.empty(),
             Cat("updating with its own JSON changed ", updated->changes.size(),
                 " memberships: ", json));
  absl::StatusOr<Segment> again = engine.GetSegment(id);
  FUZZ_CHECK(again.ok(), Describe(again.status()));
  FUZZ_CHECK(SegmentToJson(*again) == json,
             Cat("JSON round trip: ", json, " became ", SegmentToJson(*again)));

  absl::StatusOr<MutationResult> deleted = engine.DeleteSegment(id);
  FUZZ_CHECK(deleted.ok(), Describe(deleted.status()));
  FUZZ_CHECK(deleted->changes.size() == members.size(),
             Cat("deleting reported ", deleted->changes.size(), " changes for ",
                 members.size(), " members"));
  for (const MembershipChange& c : deleted->changes) {
    FUZZ_CHECK(c.segment == id && c.kind == ChangeKind::kLeft,
               "deleting reported a change other than a member leaving");
  }
  FUZZ_CHECK(SegmentsJson(engine) == before,
             "deleting the new segment did not restore the others");
}

}  // namespace

}  // namespace audience::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace audience;
  using namespace audience::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<SegmentDefinition> def = ParseSegmentJson(input);
  if (!def.ok()) {
    FUZZ_CHECK(def.status().code() == absl::StatusCode::kInvalidArgument &&
                   !def.status().message().empty(),
               "a parse error must be INVALID_ARGUMENT with a message: " +
                   Describe(def.status()));
    return 0;
  }
  std::unique_ptr<Engine> engine = OpenSeededEngine();
  const std::vector<std::string> before = SegmentsJson(*engine);
  const size_t lead_count = engine->LeadCount();
  absl::StatusOr<Preview> preview = engine->PreviewSegment(*def, kPreviewLimit);
  absl::StatusOr<MutationResult> created = engine->CreateSegment(*def);
  FUZZ_CHECK(engine->LeadCount() == lead_count, "a segment changed the leads");
  if (created.ok()) {
    CheckCreated(*engine, *created, preview, before);
  } else {
    CheckFailedCreate(*engine, created.status(), preview, before);
  }
  CheckSegmentsMatchPreview(*engine);
  return 0;
}
