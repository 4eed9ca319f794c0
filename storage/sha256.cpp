// SHA-256 through OpenSSL's EVP interface.
#include "storage/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <utility>

namespace parix::storage {

sha256_digest sha256(std::span<const unsigned char> data) {
  sha256_digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("EVP_Digest failed");
  return out;
}

sha256_digest sha256(std::string_view data) {
  return sha256(std::span{reinterpret_cast<const unsigned char*>(data.data()), data.size()});
}

sha256_stream::sha256_stream() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("EVP_DigestInit_ex failed");
}

sha256_stream::~sha256_stream() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

sha256_stream::sha256_stream(const sha256_stream& other) : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_MD_CTX_copy_ex(static_cast<EVP_MD_CTX*>(ctx_),
                                  static_cast<const EVP_MD_CTX*>(other.ctx_)) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
    throw std::runtime_error("EVP_MD_CTX_copy_ex failed");
  }
}

sha256_stream& sha256_stream::operator=(const sha256_stream& other) {
  if (this != &other) *this = sha256_stream{other};
  return *this;
}

sha256_stream::sha256_stream(sha256_stream&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)) {}

sha256_stream& sha256_stream::operator=(sha256_stream&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  return *this;
}

void sha256_stream::update(std::span<const unsigned char> data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1)
    throw std::runtime_error("EVP_DigestUpdate failed");
}

void sha256_stream::update(std::span<const char> data) {
  update(std::span{reinterpret_cast<const unsigned char*>(data.data()), data.size()});
}

sha256_digest sha256_stream::peek() const {
  return sha256_stream{*this}.finish();  // finishing a copy keeps this state going
}

sha256_digest sha256_stream::finish() {
  sha256_digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len) != 1)
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  return out;
}

}  // namespace parix::storage
