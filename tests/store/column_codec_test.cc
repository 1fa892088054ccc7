// The columns' snapshot forms (store/column_codec.cc): a restored column
// holds the same values and rebuilds the same postings, re-encodes to the
// same bytes, and damage of every kind is refused by the decoder.
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "persist/codec.h"
#include "store/bool_column.h"
#include "store/keyword_column.h"
#include "store/numeric_column.h"
#include "store/string_column.h"
#include "store/tag_column.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

constexpr Row kRows = 3000;

std::string Encode(const Column& column) {
  std::string bytes;
  Encoder e(&bytes);
  column.EncodeTo(e);
  return bytes;
}

// Decodes into a fresh column of kRows rows; the decoder's status.
absl::Status Decode(const std::string& bytes, Column& column,
                    const Roaring& live) {
  column.Resize(kRows);
  Decoder d(bytes, 0);
  column.DecodeFrom(d, live);
  if (d.ok() && !d.done()) d.Fail("bytes left over");
  return d.status("column");
}

Roaring AllRows() {
  Roaring all;
  all.addRange(0, kRows);
  return all;
}

// Fills `column` with random values from `value_of` on ~2/3 of the rows,
// some set twice and some cleared again, then round-trips it.
template <typename C>
void CheckRoundTrip(const std::function<FieldInput(std::mt19937_64&)>& value_of,
                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  C column;
  column.Resize(kRows);
  for (Row row = 0; row < kRows; ++row) {
    if (rng() % 3 == 0) continue;
    column.Set(row, value_of(rng));
    if (rng() % 5 == 0) column.Set(row, value_of(rng));
    if (rng() % 7 == 0) column.Clear(row);
  }
  column.Maintain();
  const std::string bytes = Encode(column);
  C restored;
  REQUIRE(Decode(bytes, restored, AllRows()).ok());
  CHECK(restored.present() == column.present());
  for (Row row = 0; row < kRows; ++row) {
    INFO("row " << row);
    CHECK(restored.Get(row) == column.Get(row));
  }
  CHECK(Encode(restored) == bytes);
  // Every truncation fails cleanly.
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 8) {
    C cut;
    CHECK(!Decode(bytes.substr(0, n), cut, AllRows()).ok());
  }
}

std::string Word(std::mt19937_64& rng) {
  static const char* kWords[] = {"us", "US",  "de",  "Pro", "pro", "free",
                                 "x",  "a b", "VIP", "vip", "news"};
  return kWords[rng() % std::size(kWords)];
}

