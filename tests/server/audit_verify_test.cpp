// parix audit verify --data DIR against the signed checkpoints stored in the database
// (issue 11): a log cut below a checkpoint, or rewritten and re-hashed, must be refused
// though its hash chain holds.
#include <gtest/gtest.h>

#include "storage/audit_log.hpp"
#include "storage/checkpoint_records.hpp"
#include "storage/database.hpp"
#include "storage/sha256.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/audit_checkpoint.hpp"

namespace parix::testing {
namespace {

class audit_verify_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client = srv.client();
    // Two checkpoints, each over a few more entries (every login attempt is audited).
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 3; ++i)
        client.login("admin", round == 0 ? "wrong-password" : test_password);
      srv.clock().advance(std::chrono::minutes{5});
      srv.app().db().write([&](storage::connection& c) {
        checkpoints_.push_back(workflow::make_checkpoint(c, srv.app().app().key,
                                                         storage::to_millis(srv.clock().now())));
        ids_.push_back(storage::latest_checkpoint(c)->id);
      });
    }
    client.login("admin", test_password);  // entries after the last checkpoint
    srv.stop();
  }

  command_result verify() {
    return run_command(std::string{PARIX_BINARY} + " audit verify --data " +
                       srv.dir().path().string());
  }

  // Runs SQL (and then work) on the stopped server's database, its guard triggers dropped.
  void tamper(const std::function<void(storage::connection&)>& work) {
    auto db = storage::open_sqlite({srv.cfg().database, 1});
    db->write([&](storage::connection& c) {
      c.execute("DROP TRIGGER audit_entries_refuse_update");
      c.execute("DROP TRIGGER audit_entries_refuse_delete");
      work(c);
    });
    db->close();
  }

  test_server srv;
  std::string named(std::size_t i) const {
    return "BROKEN: checkpoint " + std::to_string(ids_.at(i)) + " ";
  }

  std::vector<workflow::checkpoint> checkpoints_;
  std::vector<std::int64_t> ids_;  // their ids in audit_checkpoints
};

TEST_F(audit_verify_cli, an_untouched_log_agrees_with_every_checkpoint) {
  auto r = verify();
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(" signed checkpoints agree"), std::string::npos) << r.output;
}

TEST_F(audit_verify_cli, a_log_cut_below_a_checkpoint_is_refused_naming_it) {
  // Cut between the two checkpoints: the chain of what is left still holds.
  const auto keep = checkpoints_[0].size + 1;
  ASSERT_LT(keep, checkpoints_[1].size);
  tamper([&](storage::connection& c) {
    c.execute("DELETE FROM audit_entries WHERE id > ?", {keep});
    EXPECT_EQ(storage::verify_audit_chain(c), std::nullopt) << "the chain alone looks fine";
  });
  auto r = verify();
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find(named(1)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cut below the checkpoint"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(named(0)), std::string::npos) << "the first still holds";
}

TEST_F(audit_verify_cli, a_rewritten_and_rehashed_log_is_refused_naming_the_checkpoint) {
  // Change an early entry and recompute every hash from there on, as someone holding the
  // file and the code could.
  tamper([&](storage::connection& c) {
    std::vector<storage::audit_entry> entries;
    storage::scan_audit(c, 1, [&](const storage::audit_entry& e) { entries.push_back(e); });
    entries[1].event.client_address = "10.9.9.9";
    std::string prev = entries[0].hash;
    for (std::size_t i = 1; i < entries.size(); ++i) {
      entries[i].prev_hash = prev;
      entries[i].hash = storage::to_hex(storage::sha256(storage::canonical_form(entries[i])));
      c.execute(
          "UPDATE audit_entries SET client_address = ?, prev_hash = ?, hash = ? WHERE id = ?",
          {entries[i].event.client_address, entries[i].prev_hash, entries[i].hash, entries[i].id});
      prev = entries[i].hash;
    }
    EXPECT_EQ(storage::verify_audit_chain(c), std::nullopt) << "the new chain holds";
  });
  auto r = verify();
  EXPECT_EQ(r.status, 1) << r.output;
  for (std::size_t i : {0, 1}) EXPECT_NE(r.output.find(named(i)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rewritten"), std::string::npos) << r.output;
}

TEST_F(audit_verify_cli, a_checkpoint_signed_by_an_unlisted_key_is_refused) {
  tamper([&](storage::connection& c) { c.execute("DELETE FROM signing_keys"); });
  auto r = verify();
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("which signing_keys does not list"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace parix::testing
