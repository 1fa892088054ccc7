// CRC-32C (Castagnoli), the checksum of snapshot sections and journal
// records. Debian's Abseil (20220623) predates absl/crc, and the table
// version is fast enough for files that are read once at open.
#ifndef AUDIENCE_UTIL_CRC32C_H_
#define AUDIENCE_UTIL_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace audience {

// Extends `crc` (0 to start) over `data`.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace audience

#endif  // AUDIENCE_UTIL_CRC32C_H_
