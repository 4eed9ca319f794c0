// SQLite connections: opening with verified settings, cached prepared statements,
// binding and stepping.
#include "storage/sqlite_statement.hpp"

#include <string>

namespace parix::storage::sqlite {
namespace {

failure classify(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return failure::constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return failure::busy;
    case SQLITE_FULL:
      return failure::full;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return failure::io;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return failure::corrupt;
    default:
      return failure::other;
  }
}

class sqlite_row final : public row {
 public:
  explicit sqlite_row(sqlite3_stmt* s) : s_(s) {}
  bool is_null(int c) const override { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::int64_t integer(int c) const override { return sqlite3_column_int64(s_, c); }
  std::string text(int c) const override {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, sqlite3_column_bytes(s_, c)) : std::string{};
  }
  std::vector<unsigned char> blob(int c) const override {
    auto p = static_cast<const unsigned char*>(sqlite3_column_blob(s_, c));
    return p ? std::vector<unsigned char>(p, p + sqlite3_column_bytes(s_, c))
             : std::vector<unsigned char>{};
  }

 private:
  sqlite3_stmt* s_;
};

// Resets the statement when a query ends, even by exception, so that its read
// lock is released and the cached statement can run again.
struct reset_on_exit {
  sqlite3_stmt* s;
  ~reset_on_exit() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

std::int64_t pragma_integer(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr); rc != SQLITE_OK) fail(db, rc, sql);
  statement_handle s{raw};
  if (sqlite3_step(raw) != SQLITE_ROW) fail(db, sqlite3_errcode(db), sql);
  return sqlite3_column_int64(raw, 0);
}

std::string pragma_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr); rc != SQLITE_OK) fail(db, rc, sql);
  statement_handle s{raw};
  if (sqlite3_step(raw) != SQLITE_ROW) fail(db, sqlite3_errcode(db), sql);
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  return p ? p : "";
}

}  // namespace

void fail(sqlite3* db, int rc, std::string_view context) {
  std::string what{context};
  what += ": ";
  what += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw error(classify(rc), what);
}

db_handle open(const std::string& file, int flags, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_handle db{raw};
  if (rc != SQLITE_OK) fail(raw, rc, "open " + file);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);

  auto exec = [&](const char* sql) {
    if (int r = sqlite3_exec(raw, sql, nullptr, nullptr, nullptr); r != SQLITE_OK)
      fail(raw, r, sql);
  };
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA synchronous=FULL");
  // Read-only connections cannot switch the journal mode; the writer sets WAL first.
  if (flags & SQLITE_OPEN_READWRITE) pragma_text(raw, "PRAGMA journal_mode=WAL");

  // A 2xx promises durability: refuse to run if a setting did not take.
  if (pragma_integer(raw, "PRAGMA foreign_keys") != 1)
    throw error(failure::schema, "PRAGMA foreign_keys=ON did not take");
  if (pragma_integer(raw, "PRAGMA synchronous") != 2)
    throw error(failure::schema, "PRAGMA synchronous=FULL did not take");
  if (auto mode = pragma_text(raw, "PRAGMA journal_mode"); mode != "wal")
    throw error(failure::schema, "journal_mode is " + mode + ", not wal");
  return db;
}

sqlite3_stmt* sqlite_connection::prepare(std::string_view sql, std::span<const value> params) {
  auto it = cache_.find(std::string{sql});
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) fail(db_.get(), rc, sql);
    it = cache_.emplace(std::string{sql}, statement_handle{raw}).first;
  }
  sqlite3_stmt* s = it->second.get();
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(s))
    throw error(failure::other, "wrong number of parameters for: " + std::string{sql});
  for (int i = 0; i < static_cast<int>(params.size()); ++i) {
    int rc = std::visit(
        [&](auto&& v) -> int {
          using t = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<t, std::nullptr_t>) {
            return sqlite3_bind_null(s, i + 1);
          } else if constexpr (std::is_same_v<t, std::int64_t>) {
            return sqlite3_bind_int64(s, i + 1, v);
          } else if constexpr (std::is_same_v<t, std::string_view>) {
            // SQLite binds a null pointer as NULL, and an empty view may have one: an empty
            // text is still a text ('' = '' holds; NULL = '' does not).
            return sqlite3_bind_text64(s, i + 1, v.data() ? v.data() : "", v.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
          } else {
            if (v.bytes.empty()) return sqlite3_bind_zeroblob(s, i + 1, 0);  // likewise
            return sqlite3_bind_blob64(s, i + 1, v.bytes.data(), v.bytes.size(), SQLITE_TRANSIENT);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) {
      sqlite3_clear_bindings(s);
      fail(db_.get(), rc, sql);
    }
  }
  return s;
}

std::int64_t sqlite_connection::execute(std::string_view sql, std::span<const value> params) {
  sqlite3_stmt* s = prepare(sql, params);
  reset_on_exit reset{s};
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) fail(db_.get(), rc, sql);
  return sqlite3_changes64(db_.get());
}

void sqlite_connection::query(std::string_view sql, std::span<const value> params,
                              const std::function<void(const row&)>& each_row) {
  sqlite3_stmt* s = prepare(sql, params);
  reset_on_exit reset{s};
  sqlite_row r{s};
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) each_row(r);
  if (rc != SQLITE_DONE) fail(db_.get(), rc, sql);
}

void sqlite_connection::exec_script(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw error(classify(rc), what);
  }
}

}  // namespace parix::storage::sqlite