TEST_CASE("numeric columns round-trip their values", "[store]") {
  CheckRoundTrip<NumericColumn<int64_t>>(
      [](std::mt19937_64& rng) -> FieldInput {
        return static_cast<int64_t>(rng() % 100'000) - 50'000;
      },
      1);
  CheckRoundTrip<NumericColumn<double>>(
      [](std::mt19937_64& rng) -> FieldInput {
        return static_cast<double>(rng() % 1000) / 7 - 50;
      },
      2);
}

TEST_CASE("a restored numeric column answers ranges from rebuilt codes",
          "[store]") {
  NumericColumn<int64_t> column;
  column.Resize(kRows);
  for (Row row = 0; row < kRows; ++row) column.Set(row, int64_t{row} * 3);
  NumericColumn<int64_t> restored;
  REQUIRE(Decode(Encode(column), restored, AllRows()).ok());
  const Roaring in = restored.SelectKeys(OrderKey(int64_t{300}),
                                         OrderKey(int64_t{600}), AllRows());
  CHECK(in.cardinality() == 101);
  CHECK(in.minimum() == 100);
}

TEST_CASE("keyword columns round-trip values and postings", "[store]") {
  std::string keep;
  CheckRoundTrip<KeywordColumn>(
      [&](std::mt19937_64& rng) -> FieldInput {
        keep = Word(rng);
        return std::string_view(keep);
      },
      3);
  KeywordColumn column;
  column.Resize(kRows);
  column.Set(5, std::string_view("US"));
  column.Set(9, std::string_view("us"));
  column.Set(7, std::string_view("DE"));
  KeywordColumn restored;
  REQUIRE(Decode(Encode(column), restored, AllRows()).ok());
  const uint32_t us = *restored.dictionary().FindTerm("Us");
  CHECK(restored.postings(us) == Roaring::bitmapOf(2, 5, 9));
}

TEST_CASE("tag columns round-trip tag lists and postings", "[store]") {
  std::vector<std::string> keep;
  CheckRoundTrip<TagColumn>(
      [&](std::mt19937_64& rng) -> FieldInput {
        keep.clear();
        for (uint64_t i = rng() % 4; i > 0; --i) keep.push_back(Word(rng));
        return TagInput(keep.begin(), keep.end());
      },
      4);
  TagColumn column;
  column.Resize(kRows);
  std::vector<std::string_view> tags = {"vip", "news"};
  column.Set(3, tags);
  column.Set(4, TagInput{"VIP"});
  TagColumn restored;
  REQUIRE(Decode(Encode(column), restored, AllRows()).ok());
  CHECK(restored.postings(*restored.dictionary().FindTerm("vip")) ==
        Roaring::bitmapOf(2, 3, 4));
}

TEST_CASE("string columns round-trip text", "[store]") {
  std::string keep;
  CheckRoundTrip<StringColumn>(
      [&](std::mt19937_64& rng) -> FieldInput {
        keep = Word(rng) + std::string(rng() % 40, 'z') + Word(rng);
        return std::string_view(keep);
      },
      5);
}

TEST_CASE("bool columns round-trip", "[store]") {
  CheckRoundTrip<BoolColumn>(
      [](std::mt19937_64& rng) -> FieldInput { return rng() % 2 == 0; }, 6);
}

// Bytes a test writes by hand, in the columns' own layout.
struct Bytes {
  std::string out;
  Encoder e{&out};
};

void CheckRefused(const std::string& bytes, Column& column,
                  const std::string& reason, const Roaring& live = AllRows()) {
  const absl::Status status = Decode(bytes, column, live);
  CHECK(status.code() == absl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(status.message()), Catch::Contains(reason));
}

TEST_CASE("damaged column sections are refused", "[store]") {
  SECTION("values on rows that are not live") {
    NumericColumn<int64_t> column;
    column.Resize(kRows);
    column.Set(10, int64_t{1});
    NumericColumn<int64_t> restored;
    CheckRefused(Encode(column), restored, "not live",
                 Roaring::bitmapOf(1, 11));
  }
  SECTION("NaN in a double column") {
    Bytes b;
    b.e.Bitmap(Roaring::bitmapOf(1, 0));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    b.e.Array(std::span<const double>(&nan, 1));
    NumericColumn<double> column;
    CheckRefused(b.out, column, "NaN");
  }
  SECTION("a keyword code past the dictionary") {
    Bytes b;
    b.e.Varint(1);
    b.e.Bytes("us");
    b.e.Bitmap(Roaring::bitmapOf(1, 4));
    const uint32_t code = 1;
    b.e.Array(std::span<const uint32_t>(&code, 1));
    KeywordColumn column;
    CheckRefused(b.out, column, "no dictionary entry 1");
  }
  SECTION("a dictionary that repeats a spelling") {
    Bytes b;
    b.e.Varint(2);
    b.e.Bytes("us");
    b.e.Bytes("us");
    KeywordColumn column;
    CheckRefused(b.out, column, "repeats");
  }
  SECTION("an empty dictionary entry") {
    Bytes b;
    b.e.Varint(1);
    b.e.Bytes("");
    TagColumn column;
    CheckRefused(b.out, column, "bad dictionary entry 0");
  }
  SECTION("a row with one tag twice (in another case)") {
    Bytes b;
    b.e.Varint(2);
    b.e.Bytes("vip");
    b.e.Bytes("VIP");
    b.e.Bitmap(Roaring::bitmapOf(1, 0));
    const uint16_t count = 2;
    b.e.Array(std::span<const uint16_t>(&count, 1));
    const uint32_t pool[] = {0, 1};
    b.e.Varint(2);
    b.e.Array(std::span<const uint32_t>(pool));
    TagColumn column;
    CheckRefused(b.out, column, "a tag twice");
  }
  SECTION("tag counts beyond the pool") {
    Bytes b;
    b.e.Varint(1);
    b.e.Bytes("vip");
    b.e.Bitmap(Roaring::bitmapOf(2, 0, 1));
    const uint16_t counts[] = {1, 1};
    b.e.Array(std::span<const uint16_t>(counts));
    const uint32_t pool[] = {0};
    b.e.Varint(1);
    b.e.Array(std::span<const uint32_t>(pool));
    TagColumn column;
    CheckRefused(b.out, column, "bad tag count");
  }
  SECTION("an empty string value") {
    Bytes b;
    b.e.Bitmap(Roaring::bitmapOf(1, 0));
    const uint32_t length = 0;
    b.e.Array(std::span<const uint32_t>(&length, 1));
    StringColumn column;
    CheckRefused(b.out, column, "bad string length 0");
  }
  SECTION("a string longer than the limit") {
    Bytes b;
    b.e.Bitmap(Roaring::bitmapOf(1, 0));
    const uint32_t length = kMaxStringBytes + 1;
    b.e.Array(std::span<const uint32_t>(&length, 1));
    b.e.Raw(std::string(length, 'x'));
    StringColumn column;
    CheckRefused(b.out, column, "bad string length");
  }
  SECTION("a row both true and false") {
    Bytes b;
    b.e.Bitmap(Roaring::bitmapOf(1, 3));
    b.e.Bitmap(Roaring::bitmapOf(2, 3, 4));
    BoolColumn column;
    CheckRefused(b.out, column, "both true and false");
  }
}

}  // namespace
}  // namespace audience::testing
