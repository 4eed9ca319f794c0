// The SQLite database: settings, migrations, group commit, durability tickets, snapshots,
// backup.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/system/result.hpp>

#include "storage/backup.hpp"
#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/unit_records.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

std::unique_ptr<storage::database> open_in(const temp_dir& d) {
  return storage::open_sqlite({d / "parix.db", 2});
}

std::int64_t count_units(storage::database& db) {
  return db.read_result([](storage::connection& c) {
    std::int64_t n = 0;
    c.query("SELECT count(*) FROM units", {}, [&](const storage::row& r) { n = r.integer(0); });
    return n;
  });
}

TEST(database, durability_settings_are_in_force_on_every_connection) {
  temp_dir d;
  auto db = open_in(d);
  auto pragma = [&](const char* sql) {
    return db->read_result([&](storage::connection& c) {
      std::string v;
      c.query(sql, {}, [&](const storage::row& r) { v = r.text(0); });
      return v;
    });
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
}

TEST(database, migrations_bring_an_old_database_up_to_date) {
  temp_dir d;
  // An "old" database: only migration 1 applied, as a previous release left it.
  auto old = run_command("sqlite3 " + (d / "parix.db").string() +
                         " \"CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT "
                         "NOT NULL, applied_at INTEGER NOT NULL) STRICT;\"");
  ASSERT_EQ(old.status, 0);
  const auto first = storage::known_migrations()[0];
  {
    std::ofstream f{(d / "m1.sql").string()};
    f << "BEGIN;" << first.sql << "\nINSERT INTO schema_version VALUES (1, 'foundation', 0); "
      << "INSERT INTO units(code, name, created_at) VALUES ('SNV', 'Sở Nội vụ', 0); COMMIT;";
  }
  ASSERT_EQ(
      run_command("sqlite3 " + (d / "parix.db").string() + " < " + (d / "m1.sql").string()).status,
      0);
  auto db = open_in(d);
  auto versions = db->read_result([](storage::connection& c) {
    std::vector<std::int64_t> v;
    c.query("SELECT version FROM schema_version ORDER BY version", {},
            [&](const storage::row& r) { v.push_back(r.integer(0)); });
    return v;
  });
  ASSERT_EQ(versions.size(), storage::known_migrations().size());
  EXPECT_EQ(versions.back(), storage::latest_schema_version());
  EXPECT_EQ(count_units(*db), 1) << "data from before the upgrade is kept";
}

TEST(database, a_database_newer_than_the_binary_is_refused) {
  temp_dir d;
  { open_in(d)->close(); }
  ASSERT_EQ(run_command("sqlite3 " + (d / "parix.db").string() +
                        " \"INSERT INTO schema_version VALUES (999, 'future', 0)\"")
                .status,
            0);
  try {
    open_in(d);
    FAIL() << "opened a database from the future";
  } catch (const storage::error& e) {
    EXPECT_EQ(e.kind(), storage::failure::schema);
    EXPECT_NE(std::string{e.what()}.find("newer than this binary"), std::string::npos);
  }
}

TEST(database, concurrent_writes_all_land_and_share_commits) {
  temp_dir d;
  auto db = open_in(d);
  constexpr int threads = 8, per_thread = 50;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        db->write([&](storage::connection& c) {
          storage::insert_unit(c, {0, "U" + std::to_string(t) + "-" + std::to_string(i), "x", 0});
        });
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(count_units(*db), threads * per_thread);
  EXPECT_EQ(db->stats().transactions.load(), static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_LT(db->stats().commits.load(), db->stats().transactions.load())
      << "group commit: some commits carried several transactions";
}

TEST(database, a_failing_write_rolls_back_alone) {
  temp_dir d;
  auto db = open_in(d);
  db->write([](storage::connection& c) { storage::insert_unit(c, {0, "A", "a", 0}); });
  EXPECT_THROW(db->write([](storage::connection& c) {
    storage::insert_unit(c, {0, "B", "b", 0});
    storage::insert_unit(c, {0, "A", "duplicate", 0});  // UNIQUE(code) refuses
  }),
               storage::error);
  db->write([](storage::connection& c) { storage::insert_unit(c, {0, "C", "c", 0}); });
  auto codes = db->read_result([](storage::connection& c) {
    std::string s;
    for (const auto& u : storage::list_units(c)) s += u.code;
    return s;
  });
  EXPECT_EQ(codes, "AC") << "B was rolled back with the failing statement; A and C kept";
}

// A default std::string_view has no data pointer, which sqlite3_bind_text takes for NULL:
// such a view must still bind as the empty text (the evidence listing's "any state" filter,
// `? = ''`, found nothing when it bound as NULL), and an empty blob as an empty blob.
TEST(database, an_empty_view_binds_as_an_empty_value_not_null) {
  temp_dir d;
  auto db = open_in(d);
  const auto answers = db->read_result([](storage::connection& c) {
    std::string out;
    c.query("SELECT ? = '', typeof(?), typeof(?), length(?)",
            {std::string_view{}, std::string_view{}, storage::blob_view{}, storage::blob_view{}},
            [&](const storage::row& r) {
              out = std::to_string(r.integer(0)) + " " + r.text(1) + " " + r.text(2) + " " +
                    std::to_string(r.integer(3));
            });
    return out;
  });
  EXPECT_EQ(answers, "1 text blob 0");
}

// What auth::result and workflow::result look like to write_result: a value or a refusal.
using refusable = boost::system::result<int>;

TEST(database, a_write_that_returns_a_refusal_changes_nothing) {
  temp_dir d;
  auto db = open_in(d);
  auto refused = db->write_result([](storage::connection& c) -> refusable {
    storage::insert_unit(c, {0, "GHOST", "written before the refusal", 0});
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  });
  EXPECT_TRUE(refused.has_error());
  auto kept = db->write_result([](storage::connection& c) -> refusable {
    storage::insert_unit(c, {0, "KEPT", "k", 0});
    return 1;
  });
  EXPECT_TRUE(kept.has_value());
  auto codes = db->read_result([](storage::connection& c) {
    std::string s;
    for (const auto& u : storage::list_units(c)) s += u.code + " ";
    return s;
  });
  EXPECT_EQ(codes, "KEPT ") << "the refused write's unit was rolled back";
}

TEST(database, refusals_in_a_shared_commit_roll_back_alone) {
  temp_dir d;
  auto db = open_in(d);
  constexpr int threads = 8, per_thread = 40;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        (void)db->write_result([&](storage::connection& c) -> refusable {
          storage::insert_unit(c, {0, "U" + std::to_string(t) + "-" + std::to_string(i), "x", 0});
          if (i % 2) return boost::system::errc::make_error_code(boost::system::errc::io_error);
          return i;
        });
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(count_units(*db), threads * per_thread / 2) << "every odd write refused, alone";
  EXPECT_LT(db->stats().commits.load(), db->stats().transactions.load());
}

TEST(database, what_is_settled_first_stays_when_the_work_refuses) {
  temp_dir d;
  auto db = open_in(d);
  auto r = db->write_result_after(
      [](storage::connection& c) {
        storage::insert_unit(c, {0, "DUE", "settled", 0});
      },
      [](storage::connection& c) -> refusable {
        storage::insert_unit(c, {0, "REFUSED", "x", 0});
        return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
      });
  EXPECT_TRUE(r.has_error());
  auto codes = db->read_result([](storage::connection& c) {
    std::string s;
    for (const auto& u : storage::list_units(c)) s += u.code + " ";
    return s;
  });
  EXPECT_EQ(codes, "DUE ");
  // A throw still undoes the whole job, settled part included.
  EXPECT_THROW(db->write_result_after(
                   [](storage::connection& c) {
                     storage::insert_unit(c, {0, "ALSO", "x", 0});
                   },
                   [](storage::connection&) -> refusable { throw std::runtime_error("bug"); }),
               std::runtime_error);
  EXPECT_EQ(count_units(*db), 1);
}

TEST(database, a_migration_that_rebuilds_a_referenced_table_keeps_every_row) {
  temp_dir d;
  // A database as release 5 left it, with a campaign, files and their values.
  {
    std::ofstream f{(d / "old.sql").string()};
    f << "BEGIN; CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
         "applied_at INTEGER NOT NULL) STRICT;\n";
    for (const auto& m : storage::known_migrations())
      if (m.version <= 5)
        f << m.sql << "\nINSERT INTO schema_version VALUES (" << m.version << ", '" << m.name
          << "', 0);\n";
    f << "INSERT INTO units(code, name, created_at) VALUES ('SNV', 'Sở Nội vụ', 5);"
         "INSERT INTO criteria_sets VALUES (1, 'k', 'K', '', 0, 'x');"
         "INSERT INTO campaigns(id, year, name, time_zone, self_deadline, round1_end, "
         "window_length_seconds, round2_end, council_date, approval_rule, bands_json, created_at)"
         " VALUES (1, 2024, 'C', 'UTC', 1, 2, 3, 4, 5, 'unanimity', '[]', 0);"
         "INSERT INTO unit_groups VALUES (1, 1, 'A', 'A', 1);"
         "INSERT INTO assessments VALUES (7, 1, 1, 1, 'round2', 2, 9);"
         "INSERT INTO leaf_values(assessment_id, code, self_score, updated_at) "
         "VALUES (7, '1.1', 5000, 0); COMMIT;";
  }
  ASSERT_EQ(
      run_command("sqlite3 " + (d / "parix.db").string() + " < " + (d / "old.sql").string()).status,
      0);
  auto db = open_in(d);
  auto row = db->read_result([](storage::connection& c) {
    std::string s;
    c.query(
        "SELECT a.id, a.state, a.council_round, a.version, l.self_score, u.updated_at, "
        "u.version FROM assessments a JOIN leaf_values l ON l.assessment_id = a.id "
        "JOIN units u ON u.id = a.unit_id",
        {}, [&](const storage::row& r) {
          for (int i = 0; i < 7; ++i) s += r.text(i) + " ";
        });
    c.query("PRAGMA foreign_keys", {}, [&](const storage::row& r) { s += r.text(0); });
    return s;
  });
  EXPECT_EQ(row, "7 round2 2 9 5000 5 1 1") << "rows kept, references intact, foreign keys on";
  // The rebuilt table takes the new stage and still refuses what it refused.
  EXPECT_NO_THROW(db->write([](storage::connection& c) {
    c.execute("UPDATE assessments SET state = 'historical' WHERE id = 7");
  }));
  EXPECT_THROW(db->write([](storage::connection& c) {
    c.execute("INSERT INTO leaf_values(assessment_id, code, updated_at) VALUES (99, 'x', 0)");
  }),
               storage::error)
      << "foreign keys are enforced again after migrating";
  EXPECT_THROW(db->write([](storage::connection& c) {
    c.execute("UPDATE units SET code = 'OTHER' WHERE code = 'SNV'");
  }),
               storage::error)
      << "a unit code never changes";
}

TEST(database, a_backup_taken_while_writing_is_consistent) {
  temp_dir d;
  auto db = open_in(d);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      db->write([&](storage::connection& c) {
        // Two rows per transaction: a consistent copy never holds an odd number.
        storage::insert_unit(c, {0, "P" + std::to_string(i), "x", 0});
        storage::insert_unit(c, {0, "Q" + std::to_string(i), "x", 0});
      });
      ++written;
    }
  });
  while (written < 20) std::this_thread::yield();
  storage::backup(d / "parix.db", d / "copy.db");
  stop = true;
  writer.join();
  auto check =
      run_command("sqlite3 " + (d / "copy.db").string() +
                  " 'PRAGMA integrity_check; SELECT count(*) % 2, count(*) > 0 FROM units'");
  EXPECT_EQ(check.output, "ok\n0|1\n");
  EXPECT_THROW(storage::backup(d / "parix.db", d / "copy.db"), std::filesystem::filesystem_error);
}

