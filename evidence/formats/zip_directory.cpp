// The central directory of a ZIP (APPNOTE 6.3.10 §4.3), checked against its local headers.
#include "evidence/formats/zip_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "storage/unique_fd.hpp"

namespace parix::evidence {
namespace {

constexpr std::uint32_t local_signature = 0x04034b50;
constexpr std::uint32_t central_signature = 0x02014b50;
constexpr std::uint32_t end_signature = 0x06054b50;
constexpr std::uint32_t zip64_end_signature = 0x06064b50;
constexpr std::uint32_t zip64_locator_signature = 0x07064b50;
constexpr std::size_t end_size = 22;
constexpr std::size_t zip64_locator_size = 20;
constexpr std::size_t zip64_end_size = 56;
constexpr std::size_t central_size = 46;
constexpr std::size_t local_size = 30;
constexpr std::size_t max_comment = 0xFFFF;
constexpr std::uint64_t max_central_directory = std::uint64_t{64} << 20;
constexpr std::uint16_t zip64_extra = 0x0001;
constexpr std::uint16_t unicode_path_extra = 0x7075;

std::uint16_t le16(const char* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) |
                                    static_cast<unsigned char>(p[1]) << 8);
}
std::uint32_t le32(const char* p) {
  return static_cast<std::uint32_t>(le16(p)) | static_cast<std::uint32_t>(le16(p + 2)) << 16;
}
std::uint64_t le64(const char* p) {
  return static_cast<std::uint64_t>(le32(p)) | static_cast<std::uint64_t>(le32(p + 4)) << 32;
}

// a + b, or nullopt past 2^64.
std::optional<std::uint64_t> add(std::uint64_t a, std::uint64_t b) {
  if (a > UINT64_MAX - b) return std::nullopt;
  return a + b;
}

struct failure_builder {
  zip_directory& out;
  zip_directory& operator()(zip_directory_problem p, std::string entry, std::string detail) {
    out.failure = zip_directory_failure{p, std::move(entry), std::move(detail)};
    return out;
  }
};

// Walks the extra fields of one header. each(id, data) returns false to stop.
// False when the fields do not tile the area exactly.
template <class Each>
bool for_each_extra(std::string_view extra, Each each) {
  while (!extra.empty()) {
    if (extra.size() < 4) return false;
    const std::uint16_t id = le16(extra.data());
    const std::size_t len = le16(extra.data() + 2);
    if (extra.size() - 4 < len) return false;
    each(id, extra.substr(4, len));
    extra.remove_prefix(4 + len);
  }
  return true;
}

// The name in an Info-ZIP Unicode Path field (version 1, CRC of the header's name,
// then the UTF-8 name), or nullopt when the field is absent or not version 1.
std::optional<std::string> unicode_path(std::string_view extra) {
  std::optional<std::string> found;
  for_each_extra(extra, [&](std::uint16_t id, std::string_view data) {
    if (id == unicode_path_extra && data.size() >= 5 && data[0] == 1)
      found = std::string{data.substr(5)};
  });
  return found;
}

// Central values 0xFFFF…, replaced by the ZIP64 extra field's, in the order of §4.5.3.
bool apply_zip64(std::string_view extra, zip_directory_entry& e, bool size64, bool csize64,
                 bool offset64) {
  if (!size64 && !csize64 && !offset64) return true;
  bool ok = false;
  for_each_extra(extra, [&](std::uint16_t id, std::string_view data) {
    if (id != zip64_extra || ok) return;
    std::size_t at = 0;
    auto take = [&](std::uint64_t& v) {
      if (data.size() - at < 8) return false;
      v = le64(data.data() + at);
      at += 8;
      return true;
    };
    ok = (!size64 || take(e.size)) && (!csize64 || take(e.compressed_size)) &&
         (!offset64 || take(e.local_offset));
  });
  return ok;
}

std::string printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 200)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  return out;
}

}  // namespace

std::string_view to_string(zip_directory_problem p) noexcept {
  switch (p) {
    case zip_directory_problem::unreadable:
      return "unreadable";
    case zip_directory_problem::no_central_directory:
      return "no_central_directory";
    case zip_directory_problem::damaged:
      return "damaged";
    case zip_directory_problem::too_many_entries:
      return "too_many_entries";
    case zip_directory_problem::name_mismatch:
      return "name_mismatch";
    case zip_directory_problem::out_of_bounds:
      return "out_of_bounds";
    case zip_directory_problem::overlapping_entries:
      return "overlapping_entries";
  }
  return "?";
}

