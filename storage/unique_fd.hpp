// One POSIX file descriptor owned by one object, and the few calls every module that
// writes files durably makes on descriptors: open (retrying EINTR), fsync a folder.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <utility>

namespace parix::storage {

class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  ~unique_fd();
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  // Closes now and returns ::close's result, so that a failing close (NFS reports write
  // errors there) is seen; errno tells why.
  int close() noexcept;

 private:
  int fd_;
};

// ::open with O_CLOEXEC, retried on EINTR. Empty (false) on failure, errno set.
unique_fd open_retrying(const std::filesystem::path& path, int flags, mode_t mode = 0) noexcept;
// The same, throwing the storage::error of throw_file_error on failure.
unique_fd open_or_throw(const std::filesystem::path& path, int flags, mode_t mode = 0);
// Makes a folder's entries (a created or renamed file) durable. Throws on failure.
void fsync_dir(const std::filesystem::path& dir);

}  // namespace parix::storage
