// Reading a ZIP's central directory, and checking that it describes the file the way
// extraction tools will read it: unzip, Python's zipfile, Windows Explorer and office
// suites all list a ZIP by its central directory, not by walking the local headers.
// A file whose local headers and central directory tell different stories is refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parix::evidence {

// One central directory record, with what its local header says where they must agree.
struct zip_directory_entry {
  std::string name;   // the stored bytes (CP437 or UTF-8, see utf8), as tools read them
  bool utf8 = false;  // general purpose bit 11
  std::uint16_t flags = 0;
  std::uint16_t method = 0;  // 0 stored, 8 deflated, …
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;          // expanded, as declared
  std::uint64_t local_offset = 0;  // of the local header
  std::uint64_t data_offset = 0;   // of the first byte of the (compressed) data
  std::uint32_t external_attributes = 0;
  bool encrypted() const noexcept { return (flags & 1) != 0; }
};

enum class zip_directory_problem {
  unreadable,            // I/O error
  no_central_directory,  // no end record, or it points outside the file
  damaged,               // a record's signature or lengths are wrong
  too_many_entries,      // more than the caller's limit
  name_mismatch,         // a local header (or a Unicode path field) names another file
  out_of_bounds,         // an entry's data runs past the central directory or the file
  overlapping_entries,   // two entries share bytes (a zip bomb's trick)
};
// "unreadable", "no_central_directory", … as written above. Pure.
std::string_view to_string(zip_directory_problem p) noexcept;

struct zip_directory_failure {
  zip_directory_problem problem;
  std::string entry;   // the entry's stored name, "" for the archive as a whole
  std::string detail;  // English
};

struct zip_directory {
  std::vector<zip_directory_entry> entries;  // in central directory order
  std::uint64_t file_size = 0;
  std::optional<zip_directory_failure> failure;
  explicit operator bool() const noexcept { return !failure.has_value(); }
};

// Random access to the bytes of a ZIP: reads exactly out.size() bytes at offset, or
// returns false (short file or I/O error). The parser never asks past size.
struct zip_bytes {
  std::uint64_t size = 0;
  std::function<bool(std::uint64_t offset, std::span<char> out)> read;
};

// Reads the end of central directory record (the last "PK\5\6" in the file's final
// 64 KiB + 22 bytes, as unzip and Python pick it; ZIP64 through its locator), then
// every central record, then each entry's local header, and checks, in this order:
// the central directory lies where the end record says, just before it, and holds
// the declared number of records (no_central_directory, damaged); at most max_entries
// records (too_many_entries, naming the first one past the limit); each local header
// is where its record says, and names the same bytes (name_mismatch), as does any
// Info-ZIP Unicode Path field (0x7075) in either; each entry's data ends before the
// central directory (out_of_bounds); no two entries share a byte, headers included
// (overlapping_entries, naming the later one). Only structure is checked here: names,
// data and CRCs are left to the caller. Memory: the central directory (at most 64 MiB,
// else damaged) and one local header at a time. Never throws for hostile content
// (std::bad_alloc aside). Thread-safe.
zip_directory read_zip_directory(const zip_bytes& bytes, std::uint64_t max_entries);
// The same over a file (pread). A file that cannot be opened or read is unreadable.
zip_directory read_zip_directory(const std::filesystem::path& file, std::uint64_t max_entries);

}  // namespace parix::evidence
