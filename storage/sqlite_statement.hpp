// RAII over sqlite3 handles and the storage::connection implementation for SQLite.
// Internal to storage/.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/connection.hpp"
#include "storage/error.hpp"

namespace parix::storage::sqlite {

struct db_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct statement_finalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using db_handle = std::unique_ptr<sqlite3, db_closer>;
using statement_handle = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

// Throws storage::error describing rc on db.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context);

// Opens a connection with the parix settings (busy timeout, foreign keys, WAL,
// synchronous=FULL) and reads them back; throws failure::schema if one did not take.
db_handle open(const std::string& file, int flags, int busy_timeout_ms);

// One SQLite connection with a cache of prepared statements keyed by SQL text.
// Not thread-safe.
class sqlite_connection final : public connection {
 public:
  explicit sqlite_connection(db_handle db) : db_(std::move(db)) {}

  using connection::execute;
  using connection::query;
  std::int64_t execute(std::string_view sql, std::span<const value> params) override;
  void query(std::string_view sql, std::span<const value> params,
             const std::function<void(const row&)>& each_row) override;
  std::int64_t last_insert_id() override { return sqlite3_last_insert_rowid(db_.get()); }

  // Runs SQL text that may hold several statements, without parameters (migrations, BEGIN).
  void exec_script(const std::string& sql);
  sqlite3* handle() const noexcept { return db_.get(); }

 private:
  sqlite3_stmt* prepare(std::string_view sql, std::span<const value> params);

  db_handle db_;
  std::unordered_map<std::string, statement_handle> cache_;
};

}  // namespace parix::storage::sqlite
