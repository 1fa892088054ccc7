// StrCat / StrAppend over both string_view types and numbers (util/str_cat.h).
#include "util/str_cat.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "testing/test_util.h"

namespace audience::testing {
namespace {

TEST_CASE("StrCat mixes std and absl string views", "[util]") {
  const std::string_view std_view = "std";
  const absl::string_view absl_view = "absl";
  const std::string owned = "owned";
  CHECK(StrCat(std_view, "-", absl_view, "-", owned, "-", "literal") ==
        "std-absl-owned-literal");
  CHECK(StrCat() == "");
  CHECK(StrCat(std::string_view()) == "");
  // Views that are not NUL-terminated keep their length.
  const std::string_view part = std::string_view("abcdef").substr(1, 3);
  CHECK(StrCat("[", part, "]") == "[bcd]");
}

TEST_CASE("StrCat formats integers and doubles", "[util]") {
  CHECK(StrCat(0) == "0");
  CHECK(StrCat(-42, " ", 42u) == "-42 42");
  CHECK(StrCat(std::numeric_limits<int64_t>::min()) == "-9223372036854775808");
  CHECK(StrCat(std::numeric_limits<uint64_t>::max()) == "18446744073709551615");
  CHECK(StrCat(size_t{1024}, "B") == "1024B");
  CHECK(StrCat(static_cast<int16_t>(-7)) == "-7");
  CHECK(StrCat(1.5) == "1.5");
  CHECK(StrCat(-0.25) == "-0.25");
  CHECK(StrCat(3.0) == "3");  // absl's six-digit form
  CHECK(StrCat(1e20) == "1e+20");
  CHECK(StrCat(2.5f) == "2.5");
}

TEST_CASE("StrCat takes absl::AlphaNum helpers", "[util]") {
  CHECK(StrCat("0x", absl::Hex(255)) == "0xff");
  CHECK(StrCat(absl::Hex(5, absl::kZeroPad4)) == "0005");
}

TEST_CASE("StrCat with many numeric pieces keeps each one", "[util]") {
  // Every numeric piece formats into its own buffer; copying the
  // initializer list must not mix them up.
  std::string expected;
  for (int i = 0; i < 12; ++i) expected += std::to_string(1000000007LL * i);
  CHECK(StrCat(0LL, 1000000007LL, 2000000014LL, 3000000021LL, 4000000028LL,
               5000000035LL, 6000000042LL, 7000000049LL, 8000000056LL,
               9000000063LL, 10000000070LL, 11000000077LL) == expected);
}

TEST_CASE("StrAppend appends to an existing string", "[util]") {
  std::string out = "x=";
  StrAppend(&out, 7, ", y=", std::string_view("eight"),
            ", z=", absl::string_view("9"));
  CHECK(out == "x=7, y=eight, z=9");
  StrAppend(&out);
  CHECK(out == "x=7, y=eight, z=9");
  std::string big(100, 'q');
  StrAppend(&big, "!", 1);
  CHECK(big == std::string(100, 'q') + "!1");
}

}  // namespace
}  // namespace audience::testing
