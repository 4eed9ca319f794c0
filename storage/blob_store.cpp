// The filesystem blob store: content-addressed files under root/ab/cdef…, made durable
// with fsync and atomic renames, read back with pread.
#include "storage/blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <utility>

#include "storage/error.hpp"
#include "storage/file_error.hpp"
#include "storage/hex.hpp"
#include "storage/sha256.hpp"
#include "storage/unique_fd.hpp"

namespace parix::storage {
namespace {

constexpr std::size_t hash_length = 64;
constexpr std::size_t hint_max_length = 40;  // keeps staging names far below NAME_MAX

bool is_valid_hash(std::string_view h) {
  return h.size() == hash_length && is_lower_hex(h);
}

void require_valid_hash(std::string_view h) {
  if (!is_valid_hash(h))
    throw error(failure::other, "blob store: not a lower-case SHA-256 hex digest: '" +
                                    std::string(h.substr(0, 80)) + "'");
}

void fsync_or_throw(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) throw_file_error("cannot fsync", path, errno);
}

// Creates dir when missing; returns true when this call created it.
bool make_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return true;
  if (errno != EEXIST) throw_file_error("cannot create folder", dir, errno);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw_file_error("cannot stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) throw_file_error("not a folder:", dir, ENOTDIR);
  return false;
}

class fd_blob_reader final : public blob_reader {
 public:
  fd_blob_reader(unique_fd fd, std::uint64_t size, std::filesystem::path path)
      : fd_(std::move(fd)), size_(size), path_(std::move(path)) {}

  std::uint64_t size() const override { return size_; }

  std::size_t read(std::uint64_t offset, std::span<char> out) override {
    // Fills out as far as the file goes: pread may return short counts (signals, large
    // requests) and callers should not have to loop around that.
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_file_error("cannot read", path_, errno);
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  std::size_t read_once(std::uint64_t offset, std::span<char> out) override {
    // O_DIRECT: filling fresh page-cache pages cost more CPU than hashing the bytes on
    // the machines we measured (a cold 1 GiB read: 1.2–2.5 s of system time buffered,
    // 0.1 s direct), and a sealed payload is not read again soon. The kernel writes
    // back any dirty cached page of the range before such a read, so both reads see
    // the same bytes.
    constexpr std::uint64_t alignment = 4096;
    std::size_t done = 0;
    if (offset % alignment == 0 && reinterpret_cast<std::uintptr_t>(out.data()) % alignment == 0 &&
        offset < size_ && open_direct()) {
      const std::uint64_t whole = std::min<std::uint64_t>(out.size(), size_ - offset);
      const auto aligned = static_cast<std::size_t>(whole / alignment * alignment);
      while (done < aligned) {
        ssize_t n = ::pread(direct_.get(), out.data() + done, aligned - done,
                            static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EINVAL) {  // opened O_DIRECT but will not do it
          direct_ = unique_fd{};
          direct_refused_ = true;
          break;
        }
        if (n < 0) throw_file_error("cannot read", path_, errno);
        if (n == 0) return done;
        done += static_cast<std::size_t>(n);
        if (done % alignment != 0) break;  // the file ended early; the rest as read()
      }
    }
    return done + read(offset + done, out.subspan(done));
  }

 private:
  bool open_direct() {
    if (direct_ || direct_refused_) return !direct_refused_;
    direct_ = open_retrying(path_, O_RDONLY | O_DIRECT);
    direct_refused_ = !direct_;  // tmpfs and some others refuse O_DIRECT
    return !direct_refused_;
  }

  unique_fd fd_;
  std::uint64_t size_;
  std::filesystem::path path_;
  unique_fd direct_;
  bool direct_refused_ = false;
};

class filesystem_blob_store final : public blob_store {
 public:
  explicit filesystem_blob_store(std::filesystem::path root)
      : root_(std::move(root)), tmp_(root_ / "tmp") {
    bool created = false;
    std::error_code ec;
    if (!std::filesystem::exists(root_, ec)) {
      std::filesystem::create_directories(root_, ec);
      if (ec) throw error(failure::io, "cannot create " + root_.string() + ": " + ec.message());
      created = true;
    }
    if (!std::filesystem::is_directory(root_, ec))
      throw error(failure::io, "blob store root is not a folder: " + root_.string());
    if (::access(root_.c_str(), W_OK | X_OK) != 0)
      throw_file_error("cannot write to", root_, errno);
    created = make_dir(tmp_) || created;
    if (created) {
      fsync_dir(root_);
      if (root_.has_parent_path()) fsync_dir(root_.parent_path());
    }
  }

