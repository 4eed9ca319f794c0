// The sealed evidence archive: deterministic bytes, the BagIt layout read back with
// libarchive and with Python's zipfile, names, and refusing payloads that changed.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "evidence/formats/evidence_archive.hpp"
#include "storage/blob_store.hpp"
#include "storage/error.hpp"
#include "storage/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

namespace fs = std::filesystem;
using evidence::archive_file;
using evidence::archive_info;
using evidence::build_evidence_archive;
using evidence::built_archive;

const std::string bao_cao = "Báo cáo CCHC năm 2024.pdf";  // NFC, as names are stored

std::string hash_of(std::string_view s) {
  return storage::to_hex(storage::sha256(s));
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// Content served from memory, to feed the builder bytes that disagree with a declaration.
class memory_reader final : public storage::blob_reader {
 public:
  explicit memory_reader(std::string data) : data_(std::move(data)) {}
  std::uint64_t size() const override { return data_.size(); }
  std::size_t read(std::uint64_t offset, std::span<char> out) override {
    if (offset >= data_.size()) return 0;
    std::size_t n = std::min<std::size_t>(out.size(), data_.size() - offset);
    std::copy_n(data_.data() + offset, n, out.data());
    return n;
  }

 private:
  std::string data_;
};

struct zip_entry {
  std::string name;
  std::string content;
  mode_t mode = 0;
};

// Sets LC_CTYPE for a scope (process-wide: tests run on one thread).
class scoped_ctype {
 public:
  explicit scoped_ctype(const char* name) : old_(std::setlocale(LC_CTYPE, nullptr)) {
    if (!std::setlocale(LC_CTYPE, name)) throw std::runtime_error(std::string("no locale ") + name);
  }
  ~scoped_ctype() { std::setlocale(LC_CTYPE, old_.c_str()); }

 private:
  std::string old_;
};

// Reads every entry back with libarchive, as a UTF-8 desktop would: libarchive's zip
// reader turns names into the locale's charset and drops those the C locale lacks.
std::vector<zip_entry> read_zip(const fs::path& p) {
  scoped_ctype utf8("C.UTF-8");
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), p.c_str(), 65536) != ARCHIVE_OK)
    throw std::runtime_error(archive_error_string(a.get()));
  std::vector<zip_entry> out;
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    zip_entry z;
    z.name = archive_entry_pathname(e);
    z.mode = archive_entry_mode(e);
    char buf[8192];
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) z.content.append(buf, n);
    if (n < 0) throw std::runtime_error(archive_error_string(a.get()));
    out.push_back(std::move(z));
  }
  if (r != ARCHIVE_EOF) throw std::runtime_error(archive_error_string(a.get()));
  return out;
}

const zip_entry& entry(const std::vector<zip_entry>& entries, std::string_view name) {
  for (const zip_entry& z : entries)
    if (z.name == name) return z;
  throw std::runtime_error("no entry " + std::string(name));
}

std::optional<std::string> label(const std::string& bag_info, std::string_view name) {
  std::istringstream in(bag_info);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(std::string(name) + ": ")) return line.substr(name.size() + 2);
  return std::nullopt;
}

class evidence_archive : public ::testing::Test {
 protected:
  temp_dir d;
  std::unique_ptr<storage::blob_store> store = storage::open_filesystem_blob_store(d / "blobs");

  archive_file stored(std::string name, const std::string& content) {
    fs::path staged = store->new_staging_file("t");
    write_file(staged, content);
    std::string h = hash_of(content);
    store->put_file(staged, h);
    archive_file f;
    f.name = std::move(name);
    f.sha256 = h;
    f.size = content.size();
    f.open = evidence::blob_opener(*store, h);
    return f;
  }

  static archive_file in_memory(std::string name, std::string content, std::string declared) {
    archive_file f;
    f.name = std::move(name);
    f.sha256 = hash_of(declared);
    f.size = declared.size();
    f.open = [content] { return std::make_unique<memory_reader>(content); };
    return f;
  }

  static archive_info info() {
    archive_info i;
    i.campaign = "DB-2024";
    i.unit_code = "STP";
    i.unit_name = "Sở Tư pháp";
    i.criterion_code = "1.3.2";
    i.criterion_title = "Ban hành kế hoạch CCHC năm";
    i.stage = "self_assessment";
    i.sealed_at = "2025-01-31T17:00:00.000Z";
    i.sealed_by = "stp.giamdoc";
    i.version = 2;
    return i;
  }

