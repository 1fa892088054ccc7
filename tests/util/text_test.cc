// Case-insensitive matching, name normalisation and quoting (util/text.h).
#include "util/text.h"

#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

// A reference for the folded comparisons: fold both, then compare.
bool NaiveContains(std::string_view haystack, std::string_view needle) {
  return FoldAscii(haystack).find(needle) != std::string::npos;
}

std::string RandomText(SeededRandom& rng, size_t max_len) {
  // Letters in both cases, punctuation and UTF-8 bytes (é = C3 A9, É = C3 89).
  static const std::vector<std::string> kPieces = {
      "a", "A", "b", "B", "z", "Z", "@", ".", " ", "\xC3\xA9", "\xC3\x89"};
  std::string out;
  const size_t n = rng.Below(max_len + 1);
  for (size_t i = 0; i < n; ++i) out += rng.Pick(kPieces);
  return out;
}

// True when `s` is well-formed UTF-8 (no truncated or stray sequences).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t j = 1; j < len; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

TEST_CASE("FoldAscii lowers ASCII letters only", "[util]") {
  CHECK(FoldAscii("") == "");
  CHECK(FoldAscii("Hello, WORLD 42!") == "hello, world 42!");
  CHECK(FoldAscii("@[`{") == "@[`{");  // neighbours of A-Z and a-z
  // Non-ASCII bytes are left alone: É stays É.
  CHECK(FoldAscii("\xC3\x89t\xC3\xA9") == "\xC3\x89t\xC3\xA9");
  CHECK(FoldChar('A') == 'a');
  CHECK(FoldChar('Z') == 'z');
  CHECK(FoldChar('a') == 'a');
  CHECK(FoldChar('\xC3') == '\xC3');
}

TEST_CASE("EqualsFolded ignores the value's case", "[util]") {
  CHECK(EqualsFolded("", ""));
  CHECK(EqualsFolded("US", "us"));
  CHECK(EqualsFolded("uS", "us"));
  CHECK_FALSE(EqualsFolded("US", "u"));
  CHECK_FALSE(EqualsFolded("U", "us"));
  CHECK_FALSE(EqualsFolded("US", "ca"));
  CHECK_FALSE(EqualsFolded("", "a"));
}

TEST_CASE("StartsWithFolded and EndsWithFolded", "[util]") {
  CHECK(StartsWithFolded("Hello", ""));
  CHECK(StartsWithFolded("", ""));
  CHECK(StartsWithFolded("Hello", "he"));
  CHECK(StartsWithFolded("HELLO", "hello"));
  CHECK_FALSE(StartsWithFolded("He", "hello"));
  CHECK_FALSE(StartsWithFolded("Hello", "el"));

  CHECK(EndsWithFolded("Hello", ""));
  CHECK(EndsWithFolded("", ""));
  CHECK(EndsWithFolded("a@GMAIL.com", "@gmail.com"));
  CHECK(EndsWithFolded("LO", "lo"));
  CHECK_FALSE(EndsWithFolded("lo", "hello"));
  CHECK_FALSE(EndsWithFolded("Hello", "hel"));
}

TEST_CASE("ContainsFolded finds folded needles", "[util]") {
  CHECK(ContainsFolded("", ""));
  CHECK(ContainsFolded("abc", ""));
  CHECK_FALSE(ContainsFolded("", "a"));
  CHECK_FALSE(ContainsFolded("ab", "abc"));
  CHECK(ContainsFolded("Hello World", "o w"));
  CHECK(ContainsFolded("carl@GMAIL.com", "gmail"));
  CHECK(ContainsFolded("GMAIL", "gmail"));
  CHECK(ContainsFolded("xGmAiL", "gmail"));
  CHECK(ContainsFolded("aaab", "aab"));  // a partial match must restart
  CHECK(ContainsFolded("ABAB", "bab"));
  CHECK(ContainsFolded("x@Y", "@y"));  // first needle byte is not a letter
  CHECK_FALSE(ContainsFolded("Hello", "hellp"));
  CHECK(ContainsFolded("caf\xC3\xA9!", "\xC3\xA9!"));
  CHECK_FALSE(ContainsFolded("CAF\xC3\x89", "caf\xC3\xA9"));  // ASCII only
}

TEST_CASE("folded comparisons agree with a naive reference", "[util]") {
  SeededRandom rng(GENERATE(1, 2, 3));
  INFO("seed " << rng.seed());
  for (int i = 0; i < 3000; ++i) {
    const std::string haystack = RandomText(rng, 12);
    const std::string needle = FoldAscii(RandomText(rng, 4));
    INFO("haystack \"" << haystack << "\" needle \"" << needle << "\"");
    const std::string folded = FoldAscii(haystack);
    REQUIRE(ContainsFolded(haystack, needle) ==
            NaiveContains(haystack, needle));
    REQUIRE(StartsWithFolded(haystack, needle) ==
            (folded.rfind(needle, 0) == 0));
    REQUIRE(EndsWithFolded(haystack, needle) ==
            (folded.size() >= needle.size() &&
             folded.compare(folded.size() - needle.size(), needle.size(),
                            needle) == 0));
    REQUIRE(EqualsFolded(haystack, needle) == (folded == needle));
  }
}

