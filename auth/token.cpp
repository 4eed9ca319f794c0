// Token generation and hashing.
#include "auth/token.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "storage/sha256.hpp"

namespace parix::auth {

std::string new_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) throw std::runtime_error("RAND_bytes failed");
  // Standard base64 from OpenSSL, then the URL-safe alphabet of RFC 4648 §5.
  std::array<unsigned char, 48> encoded{};
  int n = EVP_EncodeBlock(encoded.data(), bytes.data(), bytes.size());
  std::string out(reinterpret_cast<const char*>(encoded.data()), n);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string one_time_password() {
  constexpr std::string_view alphabet = "abcdefghjkmnpqrstuvwxyz23456789";  // 31 symbols
  std::string out;
  while (out.size() < 23) {
    if (out.size() % 6 == 5) {
      out.push_back('-');
      continue;
    }
    unsigned char byte = 0;
    if (RAND_bytes(&byte, 1) != 1) throw std::runtime_error("RAND_bytes failed");
    if (byte >= 248) continue;  // 248 = 8 × 31: keep the choice uniform
    out.push_back(alphabet[byte % alphabet.size()]);
  }
  return out;
}

std::vector<unsigned char> token_hash(std::string_view token) {
  auto d = storage::sha256(token);
  return {d.begin(), d.end()};
}

}  // namespace parix::auth
