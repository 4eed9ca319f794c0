// ZIP inspection with libarchive: paths, links, encryption, sizes, ratios, nesting.
#include "evidence/formats/zip_inspect.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <memory>
#include <system_error>

#include "evidence/formats/zip_directory.hpp"

namespace parix::evidence {

namespace {

using archive_ptr = std::unique_ptr<archive, decltype(&archive_read_free)>;

constexpr std::size_t block_size = 64 * 1024;
// Enough of an entry's start for every signature looked for (tar's "ustar" is at 257).
constexpr std::size_t head_size = 512;
// Longest local-header name the nested scan keeps bytes for; longer names are skipped.
constexpr std::size_t max_scanned_name = 1024;

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::equal(suffix.begin(), suffix.end(),
                    s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
}

bool has_archive_name(std::string_view name) {
  constexpr std::array<std::string_view, 10> suffixes{".zip", ".rar", ".7z", ".tar", ".gz",
                                                      ".tgz", ".bz2", ".xz", ".zst", ".cab"};
  return std::any_of(suffixes.begin(), suffixes.end(),
                     [&](std::string_view s) { return iends_with(name, s); });
}

// Office formats are ZIP packages by design, not archives someone nested.
bool has_office_package_name(std::string_view name) {
  constexpr std::array<std::string_view, 10> suffixes{".docx", ".xlsx", ".pptx", ".docm", ".xlsm",
                                                      ".pptm", ".odt",  ".ods",  ".odp",  ".odg"};
  return std::any_of(suffixes.begin(), suffixes.end(),
                     [&](std::string_view s) { return iends_with(name, s); });
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.starts_with(prefix);
}

bool is_zip_signature(std::string_view head) {
  using namespace std::string_view_literals;
  return starts_with(head, "PK\x03\x04"sv) || starts_with(head, "PK\x05\x06"sv);
}

bool has_archive_signature(std::string_view head) {
  using namespace std::string_view_literals;
  if (is_zip_signature(head)) return true;
  constexpr std::array<std::string_view, 8> signatures{"Rar!\x1A\x07"sv,
                                                       "7z\xBC\xAF\x27\x1C"sv,
                                                       "\x1F\x8B"sv,
                                                       "BZh"sv,
                                                       "\xFD\x37\x7A\x58\x5A\x00"sv,
                                                       "\x28\xB5\x2F\xFD"sv,
                                                       "MSCF"sv,
                                                       "\x1F\x9D"sv};
  if (std::any_of(signatures.begin(), signatures.end(),
                  [&](std::string_view s) { return starts_with(head, s); }))
    return true;
  return head.size() >= 262 && head.substr(257, 5) == "ustar";
}

std::uint16_t le16(const char* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) |
                                    static_cast<unsigned char>(p[1]) << 8);
}

// Finds the names of a nested ZIP's local file headers in its bytes as they stream
// past (each header is "PK\3\4", 26 bytes, a 2-byte name length at offset 26, the name
// at 30), without decompressing anything. Memory is bounded by the longest name kept.
class local_header_scanner {
 public:
  // The first archive-named entry seen so far in data, or nullopt.
  std::optional<std::string> feed(std::string_view data) {
    pending_.append(data);
    std::size_t pos = 0;
    while (true) {
      std::size_t at = pending_.find(signature, pos);
      if (at == std::string::npos) {
        // Keep a possible partial signature at the end.
        std::size_t keep = std::min<std::size_t>(pending_.size(), signature.size() - 1);
        pending_.erase(0, pending_.size() - keep);
        return std::nullopt;
      }
      if (at + 30 > pending_.size()) {
        pending_.erase(0, at);
        return std::nullopt;
      }
      std::size_t name_len = le16(pending_.data() + at + 26);
      if (name_len <= max_scanned_name && at + 30 + name_len > pending_.size()) {
        pending_.erase(0, at);
        return std::nullopt;
      }
      if (name_len <= max_scanned_name) {
        std::string_view name(pending_.data() + at + 30, name_len);
        if (has_archive_name(name)) return std::string(name);
      }
      pos = at + signature.size();
    }
  }

 private:
  static constexpr std::string_view signature{"PK\x03\x04", 4};
  std::string pending_;
};

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}

