// Inspecting uploaded ZIPs: listings, and refusals of traversal, links, encryption, bombs.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "evidence/formats/content_type.hpp"
#include "evidence/formats/zip_directory.hpp"
#include "evidence/formats/zip_inspect.hpp"
#include "tests/support/crafted_zip.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::evidence {
namespace {

using parix::testing::run_command;
using parix::testing::temp_dir;
using namespace std::string_literals;

struct zip_item {
  enum type_t { file, directory, symlink };
  std::string path{};
  std::string data{};
  type_t type = file;
  std::string target{};     // of a symlink
  std::uint64_t zeros = 0;  // appended zero bytes, written in blocks (bombs)
  bool stored = false;      // no compression
};

zip_item entry(std::string path, std::string data) {
  return {std::move(path), std::move(data)};
}
zip_item stored_entry(std::string path, std::string data) {
  zip_item i{std::move(path), std::move(data)};
  i.stored = true;
  return i;
}
zip_item directory(std::string path) {
  return {std::move(path), "", zip_item::directory};
}
zip_item symlink(std::string path, std::string target) {
  return {std::move(path), "", zip_item::symlink, std::move(target)};
}
zip_item zeros(std::string path, std::uint64_t n) {
  zip_item i{std::move(path)};
  i.zeros = n;
  return i;
}

struct zip_options {
  std::string passphrase;  // non-empty: traditional PKWARE encryption
};

// A ZIP written with libarchive's writer, entries in the order given.
void write_zip(const std::filesystem::path& p, const std::vector<zip_item>& items,
               const zip_options& options = {}) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                            &archive_write_free);
  ASSERT_EQ(archive_write_set_format_zip(a.get()), ARCHIVE_OK);
  if (!options.passphrase.empty()) {
    ASSERT_EQ(archive_write_set_options(a.get(), "zip:encryption=zipcrypt"), ARCHIVE_OK)
        << archive_error_string(a.get());
    ASSERT_EQ(archive_write_set_passphrase(a.get(), options.passphrase.c_str()), ARCHIVE_OK);
  }
  ASSERT_EQ(archive_write_open_filename(a.get(), p.c_str()), ARCHIVE_OK);
  for (const zip_item& item : items) {
    // Compression is chosen per entry (ODF wants "mimetype" stored).
    ASSERT_EQ(item.stored ? archive_write_zip_set_compression_store(a.get())
                          : archive_write_zip_set_compression_deflate(a.get()),
              ARCHIVE_OK);
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                    &archive_entry_free);
    archive_entry_set_pathname_utf8(e.get(), item.path.c_str());
    switch (item.type) {
      case zip_item::file:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_perm(e.get(), 0644);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(item.data.size() + item.zeros));
        break;
      case zip_item::directory:
        archive_entry_set_filetype(e.get(), AE_IFDIR);
        archive_entry_set_perm(e.get(), 0755);
        archive_entry_set_size(e.get(), 0);
        break;
      case zip_item::symlink:
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_perm(e.get(), 0777);
        archive_entry_set_symlink(e.get(), item.target.c_str());
        archive_entry_set_size(e.get(), 0);
        break;
    }
    ASSERT_GE(archive_write_header(a.get(), e.get()), ARCHIVE_WARN)
        << archive_error_string(a.get());
    if (!item.data.empty()) {
      ASSERT_EQ(archive_write_data(a.get(), item.data.data(), item.data.size()),
                static_cast<la_ssize_t>(item.data.size()));
    }
    const std::string block(1 << 20, '\0');
    for (std::uint64_t left = item.zeros; left > 0;) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
      ASSERT_EQ(archive_write_data(a.get(), block.data(), n), static_cast<la_ssize_t>(n));
      left -= n;
    }
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Makes every entry of a ZIP (no comment, no zip64) claim `size` expanded bytes, in
// the central directory and in the local headers.
void claim_expanded_size(const std::filesystem::path& p, std::uint32_t size) {
  std::string b = read_bytes(p);
  auto le16 = [&](std::size_t at) {
    return static_cast<std::size_t>(static_cast<unsigned char>(b[at]) |
                                    static_cast<unsigned char>(b[at + 1]) << 8);
  };
  auto le32 = [&](std::size_t at) { return le16(at) | le16(at + 2) << 16; };
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  ASSERT_GE(b.size(), 22u);
  const std::size_t eocd = b.size() - 22;
  ASSERT_EQ(b.compare(eocd, 4, "PK\x05\x06"), 0);
  std::size_t cd = le32(eocd + 16);
  for (std::size_t n = le16(eocd + 10); n > 0; --n) {
    ASSERT_EQ(b.compare(cd, 4, "PK\x01\x02"), 0);
    ASSERT_NE(le32(cd + 24), 0xFFFFFFFFu) << "zip64";
    put32(cd + 24, size);
    put32(le32(cd + 42) + 22, size);
    cd += 46 + le16(cd + 28) + le16(cd + 30) + le16(cd + 32);
  }
  write_bytes(p, b);
}