TEST(database, close_finishes_queued_writes) {
  temp_dir d;
  auto db = open_in(d);
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      db->write([&](storage::connection& c) {
        storage::insert_unit(c, {0, std::to_string(t), "x", 0});
      });
    });
  for (auto& t : pool) t.join();
  db->close();
  auto r = run_command("sqlite3 " + (d / "parix.db").string() + " 'SELECT count(*) FROM units'");
  EXPECT_EQ(r.output, "4\n");
  EXPECT_FALSE(std::filesystem::exists(d / "parix.db-wal") &&
               std::filesystem::file_size(d / "parix.db-wal") > 0)
      << "close checkpoints the WAL into the database file";
}

// A write-ahead log sync the test holds until it lets go (the syncer thread waits in it).
struct held_sync {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  int entered = 0;
  int fail_errno = 0;  // when set, every sync fails with it
  int operator()(int fd) {
    std::unique_lock lock{m};
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
    if (fail_errno) {
      errno = fail_errno;
      return -1;
    }
    return ::fdatasync(fd);
  }
  void wait_entered() {
    std::unique_lock lock{m};
    cv.wait(lock, [&] { return entered > 0; });
  }
  void let_go() {
    std::lock_guard lock{m};
    open = true;
    cv.notify_all();
  }
};

