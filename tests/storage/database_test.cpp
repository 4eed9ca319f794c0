// The SQLite database: settings, migrations, group commit, snapshots, backup.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
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
      [](storage::connection& c) { storage::insert_unit(c, {0, "DUE", "settled", 0}); },
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
                   [](storage::connection& c) { storage::insert_unit(c, {0, "ALSO", "x", 0}); },
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

}  // namespace
}  // namespace parix::testing
