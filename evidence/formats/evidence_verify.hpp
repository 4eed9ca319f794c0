// Offline verification of a sealed evidence archive against its signed statement: the
// archive's hash, its BagIt validity, the tag manifest's hash, the signature and the key.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/formats/bagit.hpp"

namespace parix::evidence {

struct verification_check {
  // "statement", "signature", "key id", "archive sha256", "bag" or "tagmanifest sha256"
  std::string name;
  bool ok = false;
  std::string detail;  // an English sentence: what was compared, or why it failed
};

struct verification {
  std::vector<verification_check> checks;  // every check, in a fixed order, passed or not
  bagit::report bag;                       // every problem and warning of the bag itself
  // True when every check passed.
  bool ok() const noexcept;
};

// Verifies the ZIP at zip against a statement document (statement_document() text) and
// the raw 32-byte Ed25519 public key that should have signed it. Every check is run and
// reported even after one fails; a missing or unreadable file is a failed check, not an
// exception. Needs no database or configuration. Thread-safe.
verification verify_archive(const std::filesystem::path& zip, std::string_view statement_document,
                            std::span<const unsigned char> public_key);

// The raw 32-byte key of an Ed25519 public key in a PEM file (SubjectPublicKeyInfo,
// "BEGIN PUBLIC KEY"). Throws std::runtime_error, naming the file, when it cannot be
// read, is not a PEM public key, or is not Ed25519. Thread-safe.
std::vector<unsigned char> load_public_key_pem(const std::filesystem::path& pem);

// storage::signing_key::key_id() computed from a raw public key: the first 8 bytes of SHA-256
// over it, in hex. Pure.
std::string key_id_of(std::span<const unsigned char> public_key);

}  // namespace parix::evidence