std::unique_ptr<storage::database> open_with(const temp_dir& d, held_sync& sync) {
  storage::database_config config{d / "parix.db", 2};
  config.sync_log = [&sync](int fd) { return sync(fd); };
  return storage::open_sqlite(config);
}

void insert(storage::database& db, const std::string& code) {
  db.write([&](storage::connection& c) { storage::insert_unit(c, {0, code, "x", 0}); });
}

// Polls until pred holds; fails the test after a generous deadline (no timing asserted).
template <class Pred>
void eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!pred()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "condition never held";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

TEST(database, a_write_returns_only_after_its_log_is_synced) {
  temp_dir d;
  held_sync sync;
  auto db = open_with(d, sync);
  std::atomic<bool> returned{false};
  std::thread writer([&] {
    insert(*db, "A");
    returned = true;
  });
  sync.wait_entered();  // committed, its sync under way and held
  eventually([&] { return db->stats().commits.load() == 1; });
  EXPECT_EQ(count_units(*db), 1) << "readers see the committed write";
  EXPECT_FALSE(returned) << "the write must not return before its sync";
  sync.let_go();
  writer.join();
  EXPECT_TRUE(returned);
  EXPECT_GE(db->stats().syncs.load(), 1u);
}

TEST(database, deferred_writes_return_at_commit_and_tickets_complete_in_order) {
  temp_dir d;
  held_sync sync;
  auto db = open_with(d, sync);
  std::vector<storage::durability_ticket> tickets;
  for (int i = 0; i < 5; ++i) {
    storage::deferred_durability scope;
    insert(*db, "U" + std::to_string(i));  // returns although the sync is held
    ASSERT_TRUE(scope.ticket());
    tickets.push_back(*scope.ticket());
  }
  for (std::size_t i = 1; i < tickets.size(); ++i) EXPECT_LT(tickets[i - 1], tickets[i]);
  std::mutex m;
  std::vector<storage::durability_ticket> completed;
  std::atomic<int> failures{0};
  // Registered newest first: completion still runs oldest first.
  for (auto it = tickets.rbegin(); it != tickets.rend(); ++it)
    db->when_durable(*it, [&, t = *it](std::exception_ptr e) {
      if (e) ++failures;
      std::lock_guard lock{m};
      completed.push_back(t);
    });
  {
    std::lock_guard lock{m};
    EXPECT_TRUE(completed.empty()) << "nothing is durable while the sync is held";
  }
  sync.let_go();
  eventually([&] {
    std::lock_guard lock{m};
    return completed.size() == tickets.size();
  });
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(std::is_sorted(completed.begin(), completed.end()));
  // A ticket already durable completes at once, on the calling thread.
  bool at_once = false;
  db->when_durable(tickets.front(), [&](std::exception_ptr e) { at_once = !e; });
  EXPECT_TRUE(at_once);
  EXPECT_EQ(count_units(*db), 5);
}

