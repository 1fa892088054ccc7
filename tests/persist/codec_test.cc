#include "persist/codec.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include "testing/segment_probe.h"
#include "testing/test_util.h"
#include "util/crc32c.h"

namespace audience::testing {
namespace {

TEST_CASE("crc32c matches the standard check value", "[persist]") {
  CHECK(Crc32c("123456789") == 0xE3069283u);
  CHECK(Crc32c("") == 0);
  // Extending in pieces equals one pass, across the 8-byte stride.
  const std::string text = "the quick brown fox jumps over the lazy dog";
  CHECK(Crc32c(text.substr(11), Crc32c(text.substr(0, 11))) == Crc32c(text));
  CHECK(Crc32cPortable("123456789") == 0xE3069283u);
}

TEST_CASE("crc32c's hardware and table versions agree", "[persist]") {
  std::mt19937_64 rng(7);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  for (size_t start = 0; start < 9; ++start) {
    for (size_t n : {0, 1, 7, 8, 9, 63, 1000, 4000}) {
      const std::string_view piece = std::string_view(bytes).substr(start, n);
      CHECK(Crc32c(piece, 12345) == Crc32cPortable(piece, 12345));
    }
  }
}

TEST_CASE("the codec round-trips integers at their limits", "[persist]") {
  std::string buffer;
  Encoder e(&buffer);
  const std::vector<int64_t> ints = {0,
                                     1,
                                     -1,
                                     63,
                                     -64,
                                     std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min()};
  for (int64_t v : ints) e.Signed(v);
  e.Varint(std::numeric_limits<uint64_t>::max());
  e.Double(-0.0);
  e.Double(std::numeric_limits<double>::infinity());
  e.Fixed32(0xDEADBEEF);
  e.Bytes(std::string("a\0b", 3));
  Decoder d(buffer, 0);
  for (int64_t v : ints) CHECK(d.Signed() == v);
  CHECK(d.Varint() == std::numeric_limits<uint64_t>::max());
  const double z = d.Double();
  CHECK((z == 0 && std::signbit(z)));
  CHECK(std::isinf(d.Double()));
  CHECK(d.Fixed32() == 0xDEADBEEF);
  CHECK(d.Bytes() == std::string_view("a\0b", 3));
  CHECK(d.ok());
  CHECK(d.done());
}

TEST_CASE("the codec round-trips what mutations carry", "[persist]") {
  SegmentDefinition def =
      Def("vip",
          {F("score", Op::kBetween, std::vector<Scalar>{int64_t{1}, 2.5}),
           F("seen", Op::kWithinLast, Days(3)),
           F("tags", Op::kHasAny, List({"a", "b"})),
           Condition::Activity("open", Op::kDid, 17, 2, 30),
           Condition::Segment("other", Op::kMember), F("email", Op::kEmpty)});
  def.category = "pipeline";
  def.is_public = true;
  def.description = "some text";
  Lead lead{42,
            {{"email", Str("a@b.c")},
             {"score", Int(-5)},
             {"ratio", Num(0.25)},
             {"ok", Bool(true)},
             {"tags", Tags({"x", "y"})},
             {"gone", Value()}}};
  LeadPatch patch{7, {{"score", Int(3)}}, {"email"}, {"new"}, {"old"}};
  Event event{9, "open", 17, std::nullopt};
  CampaignDefinition campaign{
      "launch", CampaignStatus::kPaused, 10, std::nullopt, {"vip"}, {"a", "b"}};
  CampaignAction action;
  action.kind = ActionKind::kTransfer;
  action.lead = 3;
  action.ts = -20;
  action.from = 4;
  action.to = 5;

  std::string buffer;
  Encoder e(&buffer);
  EncodeSegmentDefinition(def, e);
  EncodeLead(lead, e);
  EncodePatch(patch, e);
  EncodeEvent(event, e);
  EncodeCampaignDefinition(campaign, e);
  EncodeCampaignAction(action, e);
  Decoder d(buffer, 0);
  SegmentDefinition def2 = DecodeSegmentDefinition(d);
  CHECK(def2.name == def.name);
  CHECK(def2.category == def.category);
  CHECK(def2.is_public);
  CHECK(def2.description == def.description);
  CHECK(def2.filters == def.filters);
  Lead lead2 = DecodeLead(d);
  CHECK(lead2.id == lead.id);
  CHECK(lead2.fields == lead.fields);
  LeadPatch patch2 = DecodePatch(d);
  CHECK(patch2.set == patch.set);
  CHECK(patch2.unset == patch.unset);
  CHECK(patch2.add_tags == patch.add_tags);
  CHECK(patch2.remove_tags == patch.remove_tags);
  Event event2 = DecodeEvent(d);
  CHECK(event2.lead == 9);
  CHECK(event2.object == 17);
  CHECK_FALSE(event2.ts.has_value());
  CampaignDefinition campaign2 = DecodeCampaignDefinition(d);
  CHECK(campaign2.status == CampaignStatus::kPaused);
  CHECK(campaign2.workflow_segments == campaign.workflow_segments);
  CampaignAction action2 = DecodeCampaignAction(d);
  CHECK(action2.kind == ActionKind::kTransfer);
  CHECK(action2.ts == -20);
  CHECK(action2.to == 5);
  CHECK(d.ok());
  CHECK(d.done());

  // Every prefix fails cleanly, naming an offset, and never reads past it.
  for (size_t n = 0; n < buffer.size(); ++n) {
    Decoder cut(std::string_view(buffer).substr(0, n), 100);
    DecodeSegmentDefinition(cut);
    DecodeLead(cut);
    DecodePatch(cut);
    DecodeEvent(cut);
    DecodeCampaignDefinition(cut);
    DecodeCampaignAction(cut);
    REQUIRE_FALSE(cut.ok());
    CHECK(cut.status("test").code() == absl::StatusCode::kDataLoss);
  }
}

TEST_CASE("decoder counts are bounded by the bytes left", "[persist]") {
  std::string buffer;
  Encoder e(&buffer);
  e.Varint(uint64_t{1} << 60);  // a list claiming 2^60 items
  Decoder d(buffer, 5);
  CHECK(d.Count() == 0);
  REQUIRE_FALSE(d.ok());
  CHECK(std::string(d.status("x").message()) ==
        "x at offset 14: count exceeds the data");
}

TEST_CASE("decoder rejects bad enums, booleans and bitmaps", "[persist]") {
  const std::string bad_bool = "\x02";
  Decoder b(bad_bool, 0);
  b.Bool();
  CHECK_FALSE(b.ok());
  const std::string bad_enum = "\x09";
  Decoder en(bad_enum, 0);
  en.Enum(FieldType::kTags);
  CHECK_FALSE(en.ok());
  std::string bitmap;
  Encoder e(&bitmap);
  Roaring rows;
  rows.addRange(0, 100000);
  e.Bitmap(rows);
  bitmap[5] ^= 0x40;  // damage inside the serialized bitmap
  Decoder bm(bitmap, 0);
  Roaring read = bm.Bitmap();
  // Either refused or a bitmap of its own; never a crash.
  if (bm.ok()) CHECK(read.cardinality() <= 1u << 20);
  Decoder cut(std::string_view(bitmap).substr(0, 10), 0);
  cut.Bitmap();
  CHECK_FALSE(cut.ok());
}

TEST_CASE("parts skip ahead and bring their failures back", "[persist]") {
  std::string bytes;
  Encoder e(&bytes);
  const size_t at = e.BeginPart();
  e.Varint(300);
  e.Bytes("abc");
  e.EndPart(at);
  e.Varint(7);
  Decoder d(bytes, 100);
  Decoder part = d.Part();
  CHECK(d.Varint() == 7);  // read before the part
  CHECK(d.done());
  CHECK(part.Varint() == 300);
  CHECK(part.Bytes() == "abc");
  CHECK(part.done());
  part.Fixed32();  // past the part's end: fails there, not in d
  CHECK_FALSE(part.ok());
  CHECK(d.ok());
  d.Adopt(part);
  CHECK_THAT(std::string(d.status("x").message()),
             Catch::Contains("at offset 114: truncated"));
  // A part longer than the data is a failure of the outer decoder.
  Decoder cut(std::string_view(bytes).substr(0, 10), 0);
  Decoder missing = cut.Part();
  CHECK_FALSE(cut.ok());
  CHECK_FALSE(missing.ok());
}

// A portable bitmap of one container with key 0: the cookie (run flags in
// use), the run flag byte, key and cardinality - 1, then `body`.
std::string OneContainer(bool run, uint16_t card_minus_one,
                         std::initializer_list<uint16_t> body) {
  std::string out;
  auto put16 = [&](uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
  };
  put16(12347);  // SERIAL_COOKIE, container count - 1 = 0 in the high half
  put16(0);
  out.push_back(run ? 1 : 0);
  put16(0);
  put16(card_minus_one);
  for (uint16_t v : body) put16(v);
  return out;
}

TEST_CASE("bitmaps that break CRoaring's invariants are refused", "[persist]") {
  auto read = [](const std::string& portable) {
    std::string bytes;
    Encoder e(&bytes);
    e.Varint(portable.size());
    e.Raw(portable);
    Decoder d(bytes, 0);
    Roaring bitmap = d.Bitmap();
    return d.ok() ? std::optional<Roaring>(std::move(bitmap)) : std::nullopt;
  };
  // Well-formed: values 3 and 5; the run 10..12.
  REQUIRE(read(OneContainer(false, 1, {3, 5})) == Roaring::bitmapOf(2, 3, 5));
  REQUIRE(read(OneContainer(true, 2, {1, 10, 2})) ==
          Roaring::bitmapOf(3, 10, 11, 12));
  // An array out of order; a run past the container's 65536 values (which
  // would make ContainerWords write past its chunk); overlapping runs.
  CHECK_FALSE(read(OneContainer(false, 1, {5, 3})));
  CHECK_FALSE(read(OneContainer(true, 999, {1, 65000, 999})));
  CHECK_FALSE(read(OneContainer(true, 9, {2, 10, 4, 12, 4})));
  // A run container with no runs, which CRoaring's reader gives up on.
  CHECK_FALSE(read(OneContainer(true, 0, {0})));
}

}  // namespace
}  // namespace audience::testing
