// CRC-32C (Castagnoli), the checksum of snapshot sections and journal
// records. Debian's Abseil (20220623) predates absl/crc: this is the
// slicing-by-8 table version, and on x86-64 CPUs with SSE 4.2 (checked at
// run time) the crc32 instruction.
#ifndef AUDIENCE_UTIL_CRC32C_H_
#define AUDIENCE_UTIL_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace audience {

// Extends `crc` (0 to start) over `data`.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
// The table version alone, whatever the CPU (for tests).
uint32_t Crc32cPortable(std::string_view data, uint32_t crc = 0);

}  // namespace audience

#endif  // AUDIENCE_UTIL_CRC32C_H_