TEST(database, a_failed_sync_fails_every_waiting_write_and_refuses_the_next) {
  temp_dir d;
  held_sync sync;
  sync.fail_errno = EIO;
  auto db = open_with(d, sync);
  // One write waits inside write(), one deferred write waits on its ticket.
  std::atomic<int> plain_failed{0};
  std::thread plain([&] {
    try {
      insert(*db, "A");
    } catch (const storage::error& e) {
      if (e.kind() == storage::failure::unsynced) ++plain_failed;
    }
  });
  sync.wait_entered();
  storage::durability_ticket deferred_ticket = 0;
  {
    storage::deferred_durability scope;
    insert(*db, "B");
    deferred_ticket = scope.ticket().value();
  }
  std::atomic<int> deferred_failed{0};
  std::atomic<bool> deferred_done{false};
  db->when_durable(deferred_ticket, [&](std::exception_ptr e) {
    try {
      if (e) std::rethrow_exception(e);
    } catch (const storage::error& err) {
      if (err.kind() == storage::failure::unsynced) ++deferred_failed;
    }
    deferred_done = true;
  });
  sync.let_go();
  plain.join();
  eventually([&] { return deferred_done.load(); });
  EXPECT_EQ(plain_failed.load(), 1) << "the write waiting for the failed sync fails";
  EXPECT_EQ(deferred_failed.load(), 1) << "so does the deferred one";
  try {
    insert(*db, "C");
    ADD_FAILURE() << "a write after a failed sync must be refused";
  } catch (const storage::error& e) {
    EXPECT_EQ(e.kind(), storage::failure::unsynced);
  }
  EXPECT_FALSE(db->ready()) << "the readiness probe reports the failed disk";
}

TEST(database, writes_after_close_are_refused) {
  temp_dir d;
  auto db = open_in(d);
  insert(*db, "A");
  db->close();
  EXPECT_THROW(insert(*db, "B"), storage::error);
  auto r = run_command("sqlite3 " + (d / "parix.db").string() + " 'SELECT count(*) FROM units'");
  EXPECT_EQ(r.output, "1\n");
}

}  // namespace
}  // namespace parix::testing