TEST_CASE("TrimAscii trims ASCII white space only", "[util]") {
  CHECK(TrimAscii("") == "");
  CHECK(TrimAscii(" \t\r\n\v\f") == "");
  CHECK(TrimAscii("  a b  ") == "a b");
  CHECK(TrimAscii("\nx\t") == "x");
  CHECK(TrimAscii("x") == "x");
  // A no-break space (U+00A0) is not ASCII white space.
  CHECK(TrimAscii("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0");
}

TEST_CASE("FormatDouble keeps a fraction and round-trips", "[util]") {
  CHECK(FormatDouble(10.0) == "10.0");
  CHECK(FormatDouble(0.5) == "0.5");
  CHECK(FormatDouble(-2.0) == "-2.0");
  CHECK(FormatDouble(0.0) == "0.0");
  CHECK(FormatDouble(1e300) == "1e+300");
  CHECK(FormatDouble(0.1) == "0.1");
  SeededRandom rng(8);
  for (int i = 0; i < 500; ++i) {
    const double v = static_cast<double>(rng.Between(-1000000, 1000000)) /
                     static_cast<double>(rng.Between(1, 999));
    const std::string text = FormatDouble(v);
    INFO(text);
    REQUIRE(std::stod(text) == v);
    REQUIRE(text.find_first_of(".e") != std::string::npos);
  }
}

TEST_CASE("NormalizeName trims and checks the length", "[util]") {
  auto ok = NormalizeName("  US VIPs \t\n", "segment name");
  REQUIRE_OK(ok);
  CHECK(*ok == "US VIPs");
  auto inner = NormalizeName("a  b", "segment name");
  REQUIRE_OK(inner);
  CHECK(*inner == "a  b");

  REQUIRE_ERROR(NormalizeName("", "segment name"),
                absl::StatusCode::kInvalidArgument,
                "segment name must not be empty");
  REQUIRE_ERROR(NormalizeName(" \t\r\n\v\f ", "category name"),
                absl::StatusCode::kInvalidArgument,
                "category name must not be empty");
}

TEST_CASE("NormalizeName counts code points, not bytes", "[util]") {
  const std::string ascii200(200, 'a');
  auto a = NormalizeName("  " + ascii200 + "  ", "segment name");
  REQUIRE_OK(a);
  CHECK(*a == ascii200);
  REQUIRE_ERROR(NormalizeName(ascii200 + "b", "segment name"),
                absl::StatusCode::kInvalidArgument,
                "segment name is longer than 200 characters");

  std::string e200;
  for (int i = 0; i < 200; ++i) e200 += "\xC3\xA9";  // 400 bytes
  auto e = NormalizeName(e200, "segment name");
  REQUIRE_OK(e);
  CHECK(*e == e200);
  REQUIRE_ERROR(NormalizeName(e200 + "\xC3\xA9", "segment name"),
                absl::StatusCode::kInvalidArgument, "longer than 200");

  // Four-byte code points (U+1F600) count once each.
  std::string emoji200;
  for (int i = 0; i < 200; ++i) emoji200 += "\xF0\x9F\x98\x80";
  REQUIRE_OK(NormalizeName(emoji200, "category name"));
  REQUIRE_ERROR(NormalizeName(emoji200 + "x", "category name"),
                absl::StatusCode::kInvalidArgument, "category name is longer");
}

TEST_CASE("Quote escapes quotes, backslashes and control bytes", "[util]") {
  CHECK(Quote("") == "\"\"");
  CHECK(Quote("plain") == "\"plain\"");
  CHECK(Quote("a\"b") == "\"a\\\"b\"");
  CHECK(Quote("a\\b") == "\"a\\\\b\"");
  CHECK(Quote("line\nbreak") == "\"line\\x0abreak\"");
  CHECK(Quote(std::string("nul\0x", 5)) == "\"nul\\x00x\"");
  CHECK(Quote("\x1f") == "\"\\x1f\"");
  CHECK(Quote("del\x7f") == "\"del\\x7f\"");
  CHECK(Quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
}

TEST_CASE("Quote shortens long text", "[util]") {
  const std::string s64(64, 'x');
  CHECK(Quote(s64) == "\"" + s64 + "\"");
  CHECK(Quote(s64 + "y") == "\"" + s64 + "...\"");
  CHECK(Quote(std::string(1000, 'z')) == "\"" + std::string(64, 'z') + "...\"");
}

TEST_CASE("Quote never cuts a UTF-8 character in half", "[util]") {
  // Error messages end up in JSON responses, which must be valid UTF-8.
  std::string odd = "a";
  for (int i = 0; i < 100; ++i) odd += "\xC3\xA9";
  const std::string quoted = Quote(odd);
  CHECK(IsValidUtf8(quoted));
  CHECK(quoted.find("...") != std::string::npos);

  std::string emoji;
  for (int i = 0; i < 40; ++i) emoji += "\xF0\x9F\x98\x80";
  for (int shift = 0; shift < 4; ++shift) {
    const std::string text = std::string(shift, 'x') + emoji;
    INFO("shift " << shift);
    CHECK(IsValidUtf8(Quote(text)));
  }
}

}  // namespace
}  // namespace audience::testing
