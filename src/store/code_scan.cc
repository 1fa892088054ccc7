#include "store/code_scan.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace audience {

void ScanCodesScalar(const uint16_t* codes, size_t nwords,
                     const CodeRange& range, uint64_t* in, uint64_t* edge) {
  for (size_t w = 0; w < nwords; ++w) {
    uint64_t in_bits = 0;
    uint64_t edge_bits = 0;
    const uint16_t* c = codes + w * 64;
    for (int i = 0; i < 64; ++i) {
      in_bits |= uint64_t{c[i] >= range.lo && c[i] <= range.hi} << i;
      edge_bits |= uint64_t{c[i] == range.edge1 || c[i] == range.edge2} << i;
    }
    in[w] = in_bits;
    edge[w] = edge_bits;
  }
}

#if defined(__x86_64__)
namespace {

// SSE2 has only signed 16-bit compares; flipping the top bit maps unsigned
// order onto signed order.
void ScanCodesSse2(const uint16_t* codes, size_t nwords, const CodeRange& range,
                   uint64_t* in, uint64_t* edge) {
  const __m128i bias = _mm_set1_epi16(static_cast<int16_t>(0x8000));
  const __m128i lo = _mm_set1_epi16(static_cast<int16_t>(range.lo ^ 0x8000));
  const __m128i hi = _mm_set1_epi16(static_cast<int16_t>(range.hi ^ 0x8000));
  const __m128i e1 = _mm_set1_epi16(static_cast<int16_t>(range.edge1));
  const __m128i e2 = _mm_set1_epi16(static_cast<int16_t>(range.edge2));
  for (size_t w = 0; w < nwords; ++w) {
    uint64_t in_bits = 0;
    uint64_t edge_bits = 0;
    for (int j = 0; j < 4; ++j) {
      const __m128i* p =
          reinterpret_cast<const __m128i*>(codes + w * 64 + j * 16);
      __m128i raw0 = _mm_loadu_si128(p);
      __m128i raw1 = _mm_loadu_si128(p + 1);
      __m128i x0 = _mm_xor_si128(raw0, bias);
      __m128i x1 = _mm_xor_si128(raw1, bias);
      __m128i out0 =
          _mm_or_si128(_mm_cmplt_epi16(x0, lo), _mm_cmpgt_epi16(x0, hi));
      __m128i out1 =
          _mm_or_si128(_mm_cmplt_epi16(x1, lo), _mm_cmpgt_epi16(x1, hi));
      __m128i eq0 =
          _mm_or_si128(_mm_cmpeq_epi16(raw0, e1), _mm_cmpeq_epi16(raw0, e2));
      __m128i eq1 =
          _mm_or_si128(_mm_cmpeq_epi16(raw1, e1), _mm_cmpeq_epi16(raw1, e2));
      uint64_t outside =
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(out0, out1)));
      uint64_t edges =
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(eq0, eq1)));
      in_bits |= (~outside & 0xFFFF) << (j * 16);
      edge_bits |= edges << (j * 16);
    }
    in[w] = in_bits;
    edge[w] = edge_bits;
  }
}

__attribute__((target("avx2"))) void ScanCodesAvx2(const uint16_t* codes,
                                                   size_t nwords,
                                                   const CodeRange& range,
                                                   uint64_t* in,
                                                   uint64_t* edge) {
  const __m256i bias = _mm256_set1_epi16(static_cast<int16_t>(0x8000));
  const __m256i lo = _mm256_set1_epi16(static_cast<int16_t>(range.lo ^ 0x8000));
  const __m256i hi = _mm256_set1_epi16(static_cast<int16_t>(range.hi ^ 0x8000));
  const __m256i e1 = _mm256_set1_epi16(static_cast<int16_t>(range.edge1));
  const __m256i e2 = _mm256_set1_epi16(static_cast<int16_t>(range.edge2));
  for (size_t w = 0; w < nwords; ++w) {
    uint64_t in_bits = 0;
    uint64_t edge_bits = 0;
    for (int j = 0; j < 2; ++j) {
      const __m256i* p =
          reinterpret_cast<const __m256i*>(codes + w * 64 + j * 32);
      __m256i raw0 = _mm256_loadu_si256(p);
      __m256i raw1 = _mm256_loadu_si256(p + 1);
      __m256i x0 = _mm256_xor_si256(raw0, bias);
      __m256i x1 = _mm256_xor_si256(raw1, bias);
      __m256i out0 = _mm256_or_si256(_mm256_cmpgt_epi16(lo, x0),
                                     _mm256_cmpgt_epi16(x0, hi));
      __m256i out1 = _mm256_or_si256(_mm256_cmpgt_epi16(lo, x1),
                                     _mm256_cmpgt_epi16(x1, hi));
      __m256i eq0 = _mm256_or_si256(_mm256_cmpeq_epi16(raw0, e1),
                                    _mm256_cmpeq_epi16(raw0, e2));
      __m256i eq1 = _mm256_or_si256(_mm256_cmpeq_epi16(raw1, e1),
                                    _mm256_cmpeq_epi16(raw1, e2));
      // packs interleaves 128-bit lanes; the permute puts rows back in order.
      uint64_t outside = static_cast<uint32_t>(_mm256_movemask_epi8(
          _mm256_permute4x64_epi64(_mm256_packs_epi16(out0, out1), 0xD8)));
      uint64_t edges = static_cast<uint32_t>(_mm256_movemask_epi8(
          _mm256_permute4x64_epi64(_mm256_packs_epi16(eq0, eq1), 0xD8)));
      in_bits |= (~outside & 0xFFFFFFFFu) << (j * 32);
      edge_bits |= edges << (j * 32);
    }
    in[w] = in_bits;
    edge[w] = edge_bits;
  }
}

using ScanFn = void (*)(const uint16_t*, size_t, const CodeRange&, uint64_t*,
                        uint64_t*);

ScanFn ChooseScan() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? ScanCodesAvx2 : ScanCodesSse2;
}

}  // namespace

void ScanCodes(const uint16_t* codes, size_t nwords, const CodeRange& range,
               uint64_t* in, uint64_t* edge) {
  static const ScanFn scan = ChooseScan();
  scan(codes, nwords, range, in, edge);
}

#else

void ScanCodes(const uint16_t* codes, size_t nwords, const CodeRange& range,
               uint64_t* in, uint64_t* edge) {
  ScanCodesScalar(codes, nwords, range, in, edge);
}

#endif

}  // namespace audience
