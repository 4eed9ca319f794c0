// Base64 through OpenSSL's EVP block coder, with the strictness EVP lacks.
#include "storage/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

namespace parix::storage {
namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string to_base64(std::span<const unsigned char> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// EVP_DecodeBlock alone skips surrounding whitespace and returns the padded length, so
// the alphabet and padding are checked here, and the result must encode back to the
// same text (no stray trailing bits).
std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  if (text.size() % 4 != 0 || text.size() > static_cast<std::size_t>(INT32_MAX))
    return std::nullopt;
  std::size_t padding = 0;
  if (text.ends_with("=="))
    padding = 2;
  else if (text.ends_with("="))
    padding = 1;
  if (!std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(padding), is_base64_char))
    return std::nullopt;
  if (text.empty()) return std::vector<unsigned char>{};
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) < padding) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);
  if (to_base64(out) != text) return std::nullopt;
  return out;
}

}  // namespace parix::storage
