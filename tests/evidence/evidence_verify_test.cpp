// Offline verification of sealed evidence archives: a bag ZIP built here, sealed with a
// fresh key, then tampered with in each way the checks exist to catch.
#include "evidence/formats/evidence_verify.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <map>

#include "evidence/formats/evidence_statement.hpp"
#include "storage/sha256.hpp"
#include "storage/signing_key.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::evidence {
namespace {

namespace fs = std::filesystem;
using parix::testing::temp_dir;

std::string sha256_hex(std::string_view s) {
  return storage::to_hex(storage::sha256(s));
}

std::string read(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void write(const fs::path& p, std::string_view content) {
  std::ofstream{p, std::ios::binary} << content;
}

// The tag files of a bag over payload (paths under data/). The manifest is made from
// listed, and the ZIP holds payload: they differ when a test wants a tampered payload.
std::map<std::string, std::string> bag_files(const std::map<std::string, std::string>& payload,
                                             const std::map<std::string, std::string>& listed) {
  std::map<std::string, std::string> files = payload;
  files["bagit.txt"] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
  std::string manifest;
  std::size_t octets = 0;
  for (const auto& [path, content] : listed) {
    manifest += sha256_hex(content) + "  " + path + "\n";
    octets += content.size();
  }
  files["manifest-sha256.txt"] = manifest;
  files["bag-info.txt"] = "Payload-Oxum: " + std::to_string(octets) + "." +
                          std::to_string(listed.size()) + "\nSource-Organization: STP\n";
  std::string tags;
  for (const auto* name : {"bag-info.txt", "bagit.txt", "manifest-sha256.txt"})
    tags += sha256_hex(files[name]) + "  " + name + "\n";
  files["tagmanifest-sha256.txt"] = tags;
  return files;
}

// A ZIP (stored, not compressed, so that a flipped byte lands in a file's data) with the
// bag at its top level.
void write_zip(const fs::path& zip, const std::map<std::string, std::string>& files) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a{archive_write_new(),
                                                            archive_write_free};
  ASSERT_EQ(archive_write_set_format_zip(a.get()), ARCHIVE_OK);
  ASSERT_EQ(archive_write_set_options(a.get(), "zip:compression=store"), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a.get(), zip.c_str()), ARCHIVE_OK);
  for (const auto& [path, content] : files) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e{archive_entry_new(),
                                                                    archive_entry_free};
    archive_entry_set_pathname_utf8(e.get(), path.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    ASSERT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
    ASSERT_EQ(archive_write_data(a.get(), content.data(), content.size()),
              static_cast<la_ssize_t>(content.size()));
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
}

const std::map<std::string, std::string> payload = {
    {"data/Quyết định 12.pdf", "%PDF-1.7 quyết định số 12/QĐ-UBND"},
    {"data/ảnh/hội nghị.jpg", std::string(3000, '\xff')}};

class evidence_verify : public ::testing::Test {
 protected:
  evidence_verify() {
    storage::signing_key::create_if_missing(dir_ / "keys/signing.pem");
    storage::signing_key::create_if_missing(dir_ / "keys/other.pem");
  }

  storage::signing_key key() const { return storage::signing_key::load(dir_ / "keys/signing.pem"); }
  storage::signing_key other_key() const {
    return storage::signing_key::load(dir_ / "keys/other.pem");
  }

  fs::path make_zip(const std::string& name, const std::map<std::string, std::string>& files) {
    const auto p = dir_ / name;
    write_zip(p, files);
    return p;
  }

  // A statement document that seals the ZIP at zip as it is now.
  std::string seal(const fs::path& zip, std::string_view tagmanifest, const storage::signing_key& k,
                   std::string unit = "STP") {
    statement_fields f;
    f.archive_sha256 = sha256_hex(read(zip));
    f.tagmanifest_sha256 = sha256_hex(tagmanifest);
    f.assessment = 7;
    f.unit = std::move(unit);
    f.criterion = "1.3.2";
    f.version = 1;
    f.stage = "self_assessment";
    f.sealed_at = "2025-01-31T17:00:00.000Z";
    return statement_document(sign_statement(f, k));
  }

