// Appending an upload's bytes to its staging file. Whole aligned blocks go through
// O_DIRECT: on the machines we measured, copying into the page cache was the largest
// single cost of receiving a file (docs/benchmarks.md), and the blocks go to disk at
// the device's speed instead. Bytes in 4096-aligned memory at an aligned offset go
// straight from the caller's memory; others are gathered in an aligned block first.
// Unaligned heads and tails, and filesystems without O_DIRECT (tmpfs), use ordinary
// buffered writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace parix::evidence {

class staging_file {
 public:
  // Opens path (which must exist) for appending at offset; bytes past offset are cut
  // off (they were never acknowledged). Throws storage::error (failure::full or io).
  staging_file(const std::filesystem::path& path, std::int64_t offset);
  ~staging_file();
  staging_file(const staging_file&) = delete;
  staging_file& operator=(const staging_file&) = delete;

  // Appends bytes (some may wait in an aligned buffer until sync). Throws storage::error.
  void append(std::span<const char> bytes);
  // Writes what waits and fdatasyncs: afterwards every appended byte is on disk.
  void sync();
  // Cuts the file back to size, dropping what waits. Throws storage::error.
  void truncate(std::int64_t size);
  std::int64_t end() const noexcept { return end_; }

 private:
  void write_all(int fd, const char* data, std::size_t n, std::int64_t at);
  void flush();

  std::filesystem::path path_;
  int buffered_ = -1;
  int direct_ = -1;  // -1 when the filesystem refuses O_DIRECT
  std::unique_ptr<char, void (*)(void*)> block_;
  std::size_t pending_ = 0;  // bytes waiting in block_
  std::int64_t pending_at_;  // file offset of block_[0]
  std::int64_t end_;         // offset after the last appended byte
};

}  // namespace parix::evidence
