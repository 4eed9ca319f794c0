// BagIt 1.0 validation: the Library of Congress conformance suite, bags made here and
// broken on purpose, and ZIP archives with hostile entries.
#include "evidence/formats/bagit.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "storage/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::evidence::bagit {
namespace {

namespace fs = std::filesystem;
using parix::testing::temp_dir;

const fs::path conformance = fs::path{PARIX_SHARED_DIR} / "testdata/bagit-conformance/v1.0";

std::vector<fs::path> bags_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator{dir})
    if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string all_problems(const report& r) {
  std::string out;
  for (const auto& p : r.problems) out += "\n  " + to_string(p);
  return out;
}

bool has(const std::vector<issue>& issues, issue_code code, std::string_view path = {}) {
  return std::any_of(issues.begin(), issues.end(), [&](const issue& i) {
    return i.code == code && (path.empty() || i.path == path);
  });
}

std::string sha256_hex(std::string_view s) {
  return storage::to_hex(storage::sha256(s));
}

void write(const fs::path& p, std::string_view content) {
  fs::create_directories(p.parent_path());
  std::ofstream{p, std::ios::binary} << content;
}

std::string read(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

// A valid bag in dir with the given payload (paths relative to data/): SHA-256 payload
// and tag manifests, bag-info.txt with a correct Payload-Oxum. Digests come from
// storage::sha256, not from the code under test.
void make_bag(const fs::path& dir, const std::map<std::string, std::string>& payload) {
  write(dir / "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  std::string manifest;
  std::size_t octets = 0;
  for (const auto& [name, content] : payload) {
    write(dir / "data" / name, content);
    manifest += sha256_hex(content) + "  data/" + name + "\n";
    octets += content.size();
  }
  write(dir / "manifest-sha256.txt", manifest);
  write(dir / "bag-info.txt", "Bagging-Date: 2025-01-31\nPayload-Oxum: " + std::to_string(octets) +
                                  "." + std::to_string(payload.size()) + "\n");
  std::string tags;
  for (const auto* name : {"bag-info.txt", "bagit.txt", "manifest-sha256.txt"})
    tags += sha256_hex(read(dir / name)) + " " + name + "\n";
  write(dir / "tagmanifest-sha256.txt", tags);
}

report validate_dir(const fs::path& dir) {
  return validate(read_directory(dir));
}

// An in-memory bag file with digests computed the way the readers do.
bag_file memory_file(std::string path, std::string content) {
  digest_stream d;
  d.update(std::span{reinterpret_cast<const unsigned char*>(content.data()), content.size()});
  bag_file f{std::move(path), content.size(), d.finish(), std::nullopt};
  if (!f.path.starts_with("data/")) f.content = std::move(content);
  return f;
}

const std::map<std::string, std::string> sample = {{"report.txt", "báo cáo năm 2024\n"},
                                                   {"sub/scan.pdf", "%PDF-1.7 fake"}};

TEST(bagit, accepts_every_valid_bag_of_the_conformance_suite) {
  const auto bags = bags_in(conformance / "valid");
  ASSERT_GT(bags.size(), 0u) << "no conformance bags under " << conformance;
  for (const auto& bag : bags) {
    const auto r = validate_dir(bag);
    EXPECT_TRUE(r.valid()) << bag.filename() << all_problems(r);
  }
}

TEST(bagit, refuses_every_invalid_bag_of_the_conformance_suite) {
  const auto bags = bags_in(conformance / "invalid");
  ASSERT_GT(bags.size(), 0u) << "no conformance bags under " << conformance;
  for (const auto& bag : bags) EXPECT_FALSE(validate_dir(bag).valid()) << bag.filename();
}

TEST(bagit, refuses_the_conformance_cases_for_the_reason_they_exist) {
  const auto invalid = conformance / "invalid";
  auto problems_of = [&](const char* name) { return validate_dir(invalid / name).problems; };
  EXPECT_TRUE(has(problems_of("bagit-with-invalid-whitespace"), issue_code::invalid_bagit_txt));
  EXPECT_TRUE(has(problems_of("notAllManifestsListAllFiles"), issue_code::missing_from_manifest,
                  "data/missingFromManifest.txt"));
  EXPECT_TRUE(has(problems_of("same-filename-listed-twice-with-the-same-hash"),
                  issue_code::duplicate_entry, "data/README"));
  EXPECT_TRUE(has(problems_of("same-filename-listed-twice-with-different-hashes"),
                  issue_code::duplicate_entry, "data/README"));
}

TEST(bagit, accepts_a_bag_made_by_the_test_helper) {
  temp_dir d;
  make_bag(d.path(), sample);
  const auto listing = read_directory(d.path());
  EXPECT_EQ(listing.files.size(), 6u);
  const auto r = validate(listing);
  EXPECT_TRUE(r.valid()) << all_problems(r);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(bagit, refuses_a_bag_without_bagit_txt) {
  temp_dir d;
  make_bag(d.path(), sample);
  fs::remove(d / "bagit.txt");
  const auto r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::missing_bagit_txt)) << all_problems(r);
  // The tag manifest still lists it, so that is reported too: every problem, not the first.
  EXPECT_TRUE(has(r.problems, issue_code::missing_file, "bagit.txt"));
}

TEST(bagit, refuses_a_payload_oxum_that_does_not_match) {
  temp_dir d;
  make_bag(d.path(), sample);
  write(d / "bag-info.txt", "Payload-Oxum: 999.2\n");
  auto r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::payload_oxum_mismatch)) << all_problems(r);

  write(d / "bag-info.txt", "Payload-Oxum: many\n");
  r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::invalid_bag_info)) << all_problems(r);
}