bool is_drive_letter(std::string_view p) {
  return p.size() >= 2 && p[1] == ':' &&
         ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z'));
}

struct path_facts {
  bool traversal = false;
  std::uint64_t depth = 0;
};

path_facts examine_path(std::string_view p) {
  path_facts f;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/' || p[i] == '\\') {
      std::string_view part = p.substr(begin, i - begin);
      if (part == "..") f.traversal = true;
      if (!part.empty() && part != ".") ++f.depth;
      begin = i + 1;
    }
  }
  return f;
}

// Stored bytes as UTF-8, any invalid sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  while (!in.empty()) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
                                          static_cast<utf8proc_ssize_t>(in.size()), &c);
    if (n <= 0) {
      out.append("\xEF\xBF\xBD");
      in.remove_prefix(1);
    } else {
      out.append(in.substr(0, static_cast<std::size_t>(n)));
      in.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  return out;
}

// The entry's path as UTF-8: libarchive's conversion, else the stored bytes made valid,
// so that the listing is always valid JSON text.
std::string entry_path(archive_entry* e) {
  if (const char* utf8 = archive_entry_pathname_utf8(e)) return utf8;
  const char* raw = archive_entry_pathname(e);
  return raw ? valid_utf8(raw) : std::string{};
}

std::string error_text(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown libarchive error";
}

// Reads one entry's data, enforcing the size, ratio and nesting limits as it goes.
class entry_reader {
 public:
  // compressed: the entry's compressed size from the central directory (checked to lie
  // within the file and to share no byte with another entry, so it is a true bound).
  entry_reader(archive* a, const zip_limits& limits, zip_report& report, std::string_view name,
               std::uint64_t compressed, std::string& buffer)
      : a_(a),
        limits_(limits),
        report_(report),
        name_(name),
        compressed_(std::max<std::uint64_t>(compressed, 1)),
        buffer_(buffer) {}

  // The refusal, if any; report_.total_size and the entry's size are updated.
  std::optional<zip_refusal> read(std::uint64_t& entry_size) {
    nested_level_ = has_archive_name(name_) ? 1 : 0;
    if (auto r = check_nesting()) return r;
    while (true) {
      la_ssize_t n = archive_read_data(a_, buffer_.data(), buffer_.size());
      if (n == 0) break;
      if (n < 0) return refuse(zip_refusal_code::damaged, error_text(a_));
      auto got = static_cast<std::uint64_t>(n);
      entry_size += got;
      report_.total_size += got;
      if (auto r = check_sizes(entry_size)) return r;
      if (auto r = look_at(std::string_view(buffer_.data(), got))) return r;
    }
    if (!decided_) return decide();
    return std::nullopt;
  }

 private:
  zip_refusal refuse(zip_refusal_code code, std::string detail) const {
    return {code, std::string(name_), std::move(detail)};
  }

  std::optional<zip_refusal> check_sizes(std::uint64_t entry_size) const {
    if (report_.total_size > limits_.max_total_size)
      return refuse(
          zip_refusal_code::zip_bomb,
          "the archive expands past " + std::to_string(limits_.max_total_size) + " bytes");
    if (report_.total_size > limits_.ratio_floor &&
        report_.total_size > saturating_mul(limits_.max_ratio, report_.compressed_size))
      return refuse(zip_refusal_code::zip_bomb,
                    "the archive expands more than " + std::to_string(limits_.max_ratio) +
                        " times its size of " + std::to_string(report_.compressed_size) + " bytes");
    if (entry_size > limits_.ratio_floor &&
        entry_size > saturating_mul(limits_.max_ratio, compressed_))
      return refuse(zip_refusal_code::zip_bomb, "the entry expands more than " +
                                                    std::to_string(limits_.max_ratio) +
                                                    " times its compressed size");
    return std::nullopt;
  }

  std::optional<zip_refusal> check_nesting() const {
    if (nested_level_ > limits_.max_nested_archives_depth) {
      if (nested_level_ == 1)
        return refuse(zip_refusal_code::nested_archive, "the archive holds another archive");
      return refuse(zip_refusal_code::nested_archive,
                    "the archive holds an archive that holds another archive (" + inner_ + ")");
    }
    return std::nullopt;
  }

