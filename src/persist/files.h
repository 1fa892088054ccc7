// The few POSIX file operations durability needs, as absl::Status.
#ifndef AUDIENCE_PERSIST_FILES_H_
#define AUDIENCE_PERSIST_FILES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace audience {

// An error for the failed `op` on `path` from errno.
absl::Status FileError(std::string_view op, const std::string& path);

absl::StatusOr<std::string> ReadFile(const std::string& path);

// A whole file mapped read-only and paged in up front: a snapshot is read
// once at open, where copying gigabytes out of the page cache would cost
// more than reading them in place. The bytes stay valid while the object
// lives (a snapshot replaced by rename keeps its old inode mapped).
class MappedFile {
 public:
  static absl::StatusOr<MappedFile> Open(const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }
  MappedFile& operator=(MappedFile&& other) noexcept;
  ~MappedFile();

  std::string_view bytes() const {
    return {static_cast<const char*>(data_), size_};
  }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};
// Writes `bytes` to `dir`/`name` atomically: a temporary file, fsync,
// rename over the old one, fsync of the directory.
absl::Status WriteFileAtomically(const std::string& dir,
                                 const std::string& name,
                                 std::string_view bytes);
absl::Status SyncDir(const std::string& dir);
// Creates the directory (not its parents) unless it exists.
absl::Status MakeDir(const std::string& dir);
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir);
absl::Status RemoveFile(const std::string& path);
// Writes all of `data` to `fd`, retrying partial writes.
absl::Status WriteAll(int fd, std::string_view data, const std::string& path);

// An exclusive advisory lock on `dir`/LOCK, held until the object dies.
class DirLock {
 public:
  static absl::StatusOr<DirLock> Acquire(const std::string& dir);
  DirLock(DirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirLock& operator=(DirLock&& other) = delete;
  ~DirLock();

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace audience

#endif  // AUDIENCE_PERSIST_FILES_H_
