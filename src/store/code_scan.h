// The inner loop of numeric range conditions: compares 16-bit bucket codes
// (see NumericColumn) against a code range, 64 rows per output word.
// Dispatches to AVX2 or SSE2 at runtime.
#ifndef AUDIENCE_STORE_CODE_SCAN_H_
#define AUDIENCE_STORE_CODE_SCAN_H_

#include <cstddef>
#include <cstdint>

namespace audience {

struct CodeRange {
  // Codes in [lo, hi] certainly match (lo > hi: none do).
  uint16_t lo = 0xFFFF;
  uint16_t hi = 0;
  // Codes whose rows need an exact check of the value (0xFFFF: none).
  uint16_t edge1 = 0xFFFF;
  uint16_t edge2 = 0xFFFF;
};

// For words w in [0, nwords): bit i of in[w] / edge[w] tells whether
// codes[w * 64 + i] lies in [lo, hi] / equals an edge code.
void ScanCodes(const uint16_t* codes, size_t nwords, const CodeRange& range,
               uint64_t* in, uint64_t* edge);

// The portable loop, kept callable so tests can compare the kernels.
void ScanCodesScalar(const uint16_t* codes, size_t nwords,
                     const CodeRange& range, uint64_t* in, uint64_t* edge);

}  // namespace audience

#endif  // AUDIENCE_STORE_CODE_SCAN_H_
