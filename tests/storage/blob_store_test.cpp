// The filesystem blob store: layout, durability steps visible from outside (modes,
// renames), deduplication, hash validation, listing and concurrent puts.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <array>
#include <atomic>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <set>
#include <thread>
#include <vector>

#include "storage/blob_store.hpp"
#include "storage/error.hpp"
#include "storage/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

namespace fs = std::filesystem;

std::string hash_of(std::string_view content) {
  return storage::to_hex(storage::sha256(content));
}

void write_file(const fs::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good());
}

std::string read_all(storage::blob_reader& r) {
  std::string out;
  std::vector<char> buf(7);  // small on purpose: exercises offsets
  std::uint64_t offset = 0;
  while (std::size_t n = r.read(offset, buf)) {
    out.append(buf.data(), n);
    offset += n;
  }
  return out;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

class blob_store : public ::testing::Test {
 protected:
  temp_dir d;
  fs::path root = d / "blobs";
  std::unique_ptr<storage::blob_store> store = storage::open_filesystem_blob_store(root);

  // Stages content and puts it; returns its hash.
  std::string put(std::string_view content, std::string_view hint = "upload") {
    fs::path staged = store->new_staging_file(hint);
    write_file(staged, content);
    std::string h = hash_of(content);
    EXPECT_EQ(store->put_file(staged, h), content.size());
    return h;
  }
};

TEST_F(blob_store, opening_creates_the_root_and_its_staging_folder) {
  EXPECT_TRUE(fs::is_directory(root));
  EXPECT_EQ(store->staging_dir(), root / "tmp");
  EXPECT_TRUE(fs::is_directory(root / "tmp"));
}

TEST_F(blob_store, a_put_blob_reads_back_from_its_two_level_path) {
  const std::string content = "Báo cáo CCHC năm 2024 — nội dung kiểm chứng";
  fs::path staged = store->new_staging_file("bao-cao.pdf");
  write_file(staged, content);
  const std::string h = hash_of(content);

  EXPECT_FALSE(store->exists(h));
  EXPECT_EQ(store->put_file(staged, h), content.size());
  EXPECT_TRUE(store->exists(h));
  EXPECT_FALSE(fs::exists(staged)) << "the staging file was renamed into place";

  const fs::path blob = root / h.substr(0, 2) / h.substr(2);
  ASSERT_TRUE(fs::is_regular_file(blob));
  EXPECT_EQ(mode_of(blob), 0444u) << "blobs are read-only once stored";

  auto reader = store->open(h);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->size(), content.size());
  EXPECT_EQ(read_all(*reader), content);
}

TEST_F(blob_store, a_reader_reads_from_an_offset_and_returns_zero_at_the_end) {
  const std::string h = put("0123456789");
  auto reader = store->open(h);
  ASSERT_NE(reader, nullptr);
  std::array<char, 4> buf{};
  ASSERT_EQ(reader->read(6, buf), 4u);
  EXPECT_EQ(std::string(buf.data(), 4), "6789");
  EXPECT_EQ(reader->read(8, buf), 2u);
  EXPECT_EQ(reader->read(10, buf), 0u);
  EXPECT_EQ(reader->read(1000, buf), 0u);
}

