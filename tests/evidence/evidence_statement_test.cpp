// Evidence statements: canonical JSON, the signed document, and what breaks a signature.
#include "evidence/formats/evidence_statement.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "storage/signing_key.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::evidence {
namespace {

using parix::testing::temp_dir;

statement_fields sample_fields() {
  statement_fields f;
  f.archive_sha256 = std::string(64, 'a');
  f.tagmanifest_sha256 = std::string(64, 'b');
  f.assessment = 42;
  f.unit = "STP";
  f.criterion = "1.3.2";
  f.version = 3;
  f.stage = "self_assessment";
  f.sealed_at = "2025-01-31T17:00:00.000Z";
  f.key_id = "0123456789abcdef";
  return f;
}

storage::signing_key fresh_key(const temp_dir& d, const char* name = "signing.pem") {
  storage::signing_key::create_if_missing(d / name);
  return storage::signing_key::load(d / name);
}

std::span<const unsigned char> bytes(const std::vector<unsigned char>& v) {
  return v;
}

TEST(evidence_statement, canonical_form_has_sorted_keys_and_no_whitespace) {
  EXPECT_EQ(
      canonical_statement(sample_fields()),
      R"({"archive_sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
      R"("assessment":42,"criterion":"1.3.2","format":"parix-evidence-statement/1",)"
      R"("key_id":"0123456789abcdef","sealed_at":"2025-01-31T17:00:00.000Z",)"
      R"("stage":"self_assessment",)"
      R"("tagmanifest_sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",)"
      R"("unit":"STP","version":3})");
}

TEST(evidence_statement, canonical_form_is_stable_and_keys_are_in_bytewise_order) {
  auto f = sample_fields();
  f.unit = "HTG \"Tuần Giáo\"\n";
  const auto text = canonical_statement(f);
  EXPECT_EQ(text, canonical_statement(f));
  const auto o = boost::json::parse(text).as_object();
  std::string previous;
  for (const auto& member : o) {
    EXPECT_LT(previous, std::string(member.key()));
    previous = member.key();
  }
  EXPECT_EQ(o.size(), 10u);
  EXPECT_EQ(parse_statement(text)->unit, f.unit);
}

TEST(evidence_statement, parse_reads_back_every_field) {
  const auto f = sample_fields();
  const auto back = parse_statement(canonical_statement(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->archive_sha256, f.archive_sha256);
  EXPECT_EQ(back->tagmanifest_sha256, f.tagmanifest_sha256);
  EXPECT_EQ(back->assessment, f.assessment);
  EXPECT_EQ(back->unit, f.unit);
  EXPECT_EQ(back->criterion, f.criterion);
  EXPECT_EQ(back->version, f.version);
  EXPECT_EQ(back->stage, f.stage);
  EXPECT_EQ(back->sealed_at, f.sealed_at);
  EXPECT_EQ(back->key_id, f.key_id);
}

TEST(evidence_statement, parse_refuses_a_wrong_format_a_missing_field_or_a_wrong_type) {
  auto o = boost::json::parse(canonical_statement(sample_fields())).as_object();
  ASSERT_TRUE(parse_statement(boost::json::serialize(o)));

  auto wrong_format = o;
  wrong_format["format"] = "parix-evidence-statement/2";
  EXPECT_FALSE(parse_statement(boost::json::serialize(wrong_format)));
  auto no_format = o;
  no_format.erase("format");
  EXPECT_FALSE(parse_statement(boost::json::serialize(no_format)));
  auto missing = o;
  missing.erase("tagmanifest_sha256");
  EXPECT_FALSE(parse_statement(boost::json::serialize(missing)));
  auto number_as_text = o;
  number_as_text["version"] = "3";
  EXPECT_FALSE(parse_statement(boost::json::serialize(number_as_text)));
  auto text_as_number = o;
  text_as_number["unit"] = 7;
  EXPECT_FALSE(parse_statement(boost::json::serialize(text_as_number)));
  auto fraction = o;
  fraction["assessment"] = 1.5;
  EXPECT_FALSE(parse_statement(boost::json::serialize(fraction)));
  for (const char* bad : {"", "[]", "{", "null", "\"text\""})
    EXPECT_FALSE(parse_statement(bad)) << bad;
}

TEST(evidence_statement, a_document_round_trips_and_verifies) {
  temp_dir d;
  const auto key = fresh_key(d);
  const auto s = sign_statement(sample_fields(), key);
  EXPECT_EQ(s.key_id, key.key_id());
  EXPECT_EQ(s.signature.size(), 64u);
  // The key id inside the signed text is the signer's, whatever the caller passed.
  EXPECT_EQ(parse_statement(s.signed_text)->key_id, key.key_id());

  const auto doc = statement_document(s);
  const auto o = boost::json::parse(doc).as_object();
  EXPECT_EQ(o.at("format").as_string(), statement_format);
  EXPECT_EQ(o.at("signed").as_string(), s.signed_text);
  EXPECT_TRUE(doc.starts_with(R"({"format":"parix-evidence-statement/1","key_id":")")) << doc;

  const auto back = parse_statement_document(doc);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->signed_text, s.signed_text);
  EXPECT_EQ(back->signature, s.signature);
  EXPECT_EQ(back->key_id, s.key_id);
  EXPECT_TRUE(verify_statement(*back, bytes(key.public_key())));
}

TEST(evidence_statement, a_changed_byte_in_the_signed_text_fails_verification) {
  temp_dir d;
  const auto key = fresh_key(d);
  const auto s = sign_statement(sample_fields(), key);
  ASSERT_TRUE(verify_statement(s, bytes(key.public_key())));
  for (std::size_t i = 0; i < s.signed_text.size(); i += 7) {
    auto changed = s;
    changed.signed_text[i] = static_cast<char>(changed.signed_text[i] ^ 1);
    EXPECT_FALSE(verify_statement(changed, bytes(key.public_key()))) << i;
  }
}

TEST(evidence_statement, a_changed_byte_in_the_signature_or_another_key_fails_verification) {
  temp_dir d;
  const auto key = fresh_key(d);
  const auto other = fresh_key(d, "other.pem");
  const auto s = sign_statement(sample_fields(), key);
  for (std::size_t i = 0; i < s.signature.size(); ++i) {
    auto changed = s;
    changed.signature[i] ^= 0x80;
    EXPECT_FALSE(verify_statement(changed, bytes(key.public_key()))) << i;
  }
  auto truncated = s;
  truncated.signature.pop_back();
  EXPECT_FALSE(verify_statement(truncated, bytes(key.public_key())));
  EXPECT_FALSE(verify_statement(s, bytes(other.public_key())));
  EXPECT_FALSE(verify_statement(s, std::span<const unsigned char>{}));
}

TEST(evidence_statement, parse_document_refuses_bad_base64_and_wrong_shapes) {
  temp_dir d;
  const auto s = sign_statement(sample_fields(), fresh_key(d));
  auto o = boost::json::parse(statement_document(s)).as_object();
  const std::string good = std::string(o.at("signature").as_string());
  ASSERT_TRUE(good.ends_with("=="));  // 64 bytes: two padding characters

  for (std::string bad : {good.substr(0, good.size() - 2),             // padding missing
                          good.substr(0, good.size() - 3) + "B==",     // stray trailing bits
                          " " + good.substr(1),                        // whitespace
                          good.substr(0, 10) + "*" + good.substr(11),  // outside the alphabet
                          std::string("====")}) {
    auto changed = o;
    changed["signature"] = bad;
    EXPECT_FALSE(parse_statement_document(boost::json::serialize(changed))) << bad;
  }
  auto wrong_format = o;
  wrong_format["format"] = "something-else/1";
  EXPECT_FALSE(parse_statement_document(boost::json::serialize(wrong_format)));
  auto no_signed = o;
  no_signed.erase("signed");
  EXPECT_FALSE(parse_statement_document(boost::json::serialize(no_signed)));
  auto key_as_number = o;
  key_as_number["key_id"] = 1;
  EXPECT_FALSE(parse_statement_document(boost::json::serialize(key_as_number)));
  EXPECT_FALSE(parse_statement_document("not json"));
}

}  // namespace
}  // namespace parix::evidence
