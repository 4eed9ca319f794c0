// SHA-256 through OpenSSL, for content addresses, token lookups and the audit chain.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "storage/hex.hpp"  // digests are shown and stored as hex

namespace parix::storage {

using sha256_digest = std::array<unsigned char, 32>;

// Thread-safe. Throws std::runtime_error only if OpenSSL itself fails.
sha256_digest sha256(std::span<const unsigned char> data);
sha256_digest sha256(std::string_view data);

// Incremental hashing for streams. A value type: a copy carries on from the same running
// state (resumable uploads keep one to go back to when a part is dropped). Not safe to
// use from two threads at once; every OpenSSL failure throws std::runtime_error.
class sha256_stream {
 public:
  sha256_stream();
  ~sha256_stream();
  sha256_stream(const sha256_stream& other);
  sha256_stream& operator=(const sha256_stream& other);
  sha256_stream(sha256_stream&& other) noexcept;
  sha256_stream& operator=(sha256_stream&& other) noexcept;
  void update(std::span<const unsigned char> data);
  void update(std::span<const char> data);
  // The digest of everything hashed; the stream is spent afterwards.
  sha256_digest finish();
  // The digest of everything hashed so far; the stream goes on.
  sha256_digest peek() const;

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque so that callers need no OpenSSL headers
};

}  // namespace parix::storage
