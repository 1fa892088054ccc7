#include "persist_fuzz_util.h"

#include "fuzz_check.h"
#include "persist/codec.h"
#include "persist/journal.h"
#include "persist/snapshot_file.h"
#include "util/crc32c.h"

namespace audience::fuzz {

namespace {

void Put32(std::string& bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

void Put64(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

uint64_t Get(const std::string& bytes, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) {
    v |= uint64_t{static_cast<uint8_t>(bytes[at + i])} << (8 * i);
  }
  return v;
}

std::string SnapshotOf(const EngineCore& core, uint64_t generation) {
  SnapshotWriter writer(generation);
  core.EncodeSnapshot(writer);
  return std::move(writer).Finish();
}

}  // namespace

void FixSnapshotChecksums(std::string& bytes) {
  constexpr size_t kHeader = 24;
  if (bytes.size() < kHeader) return;
  Put32(bytes, 20, Crc32c(std::string_view(bytes).substr(0, 20)));
  size_t pos = kHeader;
  while (bytes.size() - pos >= 16) {
    const uint64_t length = Get(bytes, pos + 4, 8);
    if (length > bytes.size() - pos - 16) return;
    Put32(bytes, pos + 12,
          Crc32c(std::string_view(bytes).substr(pos + 16, length)));
    pos += 16 + length;
  }
}

void FixJournalChecksums(std::string& bytes, uint64_t generation) {
  if (bytes.size() < kJournalHeaderBytes) return;
  Put64(bytes, 8, generation);
  Put32(bytes, 16, Crc32c(std::string_view(bytes).substr(0, 16)));
  size_t pos = kJournalHeaderBytes;
  while (bytes.size() - pos >= kRecordHeaderBytes) {
    const uint64_t length = Get(bytes, pos, 4);
    Put32(bytes, pos + 4, Crc32c(std::string_view(bytes).substr(pos, 4)));
    if (length > bytes.size() - pos - kRecordHeaderBytes) return;
    Put32(bytes, pos + 8,
          Crc32c(std::string_view(bytes).substr(pos + kRecordHeaderBytes,
                                                length)));
    pos += kRecordHeaderBytes + length;
  }
}

void CheckLoadedState(const EngineCore& core, uint64_t generation) {
  for (const Segment& s : core.ListSegments()) {
    FUZZ_CHECK(core.Count(s.id).ok(), "Count failed on a loaded segment");
    (void)core.MembersOf(s.id, std::nullopt, 20);
    (void)core.Stats(s.id);
    (void)core.SegmentLeads(s.id, std::nullopt, 5);
    const Timestamp now = core.Now();
    if (now > INT64_MIN / 2) {
      (void)core.LeadsOverTime(s.id, now - 86400 * 3, now, BucketWidth::kHour);
    }
  }
  for (const Campaign& c : core.ListCampaigns()) {
    (void)core.CampaignAudienceCount(c.id);
  }
  (void)core.Memory();
  const std::string first = SnapshotOf(core, generation);
  absl::StatusOr<SnapshotReader> reader = SnapshotReader::Open("again", first);
  FUZZ_CHECK(reader.ok(),
             "a saved snapshot does not open: " + reader.status().ToString());
  EngineCore again{EngineOptions{}};
  absl::Status loaded = again.DecodeSnapshot(*reader);
  FUZZ_CHECK(loaded.ok(),
             "a saved snapshot does not load: " + loaded.ToString());
  FUZZ_CHECK(SnapshotOf(again, generation) == first,
             "a loaded snapshot re-encodes differently");
}

}  // namespace audience::fuzz
