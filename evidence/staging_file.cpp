// Aligned O_DIRECT appends with a buffered fallback.
#include "evidence/staging_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "storage/error.hpp"
#include "storage/file_error.hpp"

namespace parix::evidence {
namespace {

// O_DIRECT wants the buffer, the offset and the length aligned to the device's logical
// block; 4096 covers every device in use (512 and 4096).
constexpr std::size_t alignment = 4096;
constexpr std::size_t block_size = 1 << 20;

void* aligned_block() {
  void* p = nullptr;
  if (::posix_memalign(&p, alignment, block_size) != 0) throw std::bad_alloc{};
  return p;
}

}  // namespace

staging_file::staging_file(const std::filesystem::path& path, std::int64_t offset)
    : path_(path),
      block_(static_cast<char*>(aligned_block()), std::free),
      pending_at_(offset),
      end_(offset) {
  buffered_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (buffered_ < 0) storage::throw_file_error("cannot open upload", path, errno);
  direct_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT);  // may fail: tmpfs
  if (::ftruncate(buffered_, offset) != 0) {
    const int saved = errno;
    // The destructor does not run for an object whose constructor throws.
    if (direct_ >= 0) ::close(direct_);
    ::close(buffered_);
    errno = saved;
    storage::throw_file_error("cannot truncate", path, errno);
  }
}

staging_file::~staging_file() {
  if (direct_ >= 0) ::close(direct_);
  if (buffered_ >= 0) ::close(buffered_);
  direct_ = buffered_ = -1;
}

void staging_file::write_all(int fd, const char* data, std::size_t n, std::int64_t at) {
  std::size_t done = 0;
  while (done < n) {
    auto w = ::pwrite(fd, data + done, n - done, at + static_cast<std::int64_t>(done));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL && fd == direct_) {
      // The filesystem opened O_DIRECT but will not do it: buffered from now on.
      ::close(direct_);
      direct_ = -1;
      fd = buffered_;
      continue;
    }
    if (w <= 0) storage::throw_file_error("cannot write upload", path_, errno);
    done += static_cast<std::size_t>(w);
  }
}

void staging_file::append(std::span<const char> bytes) {
  while (!bytes.empty()) {
    if (direct_ < 0) {
      write_all(buffered_, bytes.data(), bytes.size(), end_);
      end_ += static_cast<std::int64_t>(bytes.size());
      pending_at_ = end_;
      return;
    }
    if (pending_ == 0 && end_ % alignment != 0) {
      // An unaligned start (a resumed upload): buffered up to the next block boundary.
      const auto k = std::min(bytes.size(), alignment - static_cast<std::size_t>(end_ % alignment));
      write_all(buffered_, bytes.data(), k, end_);
      end_ += static_cast<std::int64_t>(k);
      pending_at_ = end_;
      bytes = bytes.subspan(k);
      continue;
    }
    if (pending_ == 0 && bytes.size() >= alignment &&
        reinterpret_cast<std::uintptr_t>(bytes.data()) % alignment == 0) {
      // Aligned memory at an aligned offset (the server's pieces): straight to disk.
      const auto k = bytes.size() / alignment * alignment;
      write_all(direct_, bytes.data(), k, end_);
      end_ += static_cast<std::int64_t>(k);
      pending_at_ = end_;
      bytes = bytes.subspan(k);
      continue;
    }
    const auto k = std::min(bytes.size(), block_size - pending_);
    std::memcpy(block_.get() + pending_, bytes.data(), k);
    pending_ += k;
    end_ += static_cast<std::int64_t>(k);
    bytes = bytes.subspan(k);
    if (pending_ == block_size) {
      write_all(direct_, block_.get(), block_size, pending_at_);
      pending_at_ += static_cast<std::int64_t>(block_size);
      pending_ = 0;
    }
  }
}

void staging_file::flush() {
  if (pending_ == 0) return;
  const std::size_t aligned = direct_ >= 0 ? pending_ / alignment * alignment : 0;
  if (aligned) write_all(direct_, block_.get(), aligned, pending_at_);
  if (pending_ > aligned)
    write_all(buffered_, block_.get() + aligned, pending_ - aligned,
              pending_at_ + static_cast<std::int64_t>(aligned));
  pending_ = 0;
  pending_at_ = end_;
}

void staging_file::sync() {
  flush();
  if (::fdatasync(buffered_) != 0) storage::throw_file_error("cannot fsync upload", path_, errno);
}

void staging_file::truncate(std::int64_t size) {
  pending_ = 0;
  if (::ftruncate(buffered_, size) != 0) storage::throw_file_error("cannot truncate", path_, errno);
  end_ = pending_at_ = size;
}

}  // namespace parix::evidence