  // Called once the first head_size bytes (or the whole entry) have been seen.
  std::optional<zip_refusal> decide() {
    decided_ = true;
    if (has_office_package_name(name_)) return std::nullopt;
    if (has_archive_signature(head_)) nested_level_ = std::max<std::uint64_t>(nested_level_, 1);
    if (auto r = check_nesting()) return r;
    if (is_zip_signature(head_) && limits_.max_nested_archives_depth < 2) {
      scanning_ = true;
      return scan(head_);
    }
    return std::nullopt;
  }

  std::optional<zip_refusal> scan(std::string_view data) {
    if (auto inner = scanner_.feed(data)) {
      inner_ = std::move(*inner);
      nested_level_ = 2;
      scanning_ = false;
      return check_nesting();
    }
    return std::nullopt;
  }

  std::optional<zip_refusal> look_at(std::string_view block) {
    if (!decided_) {
      std::size_t take = std::min(block.size(), head_size - head_.size());
      head_.append(block.substr(0, take));
      if (head_.size() < head_size) return std::nullopt;
      if (auto r = decide()) return r;
      block.remove_prefix(take);
    }
    if (scanning_ && !block.empty()) return scan(block);
    return std::nullopt;
  }

  archive* a_;
  const zip_limits& limits_;
  zip_report& report_;
  std::string_view name_;
  std::uint64_t compressed_;
  std::string& buffer_;  // one block, shared by the entries of one inspection
  std::string head_;
  bool decided_ = false;
  bool scanning_ = false;
  std::uint64_t nested_level_ = 0;
  std::string inner_;
  local_header_scanner scanner_;
};

}  // namespace

std::string_view to_string(zip_refusal_code code) noexcept {
  switch (code) {
    case zip_refusal_code::unreadable:
      return "unreadable";
    case zip_refusal_code::damaged:
      return "damaged";
    case zip_refusal_code::path_traversal:
      return "path_traversal";
    case zip_refusal_code::absolute_path:
      return "absolute_path";
    case zip_refusal_code::link:
      return "link";
    case zip_refusal_code::special_file:
      return "special_file";
    case zip_refusal_code::encrypted:
      return "encrypted";
    case zip_refusal_code::too_many_entries:
      return "too_many_entries";
    case zip_refusal_code::too_deep:
      return "too_deep";
    case zip_refusal_code::zip_bomb:
      return "zip_bomb";
    case zip_refusal_code::nested_archive:
      return "nested_archive";
    case zip_refusal_code::name_mismatch:
      return "name_mismatch";
    case zip_refusal_code::overlapping_entries:
      return "overlapping_entries";
  }
  return "?";
}

namespace {

// The checks of an entry's name: absolute, traversal, depth.
std::optional<zip_refusal> check_path(const std::string& path, const zip_limits& limits) {
  if (path.empty()) return zip_refusal{zip_refusal_code::damaged, "", "an entry has no name"};
  if (path.front() == '/' || path.front() == '\\' || is_drive_letter(path))
    return zip_refusal{zip_refusal_code::absolute_path, path, "the entry's path is absolute"};
  path_facts facts = examine_path(path);
  if (facts.traversal)
    return zip_refusal{zip_refusal_code::path_traversal, path,
                       "the entry's path leaves the archive"};
  if (facts.depth > limits.max_depth)
    return zip_refusal{zip_refusal_code::too_deep, path,
                       "more than " + std::to_string(limits.max_depth) + " folders deep"};
  return std::nullopt;
}

zip_refusal_code refusal_for(zip_directory_problem p) {
  switch (p) {
    case zip_directory_problem::unreadable:
      return zip_refusal_code::unreadable;
    case zip_directory_problem::too_many_entries:
      return zip_refusal_code::too_many_entries;
    case zip_directory_problem::name_mismatch:
      return zip_refusal_code::name_mismatch;
    case zip_directory_problem::overlapping_entries:
      return zip_refusal_code::overlapping_entries;
    case zip_directory_problem::no_central_directory:
    case zip_directory_problem::damaged:
    case zip_directory_problem::out_of_bounds:
      return zip_refusal_code::damaged;
  }
  return zip_refusal_code::damaged;
}

}  // namespace