  std::filesystem::path new_staging_file(std::string_view hint) override {
    std::array<unsigned char, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
      throw error(failure::other, "RAND_bytes failed");
    std::string name = to_hex(random);
    // The hint only helps a person reading tmp/; anything but a plain character could
    // make the name a path or an option, so it is dropped.
    std::string clean;
    for (char c : hint) {
      if (clean.size() == hint_max_length) break;
      bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_';
      if (plain) clean.push_back(c);
    }
    if (!clean.empty()) name += "-" + clean;
    std::filesystem::path path = tmp_ / name;
    unique_fd fd = open_or_throw(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (::fchmod(fd.get(), 0600) != 0)
      throw_file_error("cannot chmod", path, errno);  // despite umask
    if (fd.close() != 0) throw_file_error("cannot close", path, errno);
    return path;
  }

  std::filesystem::path staging_dir() const override { return tmp_; }

  std::uint64_t put_file(const std::filesystem::path& file, std::string_view sha256_hex) override {
    require_valid_hash(sha256_hex);
    const std::filesystem::path dest = blob_path(sha256_hex);

    unique_fd fd = open_or_throw(file, O_RDONLY);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_file_error("cannot stat", file, errno);
    if (!S_ISREG(st.st_mode)) throw_file_error("not a regular file:", file, EINVAL);
    const auto size = static_cast<std::uint64_t>(st.st_size);

    if (exists_path(dest)) return drop_duplicate(file, dest);

    ensure_folder(from_hex(sha256_hex.substr(0, 2)).value().front());  // checked above
    // Read-only before it gets its final name, so that a blob is never writable there;
    // then one fsync makes both the content and the mode durable before the rename.
    if (::fchmod(fd.get(), 0444) != 0) throw_file_error("cannot chmod", file, errno);
    fsync_or_throw(fd.get(), file);
    if (fd.close() != 0) throw_file_error("cannot close", file, errno);

    // RENAME_NOREPLACE keeps a stored blob immutable even when two puts of the same
    // content race: the loser sees EEXIST and removes its copy.
    if (::renameat2(AT_FDCWD, file.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) return drop_duplicate(file, dest);
      if (errno != EINVAL && errno != ENOSYS)
        throw_file_error("cannot move " + file.string() + " to", dest, errno);
      // A filesystem without renameat2 flags: a plain rename replaces an identical blob.
      if (::rename(file.c_str(), dest.c_str()) != 0)
        throw_file_error("cannot move " + file.string() + " to", dest, errno);
    }
    fsync_dir(dest.parent_path());
    return size;
  }

  bool exists(std::string_view sha256_hex) const override {
    require_valid_hash(sha256_hex);
    return exists_path(blob_path(sha256_hex));
  }

  std::unique_ptr<blob_reader> open(std::string_view sha256_hex) const override {
    require_valid_hash(sha256_hex);
    std::filesystem::path path = blob_path(sha256_hex);
    auto fd = open_retrying(path, O_RDONLY);
    if (!fd) {
      if (errno == ENOENT) return nullptr;
      throw_file_error("cannot open", path, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_file_error("cannot stat", path, errno);
    return std::make_unique<fd_blob_reader>(std::move(fd), static_cast<std::uint64_t>(st.st_size),
                                            std::move(path));
  }

  void for_each(const std::function<void(std::string_view sha256_hex)>& each) const override {
    std::error_code ec;
    std::filesystem::directory_iterator top(root_, ec);
    if (ec) throw error(failure::io, "cannot list " + root_.string() + ": " + ec.message());
    for (; top != std::filesystem::directory_iterator(); top.increment(ec)) {
      if (ec) break;
      const std::string prefix = top->path().filename().string();
      // tmp/ and anything else that is not a two-digit folder is not ours to report.
      if (prefix.size() != 2 || !is_lower_hex(prefix) || !top->is_directory(ec)) continue;
      std::filesystem::directory_iterator inner(top->path(), ec);
      if (ec) throw error(failure::io, "cannot list " + top->path().string() + ": " + ec.message());
      for (; inner != std::filesystem::directory_iterator(); inner.increment(ec)) {
        if (ec) break;
        std::string hash = prefix + inner->path().filename().string();
        if (!is_valid_hash(hash) || !inner->is_regular_file(ec)) continue;
        each(hash);
      }
      if (ec) throw error(failure::io, "cannot list " + top->path().string() + ": " + ec.message());
    }
    if (ec) throw error(failure::io, "cannot list " + root_.string() + ": " + ec.message());
  }

 private:
  std::filesystem::path blob_path(std::string_view h) const {
    return root_ / std::string(h.substr(0, 2)) / std::string(h.substr(2));
  }

  static bool exists_path(const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    throw_file_error("cannot stat", p, errno);
  }

  static std::uint64_t drop_duplicate(const std::filesystem::path& file,
                                      const std::filesystem::path& dest) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT)
      throw_file_error("cannot remove", file, errno);
    struct stat st {};
    if (::stat(dest.c_str(), &st) != 0) throw_file_error("cannot stat", dest, errno);
    return static_cast<std::uint64_t>(st.st_size);
  }

  // Makes root/xx exist durably before the first rename into it. Done once per folder
  // and process under a lock: a folder that another thread has just made but not yet
  // fsynced into root could otherwise vanish in a crash with a blob we reported stored.
  void ensure_folder(int index) {
    if (folder_ready_[index].load(std::memory_order_acquire)) return;
    std::lock_guard lock(folder_mutex_);
    if (folder_ready_[index].load(std::memory_order_relaxed)) return;
    const unsigned char byte = static_cast<unsigned char>(index);
    const std::filesystem::path dir = root_ / to_hex(std::span{&byte, 1});
    make_dir(dir);
    fsync_dir(dir);
    fsync_dir(root_);
    folder_ready_[index].store(true, std::memory_order_release);
  }

  std::filesystem::path root_;
  std::filesystem::path tmp_;
  std::mutex folder_mutex_;
  std::array<std::atomic<bool>, 256> folder_ready_{};
};

}  // namespace

std::unique_ptr<blob_store> open_filesystem_blob_store(const std::filesystem::path& root) {
  return std::make_unique<filesystem_blob_store>(root);
}

}  // namespace parix::storage
