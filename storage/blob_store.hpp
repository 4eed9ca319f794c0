// Content-addressed storage of evidence bytes (uploaded files and sealed archives),
// keyed by the SHA-256 of their content. The filesystem implementation is the
// default; an S3-compatible store can implement the same interface later.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace parix::storage {

// Reads one stored blob. Not thread-safe: one reader per user.
class blob_reader {
 public:
  virtual ~blob_reader() = default;
  virtual std::uint64_t size() const = 0;
  // Reads up to out.size() bytes at offset; returns how many were read (0 at the end).
  // Throws storage::error (failure::io) when the read fails.
  virtual std::size_t read(std::uint64_t offset, std::span<char> out) = 0;
  // Reads like read(), for one pass over a large blob that nobody reads again soon
  // (sealing): where the store can, the bytes come from the device straight into out,
  // past the page cache. Only the parts of out at a 4096-aligned address and offset can
  // go that way; the rest, and stores that cannot, are read as by read().
  virtual std::size_t read_once(std::uint64_t offset, std::span<char> out) {
    return read(offset, out);
  }
};

class blob_store {
 public:
  virtual ~blob_store() = default;

  // A fresh, empty local file in the store's staging area (same filesystem as the
  // blobs, so that put_file can rename). The caller fills and removes it, or hands it
  // to put_file. Thread-safe.
  virtual std::filesystem::path new_staging_file(std::string_view hint) = 0;
  // The folder of staging files, for a clean-up of files left by a crash.
  virtual std::filesystem::path staging_dir() const = 0;

  // Moves a complete local file into the store under sha256_hex (lower-case hex of
  // its content, computed by the caller). The file is fsynced, renamed into place and
  // its folder fsynced, so a crash never leaves a torn blob under a final name. When
  // the blob already exists the file is removed instead (deduplication). Returns the
  // blob's size. Throws storage::error (failure::full when the disk is full, else io). Thread-safe.
  virtual std::uint64_t put_file(const std::filesystem::path& file,
                                 std::string_view sha256_hex) = 0;

  virtual bool exists(std::string_view sha256_hex) const = 0;
  // Opens a blob for reading; nullptr when it is missing. Thread-safe.
  virtual std::unique_ptr<blob_reader> open(std::string_view sha256_hex) const = 0;
  // Calls each with the hash of every stored blob (for fsck). Thread-safe.
  virtual void for_each(const std::function<void(std::string_view sha256_hex)>& each) const = 0;
};

// Blobs under root/ab/cdef… (the first two hex digits as a folder), staging files
// under root/tmp/. Creates the folders. Throws storage::error when root is unusable.
std::unique_ptr<blob_store> open_filesystem_blob_store(const std::filesystem::path& root);

}  // namespace parix::storage
