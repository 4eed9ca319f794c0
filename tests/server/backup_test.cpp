// parix backup and parix restore (issue 11): a backup taken while the server serves writes
// and uploads restores into a data folder that holds everything acknowledged before the
// backup began, whose audit log and evidence verify; blobs are copied once; the private
// key only on request; a damaged backup is refused before anything is written.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/support/evidence_support.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/workload.hpp"

namespace parix::testing {
namespace {

namespace fs = std::filesystem;

std::string parix() {
  return PARIX_BINARY;
}

std::vector<fs::path> snapshots_in(const fs::path& backup) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(backup / "snapshots")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(backup, taken_during_writes_and_uploads_it_restores_everything_acknowledged_before) {
  temp_dir dir;
  server_process live{dir / "live"};
  const auto campaign = prepare_workload(live.port(), 2030);
  ledger acknowledged;
  session_cache sessions;
  std::atomic<bool> stop{false};
  unit_driver_stats stats;
  std::vector<std::thread> drivers;
  for (const auto& unit : {"STP", "STC", "HTG"})
    drivers.emplace_back([&, unit] {
      drive_unit(live.port(), campaign, unit, acknowledged, sessions, stop,
                 std::hash<std::string>{}(unit), stats);
    });
  struct stop_drivers {  // also when an assertion below ends the test early
    std::atomic<bool>& stop;
    std::vector<std::thread>& drivers;
    ~stop_drivers() {
      stop = true;
      for (auto& t : drivers)
        if (t.joinable()) t.join();
    }
  } stopper{stop, drivers};
  // Waits (a minute at most) until the writers have finished more than `n` uploads.
  auto uploads_beyond = [&](std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes{1};
    while (acknowledged.completed_uploads() <= n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    return acknowledged.completed_uploads() > n;
  };
  // Two backups while the writers keep writing; the second copies only new blobs, so
  // each starts once a new upload has been acknowledged.
  ASSERT_TRUE(uploads_beyond(0)) << "no upload finished within a minute";
  const ledger before_first = acknowledged.copy();
  const auto dest = dir / "backups";
  const std::string backup =
      parix() + " backup " + dest.string() + " --data " + live.data().string();
  auto first = run_command(backup);
  ASSERT_EQ(first.status, 0) << first.output;
  const auto finished_by_first = acknowledged.completed_uploads();  // after it ended
  ASSERT_TRUE(uploads_beyond(finished_by_first))
      << "no upload finished within a minute after the first backup";
  const ledger before_second = acknowledged.copy();
  auto second = run_command(backup);
  ASSERT_EQ(second.status, 0) << second.output;
  stop = true;
  for (auto& t : drivers) t.join();
  EXPECT_EQ(stats.failures, 0) << stats.last_failure;
  EXPECT_GT(before_first.size(), 0u) << "the writers acknowledged something before the backup";
  EXPECT_NE(first.output.find(" copied, 0 already there"), std::string::npos) << first.output;
  EXPECT_EQ(second.output.find(" copied, 0 already there"), std::string::npos)
      << "the second backup found the first one's blobs: " << second.output;
  live.stop();

  // Each snapshot checks with sha256sum, as an operator without parix would check it.
  const auto snaps = snapshots_in(dest);
  ASSERT_EQ(snaps.size(), 2u);
  for (const auto& s : snaps) {
    auto sums = run_command("cd " + dest.string() + " && sha256sum --quiet -c " +
                            (s / "manifest-sha256.txt").string());
    EXPECT_EQ(sums.status, 0) << sums.output;
    EXPECT_FALSE(fs::exists(s / "keys" / "private")) << "no private key unless asked";
    EXPECT_FALSE(fs::is_empty(s / "keys" / "public"));
  }

  // Restore each snapshot and check it with the server running on it.
  const std::pair<fs::path, const ledger*> cases[] = {{snaps[0], &before_first},
                                                      {snaps[1], &before_second}};
  int n = 0;
  for (const auto& [snapshot, ledger_before] : cases) {
    const auto target = dir / ("restored" + std::to_string(++n));
    auto restored =
        run_command(parix() + " restore " + snapshot.string() + " " + (target / "data").string());
    ASSERT_EQ(restored.status, 0) << restored.output;
    EXPECT_NE(restored.output.find("audit verify: ok"), std::string::npos) << restored.output;
    EXPECT_NE(restored.output.find("evidence fsck: ok"), std::string::npos) << restored.output;
    server_process again{target, false};
    session_cache restored_sessions;  // the restored database has the same sessions too
    const auto missing = ledger_before->missing_from(again.port(), restored_sessions);
    EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first: " << missing.front();
    again.stop();
    EXPECT_EQ(run_command(parix() + " evidence fsck --data " + (target / "data").string()).status,
              0);
    EXPECT_EQ(run_command(parix() + " audit verify --data " + (target / "data").string()).status,
              0);
  }
}

class backup_of_a_quiet_server : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " +
                         data.string() + " >/dev/null && " + parix() + " demo --data " +
                         data.string() + " >/dev/null");
    ASSERT_EQ(r.status, 0) << r.output;
  }
  command_result backup(const fs::path& dest, const std::string& extra = "") {
    return run_command(parix() + " backup " + dest.string() + " --data " + data.string() + " " +
                       extra + " 2>&1");
  }
  temp_dir dir;
  fs::path data = dir / "data";
};

