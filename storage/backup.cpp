// Online backup through sqlite3_backup_*.
#include "storage/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <system_error>

#include "storage/sqlite_statement.hpp"

namespace parix::storage {
namespace {

void fsync_path(const std::filesystem::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw std::filesystem::filesystem_error("open for fsync", p, {errno, std::generic_category()});
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0)
    throw std::filesystem::filesystem_error("fsync", p, {saved, std::generic_category()});
}

}  // namespace

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

}  // namespace parix::storage