zip_directory read_zip_directory(const zip_bytes& bytes, std::uint64_t max_entries) {
  using enum zip_directory_problem;
  zip_directory out;
  out.file_size = bytes.size;
  failure_builder fail{out};
  const std::uint64_t size = bytes.size;
  auto read = [&](std::uint64_t at, std::size_t n, std::string& into) {
    into.resize(n);
    return n == 0 || bytes.read(at, {into.data(), n});
  };

  // 1. The end record: the last signature in the tail, as unzip and zipfile choose it.
  if (size < end_size)
    return fail(no_central_directory, "", "the file is too short to end a ZIP archive");
  const std::uint64_t tail_size = std::min<std::uint64_t>(size, end_size + max_comment);
  std::string tail;
  if (!read(size - tail_size, static_cast<std::size_t>(tail_size), tail))
    return fail(unreadable, "", "the end of the file could not be read");
  std::optional<std::uint64_t> end_at;
  for (std::size_t i = tail.size() - end_size + 1; i-- > 0;)
    if (le32(tail.data() + i) == end_signature) {
      end_at = size - tail_size + i;
      break;
    }
  if (!end_at)
    return fail(no_central_directory, "",
                "no end of central directory record: the file is cut short or not a ZIP");
  const char* end = tail.data() + (*end_at - (size - tail_size));
  if (le16(end + 4) != 0 || le16(end + 6) != 0)
    return fail(damaged, "", "a ZIP split over several disks");
  std::uint64_t count = le16(end + 10);
  std::uint64_t cd_size = le32(end + 12);
  std::uint64_t cd_offset = le32(end + 16);
  std::uint64_t cd_end = *end_at;  // where the central directory must end

  // 1b. ZIP64: the locator sits just before the end record and points at the real one.
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF ||
      le16(end + 8) == 0xFFFF) {
    std::string locator, record;
    if (*end_at < zip64_locator_size ||
        !read(*end_at - zip64_locator_size, zip64_locator_size, locator) ||
        le32(locator.data()) != zip64_locator_signature)
      return fail(no_central_directory, "", "a ZIP64 end record is announced but missing");
    const std::uint64_t record_at = le64(locator.data() + 8);
    if (record_at > *end_at - zip64_locator_size ||
        *end_at - zip64_locator_size - record_at < zip64_end_size ||
        !read(record_at, zip64_end_size, record) || le32(record.data()) != zip64_end_signature)
      return fail(no_central_directory, "", "the ZIP64 end record is not where its locator says");
    if (le32(record.data() + 16) != 0 || le32(record.data() + 20) != 0)
      return fail(damaged, "", "a ZIP split over several disks");
    count = le64(record.data() + 32);
    cd_size = le64(record.data() + 40);
    cd_offset = le64(record.data() + 48);
    cd_end = record_at;
  }
  // The directory must end where the end records begin: tools that find a gap assume
  // bytes were prepended and shift every offset (zipfile does), and would then read
  // other entries than we do.
  const auto cd_stop = add(cd_offset, cd_size);
  if (!cd_stop || *cd_stop != cd_end)
    return fail(no_central_directory, "",
                "the central directory is not where the end record says (offset " +
                    std::to_string(cd_offset) + ", " + std::to_string(cd_size) + " bytes)");
  if (cd_size > max_central_directory)
    return fail(damaged, "", "the central directory is larger than 64 MiB");
  if (count > cd_size / central_size)
    return fail(damaged, "",
                "the end record declares " + std::to_string(count) +
                    " entries, more than the central directory can hold");

  // 2. The central records.
  std::string cd;
  if (!read(cd_offset, static_cast<std::size_t>(cd_size), cd))
    return fail(unreadable, "", "the central directory could not be read");
  std::size_t at = 0;
  std::vector<std::optional<std::string>> central_unicode;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (cd.size() - at < central_size || le32(cd.data() + at) != central_signature)
      return fail(damaged, "", "central directory record " + std::to_string(i + 1) + " is damaged");
    const char* h = cd.data() + at;
    const std::size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
    if (cd.size() - at - central_size < name_len + extra_len + comment_len)
      return fail(damaged, "",
                  "central directory record " + std::to_string(i + 1) + " is cut short");
    zip_directory_entry e;
    e.name.assign(h + central_size, name_len);
    if (i >= max_entries)
      return fail(too_many_entries, e.name,
                  "more than " + std::to_string(max_entries) + " entries");
    e.flags = le16(h + 8);
    e.utf8 = (e.flags & 0x0800) != 0;
    e.method = le16(h + 10);
    e.crc32 = le32(h + 16);
    e.compressed_size = le32(h + 20);
    e.size = le32(h + 24);
    e.external_attributes = le32(h + 38);
    e.local_offset = le32(h + 42);
    const std::string_view extra(h + central_size + name_len, extra_len);
    if (le16(h + 34) != 0 && le16(h + 34) != 0xFFFF)
      return fail(damaged, e.name, "the entry is on another disk");
    if (!apply_zip64(extra, e, e.size == 0xFFFFFFFF, e.compressed_size == 0xFFFFFFFF,
                     e.local_offset == 0xFFFFFFFF))
      return fail(damaged, e.name, "the entry's ZIP64 sizes are missing");
    central_unicode.push_back(unicode_path(extra));
    out.entries.push_back(std::move(e));
    at += central_size + name_len + extra_len + comment_len;
  }
  if (at != cd.size())
    return fail(damaged, "",
                "the central directory holds more than the " + std::to_string(count) +
                    " records its end record declares");

  // 3. Each local header against its central record.
  std::string local, local_var;
  for (std::size_t i = 0; i < out.entries.size(); ++i) {
    zip_directory_entry& e = out.entries[i];
    if (central_unicode[i] && *central_unicode[i] != e.name)
      return fail(name_mismatch, e.name,
                  "its Unicode path field names \"" + printable(*central_unicode[i]) + "\"");
    const auto header_end = add(e.local_offset, local_size);
    if (!header_end || *header_end > cd_offset)
      return fail(out_of_bounds, e.name, "its local header lies outside the file's entries");
    if (!read(e.local_offset, local_size, local))
      return fail(unreadable, e.name, "its local header could not be read");
    if (le32(local.data()) != local_signature)
      return fail(damaged, e.name, "no local header where the central directory says");
    const std::size_t name_len = le16(local.data() + 26), extra_len = le16(local.data() + 28);
    if (*header_end + name_len + extra_len > cd_offset)
      return fail(out_of_bounds, e.name, "its local header runs into the central directory");
    if (!read(*header_end, name_len + extra_len, local_var))
      return fail(unreadable, e.name, "its local header could not be read");
    const std::string_view local_name(local_var.data(), name_len);
    if (local_name != e.name)
      return fail(name_mismatch, e.name,
                  "the local header names \"" + printable(local_name) +
                      "\": extraction tools use the central directory's name");
    if (auto u = unicode_path(std::string_view(local_var).substr(name_len)); u && *u != e.name)
      return fail(name_mismatch, e.name,
                  "its local Unicode path field names \"" + printable(*u) + "\"");
    if (le16(local.data() + 8) != e.method)
      return fail(damaged, e.name,
                  "the local header and the central directory disagree on its compression");
    e.data_offset = *header_end + name_len + extra_len;
    const auto data_end = add(e.data_offset, e.compressed_size);
    if (!data_end || *data_end > cd_offset)
      return fail(out_of_bounds, e.name,
                  "its " + std::to_string(e.compressed_size) +
                      " compressed bytes run past the end of the entries");
  }

  // 4. No byte belongs to two entries: [local header, end of data) must be disjoint.
  std::vector<std::size_t> order(out.entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return out.entries[a].local_offset < out.entries[b].local_offset;
  });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const auto& prev = out.entries[order[k - 1]];
    const auto& next = out.entries[order[k]];
    if (next.local_offset < prev.data_offset + prev.compressed_size)
      return fail(overlapping_entries, next.name,
                  "it shares bytes with \"" + printable(prev.name) +
                      "\" (overlapping entries expand the same data many times)");
  }
  return out;
}

zip_directory read_zip_directory(const std::filesystem::path& file, std::uint64_t max_entries) {
  auto f = storage::open_retrying(file, O_RDONLY);
  zip_directory out;
  if (!f) {
    out.failure = {zip_directory_problem::unreadable, "", std::strerror(errno)};
    return out;
  }
  const off_t end = ::lseek(f.get(), 0, SEEK_END);
  if (end < 0) {
    out.failure = {zip_directory_problem::unreadable, "", std::strerror(errno)};
    return out;
  }
  zip_bytes bytes{static_cast<std::uint64_t>(end), [&](std::uint64_t offset, std::span<char> to) {
                    std::size_t done = 0;
                    while (done < to.size()) {
                      ssize_t n = ::pread(f.get(), to.data() + done, to.size() - done,
                                          static_cast<off_t>(offset + done));
                      if (n < 0 && errno == EINTR) continue;
                      if (n <= 0) return false;
                      done += static_cast<std::size_t>(n);
                    }
                    return true;
                  }};
  return read_zip_directory(bytes, max_entries);
}

}  // namespace parix::evidence
