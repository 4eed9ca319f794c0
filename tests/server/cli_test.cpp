// The parix binary's subcommands, run as a user would.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

std::string parix() {
  return PARIX_BINARY;
}

TEST(cli, version_prints_the_version) {
  auto r = run_command(parix() + " version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, std::string{"parix "} + PARIX_VERSION + "\n");
}

TEST(cli, an_unknown_command_is_a_usage_error) {
  EXPECT_EQ(run_command(parix() + " frobnicate 2>/dev/null").status, 2);
}

TEST(cli, init_creates_everything_and_can_run_twice) {
  temp_dir d;
  const auto data = (d / "data").string();
  auto first =
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data);
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_TRUE(std::filesystem::exists(d / "data/parix.db"));
  EXPECT_TRUE(std::filesystem::exists(d / "data/tls/server.crt"));
  struct stat st {};
  ASSERT_EQ(::stat((d / "data/keys/signing-ed25519.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second =
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data);
  EXPECT_EQ(second.status, 0) << second.output;
  EXPECT_NE(second.output.find("administrator admin exists"), std::string::npos);
}

TEST(cli, init_refuses_a_weak_first_password_and_reads_it_from_stdin) {
  temp_dir d;
  const auto data = (d / "data").string();
  auto weak = run_command("echo short | env -u PARIX_ADMIN_PASSWORD " + parix() + " init --data " +
                          data + " 2>&1");
  EXPECT_EQ(weak.status, 1) << weak.output;
  auto ok = run_command("echo a-long-secret-phrase | env -u PARIX_ADMIN_PASSWORD " + parix() +
                        " init --data " + data);
  EXPECT_EQ(ok.status, 0) << ok.output;
}

TEST(cli, users_are_added_listed_and_disabled) {
  temp_dir d;
  const auto data = (d / "data").string();
  ASSERT_EQ(
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data).status,
      0);
  auto add = run_command("PARIX_PASSWORD=mot-mat-khau-dai " + parix() +
                         " user add thanhtra --role auditor --data " + data);
  EXPECT_EQ(add.status, 0) << add.output;
  auto bad = run_command("PARIX_PASSWORD=mot-mat-khau-dai " + parix() +
                         " user add canbo --role agency_editor --data " + data + " 2>&1");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("unit required"), std::string::npos) << bad.output;
  ASSERT_EQ(run_command(parix() + " user disable thanhtra --data " + data).status, 0);
  auto list = run_command(parix() + " user list --data " + data);
  EXPECT_NE(list.output.find("thanhtra\tauditor\t-\tdisabled"), std::string::npos) << list.output;
}

TEST(cli, backup_adds_a_snapshot_to_a_backup_folder_and_refuses_a_file) {
  temp_dir d;
  const auto data = (d / "data").string();
  ASSERT_EQ(
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data).status,
      0);
  const auto dest = (d / "backups").string();
  auto r = run_command(parix() + " backup " + dest + " --data " + data);
  ASSERT_EQ(r.status, 0) << r.output;
  std::vector<std::filesystem::path> snapshots;
  for (const auto& e : std::filesystem::directory_iterator(d / "backups" / "snapshots"))
    snapshots.push_back(e.path());
  ASSERT_EQ(snapshots.size(), 1u);
  auto check = run_command("sqlite3 " + (snapshots[0] / "parix.db").string() +
                           " 'PRAGMA integrity_check; SELECT username FROM users;'");
  EXPECT_EQ(check.output, "ok\nadmin\n");
  std::ofstream{d / "a-file"} << "x";
  EXPECT_EQ(run_command(parix() + " backup " + (d / "a-file").string() + " --data " + data +
                        " 2>/dev/null")
                .status,
            1);
}

TEST(cli, demo_loads_a_user_of_every_role_twice_without_error) {
  temp_dir d;
  const auto data = (d / "data").string();
  ASSERT_EQ(
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data).status,
      0);
  ASSERT_EQ(run_command(parix() + " demo --data " + data).status, 0);
  auto again = run_command(parix() + " demo --data " + data);
  EXPECT_EQ(again.status, 0);
  auto roles =
      run_command("sqlite3 " + data + "/parix.db 'SELECT DISTINCT role FROM users ORDER BY role'");
  EXPECT_EQ(roles.output,
            "admin\nagency_editor\nagency_head\nappraiser\nauditor\ncouncil_member\nsecretariat\n");
}

TEST(cli, units_are_added_imported_listed_and_disabled_at_the_console) {
  temp_dir d;
  const auto data = (d / "data").string();
  ASSERT_EQ(
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data).status,
      0);
  auto add = run_command(parix() +
                         " unit add DBN --name 'UBND tỉnh Điện Biên' --kind province "
                         "--data " +
                         data);
  ASSERT_EQ(add.status, 0) << add.output;
  {
    std::ofstream f{(d / "units.csv").string()};
    f << "\xEF\xBB\xBF"
         "code;name;parent;kind\r\nSNV;Sở Nội vụ;DBN;department\r\n"
         "HTG;UBND huyện Tuần Giáo;DBN;district\r\n";
  }
  auto imported =
      run_command(parix() + " unit import " + (d / "units.csv").string() + " --data " + data);
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("2 units added"), std::string::npos) << imported.output;
  {
    std::ofstream f{(d / "bad.csv").string()};
    f << "code,name\nSTP,Sở Tư pháp\nsnv,lower\n";
  }
  auto bad = run_command(parix() + " unit import " + (d / "bad.csv").string() + " --data " + data +
                         " 2>&1");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("bad.csv:3: invalid_code"), std::string::npos) << bad.output;
  ASSERT_EQ(run_command(parix() + " unit disable HTG --data " + data).status, 0);
  auto list = run_command(parix() + " unit list --data " + data);
  EXPECT_EQ(list.output,
            "DBN\tUBND tỉnh Điện Biên\t-\tprovince\tactive\n"
            "HTG\tUBND huyện Tuần Giáo\tDBN\tdistrict\tdisabled\n"
            "SNV\tSở Nội vụ\tDBN\tdepartment\tactive\n");
  auto audit = run_command("sqlite3 " + data +
                           "/parix.db \"SELECT action FROM audit_entries WHERE entity = "
                           "'unit/HTG' ORDER BY id\"");
  EXPECT_EQ(audit.output, "unit.created\nunit.disabled\n");
}

TEST(cli, users_are_imported_with_one_time_passwords_printed_once) {
  temp_dir d;
  const auto data = (d / "data").string();
  ASSERT_EQ(
      run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + parix() + " init --data " + data).status,
      0);
  ASSERT_EQ(run_command(parix() + " unit add STP --name 'Sở Tư pháp' --data " + data).status, 0);
  {
    std::ofstream f{(d / "users.csv").string()};
    f << "username,display_name,role,unit\nstp.canbo,Cán bộ,agency_editor,STP\n"
         "thanhtra,Thanh tra,auditor,\n";
  }
  auto r = run_command(parix() + " user import " + (d / "users.csv").string() + " --data " + data);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("stp.canbo\tagency_editor\tSTP\t"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("thanhtra\tauditor\t-\t"), std::string::npos) << r.output;
  auto again = run_command(parix() + " user import " + (d / "users.csv").string() + " --data " +
                           data + " 2>&1");
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.output.find("users.csv:2: username_taken"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace parix::testing