  temp_dir dir_;
};

const verification_check& check(const verification& v, std::string_view name) {
  for (const auto& c : v.checks)
    if (c.name == name) return c;
  throw std::runtime_error("no check named " + std::string{name});
}

std::string describe(const verification& v) {
  std::string out;
  for (const auto& c : v.checks)
    out += std::string("\n  ") + (c.ok ? "ok   " : "FAIL ") + c.name + ": " + c.detail;
  return out;
}

TEST_F(evidence_verify, verifies_a_sealed_archive) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  const auto doc = seal(zip, files.at("tagmanifest-sha256.txt"), key());
  const auto v = verify_archive(zip, doc, key().public_key());
  EXPECT_TRUE(v.ok()) << describe(v);
  EXPECT_EQ(v.checks.size(), 6u);
  for (const char* name :
       {"statement", "signature", "key id", "archive sha256", "bag", "tagmanifest sha256"})
    EXPECT_TRUE(check(v, name).ok) << name << describe(v);
  EXPECT_TRUE(v.bag.valid());
}

TEST_F(evidence_verify, shows_control_characters_of_a_statement_escaped) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  const auto doc = seal(zip, files.at("tagmanifest-sha256.txt"), key(), "STP\x1b[2J");
  const auto v = verify_archive(zip, doc, key().public_key());
  EXPECT_TRUE(v.ok()) << describe(v);
  EXPECT_EQ(check(v, "statement").detail.find('\x1b'), std::string::npos);
  EXPECT_NE(check(v, "statement").detail.find("STP\\x1b[2J"), std::string::npos)
      << check(v, "statement").detail;
}

TEST_F(evidence_verify, a_flipped_byte_in_the_archive_fails_the_archive_hash) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  const auto doc = seal(zip, files.at("tagmanifest-sha256.txt"), key());
  auto bytes = read(zip);
  const auto at = bytes.find(std::string(100, '\xff'));  // inside the stored photo
  ASSERT_NE(at, std::string::npos);
  bytes[at + 50] = 'X';
  write(zip, bytes);
  const auto v = verify_archive(zip, doc, key().public_key());
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(check(v, "archive sha256").ok) << describe(v);
  EXPECT_FALSE(check(v, "bag").ok) << describe(v);  // the CRC or the digest no longer match
  EXPECT_TRUE(check(v, "signature").ok);
  EXPECT_TRUE(check(v, "tagmanifest sha256").ok);
}

TEST_F(evidence_verify, a_payload_that_differs_from_its_manifest_fails_the_bag_check) {
  auto tampered = payload;
  tampered["data/Quyết định 12.pdf"] = "%PDF-1.7 quyết định số 13/QĐ-UBND";  // same length
  const auto files = bag_files(tampered, payload);
  const auto zip = make_zip("tampered.zip", files);
  // The statement seals the tampered ZIP itself, so only the bag check can catch it.
  const auto doc = seal(zip, files.at("tagmanifest-sha256.txt"), key());
  const auto v = verify_archive(zip, doc, key().public_key());
  EXPECT_FALSE(v.ok());
  EXPECT_TRUE(check(v, "archive sha256").ok) << describe(v);
  EXPECT_TRUE(check(v, "signature").ok);
  EXPECT_TRUE(check(v, "tagmanifest sha256").ok);
  EXPECT_FALSE(check(v, "bag").ok);
  ASSERT_EQ(v.bag.problems.size(), 1u) << describe(v);
  EXPECT_EQ(v.bag.problems[0].code, bagit::issue_code::digest_mismatch);
  EXPECT_EQ(v.bag.problems[0].path, "data/Quyết định 12.pdf");
}

TEST_F(evidence_verify, a_wrong_key_fails_the_signature_and_the_key_id) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  const auto doc = seal(zip, files.at("tagmanifest-sha256.txt"), key());
  const auto v = verify_archive(zip, doc, other_key().public_key());
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(check(v, "signature").ok);
  EXPECT_FALSE(check(v, "key id").ok);
  EXPECT_NE(check(v, "key id").detail.find(other_key().key_id()), std::string::npos);
  EXPECT_TRUE(check(v, "archive sha256").ok);
  EXPECT_TRUE(check(v, "bag").ok);
}