TEST(bagit, refuses_a_digest_that_does_not_match) {
  temp_dir d;
  make_bag(d.path(), sample);
  write(d / "data/report.txt", "báo cáo năm 2025\n");
  const auto r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::digest_mismatch, "data/report.txt")) << all_problems(r);
  EXPECT_TRUE(has(r.problems, issue_code::payload_oxum_mismatch) == false);
}

TEST(bagit, refuses_a_changed_tag_file_listed_in_a_tag_manifest) {
  temp_dir d;
  make_bag(d.path(), sample);
  write(d / "bag-info.txt", "Bagging-Date: 2025-02-01\n");
  const auto r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::digest_mismatch, "bag-info.txt")) << all_problems(r);
}

TEST(bagit, refuses_path_traversal_in_a_manifest) {
  for (const char* path : {"../outside.txt", "data/../../etc/passwd", "/etc/passwd",
                           "data/./report.txt", "data//report.txt"}) {
    temp_dir d;
    make_bag(d.path(), sample);
    std::ofstream{d / "manifest-sha256.txt", std::ios::app} << sha256_hex("x") << "  " << path
                                                            << "\n";
    const auto r = validate_dir(d.path());
    EXPECT_TRUE(has(r.problems, issue_code::invalid_path, path)) << path << all_problems(r);
  }
}

TEST(bagit, refuses_a_file_missing_from_one_manifest) {
  temp_dir d;
  make_bag(d.path(), sample);
  // A second payload manifest that lists only one of the two payload files.
  const auto content = read(d / "data/report.txt");
  const auto f = memory_file("data/report.txt", content);
  write(d / "manifest-sha512.txt", f.digests.at("sha512") + "  data/report.txt\n");
  const auto r = validate_dir(d.path());
  ASSERT_EQ(r.problems.size(), 1u) << all_problems(r);
  EXPECT_EQ(to_string(r.problems[0]),
            "missing_from_manifest data/sub/scan.pdf: not listed in manifest-sha512.txt");
}

TEST(bagit, refuses_a_manifest_entry_whose_file_is_absent) {
  temp_dir d;
  make_bag(d.path(), sample);
  fs::remove(d / "data/sub/scan.pdf");
  write(d / "bag-info.txt", "");
  const auto r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::missing_file, "data/sub/scan.pdf")) << all_problems(r);
}

TEST(bagit, refuses_a_bag_without_a_payload_manifest) {
  temp_dir d;
  make_bag(d.path(), sample);
  fs::remove(d / "manifest-sha256.txt");
  fs::remove(d / "tagmanifest-sha256.txt");
  const auto r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::no_payload_manifest)) << all_problems(r);
}

