// The snapshot file: a header, then sections that each carry their own
// length and CRC-32C, so damage is found before anything is restored and
// reported with the section and offset it hit.
//
//   header:  "AUDSNAP1" | version fixed32 | generation fixed64 | crc fixed32
//   section: tag fixed32 | length fixed64 | crc fixed32 | payload
//   ...      the last section has tag kEndSection and no payload
#ifndef AUDIENCE_PERSIST_SNAPSHOT_FILE_H_
#define AUDIENCE_PERSIST_SNAPSHOT_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "persist/codec.h"

namespace audience {

inline constexpr uint32_t kSnapshotVersion = 2;
inline constexpr uint32_t kEndSection = 0xFFFFFFFF;

class SnapshotWriter {
 public:
  explicit SnapshotWriter(uint64_t generation);

  // Appends a section whose payload `fill` writes.
  void Section(uint32_t tag, absl::FunctionRef<void(Encoder&)> fill);
  // The whole file.
  std::string Finish() &&;

 private:
  std::string out_;
};

class SnapshotReader {
 public:
  // Checks the header and every section's checksum. DATA_LOSS names `file`
  // and the offset.
  static absl::StatusOr<SnapshotReader> Open(std::string file,
                                             std::string_view bytes);

  uint64_t generation() const { return generation_; }
  const std::string& file() const { return file_; }

  // A decoder over the next section, which must carry `tag` (`name` is for
  // errors).
  absl::StatusOr<Decoder> Next(uint32_t tag, std::string_view name);

 private:
  struct Section {
    uint32_t tag;
    uint64_t offset;  // of the payload
    std::string_view payload;
  };

  std::string file_;
  uint64_t generation_ = 0;
  std::vector<Section> sections_;
  size_t next_ = 0;
};

}  // namespace audience

#endif  // AUDIENCE_PERSIST_SNAPSHOT_FILE_H_
