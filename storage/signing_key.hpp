// The server's Ed25519 signing key: it signs audit checkpoints and evidence
// statements. Created by parix init, kept as PKCS#8 PEM with mode 0600.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace parix::storage {

class signing_key {
 public:
  // Loads a PEM private key. Throws std::runtime_error if it is missing, not
  // Ed25519, or readable by others (mode must not grant group/other access).
  static signing_key load(const std::filesystem::path& pem);
  // Creates a new key at pem (mode 0600) unless one exists; returns true if created.
  static bool create_if_missing(const std::filesystem::path& pem);

  // Ed25519 signature (64 bytes) over message. Thread-safe.
  std::vector<unsigned char> sign(std::span<const unsigned char> message) const;
  // The raw 32-byte public key, and the public key as SPKI PEM.
  std::vector<unsigned char> public_key() const;
  std::string public_key_pem() const;
  // A short stable id: the first 8 bytes of SHA-256 over the raw public key, hex.
  std::string key_id() const;

 private:
  struct impl;
  explicit signing_key(std::shared_ptr<impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<impl> impl_;
};

// Verifies an Ed25519 signature with a raw 32-byte public key. Thread-safe.
bool verify_signature(std::span<const unsigned char> public_key,
                      std::span<const unsigned char> message,
                      std::span<const unsigned char> signature);

}  // namespace parix::storage