  std::vector<archive_file> drafts() {
    std::vector<archive_file> files;
    files.push_back(stored(bao_cao, "%PDF-1.7 báo cáo"));
    files.back().doc_number = "15/BC-STP";
    files.back().doc_date = "2024-12-05";
    files.back().doc_issuer = "Sở Tư pháp";
    files.back().doc_summary = "Báo cáo kết quả CCHC năm 2024";
    files.push_back(stored("ke-hoach.pdf", "%PDF-1.4 kế hoạch"));
    files.push_back(stored("anh.jpg", std::string(3000, '\xff')));
    return files;
  }
};

TEST_F(evidence_archive, the_same_drafts_give_byte_identical_archives) {
  std::vector<archive_file> files = drafts();
  built_archive a = build_evidence_archive(files, info(), d / "a.zip");
  std::reverse(files.begin(), files.end());  // the input order does not matter
  built_archive b = build_evidence_archive(files, info(), d / "b.zip");

  const std::string bytes_a = file_bytes(d / "a.zip");
  EXPECT_EQ(bytes_a, file_bytes(d / "b.zip"));
  EXPECT_EQ(a.archive_sha256, b.archive_sha256);
  EXPECT_EQ(a.tagmanifest_sha256, b.tagmanifest_sha256);
  EXPECT_EQ(a.archive_sha256, hash_of(bytes_a)) << "the hash taken while writing is the file's";
  EXPECT_EQ(a.size, bytes_a.size());
  EXPECT_EQ(a.file, d / "a.zip");
  EXPECT_EQ(a.file_count, 3u);
}

