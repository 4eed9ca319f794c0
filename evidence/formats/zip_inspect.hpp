// Inspecting an uploaded ZIP before it is accepted: its central directory checked against
// its local headers, every entry read through (nothing written to disk), dangerous
// archives refused with a reason, the listing kept.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parix::evidence {

// What inspect_zip tolerates. The defaults suit evidence uploads; tests lower them.
struct zip_limits {
  std::uint64_t max_entries = 10'000;
  // Path components of an entry ("a/b/c.pdf" is 3).
  std::uint64_t max_depth = 16;
  // Expanded bytes of all entries together, counted as they are read.
  std::uint64_t max_total_size = std::uint64_t{2} << 30;
  // Expanded ÷ compressed, for the whole file (expanded total ÷ the file's size) and
  // for each entry (its expanded bytes ÷ the compressed bytes read for it so far).
  std::uint64_t max_ratio = 100;
  // Ratios are judged only past this many expanded bytes (of the whole, or of the
  // entry): a few kilobytes of blank text compress 1000:1 and harm no one.
  std::uint64_t ratio_floor = std::uint64_t{1} << 20;
  // How deep archives may nest inside the ZIP (see inspect_zip): 0 refuses any archive
  // inside it, 1 (the default) allows a ZIP of ZIPs but not a ZIP of ZIPs of archives.
  std::uint64_t max_nested_archives_depth = 1;
};

enum class zip_refusal_code {
  unreadable,           // the file could not be opened or sized (I/O, not the user's fault)
  damaged,              // not a ZIP, no readable central directory, an entry outside the
                        // file, or an entry's data is corrupt
  path_traversal,       // a ".." path component
  absolute_path,        // "/…", "\…" or a drive letter ("C:…")
  link,                 // a symbolic or hard link entry
  special_file,         // a device, FIFO or socket entry
  encrypted,            // an encrypted entry (we could not look inside it)
  too_many_entries,     // more than max_entries
  too_deep,             // more than max_depth path components
  zip_bomb,             // expands past max_total_size or max_ratio
  nested_archive,       // archives nested deeper than max_nested_archives_depth
  name_mismatch,        // a local header names another file than the central directory
  overlapping_entries,  // two entries share bytes (one body listed many times: a bomb)
};
// The code as written above ("path_traversal", …). Pure.
std::string_view to_string(zip_refusal_code code) noexcept;

struct zip_refusal {
  zip_refusal_code code;
  std::string entry;   // the offending entry's path ("" when the archive as a whole)
  std::string detail;  // English, for logs and the problem's detail
};

struct zip_entry_info {
  // UTF-8: libarchive's conversion of the stored name; bytes of a legacy name that
  // cannot be converted become U+FFFD.
  std::string path;
  std::uint64_t size = 0;  // expanded bytes actually read, not the declared size
  bool is_directory = false;
};

struct zip_report {
  // Every entry in archive order; after a refusal, the entries read before it.
  std::vector<zip_entry_info> entries;
  std::uint64_t compressed_size = 0;  // the file's size
  std::uint64_t total_size = 0;       // expanded bytes read
  std::optional<zip_refusal> refusal;
  explicit operator bool() const noexcept { return !refusal.has_value(); }
};

// Reads the whole ZIP the way extraction tools (unzip, Python's zipfile, Explorer, office
// suites) will: by its central directory. First its structure (read_zip_directory): a
// missing or unreadable central directory, an entry outside the file (damaged), a
// local header naming another file than its central record (name_mismatch), entries
// sharing bytes (overlapping_entries), more than max_entries (too_many_entries). Then
// every entry (whose name is now known to be the central directory's) and its data through
// libarchive's seekable reader (which follows the central directory), in 64 KiB blocks
// into memory that is thrown away, refusing at the first problem and naming the entry;
// reading stops at once, so a bomb is never expanded past the limit. Checks, per entry
// in this order: a name (damaged without one), absolute_path, path_traversal,
// too_deep, link, special_file, encrypted, a declared size that would pass
// max_total_size (zip_bomb, before reading), then while reading its data zip_bomb (the
// entry's ratio is its expanded bytes ÷ its compressed size in the central directory),
// nested_archive and damaged (libarchive's error, CRC mismatches included).
// A file that is not a ZIP at all is damaged.
// Nested archives: an entry is an archive (level 1) when its name ends in .zip, .rar,
// .7z, .tar, .gz, .tgz, .bz2, .xz, .zst or .cab, or its first bytes carry one of their
// signatures — except entries named as OOXML/OpenDocument files (docx, xlsx, odt, …),
// which are ZIPs by design. When a level-1 entry is itself a ZIP, the local file
// headers inside its bytes are looked at as they stream past (nothing is expanded):
// one naming an archive makes level 2. Deeper levels are not looked for, since
// max_nested_archives_depth ≥ 2 already allows them.
// Never throws for hostile content (std::bad_alloc aside); thread-safe (each call owns
// its libarchive reader).
zip_report inspect_zip(const std::filesystem::path& file, const zip_limits& limits = {});

}  // namespace parix::evidence
