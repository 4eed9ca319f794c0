// The audit log: hash chain, append-only triggers, tamper detection.
#include <gtest/gtest.h>

#include "storage/audit_log.hpp"
#include "storage/error.hpp"
#include "storage/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

storage::audit_event event(std::string action, std::string new_value) {
  storage::audit_event e;
  e.actor = "thamdinh.tp";
  e.actor_role = "appraiser";
  e.client_address = "127.0.0.1";
  e.action = std::move(action);
  e.entity = "assessment/1/leaf/1.3.2";
  e.assessment_id = 1;
  e.criterion_code = "1.3.2";
  e.new_value = std::move(new_value);
  e.reason = "Thiếu tài liệu kiểm chứng";
  return e;
}

class audit_log : public ::testing::Test {
 protected:
  temp_dir d;
  std::unique_ptr<storage::database> db = storage::open_sqlite({d / "parix.db", 1});
  void append(int n) {
    for (int i = 0; i < n; ++i)
      db->write([&](storage::connection& c) {
        storage::append_audit(c, event("score.round1", "0." + std::to_string(i)), 1000 + i);
      });
  }
  std::optional<std::int64_t> verify() {
    return db->read_result([](storage::connection& c) { return storage::verify_audit_chain(c); });
  }
};

TEST_F(audit_log, entries_are_numbered_and_chained) {
  append(3);
  std::vector<storage::audit_entry> entries;
  db->read([&](storage::connection& c) {
    storage::scan_audit(c, 1, [&](const storage::audit_entry& e) { entries.push_back(e); });
  });
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].prev_hash, storage::genesis_hash);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].id, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(entries[i].hash,
              storage::to_hex(storage::sha256(storage::canonical_form(entries[i]))));
    if (i > 0) {
      EXPECT_EQ(entries[i].prev_hash, entries[i - 1].hash);
    }
  }
  EXPECT_EQ(verify(), std::nullopt);
}

TEST_F(audit_log, the_database_refuses_to_change_or_delete_an_entry) {
  append(1);
  EXPECT_THROW(db->write([](storage::connection& c) {
    c.execute("UPDATE audit_entries SET new_value = '1' WHERE id = 1");
  }),
               storage::error);
  EXPECT_THROW(db->write([](storage::connection& c) { c.execute("DELETE FROM audit_entries"); }),
               storage::error);
  EXPECT_EQ(verify(), std::nullopt);
}

TEST_F(audit_log, a_row_changed_behind_the_triggers_back_is_named) {
  append(5);
  db->close();
  // What anyone holding the file could do: drop the trigger, edit a score.
  auto r = run_command("sqlite3 " + (d / "parix.db").string() +
                       " \"DROP TRIGGER audit_entries_refuse_update; "
                       "UPDATE audit_entries SET new_value = '0.9' WHERE id = 3;\"");
  ASSERT_EQ(r.status, 0);
  db = storage::open_sqlite({d / "parix.db", 1});
  EXPECT_EQ(verify(), 3);
}

TEST_F(audit_log, a_deleted_row_breaks_the_chain_at_the_gap) {
  append(4);
  db->close();
  ASSERT_EQ(
      run_command(
          "sqlite3 " + (d / "parix.db").string() +
          " \"DROP TRIGGER audit_entries_refuse_delete; DELETE FROM audit_entries WHERE id = 2;\"")
          .status,
      0);
  db = storage::open_sqlite({d / "parix.db", 1});
  EXPECT_EQ(verify(), 3);
}

}  // namespace
}  // namespace parix::testing
