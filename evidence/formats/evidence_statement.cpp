// Canonical JSON, signing and parsing of evidence statements and their documents.
#include "evidence/formats/evidence_statement.hpp"

#include "storage/base64.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <utility>

namespace parix::evidence {
namespace {

namespace json = boost::json;

// Builds an object whose keys are in bytewise order, so that serialize() (which keeps
// insertion order) yields the canonical text whatever order the caller listed them in.
json::object sorted_object(std::vector<std::pair<std::string_view, json::value>> members) {
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json::object o;
  o.reserve(members.size());
  for (auto& [k, v] : members) o.emplace(k, std::move(v));
  return o;
}

const json::string* string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

std::optional<std::int64_t> int_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

std::optional<json::object> parse_object(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace

std::string canonical_statement(const statement_fields& f) {
  return json::serialize(sorted_object({
      {"archive_sha256", json::string(f.archive_sha256)},
      {"assessment", f.assessment},
      {"criterion", json::string(f.criterion)},
      {"format", json::string(statement_format)},
      {"key_id", json::string(f.key_id)},
      {"sealed_at", json::string(f.sealed_at)},
      {"stage", json::string(f.stage)},
      {"tagmanifest_sha256", json::string(f.tagmanifest_sha256)},
      {"unit", json::string(f.unit)},
      {"version", f.version},
  }));
}

std::optional<statement_fields> parse_statement(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  const auto* format = string_member(*o, "format");
  if (!format || *format != statement_format) return std::nullopt;
  statement_fields f;
  const std::pair<std::string_view, std::string*> strings[] = {
      {"archive_sha256", &f.archive_sha256},
      {"tagmanifest_sha256", &f.tagmanifest_sha256},
      {"unit", &f.unit},
      {"criterion", &f.criterion},
      {"stage", &f.stage},
      {"sealed_at", &f.sealed_at},
      {"key_id", &f.key_id}};
  for (const auto& [key, out] : strings) {
    const auto* s = string_member(*o, key);
    if (!s) return std::nullopt;
    *out = std::string(*s);
  }
  auto assessment = int_member(*o, "assessment");
  auto version = int_member(*o, "version");
  if (!assessment || !version) return std::nullopt;
  f.assessment = *assessment;
  f.version = *version;
  return f;
}

// The key id inside the signed text is taken from the key that signs, so a statement
// can never name a key other than its signer.
signed_statement sign_statement(const statement_fields& fields, const storage::signing_key& key) {
  statement_fields f = fields;
  f.key_id = key.key_id();
  signed_statement s;
  s.signed_text = canonical_statement(f);
  s.signature = key.sign(std::span{reinterpret_cast<const unsigned char*>(s.signed_text.data()),
                                   s.signed_text.size()});
  s.key_id = f.key_id;
  return s;
}

std::string statement_document(const signed_statement& s) {
  return json::serialize(sorted_object({
      {"format", json::string(statement_format)},
      {"key_id", json::string(s.key_id)},
      {"signature", json::string(storage::to_base64(s.signature))},
      {"signed", json::string(s.signed_text)},
  }));
}

std::optional<signed_statement> parse_statement_document(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  const auto* format = string_member(*o, "format");
  const auto* key_id = string_member(*o, "key_id");
  const auto* signature = string_member(*o, "signature");
  const auto* signed_text = string_member(*o, "signed");
  if (!format || *format != statement_format || !key_id || !signature || !signed_text)
    return std::nullopt;
  auto raw = storage::from_base64(*signature);
  if (!raw) return std::nullopt;
  return signed_statement{std::string(*signed_text), std::move(*raw), std::string(*key_id)};
}

bool verify_statement(const signed_statement& s, std::span<const unsigned char> public_key) {
  return storage::verify_signature(
      public_key,
      std::span{reinterpret_cast<const unsigned char*>(s.signed_text.data()), s.signed_text.size()},
      s.signature);
}

}  // namespace parix::evidence
