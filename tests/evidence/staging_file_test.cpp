// The staging file: O_DIRECT blocks, buffered heads and tails, and a filesystem
// without O_DIRECT, must all leave exactly the bytes that were appended.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "evidence/staging_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::evidence {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::string pattern(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 131 + seed) >> 3);
  return out;
}

// Page-aligned copies of bytes, as the server's pieces are.
std::unique_ptr<char, void (*)(void*)> aligned_copy(const std::string& bytes) {
  void* p = nullptr;
  EXPECT_EQ(::posix_memalign(&p, 4096, bytes.size() + 4096), 0);
  std::memcpy(p, bytes.data(), bytes.size());
  return {static_cast<char*>(p), std::free};
}

void appends_exactly(const std::filesystem::path& dir) {
  const auto path = dir / "u.part";
  std::ofstream{path};
  const std::string a = pattern(5000, 1), b = pattern((2 << 20) + 4096, 2), c = pattern(123457, 3),
                    d = pattern(1 << 20, 4);
  {
    staging_file f{path, 0};
    f.append(a);  // unaligned length
    f.append(b);  // crosses many blocks, unaligned start
    f.sync();     // the tail goes out buffered
    EXPECT_EQ(read_all(path), a + b);
    f.append(c);
    auto copy = aligned_copy(d);
    f.append({copy.get(), d.size()});  // aligned memory, unaligned offset
    f.sync();
    EXPECT_EQ(f.end(), static_cast<std::int64_t>(a.size() + b.size() + c.size() + d.size()));
  }
  EXPECT_EQ(read_all(path), a + b + c + d);
  // A resumed upload at an aligned offset with aligned memory goes straight to disk.
  const std::string e = pattern(2 << 20, 5);
  const auto at = static_cast<std::int64_t>((a.size() + b.size()) / 4096 * 4096);
  {
    staging_file f{path, at};  // cuts off what was past `at`
    auto copy = aligned_copy(e);
    f.append({copy.get(), e.size()});
    f.sync();
  }
  EXPECT_EQ(read_all(path), (a + b).substr(0, at) + e);
  // Truncation drops what waits and what was written past the size.
  {
    staging_file f{path, 100};
    f.append(pattern(3000, 6));
    f.truncate(50);
    f.sync();
  }
  EXPECT_EQ(read_all(path), a.substr(0, 50));
}

TEST(staging_file, appends_exactly_the_bytes_given_on_disk) {
  testing::temp_dir d;
  appends_exactly(d.path());
}

TEST(staging_file, falls_back_to_buffered_writes_where_o_direct_is_refused) {
  // /dev/shm is tmpfs, which refuses O_DIRECT on open.
  ASSERT_TRUE(std::filesystem::is_directory("/dev/shm"));
  const auto dir =
      std::filesystem::path{"/dev/shm"} / ("parix-staging-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  appends_exactly(dir);
  std::filesystem::remove_all(dir);
}

TEST(staging_file, a_missing_file_is_an_io_error) {
  testing::temp_dir d;
  EXPECT_THROW((staging_file{d / "absent.part", 0}), std::exception);
}

}  // namespace
}  // namespace parix::evidence
