// SHA-256 through OpenSSL, for content addresses, token lookups and the audit chain.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace parix::storage {

using sha256_digest = std::array<unsigned char, 32>;

// Thread-safe. Throws std::runtime_error only if OpenSSL itself fails.
sha256_digest sha256(std::span<const unsigned char> data);
sha256_digest sha256(std::string_view data);
std::string to_hex(std::span<const unsigned char> bytes);

// Incremental hashing for streams.
class sha256_stream {
 public:
  sha256_stream();
  ~sha256_stream();
  sha256_stream(const sha256_stream&) = delete;
  sha256_stream& operator=(const sha256_stream&) = delete;
  void update(std::span<const unsigned char> data);
  sha256_digest finish();

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque so that callers need no OpenSSL headers
};

}  // namespace parix::storage
