#include "persist/snapshot_file.h"

#include "util/crc32c.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

constexpr std::string_view kMagic = "AUDSNAP1";
constexpr size_t kHeaderBytes = 8 + 4 + 8 + 4;
constexpr size_t kSectionHeaderBytes = 4 + 8 + 4;

}  // namespace

SnapshotWriter::SnapshotWriter(uint64_t generation) {
  out_.append(kMagic);
  Encoder e(&out_);
  e.Fixed32(kSnapshotVersion);
  e.Fixed64(generation);
  e.Fixed32(Crc32c(out_));
}

void SnapshotWriter::Section(uint32_t tag,
                             absl::FunctionRef<void(Encoder&)> fill) {
  Encoder e(&out_);
  e.Fixed32(tag);
  const size_t header = out_.size();
  e.Fixed64(0);
  e.Fixed32(0);
  const size_t start = out_.size();
  fill(e);
  const std::string_view payload(out_.data() + start, out_.size() - start);
  std::string fixed;
  Encoder f(&fixed);
  f.Fixed64(payload.size());
  f.Fixed32(Crc32c(payload));
  out_.replace(header, fixed.size(), fixed);
}

std::string SnapshotWriter::Finish() && {
  Section(kEndSection, [](Encoder&) {});
  return std::move(out_);
}

absl::StatusOr<SnapshotReader> SnapshotReader::Open(std::string file,
                                                    std::string_view bytes) {
  SnapshotReader r;
  r.file_ = std::move(file);
  auto damaged = [&](uint64_t offset, std::string_view what) {
    return absl::DataLossError(
        StrCat(r.file_, " at offset ", offset, ": ", what));
  };
  if (bytes.size() < kHeaderBytes || bytes.substr(0, 8) != kMagic) {
    return damaged(0, "not a snapshot (bad header)");
  }
  Decoder header(bytes.substr(8, kHeaderBytes - 8), 8);
  const uint32_t version = header.Fixed32();
  r.generation_ = header.Fixed64();
  if (header.Fixed32() != Crc32c(bytes.substr(0, kHeaderBytes - 4))) {
    return damaged(0, "header checksum mismatch");
  }
  if (version != kSnapshotVersion) {
    return damaged(8, StrCat("unsupported snapshot version ", version));
  }
  uint64_t pos = kHeaderBytes;
  while (true) {
    if (bytes.size() - pos < kSectionHeaderBytes) {
      return damaged(pos, "truncated (no end section)");
    }
    Decoder d(bytes.substr(pos, kSectionHeaderBytes), pos);
    const uint32_t tag = d.Fixed32();
    const uint64_t length = d.Fixed64();
    const uint32_t crc = d.Fixed32();
    const uint64_t start = pos + kSectionHeaderBytes;
    if (length > bytes.size() - start) {
      return damaged(pos, StrCat("section of ", length,
                                 " bytes runs past the end of the file"));
    }
    std::string_view payload = bytes.substr(start, length);
    if (Crc32c(payload) != crc) {
      return damaged(pos, StrCat("section ", tag, " checksum mismatch"));
    }
    pos = start + length;
    if (tag == kEndSection) break;
    r.sections_.push_back(Section{tag, start, payload});
  }
  if (pos != bytes.size()) return damaged(pos, "data after the end section");
  return r;
}

absl::StatusOr<Decoder> SnapshotReader::Next(uint32_t tag,
                                             std::string_view name) {
  if (next_ >= sections_.size() || sections_[next_].tag != tag) {
    return absl::DataLossError(
        StrCat(file_, ": section ", Quote(name), " missing"));
  }
  const Section& s = sections_[next_++];
  return Decoder(s.payload, s.offset);
}

}  // namespace audience
