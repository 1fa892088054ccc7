// The SIMD code scan against the scalar loop and the definition
// (store/code_scan.h).
#include "store/code_scan.h"

#include <algorithm>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

// Codes that sit on the boundaries of the signed/unsigned trick.
const std::vector<uint16_t> kEdgeCodes = {
    0, 1, 2, 0x7FFE, 0x7FFF, 0x8000, 0x8001, 0xFFFD, 0xFFFE, 0xFFFF};

uint16_t RandomCode(SeededRandom& rng, uint16_t around) {
  switch (rng.Below(4)) {
    case 0:
      return rng.Pick(kEdgeCodes);
    case 1:
      return static_cast<uint16_t>(around + rng.Between(-2, 2));
    default:
      return static_cast<uint16_t>(rng.Below(0x10000));
  }
}

void CheckAgainstDefinition(const std::vector<uint16_t>& codes, size_t nwords,
                            const CodeRange& range, const uint64_t* in,
                            const uint64_t* edge) {
  for (size_t w = 0; w < nwords; ++w) {
    for (int i = 0; i < 64; ++i) {
      const uint16_t c = codes[w * 64 + i];
      INFO("word " << w << " bit " << i << " code " << c);
      REQUIRE(((in[w] >> i) & 1) == (c >= range.lo && c <= range.hi));
      REQUIRE(((edge[w] >> i) & 1) == (c == range.edge1 || c == range.edge2));
    }
  }
}

TEST_CASE("ScanCodes agrees with ScanCodesScalar", "[store]") {
  SeededRandom rng(GENERATE(1, 2, 3, 4, 5));
  INFO("seed " << rng.seed());
  for (int round = 0; round < 200; ++round) {
    const size_t nwords = rng.Below(9);
    // An odd offset checks unaligned loads.
    const size_t offset = rng.Below(3);
    CodeRange range;
    const uint16_t a = rng.Chance(0.3)
                           ? rng.Pick(kEdgeCodes)
                           : static_cast<uint16_t>(rng.Below(0x10000));
    const uint16_t b = rng.Chance(0.3)
                           ? rng.Pick(kEdgeCodes)
                           : static_cast<uint16_t>(rng.Below(0x10000));
    if (rng.Chance(0.15)) {
      range.lo = 0xFFFF;  // empty range, as RangeFor writes it
      range.hi = 0;
    } else if (rng.Chance(0.1)) {
      range.lo = std::max(a, b);  // lo > hi in general
      range.hi = std::min(a, b);
    } else {
      range.lo = std::min(a, b);
      range.hi = std::max(a, b);
    }
    range.edge1 = rng.Chance(0.3) ? 0xFFFF : RandomCode(rng, range.lo);
    range.edge2 = rng.Chance(0.3) ? 0xFFFF : RandomCode(rng, range.hi);

    std::vector<uint16_t> storage(offset + nwords * 64);
    for (uint16_t& c : storage) {
      c = RandomCode(rng, rng.Chance(0.5) ? range.lo : range.hi);
    }
    const uint16_t* codes = storage.data() + offset;
    std::vector<uint16_t> view(codes, codes + nwords * 64);

    // Sentinels after the last word must stay untouched.
    std::vector<uint64_t> in(nwords + 1, 0xABCDu), edge(nwords + 1, 0xABCDu);
    std::vector<uint64_t> in_s(nwords + 1, 0xABCDu),
        edge_s(nwords + 1, 0xABCDu);
    ScanCodes(codes, nwords, range, in.data(), edge.data());
    ScanCodesScalar(codes, nwords, range, in_s.data(), edge_s.data());
    INFO("lo " << range.lo << " hi " << range.hi << " edges " << range.edge1
               << " " << range.edge2 << " words " << nwords);
    REQUIRE(in == in_s);
    REQUIRE(edge == edge_s);
    REQUIRE(in[nwords] == 0xABCDu);
    REQUIRE(edge[nwords] == 0xABCDu);
    CheckAgainstDefinition(view, nwords, range, in.data(), edge.data());
  }
}

TEST_CASE("ScanCodes with full and single-code ranges", "[store]") {
  std::vector<uint16_t> codes(128);
  for (size_t i = 0; i < codes.size(); ++i) {
    codes[i] = static_cast<uint16_t>(i * 512 + (i % 2));  // 0 .. 0xFE01
  }
  codes[127] = 0xFFFF;
  uint64_t in[2], edge[2];

  CodeRange all{.lo = 0, .hi = 0xFFFF, .edge1 = 0xFFFF, .edge2 = 0xFFFF};
  ScanCodes(codes.data(), 2, all, in, edge);
  CHECK(in[0] == ~uint64_t{0});
  CHECK(in[1] == ~uint64_t{0});
  CHECK(edge[0] == 0);
  CHECK(edge[1] == uint64_t{1} << 63);  // the 0xFFFF code equals edge1

  CodeRange none;  // lo > hi, no edges
  ScanCodes(codes.data(), 2, none, in, edge);
  CHECK(in[0] == 0);
  CHECK(in[1] == 0);

  CodeRange one{
      .lo = codes[70], .hi = codes[70], .edge1 = codes[3], .edge2 = codes[64]};
  ScanCodes(codes.data(), 2, one, in, edge);
  CHECK(in[0] == 0);
  CHECK(in[1] == uint64_t{1} << 6);
  CHECK(edge[0] == uint64_t{1} << 3);
  CHECK(edge[1] == 1);
}

TEST_CASE("ScanCodes of zero words writes nothing", "[store]") {
  uint16_t codes[64] = {};
  uint64_t in = 7, edge = 9;
  ScanCodes(codes, 0, CodeRange{}, &in, &edge);
  CHECK(in == 7);
  CHECK(edge == 9);
}

}  // namespace
}  // namespace audience::testing
