#include "storage/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "storage/file_error.hpp"

namespace parix::storage {

unique_fd::~unique_fd() {
  if (fd_ >= 0) ::close(fd_);
}

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

int unique_fd::close() noexcept {
  const int r = ::close(fd_);
  fd_ = -1;
  return r;
}

unique_fd open_retrying(const std::filesystem::path& path, int flags, mode_t mode) noexcept {
  int fd;
  do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  return unique_fd{fd};
}

unique_fd open_or_throw(const std::filesystem::path& path, int flags, mode_t mode) {
  auto fd = open_retrying(path, flags, mode);
  if (!fd) throw_file_error("cannot open", path, errno);
  return fd;
}

void fsync_dir(const std::filesystem::path& dir) {
  auto fd = open_or_throw(dir, O_RDONLY | O_DIRECTORY);
  if (::fsync(fd.get()) != 0) throw_file_error("cannot fsync folder", dir, errno);
}

}  // namespace parix::storage
