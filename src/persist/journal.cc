#include "persist/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "persist/codec.h"
#include "persist/files.h"
#include "util/crc32c.h"
#include "util/str_cat.h"

namespace audience {

namespace {

constexpr std::string_view kMagic = "AUDJRNL1";

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

JournalWriter::JournalWriter(std::string path, int fd, SyncPolicy sync,
                             int64_t interval_ms)
    : path_(std::move(path)),
      fd_(fd),
      sync_(sync),
      interval_ms_(std::max<int64_t>(interval_ms, 1)) {
  if (sync_ == SyncPolicy::kInterval) {
    flusher_ = std::thread([this] { FlushLoop(); });
  }
}

absl::StatusOr<std::unique_ptr<JournalWriter>> JournalWriter::Create(
    const std::string& path, uint64_t generation, SyncPolicy sync,
    int64_t interval_ms) {
  const int fd = ::open(
      path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("create", path);
  std::string header(kMagic);
  Encoder e(&header);
  e.Fixed64(generation);
  e.Fixed32(Crc32c(header));
  absl::Status status = WriteAll(fd, header, path);
  if (status.ok() && ::fdatasync(fd) != 0) status = FileError("fsync", path);
  if (status.ok()) status = SyncDir(DirOf(path));
  if (!status.ok()) {
    ::close(fd);
    return status;
  }
  return std::unique_ptr<JournalWriter>(
      new JournalWriter(path, fd, sync, interval_ms));
}

absl::StatusOr<std::unique_ptr<JournalWriter>> JournalWriter::Continue(
    const std::string& path, uint64_t valid_bytes, SyncPolicy sync,
    int64_t interval_ms) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return FileError("open", path);
  if (::ftruncate(fd, static_cast<off_t>(valid_bytes)) != 0 ||
      ::fdatasync(fd) != 0) {
    absl::Status error = FileError("truncate", path);
    ::close(fd);
    return error;
  }
  return std::unique_ptr<JournalWriter>(
      new JournalWriter(path, fd, sync, interval_ms));
}

JournalWriter::~JournalWriter() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (flusher_.joinable()) flusher_.join();
  Sync().IgnoreError();  // a clean close leaves nothing unsynced
  ::close(fd_);
}

absl::Status JournalWriter::Append(std::string_view payload) {
  if (payload.size() > kMaxRecordBytes) {
    return absl::ResourceExhaustedError(
        StrCat("a journal record is limited to ", kMaxRecordBytes, " bytes"));
  }
  {
    absl::MutexLock lock(&mu_);
    if (!error_.ok()) return error_;
  }
  // One write per record: a process that dies after it returns has handed
  // the whole record to the kernel.
  frame_.clear();
  Encoder e(&frame_);
  e.Fixed32(static_cast<uint32_t>(payload.size()));
  e.Fixed32(Crc32c(frame_));
  e.Fixed32(Crc32c(payload));
  frame_.append(payload);
  absl::Status status = WriteAll(fd_, frame_, path_);
  absl::MutexLock lock(&mu_);
  if (!status.ok()) {
    error_ = status;
    return status;
  }
  dirty_ = true;
  return absl::OkStatus();
}

absl::Status JournalWriter::Sync() {
  absl::MutexLock lock(&mu_);
  if (!error_.ok() || !dirty_) return error_;
  dirty_ = false;
  if (::fdatasync(fd_) != 0) error_ = FileError("fsync", path_);
  return error_;
}

void JournalWriter::FlushLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_),
                           absl::Milliseconds(interval_ms_));
      if (stop_) return;
    }
    Sync().IgnoreError();  // sticks in error_ for the next Append
  }
}

absl::StatusOr<JournalScan> ScanJournal(const std::string& file,
                                        std::string_view bytes, bool last) {
  JournalScan scan;
  auto damaged = [&](uint64_t offset, std::string_view what) {
    return absl::DataLossError(StrCat(file, " at offset ", offset, ": ", what));
  };
  auto torn = [&](uint64_t offset) {
    scan.valid_bytes = offset;
    scan.torn_tail =
        StrCat(file, ": ", bytes.size() - offset, " bytes at offset ", offset);
    return scan;
  };
  if (bytes.size() < kJournalHeaderBytes) {
    // A crash between creating the file and writing its header.
    if (last && kMagic.substr(0, std::min(bytes.size(), kMagic.size())) ==
                    bytes.substr(0, std::min(bytes.size(), kMagic.size()))) {
      return torn(0);
    }
    return damaged(0, "truncated header");
  }
  Decoder header(bytes.substr(8, kJournalHeaderBytes - 8), 8);
  scan.generation = header.Fixed64();
  if (bytes.substr(0, 8) != kMagic ||
      header.Fixed32() != Crc32c(bytes.substr(0, kJournalHeaderBytes - 4))) {
    return damaged(0, "not a journal (bad header)");
  }
  uint64_t pos = kJournalHeaderBytes;
  while (pos < bytes.size()) {
    const uint64_t left = bytes.size() - pos;
    // Zeros to the end: the kernel extended the file but the data of an
    // interrupted write never landed.
    const bool zeros =
        bytes.substr(pos).find_first_not_of('\0') == std::string_view::npos;
    if (left < kRecordHeaderBytes) {
      if (last) return torn(pos);
      return damaged(pos, "truncated record header");
    }
    Decoder d(bytes.substr(pos, kRecordHeaderBytes), pos);
    const uint32_t length = d.Fixed32();
    const uint32_t length_crc = d.Fixed32();
    const uint32_t crc = d.Fixed32();
    if (length_crc != Crc32c(bytes.substr(pos, 4))) {
      if (last && zeros) return torn(pos);
      return damaged(pos, "record length checksum mismatch");
    }
    if (length > left - kRecordHeaderBytes) {
      // A whole, checked length that runs past the end: the write of this
      // record was cut short.
      if (last) return torn(pos);
      return damaged(pos, StrCat("record of ", length,
                                 " bytes runs past the end of the file"));
    }
    std::string_view payload = bytes.substr(pos + kRecordHeaderBytes, length);
    const uint64_t end = pos + kRecordHeaderBytes + length;
    if (length == 0 || Crc32c(payload) != crc) {
      if (last && (end == bytes.size() || zeros)) return torn(pos);
      return damaged(pos, "record checksum mismatch");
    }
    scan.records.push_back(JournalRecord{pos, payload});
    pos = end;
  }
  scan.valid_bytes = pos;
  return scan;
}

}  // namespace audience