TEST(bagit, warns_about_an_unknown_algorithm_but_still_requires_its_listing) {
  temp_dir d;
  make_bag(d.path(), sample);
  write(d / "manifest-blake3.txt", "abcd  data/report.txt\nabcd  data/sub/scan.pdf\n");
  auto r = validate_dir(d.path());
  EXPECT_TRUE(r.valid()) << all_problems(r);
  EXPECT_TRUE(has(r.warnings, issue_code::unsupported_algorithm, "manifest-blake3.txt"));

  write(d / "manifest-blake3.txt", "abcd  data/report.txt\n");
  r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::missing_from_manifest, "data/sub/scan.pdf"));

  // With only an unknown algorithm nothing can be verified.
  fs::remove(d / "manifest-sha256.txt");
  fs::remove(d / "tagmanifest-sha256.txt");
  write(d / "manifest-blake3.txt", "abcd  data/report.txt\nabcd  data/sub/scan.pdf\n");
  r = validate_dir(d.path());
  EXPECT_TRUE(has(r.problems, issue_code::no_payload_manifest)) << all_problems(r);
}

TEST(bagit, refuses_a_declaration_with_extra_spaces_a_bom_or_another_encoding) {
  for (const char* text :
       {"BagIt-Version:  1.0\nTag-File-Character-Encoding: UTF-8\n",
        "\xEF\xBB\xBF"
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: 1\n",
        "Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n",
        "BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n",
        "BagIt-Version: 1.x\nTag-File-Character-Encoding: UTF-8\n",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8 \n", "BagIt-Version: 1.0\n"}) {
    auto files = std::vector{memory_file("bagit.txt", text)};
    EXPECT_TRUE(has(validate(files).problems, issue_code::invalid_bagit_txt)) << text;
  }
  auto files = std::vector{
      memory_file("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: ISO-8859-1\n")};
  EXPECT_TRUE(has(validate(files).problems, issue_code::unsupported_encoding));
}

TEST(bagit, accepts_crlf_lines_tab_separators_and_upper_case_digests) {
  const std::string content = "hello\n";
  auto payload = memory_file("data/hello.txt", content);
  std::string digest = payload.digests.at("sha256");
  std::transform(digest.begin(), digest.end(), digest.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  const std::vector files = {
      memory_file("bagit.txt", "BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n"),
      memory_file("manifest-sha256.txt", digest + "\t \tdata/hello.txt\r\n"),
      memory_file("bag-info.txt", "Payload-Oxum: 6.1\rContact-Name: Lò Văn\r\n  Hùng\r"), payload};
  const auto r = validate(files);
  EXPECT_TRUE(r.valid()) << all_problems(r);
}

TEST(bagit, decodes_percent_encoded_paths_once) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"data/100%25 sure.txt", "data/100% sure.txt"},
      {"data/two%0Alines%0d.txt", "data/two\nlines\r.txt"},
      {"data/not%250A.txt", "data/not%0A.txt"},
      {"data/other%41.txt", "data/other%41.txt"}};
  for (const auto& [encoded, decoded] : cases) {
    EXPECT_EQ(decode_manifest_path(encoded), decoded);
    auto payload = memory_file(decoded, "x");
    const std::vector files = {
        memory_file("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
        memory_file("manifest-sha256.txt",
                    payload.digests.at("sha256") + " " + encode_manifest_path(decoded) + "\n"),
        payload};
    const auto r = validate(files);
    EXPECT_TRUE(r.valid()) << encoded << all_problems(r);
  }
}

TEST(bagit, refuses_malformed_manifest_lines_and_bag_info_labels) {
  const auto payload = memory_file("data/a.txt", "a");
  const auto bagit_txt =
      memory_file("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  for (const char* line : {"nothex  data/a.txt", "abcdef", "  data/a.txt"}) {
    const std::vector files = {
        bagit_txt,
        memory_file("manifest-sha256.txt",
                    payload.digests.at("sha256") + " data/a.txt\n" + line + "\n"),
        payload};
    EXPECT_TRUE(has(validate(files).problems, issue_code::malformed_manifest_line)) << line;
  }
  for (const char* info : {"Payload-Oxum : 1.1\n", "Payload-Oxum:1.1\n", "no colon here\n",
                           " continuation first\n", "Payload-Oxum: 1.1\nPayload-Oxum: 1.1\n"}) {
    const std::vector files = {
        bagit_txt,
        memory_file("manifest-sha256.txt", payload.digests.at("sha256") + " data/a.txt\n"),
        memory_file("bag-info.txt", info), payload};
    EXPECT_TRUE(has(validate(files).problems, issue_code::invalid_bag_info)) << info;
  }
}

