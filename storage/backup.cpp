// Online backup through sqlite3_backup_*, hashed copies and manifests.
#include "storage/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "storage/file_error.hpp"
#include "storage/sha256.hpp"
#include "storage/sqlite_statement.hpp"
#include "storage/unique_fd.hpp"

namespace parix::storage {
namespace {

constexpr std::size_t copy_block = std::size_t{1} << 20;

bool is_lower_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_safe_relative(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find_first_of("\r\n\\") != std::string_view::npos)
    return false;
  std::size_t begin = 0;
  while (begin <= p.size()) {
    auto end = p.find('/', begin);
    if (end == std::string_view::npos) end = p.size();
    const auto part = p.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return false;
    begin = end + 1;
  }
  return true;
}

}  // namespace

void fsync_path(const std::filesystem::path& p) {
  auto fd = open_or_throw(p, O_RDONLY);
  if (::fsync(fd.get()) != 0) throw_file_error("cannot fsync", p, errno);
}

void backup(const std::filesystem::path& source, const std::filesystem::path& dest) {
  namespace fs = std::filesystem;
  if (fs::exists(dest))
    throw fs::filesystem_error("backup destination exists", dest,
                               std::make_error_code(std::errc::file_exists));
  if (!fs::exists(source))
    throw fs::filesystem_error("no database", source,
                               std::make_error_code(std::errc::no_such_file_or_directory));
  const fs::path partial = dest.string() + ".partial";
  fs::remove(partial);

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(source.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  sqlite::db_handle from{raw};
  if (rc != SQLITE_OK) sqlite::fail(raw, rc, "open " + source.string());
  sqlite3_busy_timeout(raw, 10000);

  raw = nullptr;
  rc = sqlite3_open_v2(partial.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  sqlite::db_handle to{raw};
  if (rc != SQLITE_OK) sqlite::fail(raw, rc, "create " + partial.string());

  sqlite3_backup* b = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!b) sqlite::fail(to.get(), sqlite3_errcode(to.get()), "backup init");
  // One step of -1 pages copies everything under a single read lock: a snapshot.
  rc = sqlite3_backup_step(b, -1);
  int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) sqlite::fail(to.get(), rc, "backup step");
  if (finish != SQLITE_OK) sqlite::fail(to.get(), finish, "backup finish");
  to.reset();
  from.reset();

  fsync_path(partial);
  fs::rename(partial, dest);
  fsync_path(dest.parent_path().empty() ? fs::path{"."} : dest.parent_path());
}

hashed_file copy_hashed(const std::filesystem::path& src, const std::filesystem::path& dest,
                        std::optional<std::uint64_t> limit) {
  namespace fs = std::filesystem;
  if (fs::exists(dest))
    throw fs::filesystem_error("copy destination exists", dest,
                               std::make_error_code(std::errc::file_exists));
  const fs::path partial = dest.string() + ".partial";
  auto in = open_retrying(src, O_RDONLY);
  if (!in) throw_file_error("cannot open", src, errno);
  auto out = open_retrying(partial, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!out) throw_file_error("cannot create", partial, errno);
  sha256_stream hash;
  hashed_file result;
  std::vector<char> block(copy_block);
  try {
    while (!limit || result.size < *limit) {
      std::size_t want = block.size();
      if (limit)
        want = static_cast<std::size_t>(std::min<std::uint64_t>(want, *limit - result.size));
      ssize_t n = ::read(in.get(), block.data(), want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw_file_error("cannot read", src, errno);
      if (n == 0) {
        if (limit)
          throw error(failure::io,
                      src.string() + " is shorter than " + std::to_string(*limit) + " bytes");
        break;
      }
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(out.get(), block.data() + done, static_cast<std::size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw_file_error("cannot write", partial, errno);
        done += w;
      }
      hash.update(
          {reinterpret_cast<const unsigned char*>(block.data()), static_cast<std::size_t>(n)});
      result.size += static_cast<std::uint64_t>(n);
    }
    if (::fsync(out.get()) != 0) throw_file_error("cannot fsync", partial, errno);
  } catch (...) {
    ::unlink(partial.c_str());
    throw;
  }
  if (out.close() != 0) {
    const int err = errno;
    ::unlink(partial.c_str());
    throw_file_error("cannot close", partial, err);
  }
  fs::rename(partial, dest);
  result.sha256 = to_hex(hash.finish());
  return result;
}

hashed_file hash_file(const std::filesystem::path& file) {
  auto in = open_retrying(file, O_RDONLY);
  if (!in) throw_file_error("cannot open", file, errno);
  sha256_stream hash;
  hashed_file result;
  std::vector<char> block(copy_block);
  while (true) {
    ssize_t n = ::read(in.get(), block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_file_error("cannot read", file, errno);
    if (n == 0) break;
    hash.update(
        {reinterpret_cast<const unsigned char*>(block.data()), static_cast<std::size_t>(n)});
    result.size += static_cast<std::uint64_t>(n);
  }
  result.sha256 = to_hex(hash.finish());
  return result;
}

void write_manifest(const std::filesystem::path& file, std::vector<manifest_entry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::string text;
  for (const auto& e : entries) {
    if (!is_lower_hex64(e.sha256) || !is_safe_relative(e.path))
      throw std::invalid_argument("manifest: unusable entry \"" + e.path + "\"");
    text += e.sha256 + "  " + e.path + "\n";
  }
  const auto partial = file.string() + ".partial";
  {
    std::ofstream out{partial, std::ios::binary | std::ios::trunc};
    out << text;
    out.flush();
    if (!out) throw error(failure::io, "cannot write " + partial);
  }
  fsync_path(partial);
  std::filesystem::rename(partial, file);
}

std::vector<manifest_entry> read_manifest(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in) throw std::runtime_error("cannot read the manifest " + file.string());
  std::vector<manifest_entry> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0 ||
        !is_lower_hex64(std::string_view(line).substr(0, 64)) ||
        !is_safe_relative(std::string_view(line).substr(66)))
      throw std::runtime_error(file.string() + ", line " + std::to_string(n) +
                               ": not \"<sha256>  <relative path>\"");
    out.push_back({line.substr(0, 64), line.substr(66)});
  }
  return out;
}

}  // namespace parix::storage