zip_report inspect_zip(const std::filesystem::path& file, const zip_limits& limits) {
  zip_report report;
  auto refuse = [&](zip_refusal_code code, std::string entry, std::string detail) {
    report.refusal = zip_refusal{code, std::move(entry), std::move(detail)};
    return report;
  };

  std::error_code ec;
  report.compressed_size = std::filesystem::file_size(file, ec);
  if (ec) return refuse(zip_refusal_code::unreadable, "", ec.message());

  // 1. The structure, as extraction tools read it: the central directory, each local
  // header agreeing with it, no entry outside the file or overlapping another.
  const zip_directory directory = read_zip_directory(file, limits.max_entries);
  if (!directory) {
    const auto& f = *directory.failure;
    return refuse(refusal_for(f.problem), valid_utf8(f.entry), f.detail);
  }
  // libarchive refuses to open a ZIP with no entries; there is nothing to read either.
  if (directory.entries.empty()) return report;
  // libarchive's seekable reader walks the same entries in the order of their offsets.
  std::vector<const zip_directory_entry*> by_offset;
  for (const auto& d : directory.entries) by_offset.push_back(&d);
  std::sort(by_offset.begin(), by_offset.end(),
            [](auto* a, auto* b) { return a->local_offset < b->local_offset; });

  // 2. The content, entry by entry, through libarchive's reader of the central directory.
  archive_ptr a(archive_read_new(), &archive_read_free);
  if (!a) return refuse(zip_refusal_code::unreadable, "", "libarchive could not start");
  archive_read_support_format_zip_seekable(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), block_size) != ARCHIVE_OK)
    return refuse(zip_refusal_code::damaged, "", error_text(a.get()));

  archive_entry* e = nullptr;
  std::size_t count = 0;
  std::string buffer(block_size, '\0');
  while (true) {
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    // ARCHIVE_WARN is a name that did not convert cleanly; the entry is still usable.
    if (r < ARCHIVE_WARN) return refuse(zip_refusal_code::damaged, "", error_text(a.get()));

    std::string path = entry_path(e);
    if (count >= by_offset.size())
      return refuse(zip_refusal_code::damaged, path,
                    "libarchive reads more entries than the central directory lists");
    const zip_directory_entry& listed = *by_offset[count++];
    if (auto refusal = check_path(path, limits)) {
      report.refusal = std::move(refusal);
      return report;
    }
    auto type = archive_entry_filetype(e);
    if (type == AE_IFLNK || archive_entry_hardlink(e) != nullptr)
      return refuse(zip_refusal_code::link, path, "the entry is a link");
    bool is_directory = type == AE_IFDIR;
    // A ZIP without Unix attributes reports regular files as AE_IFREG too.
    if (!is_directory && type != AE_IFREG)
      return refuse(zip_refusal_code::special_file, path, "the entry is a device, FIFO or socket");
    if (listed.encrypted() || archive_entry_is_encrypted(e) ||
        archive_read_has_encrypted_entries(a.get()) > 0)
      return refuse(zip_refusal_code::encrypted, path, "the entry is encrypted");
    // A declared size is never trusted to be small, only believed when it is large.
    if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
        static_cast<std::uint64_t>(archive_entry_size(e)) >
            limits.max_total_size - std::min(report.total_size, limits.max_total_size))
      return refuse(zip_refusal_code::zip_bomb, path,
                    "the entry declares " + std::to_string(archive_entry_size(e)) +
                        " bytes, past the limit of " + std::to_string(limits.max_total_size));

    report.entries.push_back({path, 0, is_directory});
    if (is_directory) continue;
    entry_reader reader(a.get(), limits, report, path, listed.compressed_size, buffer);
    std::uint64_t size = 0;
    auto refusal = reader.read(size);
    report.entries.back().size = size;
    if (refusal) {
      report.refusal = std::move(refusal);
      return report;
    }
  }
  if (count != by_offset.size())
    return refuse(zip_refusal_code::damaged, "",
                  "the central directory lists " + std::to_string(by_offset.size()) +
                      " entries, libarchive read " + std::to_string(count));
  return report;
}

}  // namespace parix::evidence