TEST_F(backup_of_a_quiet_server, the_private_key_is_copied_only_on_request_with_a_warning) {
  auto plain = backup(dir / "plain");
  ASSERT_EQ(plain.status, 0) << plain.output;
  EXPECT_EQ(plain.output.find("WARNING"), std::string::npos);
  auto with_key = backup(dir / "with-key", "--include-private-key");
  ASSERT_EQ(with_key.status, 0) << with_key.output;
  EXPECT_NE(with_key.output.find("WARNING: this backup holds the private signing key"),
            std::string::npos)
      << with_key.output;
  const auto snap = snapshots_in(dir / "with-key").at(0);
  EXPECT_EQ(read_text(snap / "keys/private/signing-ed25519.pem"),
            read_text(data / "keys/signing-ed25519.pem"));
  EXPECT_NE(read_text(snap / "backup-info.txt").find("private-keys: included"), std::string::npos);

  // Restored without the key, a new one signs from then on; with it, the old one.
  auto without =
      run_command(parix() + " restore " + (dir / "plain").string() + " " + (dir / "r1").string());
  ASSERT_EQ(without.status, 0) << without.output;
  EXPECT_NE(without.output.find("a new one was made"), std::string::npos) << without.output;
  EXPECT_NE(read_text(dir / "r1/keys/signing-ed25519.pem"),
            read_text(data / "keys/signing-ed25519.pem"));
  auto with = run_command(parix() + " restore " + (dir / "with-key").string() + " " +
                          (dir / "r2").string());
  ASSERT_EQ(with.status, 0) << with.output;
  EXPECT_EQ(read_text(dir / "r2/keys/signing-ed25519.pem"),
            read_text(data / "keys/signing-ed25519.pem"));
}

TEST_F(backup_of_a_quiet_server, a_damaged_backup_is_refused_before_anything_is_written) {
  ASSERT_EQ(backup(dir / "b").status, 0);
  const auto snap = snapshots_in(dir / "b").at(0);
  {
    std::fstream db{snap / "parix.db", std::ios::in | std::ios::out | std::ios::binary};
    db.seekp(4096 + 100);
    db.put('\x5A');
  }
  auto r =
      run_command(parix() + " restore " + (dir / "b").string() + " " + (dir / "restored").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("CHANGED snapshots/" + snap.filename().string() + "/parix.db"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "restored"));
}

TEST_F(backup_of_a_quiet_server, restore_refuses_a_folder_that_is_not_empty) {
  ASSERT_EQ(backup(dir / "b").status, 0);
  fs::create_directories(dir / "busy");
  std::ofstream{dir / "busy" / "parix.db"} << "someone's database";
  auto r = run_command(parix() + " restore " + (dir / "b").string() + " " +
                       (dir / "busy").string() + " 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("not empty"), std::string::npos) << r.output;
  EXPECT_EQ(read_text(dir / "busy" / "parix.db"), "someone's database");
}

}  // namespace
}  // namespace parix::testing
