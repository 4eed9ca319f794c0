// The signed statement that seals one evidence archive version: what was sealed, for
// which file and criterion, when, and the hashes that bind it to the archive's bytes.
// The signature is Ed25519 over the exact bytes of `signed_text` (canonical JSON:
// keys sorted, no spaces), so anyone can verify it offline with openssl.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/signing_key.hpp"

namespace parix::evidence {

inline constexpr std::string_view statement_format = "parix-evidence-statement/1";

struct statement_fields {
  std::string archive_sha256;      // lower-case hex of the whole ZIP
  std::string tagmanifest_sha256;  // lower-case hex of tagmanifest-sha256.txt
  std::int64_t assessment = 0;     // assessment id
  std::string unit;                // unit code, e.g. "STP"
  std::string criterion;           // leaf code, e.g. "1.3.2"
  std::int64_t version = 0;        // 1, 2, … per assessment and leaf
  std::string stage;               // the stage whose drafts were sealed, e.g. "self_assessment"
  std::string sealed_at;           // ISO 8601 UTC with milliseconds, "2025-01-31T17:00:00.000Z"
  std::string key_id;              // storage::signing_key::key_id() of the key that signed
};

// The canonical JSON text of fields (with "format": statement_format). Pure.
std::string canonical_statement(const statement_fields& fields);
// Parses canonical (or any) statement JSON; nullopt when a field is missing or of the
// wrong type, or the format is not statement_format. Pure.
std::optional<statement_fields> parse_statement(std::string_view json);

// The statement document served and verified offline:
// {"format":"parix-evidence-statement/1","key_id":"…","signature":"<base64>","signed":"<canonical>"}
struct signed_statement {
  std::string signed_text;               // canonical_statement(...)
  std::vector<unsigned char> signature;  // Ed25519, 64 bytes
  std::string key_id;
};

signed_statement sign_statement(const statement_fields& fields, const storage::signing_key& key);
std::string statement_document(const signed_statement& s);
// nullopt when the document is not JSON of the form above.
std::optional<signed_statement> parse_statement_document(std::string_view json);
// True when signature verifies over signed_text with the raw 32-byte Ed25519 key.
bool verify_statement(const signed_statement& s, std::span<const unsigned char> public_key);

}  // namespace parix::evidence
