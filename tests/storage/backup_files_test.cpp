// The file tools of parix backup: hashed copies and sha256sum-style manifests.
#include <gtest/gtest.h>

#include <fstream>

#include "storage/backup.hpp"
#include "storage/error.hpp"
#include "storage/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::storage {
namespace {

using parix::testing::temp_dir;
namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  std::ofstream{p, std::ios::binary} << text;
}

TEST(backup_files, a_copy_is_hashed_on_the_way_and_may_stop_at_a_limit) {
  temp_dir d;
  write(d / "src", "hello, parix");
  auto whole = copy_hashed(d / "src", d / "whole");
  EXPECT_EQ(whole.sha256, to_hex(sha256(std::string_view{"hello, parix"})));
  EXPECT_EQ(whole.size, 12u);
  auto cut = copy_hashed(d / "src", d / "cut", 5);
  EXPECT_EQ(cut.sha256, to_hex(sha256(std::string_view{"hello"})));
  EXPECT_EQ(fs::file_size(d / "cut"), 5u);
  EXPECT_EQ((fs::status(d / "cut").permissions() & fs::perms::group_all), fs::perms::none);
  EXPECT_THROW(copy_hashed(d / "src", d / "whole"), fs::filesystem_error) << "never overwrites";
  EXPECT_THROW(copy_hashed(d / "src", d / "longer", 100), storage::error) << "src is shorter";
  EXPECT_FALSE(fs::exists(d / "longer"));
  EXPECT_FALSE(fs::exists(d / "longer.partial"));
  EXPECT_EQ(hash_file(d / "src").sha256, whole.sha256);
}

TEST(backup_files, a_manifest_reads_back_sorted_and_checks_with_sha256sum) {
  temp_dir d;
  fs::create_directories(d / "snap");
  write(d / "snap" / "b.txt", "b");
  write(d / "a.txt", "a");
  std::vector<manifest_entry> entries{{hash_file(d / "snap" / "b.txt").sha256, "snap/b.txt"},
                                      {hash_file(d / "a.txt").sha256, "a.txt"}};
  write_manifest(d / "manifest.txt", entries);
  auto back = read_manifest(d / "manifest.txt");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0], entries[1]);
  EXPECT_EQ(back[1], entries[0]);
  auto check =
      parix::testing::run_command("cd " + d.path().string() + " && sha256sum -c manifest.txt");
  EXPECT_EQ(check.status, 0) << check.output;
}

TEST(backup_files, a_manifest_refuses_paths_that_leave_its_folder) {
  temp_dir d;
  const std::string hash(64, 'a');
  for (const char* bad : {"../x", "/etc/passwd", "a//b", "a/./b", "a\nb", "a\\b", ""})
    EXPECT_THROW(write_manifest(d / "m", {{hash, bad}}), std::invalid_argument) << bad;
  write(d / "m", std::string(64, 'a') + "  ../outside\n");
  EXPECT_THROW(read_manifest(d / "m"), std::runtime_error);
  write(d / "m", "not a hash  x\n");
  EXPECT_THROW(read_manifest(d / "m"), std::runtime_error);
}

}  // namespace
}  // namespace parix::storage