// Bytes that deflate cannot shrink, the same on every run.
std::string incompressible(std::size_t n) {
  std::string s(n, '\0');
  std::uint64_t state = 0x2545F4914F6CDD1Dull;
  for (char& c : s) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = static_cast<char>(state >> 24);
  }
  return s;
}

class zip_inspect : public ::testing::Test {
 protected:
  std::filesystem::path zip(const std::vector<zip_item>& items, const zip_options& o = {}) {
    auto p = dir_ / ("z" + std::to_string(++n_) + ".zip");
    write_zip(p, items, o);
    return p;
  }
  // Expects a refusal with code naming entry.
  static void expect_refused(const zip_report& r, zip_refusal_code code, std::string_view entry) {
    ASSERT_FALSE(r) << "accepted";
    EXPECT_EQ(r.refusal->code, code) << to_string(r.refusal->code) << ": " << r.refusal->detail;
    EXPECT_EQ(r.refusal->entry, entry);
    EXPECT_FALSE(r.refusal->detail.empty());
  }
  temp_dir dir_;
  int n_ = 0;
};

TEST_F(zip_inspect, lists_every_entry_with_its_utf8_path_and_real_size) {
  auto r =
      inspect_zip(zip({directory("Báo cáo/"),
                       entry("Báo cáo/Quyết định số 12.pdf", "%PDF-1.7\n" + std::string(5000, 'x')),
                       entry("Bảng điểm.xlsx", incompressible(70'000)), entry("rỗng.txt", "")}));
  ASSERT_TRUE(r) << r.refusal->detail;
  ASSERT_EQ(r.entries.size(), 4u);
  EXPECT_EQ(r.entries[0].path, "Báo cáo/");
  EXPECT_TRUE(r.entries[0].is_directory);
  EXPECT_EQ(r.entries[0].size, 0u);
  EXPECT_EQ(r.entries[1].path, "Báo cáo/Quyết định số 12.pdf");
  EXPECT_FALSE(r.entries[1].is_directory);
  EXPECT_EQ(r.entries[1].size, 5009u);
  EXPECT_EQ(r.entries[2].path, "Bảng điểm.xlsx");
  EXPECT_EQ(r.entries[2].size, 70'000u);
  EXPECT_EQ(r.entries[3].size, 0u);
  EXPECT_EQ(r.total_size, 75'009u);
  EXPECT_EQ(r.compressed_size, std::filesystem::file_size(dir_ / "z1.zip"));
}

TEST_F(zip_inspect, accepts_an_empty_zip) {
  auto r = inspect_zip(zip({}));
  ASSERT_TRUE(r) << r.refusal->detail;
  EXPECT_TRUE(r.entries.empty());
}

TEST_F(zip_inspect, refuses_a_path_that_climbs_out) {
  expect_refused(inspect_zip(zip({entry("ok.txt", "a"), entry("../../etc/passwd", "root:x:0:0")})),
                 zip_refusal_code::path_traversal, "../../etc/passwd");
  expect_refused(inspect_zip(zip({entry("a/../../b.txt", "a")})), zip_refusal_code::path_traversal,
                 "a/../../b.txt");
  // libarchive reads Windows separators as "/" (and inspect_zip would split on both).
  expect_refused(inspect_zip(zip({entry("a\\..\\b.txt", "a")})), zip_refusal_code::path_traversal,
                 "a/../b.txt");
}

TEST_F(zip_inspect, refuses_absolute_paths) {
  expect_refused(inspect_zip(zip({entry("/abs", "a")})), zip_refusal_code::absolute_path, "/abs");
  expect_refused(inspect_zip(zip({entry("C:/Windows/x.dll", "a")})),
                 zip_refusal_code::absolute_path, "C:/Windows/x.dll");
  expect_refused(inspect_zip(zip({entry("\\\\server\\share\\x", "a")})),
                 zip_refusal_code::absolute_path, "//server/share/x");
}

TEST_F(zip_inspect, refuses_symbolic_links) {
  zip_item link = symlink("evidence/passwd", "/etc/passwd");
  expect_refused(inspect_zip(zip({entry("a.txt", "a"), link})), zip_refusal_code::link,
                 "evidence/passwd");
  zip_item relative = symlink("up", "../..");
  expect_refused(inspect_zip(zip({relative})), zip_refusal_code::link, "up");
}

TEST_F(zip_inspect, refuses_device_entries) {
  // libarchive's writer cannot put a device into a ZIP: write a file, then turn its Unix
  // mode (the high half of the central directory's external attributes) into a
  // character device. (libarchive 3.6 reads a FIFO's mode back as a regular file.)
  auto p = zip({stored_entry("tty", "x")});
  std::string bytes = read_bytes(p);
  std::size_t central = bytes.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  const std::uint32_t char_device_mode = 0020644;
  for (int i = 0; i < 2; ++i)
    bytes[central + 40 + i] = static_cast<char>((char_device_mode >> (8 * i)) & 0xFF);
  write_bytes(p, bytes);
  expect_refused(inspect_zip(p), zip_refusal_code::special_file, "tty");
}

TEST_F(zip_inspect, refuses_encrypted_entries) {
  auto p = zip({entry("mật.pdf", "%PDF-1.7 secret")}, {"matkhau"});
  expect_refused(inspect_zip(p), zip_refusal_code::encrypted, "mật.pdf");
}

TEST_F(zip_inspect, refuses_too_many_entries) {
  std::vector<zip_item> items;
  for (int i = 0; i < 6; ++i) items.push_back(entry("f" + std::to_string(i) + ".txt", "x"));
  zip_limits limits;
  limits.max_entries = 5;
  auto p = zip(items);
  expect_refused(inspect_zip(p, limits), zip_refusal_code::too_many_entries, "f5.txt");
  limits.max_entries = 6;
  EXPECT_TRUE(inspect_zip(p, limits));
}

TEST_F(zip_inspect, refuses_paths_too_deep) {
  zip_limits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(inspect_zip(zip({entry("a/b/c.txt", "x"), directory("a/./b/")}), limits));
  expect_refused(inspect_zip(zip({entry("a/b/c/d.txt", "x")}), limits), zip_refusal_code::too_deep,
                 "a/b/c/d.txt");
  std::string deep;
  for (int i = 0; i < 17; ++i) deep += "d/";
  deep += "x.txt";
  expect_refused(inspect_zip(zip({entry(deep, "x")})), zip_refusal_code::too_deep, deep);
}

TEST_F(zip_inspect, stops_reading_a_zip_bomb_at_the_ratio_limit) {
  // 50 MB of zeros deflate to about 50 KB: a ratio near 1000.
  auto p = zip({zeros("bom.bin", 50'000'000)});
  ASSERT_LT(std::filesystem::file_size(p), 500'000u);
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::zip_bomb, "bom.bin");
  // Refused once past 100 × the file's size (plus one block), not after expanding it all.
  EXPECT_LT(r.total_size, 100 * r.compressed_size + (1 << 17));
  EXPECT_EQ(r.entries.size(), 1u);
}

TEST_F(zip_inspect, judges_each_entry_by_its_own_ratio) {
  // 3 MB of noise keeps the whole file's ratio low; the zeros after it are the bomb.
  auto p = zip({entry("noise.bin", incompressible(3'000'000)), zeros("bom.bin", 20'000'000)});
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::zip_bomb, "bom.bin");
  EXPECT_NE(r.refusal->detail.find("entry"), std::string::npos) << r.refusal->detail;
  EXPECT_LT(r.total_size, 3'000'000u + 3'000'000u);
}

TEST_F(zip_inspect, refuses_an_archive_that_expands_past_the_total_size) {
  zip_limits limits;
  limits.max_total_size = 1'000'000;
  // A declared size that would pass the limit is refused before reading…
  auto declared = inspect_zip(zip({entry("big.bin", incompressible(1'500'000))}), limits);
  expect_refused(declared, zip_refusal_code::zip_bomb, "big.bin");
  EXPECT_NE(declared.refusal->detail.find("declares"), std::string::npos);
  EXPECT_EQ(declared.total_size, 0u);
  auto second = inspect_zip(
      zip({entry("a.bin", incompressible(600'000)), entry("b.bin", incompressible(600'000))}),
      limits);
  expect_refused(second, zip_refusal_code::zip_bomb, "b.bin");
  EXPECT_EQ(second.total_size, 600'000u);
  // …and when the headers lie, the real bytes are counted and reading stops at the limit.
  auto lying = zip({entry("big.bin", incompressible(1'500'000))});
  claim_expanded_size(lying, 10);
  auto r = inspect_zip(lying, limits);
  expect_refused(r, zip_refusal_code::zip_bomb, "big.bin");
  EXPECT_NE(r.refusal->detail.find("expands past"), std::string::npos) << r.refusal->detail;
  EXPECT_LE(r.total_size, 1'000'000u + (1 << 16));
  // A lie that stays under the limits is noticed at the entry's end.
  auto small_lie = zip({entry("a.bin", incompressible(600'000)), entry("b.txt", "x")});
  claim_expanded_size(small_lie, 10);
  expect_refused(inspect_zip(small_lie, limits), zip_refusal_code::damaged, "a.bin");
}

TEST_F(zip_inspect, counts_real_bytes_not_the_declared_size) {
  auto p = zip({zeros("bom.bin", 20'000'000)});
  claim_expanded_size(p, 10);
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::zip_bomb, "bom.bin");
  EXPECT_GT(r.total_size, 10u);
}

TEST_F(zip_inspect, allows_a_zip_of_zips_but_not_a_zip_of_zips_of_zips) {
  auto inner = dir_ / "inner.zip";
  write_zip(inner, {entry("a.pdf", "%PDF-1.7")});
  auto one_level = zip({entry("inner.zip", read_bytes(inner))});
  EXPECT_TRUE(inspect_zip(one_level));

  auto middle = dir_ / "middle.zip";
  write_zip(middle, {entry("note.txt", "x"), stored_entry("deepest.zip", read_bytes(inner))});
  auto two_levels = zip({entry("Hồ sơ/middle.zip", read_bytes(middle))});
  auto r = inspect_zip(two_levels);
  expect_refused(r, zip_refusal_code::nested_archive, "Hồ sơ/middle.zip");
  EXPECT_NE(r.refusal->detail.find("deepest.zip"), std::string::npos) << r.refusal->detail;

  zip_limits deeper;
  deeper.max_nested_archives_depth = 2;
  EXPECT_TRUE(inspect_zip(two_levels, deeper));
}

TEST_F(zip_inspect, with_nesting_forbidden_refuses_archives_by_name_or_by_content) {
  zip_limits flat;
  flat.max_nested_archives_depth = 0;
  auto inner = dir_ / "inner.zip";
  write_zip(inner, {entry("a.pdf", "%PDF-1.7")});
  expect_refused(inspect_zip(zip({entry("inner.zip", read_bytes(inner))}), flat),
                 zip_refusal_code::nested_archive, "inner.zip");
  expect_refused(inspect_zip(zip({entry("backup.tar.gz", "not really gzip")}), flat),
                 zip_refusal_code::nested_archive, "backup.tar.gz");
  expect_refused(inspect_zip(zip({entry("renamed.dat", read_bytes(inner))}), flat),
                 zip_refusal_code::nested_archive, "renamed.dat");
  expect_refused(inspect_zip(zip({entry("x.bin", "\x1F\x8B\x08\0\0\0\0\0"s)}), flat),
                 zip_refusal_code::nested_archive, "x.bin");
  // Office documents are ZIPs by design, not nested archives.
  EXPECT_TRUE(inspect_zip(zip({entry("Kế hoạch.docx", read_bytes(inner))}), flat));
}

TEST_F(zip_inspect, refuses_a_file_that_is_not_a_zip_as_damaged) {
  auto p = dir_ / "fake.zip";
  write_bytes(p, "<html>not a zip</html>");
  expect_refused(inspect_zip(p), zip_refusal_code::damaged, "");
}

TEST_F(zip_inspect, refuses_a_truncated_zip_as_damaged) {
  auto p = zip({entry("a.bin", incompressible(100'000)), entry("b.txt", "hello")});
  std::string bytes = read_bytes(p);
  write_bytes(p, bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(inspect_zip(p).refusal->code, zip_refusal_code::damaged);
}

TEST_F(zip_inspect, refuses_corrupt_data_as_damaged) {
  auto p = zip({entry("a.txt", std::string(100'000, 'a') + incompressible(1000))});
  std::string bytes = read_bytes(p);
  for (std::size_t i = 60; i < 100; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  write_bytes(p, bytes);
  expect_refused(inspect_zip(p), zip_refusal_code::damaged, "a.txt");
}

TEST_F(zip_inspect, refuses_a_missing_file_as_unreadable) {
  auto r = inspect_zip(dir_ / "missing.zip");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, zip_refusal_code::unreadable);
}

// ---- Issue 11: the central directory is what extraction tools read ----

// What Python's zipfile makes of a file: "<entries> <total expanded bytes> <first name>",
// or "error: …" when it refuses the file.
std::string python_listing(const std::filesystem::path& p) {
  auto r = run_command(
      "python3 -c 'import sys, zipfile\n"
      "try:\n"
      "  z = zipfile.ZipFile(sys.argv[1]); i = z.infolist()\n"
      "  print(len(i), sum(e.file_size for e in i), i[0].filename if i else \"-\")\n"
      "except Exception as e:\n"
      "  print(\"error:\", e)' " +
      p.string());
  return r.output;
}

TEST_F(zip_inspect, refuses_an_overlapping_bomb_that_python_expands_300_times) {
  // The archive: 300 central records pointing at one 10 MiB body.
  auto p = dir_ / "overlap.zip";
  write_bytes(p, parix::testing::overlapping_zip(300, 10 << 20));
  // What the tools people use make of it: 3 GiB for Python, an error for unzip.
  EXPECT_EQ(python_listing(p), "300 3145728000 a.txt\n");
  auto unzip = run_command("unzip -t " + p.string());
  EXPECT_NE(unzip.output.find("overlapped components"), std::string::npos) << unzip.output;
  // A walk of the local headers sees one 10 MiB file; the central directory says otherwise.
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::overlapping_entries, "a.txt");
  EXPECT_EQ(r.total_size, 0u) << "nothing is expanded before the structure is checked";
  EXPECT_EQ(detect(p).kind, evidence_kind::zip);
}

TEST_F(zip_inspect, refuses_a_central_name_that_differs_from_the_local_name) {
  auto p = dir_ / "mismatch.zip";
  write_bytes(p, parix::testing::mismatched_name_zip());
  // unzip and Python extract the central directory's name, not the local header's.
  EXPECT_EQ(python_listing(p), "1 6 ../../evil.txt\n");
  auto unzip = run_command("unzip -l " + p.string());
  EXPECT_NE(unzip.output.find("../../evil.txt"), std::string::npos) << unzip.output;
  EXPECT_EQ(unzip.output.find("safe.txt"), std::string::npos) << unzip.output;
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::name_mismatch, "../../evil.txt");
  EXPECT_NE(r.refusal->detail.find("safe.txt"), std::string::npos) << r.refusal->detail;
  EXPECT_TRUE(r.entries.empty()) << "nothing is listed under the local header's name";

  // Both names harmless but different: still refused, the listing would lie.
  auto q = dir_ / "renamed.zip";
  write_bytes(q, parix::testing::raw_zip({{"Báo cáo.pdf", "Bao cao.pdf", "%PDF-1.7"}}));
  expect_refused(inspect_zip(q), zip_refusal_code::name_mismatch, "Báo cáo.pdf");
}

TEST_F(zip_inspect, refuses_a_zip_cut_before_its_central_directory) {
  auto p = dir_ / "cut.zip";
  write_bytes(p, parix::testing::zip_cut_before_central_directory());
  EXPECT_EQ(python_listing(p).rfind("error:", 0), 0u) << python_listing(p);
  auto unzip = run_command("unzip -t " + p.string());
  EXPECT_NE(unzip.status, 0);
  EXPECT_NE(unzip.output.find("cannot find zipfile directory"), std::string::npos) << unzip.output;
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::damaged, "");
  EXPECT_NE(r.refusal->detail.find("central directory"), std::string::npos) << r.refusal->detail;
}

TEST_F(zip_inspect, refuses_entries_whose_data_runs_past_the_central_directory) {
  std::string bytes = parix::testing::raw_zip({{"a.txt", "a.txt", "hello"}});
  // Claim 1000 compressed bytes in the central record (offset 20 of it).
  const std::size_t central = bytes.find("PK\x01\x02");
  bytes[central + 20] = static_cast<char>(0xE8);
  bytes[central + 21] = 0x03;
  auto p = dir_ / "long.zip";
  write_bytes(p, bytes);
  auto r = inspect_zip(p);
  expect_refused(r, zip_refusal_code::damaged, "a.txt");
  EXPECT_NE(r.refusal->detail.find("run past"), std::string::npos) << r.refusal->detail;
}

TEST_F(zip_inspect, refuses_an_office_file_whose_local_names_differ) {
  // A docx whose central directory names the parts of a Word file, while a header walk
  // would see something else: refused as an archive, not accepted as a document.
  auto p = dir_ / "trick.docx";
  write_bytes(p,
              parix::testing::raw_zip({{"[Content_Types].xml", "[Content_Types].xml", "<Types/>"},
                                       {"word/document.xml", "payload.exe", "MZ"}}));
  EXPECT_EQ(detect(p).kind, evidence_kind::docx);
  expect_refused(inspect_zip(p), zip_refusal_code::name_mismatch, "word/document.xml");
  // The same package, honest, passes.
  auto q = dir_ / "honest.docx";
  write_bytes(q,
              parix::testing::raw_zip({{"[Content_Types].xml", "[Content_Types].xml", "<Types/>"},
                                       {"word/document.xml", "word/document.xml", "<w/>"}}));
  EXPECT_EQ(detect(q).kind, evidence_kind::docx);
  EXPECT_TRUE(inspect_zip(q));
}

TEST_F(zip_inspect, an_office_file_cut_before_its_directory_is_not_taken_for_a_document) {
  std::string docx =
      parix::testing::raw_zip({{"[Content_Types].xml", "[Content_Types].xml", "<Types/>"},
                               {"word/document.xml", "word/document.xml", "<w/>"}});
  auto p = dir_ / "cut.docx";
  write_bytes(p, docx.substr(0, docx.find("PK\x01\x02")));
  EXPECT_EQ(detect(p).kind, evidence_kind::zip);  // so a .docx name is a mismatch
  expect_refused(inspect_zip(p), zip_refusal_code::damaged, "");
}

TEST_F(zip_inspect, reads_the_directory_of_a_zip_written_by_libarchive) {
  auto p = zip({directory("d/"), entry("d/a.txt", std::string(20'000, 'a')),
                stored_entry("b.bin", incompressible(3000))});
  auto d = read_zip_directory(p, 100);
  ASSERT_TRUE(d) << d.failure->detail;
  ASSERT_EQ(d.entries.size(), 3u);
  EXPECT_EQ(d.entries[1].name, "d/a.txt");
  EXPECT_EQ(d.entries[1].size, 20'000u);
  EXPECT_EQ(d.entries[2].method, 0);
  EXPECT_EQ(d.entries[2].compressed_size, 3000u);
  EXPECT_EQ(read_bytes(p).substr(d.entries[2].data_offset, 3000), incompressible(3000));
}

TEST_F(zip_inspect, survives_random_damage_anywhere_in_the_file) {
  auto inner = dir_ / "inner.zip";
  write_zip(inner, {entry("a.pdf", "%PDF-1.7")});
  auto p = zip({directory("d/"), entry("d/a.txt", std::string(20'000, 'a')),
                entry("d/inner.zip", read_bytes(inner)), entry("b.bin", incompressible(3000))});
  const std::string original = read_bytes(p);
  std::uint64_t state = 88172645463325252ull;
  for (int round = 0; round < 300; ++round) {
    std::string bytes = original;
    for (int k = 0; k < 4; ++k) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      bytes[state % bytes.size()] = static_cast<char>(state >> 32);
    }
    write_bytes(p, bytes);
    auto r = inspect_zip(p);  // any verdict, as long as it does not crash
    if (r) {
      EXPECT_LE(r.entries.size(), 4u);
    }
  }
}

}  // namespace
}  // namespace parix::evidence