TEST_F(evidence_verify, a_document_naming_another_key_than_its_signed_text_fails_the_key_id) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  auto s = *parse_statement_document(seal(zip, files.at("tagmanifest-sha256.txt"), key()));
  s.key_id = other_key().key_id();  // outside the signature, so the signature still holds
  auto v = verify_archive(zip, statement_document(s), key().public_key());
  EXPECT_TRUE(check(v, "signature").ok);
  EXPECT_FALSE(check(v, "key id").ok) << describe(v);
  EXPECT_FALSE(v.ok());

  // Signed text naming another key, with the document naming the verifier's key.
  auto fields = *parse_statement(s.signed_text);
  fields.key_id = other_key().key_id();
  s.signed_text = canonical_statement(fields);
  s.signature = key().sign(std::span{reinterpret_cast<const unsigned char*>(s.signed_text.data()),
                                     s.signed_text.size()});
  s.key_id = key().key_id();
  v = verify_archive(zip, statement_document(s), key().public_key());
  EXPECT_TRUE(check(v, "signature").ok);
  EXPECT_FALSE(check(v, "key id").ok) << describe(v);
}

TEST_F(evidence_verify, a_statement_about_another_tag_manifest_fails_that_check) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  const auto doc = seal(zip, "some other tag manifest", key());
  const auto v = verify_archive(zip, doc, key().public_key());
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(check(v, "tagmanifest sha256").ok);
  EXPECT_TRUE(check(v, "archive sha256").ok);
  EXPECT_TRUE(check(v, "signature").ok);
}

TEST_F(evidence_verify, a_validly_signed_but_non_canonical_statement_is_refused) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  const auto canonical =
      parse_statement_document(seal(zip, files.at("tagmanifest-sha256.txt"), key()))->signed_text;
  signed_statement s;
  s.signed_text = canonical + " ";  // still the same JSON, but not the canonical bytes
  s.signature = key().sign(std::span{reinterpret_cast<const unsigned char*>(s.signed_text.data()),
                                     s.signed_text.size()});
  s.key_id = key().key_id();
  const auto v = verify_archive(zip, statement_document(s), key().public_key());
  EXPECT_TRUE(check(v, "signature").ok);
  EXPECT_FALSE(check(v, "statement").ok);
  EXPECT_FALSE(v.ok());
}

TEST_F(evidence_verify, a_garbage_statement_or_a_missing_archive_fails_without_throwing) {
  const auto files = bag_files(payload, payload);
  const auto zip = make_zip("v1.zip", files);
  auto v = verify_archive(zip, "{\"format\":\"nope\"}", key().public_key());
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(check(v, "statement").ok);
  EXPECT_FALSE(check(v, "archive sha256").ok);
  EXPECT_TRUE(check(v, "bag").ok);  // the bag itself is still checked
  EXPECT_EQ(v.checks.size(), 6u);

  const auto doc = seal(zip, files.at("tagmanifest-sha256.txt"), key());
  v = verify_archive(dir_ / "missing.zip", doc, key().public_key());
  EXPECT_FALSE(v.ok());
  EXPECT_FALSE(check(v, "archive sha256").ok);
  EXPECT_FALSE(check(v, "bag").ok);
  EXPECT_FALSE(check(v, "tagmanifest sha256").ok);
  EXPECT_TRUE(check(v, "signature").ok);
}

TEST_F(evidence_verify, loads_the_public_key_the_server_publishes) {
  write(dir_ / "pub.pem", key().public_key_pem());
  EXPECT_EQ(load_public_key_pem(dir_ / "pub.pem"), key().public_key());
  EXPECT_EQ(key_id_of(key().public_key()), key().key_id());
}

TEST_F(evidence_verify, refuses_a_key_file_that_is_not_an_ed25519_public_key) {
  EXPECT_THROW(load_public_key_pem(dir_ / "missing.pem"), std::runtime_error);
  // The private key's PEM is not a public key.
  EXPECT_THROW(load_public_key_pem(dir_ / "keys/signing.pem"), std::runtime_error);
  write(dir_ / "junk.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  EXPECT_THROW(load_public_key_pem(dir_ / "junk.pem"), std::runtime_error);

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ec{
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free};
  ASSERT_TRUE(ec);
  {
    std::unique_ptr<FILE, decltype(&std::fclose)> f{std::fopen((dir_ / "ec.pem").c_str(), "w"),
                                                    std::fclose};
    ASSERT_TRUE(f);
    ASSERT_EQ(PEM_write_PUBKEY(f.get(), ec.get()), 1);
  }
  try {
    load_public_key_pem(dir_ / "ec.pem");
    FAIL() << "an EC key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not an Ed25519"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace parix::evidence