// read_once takes the device path (O_DIRECT) for the aligned part of a request and
// read() for the rest; whichever way each byte comes, the answer is read()'s.
TEST_F(blob_store, read_once_gives_what_read_gives_at_any_offset_and_alignment) {
  std::string content((1 << 20) + 3 * 4096 + 123, '\0');
  for (std::size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>((i * 2654435761u) >> 11);
  const std::string h = put(content);
  auto reader = store->open(h);
  ASSERT_NE(reader, nullptr);
  constexpr std::align_val_t page{4096};
  std::unique_ptr<char, void (*)(char*)> buf(
      static_cast<char*>(::operator new(content.size() + 8192, page)),
      [](char* p) { ::operator delete(p, page); });
  struct request {
    std::uint64_t offset;
    std::size_t at;  // into buf: 0 is aligned, others are not
    std::size_t length;
  };
  const std::uint64_t last_page = content.size() / 4096 * 4096;
  for (const request r :
       {request{0, 0, content.size() + 8192}, request{4096, 0, 8192}, request{1000, 0, 5000},
        request{8192, 1, 4096 * 5}, request{last_page, 0, 8192},
        request{last_page - 4096, 0, 4096 + 7}, request{content.size(), 0, 4096},
        request{content.size() + 4096, 0, 4096}}) {
    const std::string expected =
        r.offset < content.size() ? content.substr(r.offset, r.length) : std::string();
    const std::size_t n = reader->read_once(r.offset, {buf.get() + r.at, r.length});
    EXPECT_EQ(std::string(buf.get() + r.at, n), expected)
        << "offset " << r.offset << ", length " << r.length << ", buffer +" << r.at;
  }

  // A page changed through the page cache (a damaged blob) is what read_once sees too:
  // sealing must check the bytes that are there, not an older copy.
  const fs::path blob = root / h.substr(0, 2) / h.substr(2);
  ::chmod(blob.c_str(), 0644);
  {
    std::fstream f(blob, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(12288 + 5);
    f.put('!');
  }
  ASSERT_EQ(reader->read_once(8192, {buf.get(), 8192}), 8192u);
  EXPECT_EQ(buf.get()[4096 + 5], '!');
  EXPECT_EQ(std::string(buf.get(), 4096 + 5), content.substr(8192, 4096 + 5));
}

TEST_F(blob_store, an_empty_blob_is_stored_and_read) {
  const std::string h = put("");
  auto reader = store->open(h);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->size(), 0u);
  EXPECT_EQ(read_all(*reader), "");
}

TEST_F(blob_store, putting_content_already_stored_removes_the_source) {
  const std::string h = put("same bytes");
  fs::path again = store->new_staging_file("again");
  write_file(again, "same bytes");
  EXPECT_EQ(store->put_file(again, h), 10u);
  EXPECT_FALSE(fs::exists(again));
  EXPECT_TRUE(fs::is_empty(root / "tmp"));
  int count = 0;
  store->for_each([&](std::string_view) { ++count; });
  EXPECT_EQ(count, 1);
}

TEST_F(blob_store, a_bad_hash_is_refused_everywhere) {
  fs::path staged = store->new_staging_file("x");
  write_file(staged, "x");
  const std::string good = hash_of("x");
  std::string upper = good;
  upper[0] = 'A';
  upper[1] = 'B';
  for (const std::string& bad : {std::string(), good.substr(1), good + "0", upper,
                                 std::string(64, 'g'), std::string("../") + good.substr(3)}) {
    try {
      store->put_file(staged, bad);
      ADD_FAILURE() << "put_file accepted '" << bad << "'";
    } catch (const storage::error& e) {
      EXPECT_EQ(e.kind(), storage::failure::other) << e.what();
    }
    EXPECT_THROW((void)store->exists(bad), storage::error);
    EXPECT_THROW((void)store->open(bad), storage::error);
  }
  EXPECT_TRUE(fs::exists(staged)) << "a refused put leaves the file alone";
}

TEST_F(blob_store, opening_a_missing_blob_gives_null) {
  EXPECT_EQ(store->open(hash_of("never stored")), nullptr);
  EXPECT_FALSE(store->exists(hash_of("never stored")));
}

TEST_F(blob_store, putting_a_missing_file_is_an_io_error) {
  try {
    store->put_file(root / "tmp" / "nope", hash_of("nope"));
    FAIL() << "no exception";
  } catch (const storage::error& e) {
    EXPECT_EQ(e.kind(), storage::failure::io);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
}

TEST_F(blob_store, for_each_lists_every_blob_and_nothing_else) {
  std::set<std::string> expected;
  for (int i = 0; i < 20; ++i) expected.insert(put("blob " + std::to_string(i)));
  // Things that are not blobs: a staging file, a stray file in root, a folder that is
  // not two hex digits, a short name and an upper-case folder.
  (void)store->new_staging_file("pending");
  write_file(root / "README", "not a blob");
  fs::create_directories(root / "zz");
  write_file(root / "zz" / std::string(62, 'a'), "no");
  const std::string some = *expected.begin();
  write_file(root / some.substr(0, 2) / "short", "no");
  fs::create_directories(root / "AB");
  write_file(root / "AB" / std::string(62, 'a'), "no");

  std::set<std::string> seen;
  store->for_each([&](std::string_view h) { EXPECT_TRUE(seen.insert(std::string(h)).second); });
  EXPECT_EQ(seen, expected);
}

TEST_F(blob_store, staging_files_are_fresh_private_and_in_tmp) {
  std::set<fs::path> names;
  for (int i = 0; i < 50; ++i) {
    fs::path p = store->new_staging_file("../../etc/evil name;rm -rf.pdf");
    EXPECT_EQ(p.parent_path(), root / "tmp");
    EXPECT_TRUE(fs::is_regular_file(p));
    EXPECT_EQ(fs::file_size(p), 0u);
    EXPECT_EQ(mode_of(p), 0600u);
    const std::string name = p.filename().string();
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_EQ(name.find(' '), std::string::npos);
    EXPECT_EQ(name.find(';'), std::string::npos);
    EXPECT_NE(name.find("etcevilnamerm-rf.pdf"), std::string::npos) << name;
    EXPECT_TRUE(names.insert(p).second) << "staging names repeat: " << p;
  }
  fs::path plain = store->new_staging_file("");
  EXPECT_EQ(plain.filename().string().size(), 32u) << "16 random bytes in hex";
}

TEST_F(blob_store, four_threads_putting_the_same_content_end_with_one_blob) {
  const std::string content(256 * 1024, 'q');
  const std::string h = hash_of(content);
  for (int round = 0; round < 5; ++round) {
    std::vector<fs::path> staged;
    for (int i = 0; i < 4; ++i) {
      staged.push_back(store->new_staging_file("t" + std::to_string(i)));
      write_file(staged.back(), content);
    }
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        try {
          if (store->put_file(staged[i], h) != content.size()) ++failures;
        } catch (const std::exception&) {
          ++failures;
        }
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
  }
  std::vector<std::string> seen;
  store->for_each([&](std::string_view x) { seen.emplace_back(x); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], h);
  EXPECT_TRUE(fs::is_empty(root / "tmp")) << "every source was moved or removed";
  auto reader = store->open(h);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(read_all(*reader), content);
}

TEST_F(blob_store, a_second_store_on_the_same_root_sees_the_blobs) {
  const std::string h = put("kept");
  store.reset();
  auto again = storage::open_filesystem_blob_store(root);
  EXPECT_TRUE(again->exists(h));
}

TEST(blob_store_root, a_root_that_is_a_file_is_refused) {
  temp_dir d;
  write_file(d / "file", "x");
  try {
    (void)storage::open_filesystem_blob_store(d / "file");
    FAIL() << "no exception";
  } catch (const storage::error& e) {
    EXPECT_EQ(e.kind(), storage::failure::io);
  }
}

}  // namespace
}  // namespace parix::testing