TEST(bagit, refuses_a_payload_file_in_a_tag_manifest_and_a_tag_file_in_a_payload_manifest) {
  const auto payload = memory_file("data/a.txt", "a");
  const auto bagit_txt =
      memory_file("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
  const std::vector files = {
      bagit_txt,
      memory_file("manifest-sha256.txt", payload.digests.at("sha256") + " data/a.txt\n" +
                                             bagit_txt.digests.at("sha256") + " bagit.txt\n"),
      memory_file("tagmanifest-sha256.txt", payload.digests.at("sha256") + " data/a.txt\n"),
      payload};
  const auto r = validate(files);
  EXPECT_TRUE(has(r.problems, issue_code::outside_payload, "bagit.txt")) << all_problems(r);
  EXPECT_TRUE(has(r.problems, issue_code::payload_in_tag_manifest, "data/a.txt"));
}

TEST(bagit, refuses_a_symbolic_link_in_a_folder_without_following_it) {
  temp_dir d;
  make_bag(d.path(), sample);
  fs::create_symlink("/etc/passwd", d / "data/link");
  const auto listing = read_directory(d.path());
  EXPECT_TRUE(has(listing.problems, issue_code::refused_entry, "data/link"));
  EXPECT_FALSE(validate(listing).valid());
}

TEST(bagit, read_directory_throws_for_a_missing_folder) {
  EXPECT_THROW(read_directory("/nonexistent/parix-bag"), std::runtime_error);
}

// ZIP archives ----------------------------------------------------------------------

struct zip_entry {
  std::string path;
  std::string content;
  unsigned type = AE_IFREG;
  std::string link;  // symlink target

  zip_entry(std::string p, std::string c, unsigned t = AE_IFREG, std::string l = {})
      : path(std::move(p)), content(std::move(c)), type(t), link(std::move(l)) {}
};

void write_zip(const fs::path& zip, const std::vector<zip_entry>& entries,
               const char* options = "zip:compression=store") {
  std::unique_ptr<archive, decltype(&archive_write_free)> a{archive_write_new(),
                                                            archive_write_free};
  ASSERT_EQ(archive_write_set_format_zip(a.get()), ARCHIVE_OK);
  if (std::string_view{options}.find("encryption") != std::string_view::npos) {
    ASSERT_EQ(archive_write_set_passphrase(a.get(), "secret"), ARCHIVE_OK);
  }
  ASSERT_EQ(archive_write_set_options(a.get(), options), ARCHIVE_OK)
      << archive_error_string(a.get());
  ASSERT_EQ(archive_write_open_filename(a.get(), zip.c_str()), ARCHIVE_OK);
  for (const auto& e : entries) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry{archive_entry_new(),
                                                                        archive_entry_free};
    archive_entry_set_pathname_utf8(entry.get(), e.path.c_str());
    archive_entry_set_filetype(entry.get(), e.type);
    archive_entry_set_perm(entry.get(), 0644);
    if (!e.link.empty()) archive_entry_set_symlink(entry.get(), e.link.c_str());
    archive_entry_set_size(entry.get(),
                           e.type == AE_IFREG ? static_cast<la_int64_t>(e.content.size()) : 0);
    ASSERT_EQ(archive_write_header(a.get(), entry.get()), ARCHIVE_OK)
        << archive_error_string(a.get());
    if (e.type == AE_IFREG && !e.content.empty()) {
      ASSERT_EQ(archive_write_data(a.get(), e.content.data(), e.content.size()),
                static_cast<la_ssize_t>(e.content.size()));
    }
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
}

// The files of a bag folder as ZIP entries at the top level.
std::vector<zip_entry> entries_of(const fs::path& dir) {
  std::vector<zip_entry> out;
  for (const auto& e : fs::recursive_directory_iterator{dir})
    if (e.is_regular_file())
      out.push_back({e.path().lexically_relative(dir).generic_string(), read(e.path())});
  return out;
}

TEST(bagit, reads_a_zip_bag_with_vietnamese_names_like_the_same_folder) {
  temp_dir d;
  make_bag(d / "bag", {{"Báo cáo tự đánh giá.txt", "nội dung"}, {"x.txt", "x"}});
  // Names flagged UTF-8 (as Windows needs them), read in the "C" locale of the test.
  write_zip(d / "bag.zip", entries_of(d / "bag"), "zip:compression=deflate,zip:hdrcharset=UTF-8");
  const auto listing = read_zip(d / "bag.zip");
  EXPECT_TRUE(listing.problems.empty());
  const auto r = validate(listing);
  EXPECT_TRUE(r.valid()) << all_problems(r);
  const auto folder = read_directory(d / "bag");
  ASSERT_EQ(listing.files.size(), folder.files.size());
  auto zipped = listing.files;
  std::sort(zipped.begin(), zipped.end(), [](auto& a, auto& b) { return a.path < b.path; });
  for (std::size_t i = 0; i < zipped.size(); ++i) {
    EXPECT_EQ(zipped[i].path, folder.files[i].path);
    EXPECT_EQ(zipped[i].digests, folder.files[i].digests);
    EXPECT_EQ(zipped[i].content, folder.files[i].content);
  }
}

TEST(bagit, refuses_zip_entries_that_escape_or_are_links) {
  temp_dir d;
  make_bag(d / "bag", sample);
  auto entries = entries_of(d / "bag");
  entries.push_back({"../evil.txt", "x"});
  entries.push_back({"/etc/cron.d/evil", "x"});
  entries.push_back({"data/..\\..\\evil.txt", "x"});
  entries.push_back({"data/link", "", AE_IFLNK, "/etc/passwd"});
  write_zip(d / "bad.zip", entries);
  const auto listing = read_zip(d / "bad.zip");
  EXPECT_TRUE(has(listing.problems, issue_code::invalid_path, "../evil.txt"));
  EXPECT_TRUE(has(listing.problems, issue_code::invalid_path, "/etc/cron.d/evil"));
  EXPECT_TRUE(has(listing.problems, issue_code::invalid_path, "data/..\\..\\evil.txt"));
  EXPECT_TRUE(has(listing.problems, issue_code::refused_entry, "data/link"));
  EXPECT_EQ(listing.files.size(), 6u);
  EXPECT_FALSE(validate(listing).valid());
}

TEST(bagit, refuses_a_zip_with_two_entries_of_the_same_name) {
  temp_dir d;
  make_bag(d / "bag", sample);
  auto entries = entries_of(d / "bag");
  entries.push_back({"data/report.txt", "a second report"});
  write_zip(d / "dup.zip", entries);
  const auto r = validate(read_zip(d / "dup.zip"));
  EXPECT_TRUE(has(r.problems, issue_code::duplicate_entry, "data/report.txt")) << all_problems(r);
}

TEST(bagit, refuses_an_encrypted_zip_entry) {
  temp_dir d;
  make_bag(d / "bag", sample);
  write_zip(d / "enc.zip", entries_of(d / "bag"), "zip:encryption=zipcrypt");
  const auto listing = read_zip(d / "enc.zip");
  EXPECT_TRUE(has(listing.problems, issue_code::refused_entry, "data/report.txt"));
  EXPECT_FALSE(validate(listing).valid());
}

TEST(bagit, refuses_a_damaged_zip_without_crashing) {
  temp_dir d;
  write(d / "garbage.zip", std::string(1000, 'G'));
  EXPECT_THROW(read_zip(d / "garbage.zip"), std::runtime_error);
  EXPECT_THROW(read_zip(d / "missing.zip"), std::runtime_error);

  make_bag(d / "bag", {{"big.txt", std::string(200000, 'b')}});
  write_zip(d / "bag.zip", entries_of(d / "bag"), "zip:compression=deflate");
  const auto whole = read(d / "bag.zip");
  // Cut short, and with bytes inside the compressed data changed.
  write(d / "cut.zip", whole.substr(0, whole.size() / 2));
  auto corrupted = whole;
  for (std::size_t i = 200; i < 260; ++i) corrupted[i] = static_cast<char>(corrupted[i] ^ 0x5a);
  write(d / "corrupt.zip", corrupted);
  for (const char* name : {"cut.zip", "corrupt.zip"}) {
    bool refused = false;
    try {
      refused = !validate(read_zip(d / name)).valid();
    } catch (const std::runtime_error&) {
      refused = true;
    }
    EXPECT_TRUE(refused) << name;
  }
}

}  // namespace
}  // namespace parix::evidence::bagit