TEST_F(evidence_archive, the_archive_is_the_same_in_every_time_zone_and_locale) {
  const char* saved = std::getenv("TZ");
  const std::string old = saved ? saved : "";
  std::vector<std::string> hashes;
  for (const char* tz : {"UTC0", "ICT-7", "EST5", "NZST-12"}) {
    ::setenv("TZ", tz, 1);
    ::tzset();
    hashes.push_back(build_evidence_archive(drafts(), info(), d / "tz.zip").archive_sha256);
    scoped_ctype utf8("C.UTF-8");
    hashes.push_back(build_evidence_archive(drafts(), info(), d / "tz.zip").archive_sha256);
  }
  if (saved)
    ::setenv("TZ", old.c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
  for (const std::string& h : hashes) EXPECT_EQ(h, hashes[0]);
}

TEST_F(evidence_archive, another_seal_time_keeps_the_payload_manifest) {
  built_archive a = build_evidence_archive(drafts(), info(), d / "a.zip");
  archive_info later = info();
  later.sealed_at = "2025-03-01T02:00:00.000Z";
  built_archive b = build_evidence_archive(drafts(), later, d / "b.zip");
  EXPECT_EQ(a.manifest_sha256_text, b.manifest_sha256_text);
  EXPECT_NE(a.tagmanifest_sha256, b.tagmanifest_sha256) << "bag-info.txt records the time";
  EXPECT_NE(a.archive_sha256, b.archive_sha256);
}

TEST_F(evidence_archive, the_zip_is_a_bag_in_the_documented_order) {
  std::vector<archive_file> files = drafts();
  built_archive built = build_evidence_archive(files, info(), d / "a.zip");
  std::vector<zip_entry> entries = read_zip(d / "a.zip");

  std::vector<std::string> names;
  for (const zip_entry& z : entries) names.push_back(z.name);
  EXPECT_EQ(names, (std::vector<std::string>{"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                                             "data/" + bao_cao, "data/anh.jpg", "data/ke-hoach.pdf",
                                             "tagmanifest-sha256.txt"}));
  for (const zip_entry& z : entries) EXPECT_EQ(z.mode, AE_IFREG | 0644) << z.name;
  // Each entry's extended-timestamp field (local header and central directory) holds
  // flags only, no time: "UT", length 1, flags 0.
  const std::string zip_bytes = file_bytes(d / "a.zip");
  const std::string no_time("UT\x01\x00\x00", 5);
  std::size_t fields = 0;
  for (std::size_t at = zip_bytes.find(no_time); at != std::string::npos;
       at = zip_bytes.find(no_time, at + 1))
    ++fields;
  EXPECT_EQ(fields, 2 * entries.size());

  EXPECT_EQ(entry(entries, "bagit.txt").content,
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");

  std::string manifest;
  for (const std::string& path :
       {"data/" + bao_cao, std::string("data/anh.jpg"), std::string("data/ke-hoach.pdf")}) {
    const std::string& content = entry(entries, path).content;
    manifest += hash_of(content) + "  " + path + "\n";
  }
  EXPECT_EQ(entry(entries, "manifest-sha256.txt").content, manifest);
  EXPECT_EQ(built.manifest_sha256_text, manifest);

  const std::string& bag_info = entry(entries, "bag-info.txt").content;
  const std::uint64_t bytes =
      std::string("%PDF-1.7 báo cáo").size() + std::string("%PDF-1.4 kế hoạch").size() + 3000;
  EXPECT_EQ(label(bag_info, "Payload-Oxum"), std::to_string(bytes) + ".3");
  EXPECT_EQ(built.payload_bytes, bytes);
  EXPECT_EQ(label(bag_info, "Bagging-Date"), "2025-01-31");
  EXPECT_EQ(label(bag_info, "Bag-Software-Agent"), "parix");
  EXPECT_EQ(label(bag_info, "External-Identifier"), "parix:DB-2024/STP/1.3.2/v2");
  EXPECT_EQ(label(bag_info, "PARIX-Unit-Name"), "Sở Tư pháp");
  EXPECT_EQ(label(bag_info, "PARIX-Criterion"), "1.3.2");
  EXPECT_EQ(label(bag_info, "PARIX-Stage"), "self_assessment");
  EXPECT_EQ(label(bag_info, "PARIX-Version"), "2");
  EXPECT_EQ(label(bag_info, "PARIX-Sealed-At"), "2025-01-31T17:00:00.000Z");
  EXPECT_EQ(label(bag_info, "PARIX-Sealed-By"), "stp.giamdoc");
  EXPECT_EQ(label(bag_info, "PARIX-Document"),
            "data/" + bao_cao +
                " | number=15/BC-STP | date=2024-12-05 | issuer=Sở Tư pháp | summary=Báo cáo "
                "kết quả CCHC năm 2024");
  EXPECT_NE(bag_info.find("PARIX-Document: data/anh.jpg | number= | date= | issuer= | summary=\n"),
            std::string::npos);

  const std::string tagmanifest = hash_of(bag_info) + "  bag-info.txt\n" +
                                  hash_of(entry(entries, "bagit.txt").content) + "  bagit.txt\n" +
                                  hash_of(manifest) + "  manifest-sha256.txt\n";
  EXPECT_EQ(entry(entries, "tagmanifest-sha256.txt").content, tagmanifest);
  EXPECT_EQ(built.tagmanifest_sha256, hash_of(tagmanifest));

  EXPECT_EQ(entry(entries, "data/anh.jpg").content, std::string(3000, '\xff'));
  EXPECT_EQ(built.payload_paths,
            (std::vector<std::string>{"data/" + bao_cao, "data/ke-hoach.pdf", "data/anh.jpg"}));
}

TEST_F(evidence_archive, a_payload_larger_than_a_block_is_streamed_whole) {
  std::string big(3 * 1024 * 1024 + 12345, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  built_archive built = build_evidence_archive({stored("scan.tif", big)}, info(), d / "a.zip");
  std::vector<zip_entry> entries = read_zip(d / "a.zip");
  EXPECT_EQ(entry(entries, "data/scan.tif").content, big);
  EXPECT_EQ(built.payload_bytes, big.size());
  EXPECT_EQ(built.archive_sha256, hash_of(file_bytes(d / "a.zip")));
}

TEST_F(evidence_archive, files_with_the_same_name_get_distinct_entries) {
  std::vector<archive_file> files;
  files.push_back(stored("a.pdf", "three"));
  files.push_back(stored("a.pdf", "one"));
  files.push_back(stored("a (2).pdf", "a file really named so"));
  files.push_back(stored("a.pdf", "two"));
  built_archive built = build_evidence_archive(files, info(), d / "a.zip");

  // (name, sha256) order decides who keeps the name; "a (2).pdf" is taken, so the
  // numbering skips it.
  std::vector<std::pair<std::string, std::string>> by_hash = {
      {hash_of("three"), "three"}, {hash_of("one"), "one"}, {hash_of("two"), "two"}};
  std::sort(by_hash.begin(), by_hash.end());
  std::vector<zip_entry> entries = read_zip(d / "a.zip");
  EXPECT_EQ(entry(entries, "data/a.pdf").content, by_hash[0].second);
  EXPECT_EQ(entry(entries, "data/a (3).pdf").content, by_hash[1].second);
  EXPECT_EQ(entry(entries, "data/a (4).pdf").content, by_hash[2].second);
  EXPECT_EQ(entry(entries, "data/a (2).pdf").content, "a file really named so");
  EXPECT_EQ(entries.size(), 4u + 4u);
  EXPECT_EQ(built.payload_paths[2], "data/a (2).pdf");
  std::set<std::string> distinct(built.payload_paths.begin(), built.payload_paths.end());
  EXPECT_EQ(distinct.size(), 4u);

  std::reverse(files.begin(), files.end());
  built_archive again = build_evidence_archive(files, info(), d / "b.zip");
  EXPECT_EQ(again.archive_sha256, built.archive_sha256);
}

TEST_F(evidence_archive, special_characters_in_paths_are_percent_encoded_in_the_manifest) {
  archive_file f = stored("100% hoàn thành\nbản 2.pdf", "x");
  f.doc_issuer = "UBND | Sở\r\nNội vụ";
  archive_info i = info();
  i.criterion_title = "Tiêu đề\ncó xuống dòng";
  built_archive built = build_evidence_archive({f}, i, d / "a.zip");
  EXPECT_EQ(built.manifest_sha256_text, hash_of("x") + "  data/100%25 hoàn thành%0Abản 2.pdf\n");
  std::vector<zip_entry> entries = read_zip(d / "a.zip");
  EXPECT_EQ(entry(entries, "data/100% hoàn thành\nbản 2.pdf").content, "x");
  const std::string& bag_info = entry(entries, "bag-info.txt").content;
  EXPECT_EQ(label(bag_info, "PARIX-Criterion-Title"), "Tiêu đề có xuống dòng");
  EXPECT_EQ(label(bag_info, "PARIX-Document"),
            "data/100%25 hoàn thành%0Abản 2.pdf | number= | date= | issuer=UBND %7C "
            "Sở%0D%0ANội vụ | summary=");
}

TEST_F(evidence_archive, a_blob_changed_on_disk_stops_the_build) {
  std::vector<archive_file> files = drafts();
  const std::string h = files[1].sha256;  // ke-hoach.pdf
  const fs::path blob = d / "blobs" / h.substr(0, 2) / h.substr(2);
  ::chmod(blob.c_str(), 0644);
  write_file(blob, "%PDF-1.4 kế hoạcH");  // same size, one byte changed
  try {
    build_evidence_archive(files, info(), d / "a.zip");
    FAIL() << "a changed blob was sealed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ke-hoach.pdf"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(d / "a.zip")) << "a failed build leaves no archive";
}

// The same for a file of several blocks, damaged in a block the builder reads past the
// page cache (blob_reader::read_once): the check covers every way the bytes are read.
TEST_F(evidence_archive, a_large_blob_changed_on_disk_in_its_middle_stops_the_build) {
  std::string big(3 * 1024 * 1024 + 12345, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  archive_file f = stored("scan.pdf", big);
  const fs::path blob = d / "blobs" / f.sha256.substr(0, 2) / f.sha256.substr(2);
  ::chmod(blob.c_str(), 0644);
  {
    std::fstream out(blob, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(2 * 1024 * 1024 + 4096 + 7);
    out.put(static_cast<char>(big[2 * 1024 * 1024 + 4096 + 7] ^ 1));  // one bit
  }
  try {
    build_evidence_archive({f}, info(), d / "a.zip");
    FAIL() << "a changed blob was sealed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match its sha256"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(d / "a.zip")) << "a failed build leaves no archive";
}

TEST_F(evidence_archive, content_that_disagrees_with_its_declaration_is_refused) {
  for (const archive_file& f :
       {in_memory("short.pdf", "abc", "abcd"), in_memory("long.pdf", "abcde", "abcd"),
        in_memory("other.pdf", "abcx", "abcd")}) {
    EXPECT_THROW(build_evidence_archive({f}, info(), d / "a.zip"), std::runtime_error) << f.name;
    EXPECT_FALSE(fs::exists(d / "a.zip"));
  }
  archive_file lying_size = in_memory("size.pdf", "abcd", "abcd");
  lying_size.size = 3;
  EXPECT_THROW(build_evidence_archive({lying_size}, info(), d / "a.zip"), std::runtime_error);

  archive_file missing = in_memory("gone.pdf", "", "");
  missing.open = [] { return std::unique_ptr<storage::blob_reader>(); };
  try {
    build_evidence_archive({missing}, info(), d / "a.zip");
    FAIL() << "a missing blob was sealed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("gone.pdf"), std::string::npos) << e.what();
  }
}

TEST_F(evidence_archive, bad_input_is_refused_before_writing) {
  EXPECT_THROW(build_evidence_archive({}, info(), d / "a.zip"), std::invalid_argument)
      << "sealing is only asked for with at least one file";
  for (const std::string& name :
       {std::string(), std::string("."), std::string(".."), std::string("a/b.pdf"),
        std::string("a\0b", 3), std::string("bad \xc3 utf8")}) {
    archive_file f = in_memory(name, "x", "x");
    EXPECT_THROW(build_evidence_archive({f}, info(), d / "a.zip"), std::invalid_argument)
        << "name '" << name << "'";
  }
  archive_file upper = in_memory("x.pdf", "x", "x");
  std::transform(upper.sha256.begin(), upper.sha256.end(), upper.sha256.begin(), ::toupper);
  EXPECT_THROW(build_evidence_archive({upper}, info(), d / "a.zip"), std::invalid_argument);
  archive_info undated = info();
  undated.sealed_at = "yesterday";
  EXPECT_THROW(build_evidence_archive({in_memory("x.pdf", "x", "x")}, undated, d / "a.zip"),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(d / "a.zip"));
}

TEST_F(evidence_archive, an_unwritable_output_is_an_io_error) {
  try {
    build_evidence_archive(drafts(), info(), d / "no-such-folder" / "a.zip");
    FAIL() << "no exception";
  } catch (const storage::error& e) {
    EXPECT_EQ(e.kind(), storage::failure::io);
  }
}

// A full disk, simulated with a file size limit (writes past it fail with EFBIG once
// SIGXFSZ is ignored): the failed write surfaces as an I/O error and no file is left.
// The file size limit stands in for a full disk: the error says so (the server answers
// 507 storage_full) and no half archive is left.
TEST_F(evidence_archive, a_full_disk_is_a_full_error_and_leaves_no_file) {
  const std::string big(2 * 1024 * 1024, 'z');
  archive_file f = stored("big.pdf", big);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 256 * 1024;
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  std::optional<storage::error> caught;
  try {
    build_evidence_archive({f}, info(), d / "a.zip");
  } catch (const storage::error& e) {
    caught = e;
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_TRUE(caught.has_value()) << "the build did not fail";
  EXPECT_EQ(caught->kind(), storage::failure::full);
  EXPECT_NE(std::string(caught->what()).find("a.zip"), std::string::npos) << caught->what();
  EXPECT_FALSE(fs::exists(d / "a.zip"));
}

TEST_F(evidence_archive, the_output_may_be_a_staging_file_and_is_private) {
  fs::path out = store->new_staging_file("archive.zip");
  built_archive built = build_evidence_archive(drafts(), info(), out);
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(store->put_file(out, built.archive_sha256), built.size);
  EXPECT_TRUE(store->exists(built.archive_sha256));
}

// Python's zipfile and Info-ZIP's unzip (installed by deploy/install-deps.sh test) are
// independent of libarchive: both must accept
// the archive, see the UTF-8 names, and the bag must verify from its manifests.
TEST_F(evidence_archive, independent_readers_accept_the_archive_and_verify_the_bag) {
  std::vector<archive_file> files = drafts();
  files.push_back(stored("100% xong.pdf", "percent"));
  build_evidence_archive(files, info(), d / "a.zip");
  {
    write_file(d / "check.py", R"(import hashlib, sys, urllib.parse, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
for i in z.infolist():
    assert i.date_time == (1980, 1, 1, 0, 0, 0), i.date_time
    assert i.compress_type == zipfile.ZIP_STORED
    if not i.filename.isascii():
        assert i.flag_bits & 0x800, i.filename
def check(manifest):
    n = 0
    for line in z.read(manifest).decode().splitlines():
        digest, path = line.split('  ', 1)
        path = urllib.parse.unquote(path)
        assert hashlib.sha256(z.read(path)).hexdigest() == digest, path
        n += 1
    return n
assert check('tagmanifest-sha256.txt') == 3
count = check('manifest-sha256.txt')
info = dict(l.split(': ', 1) for l in z.read('bag-info.txt').decode().splitlines())
size = sum(i.file_size for i in z.infolist() if i.filename.startswith('data/'))
assert info['Payload-Oxum'] == '%d.%d' % (size, count), info['Payload-Oxum']
print('\n'.join(z.namelist()))
)");
    command_result r = run_command("python3 " + (d / "check.py").string() + " " +
                                   (d / "a.zip").string() + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("data/" + bao_cao + "\n"), std::string::npos) << r.output;
  }
  {
    command_result r = run_command("unzip -t " + (d / "a.zip").string() + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("No errors detected"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace parix::testing
