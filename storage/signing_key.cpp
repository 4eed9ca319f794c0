// Ed25519 keys through OpenSSL 3's EVP interface.
#include "storage/signing_key.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "storage/sha256.hpp"

namespace parix::storage {
namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

}  // namespace

struct signing_key::impl {
  pkey_ptr key{nullptr, EVP_PKEY_free};
};

signing_key signing_key::load(const std::filesystem::path& pem) {
  struct stat st {};
  if (::stat(pem.c_str(), &st) != 0)
    throw std::runtime_error("signing key " + pem.string() + " does not exist (run parix init)");
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    throw std::runtime_error("signing key " + pem.string() +
                             " is readable by others; chmod 600 it");
  FILE* f = std::fopen(pem.c_str(), "r");
  if (!f) throw std::runtime_error("cannot open signing key " + pem.string());
  EVP_PKEY* raw = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!raw || EVP_PKEY_get_id(raw) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(raw);
    throw std::runtime_error("signing key " + pem.string() + " is not an Ed25519 private key");
  }
  auto p = std::make_shared<impl>();
  p->key.reset(raw);
  return signing_key{p};
}

bool signing_key::create_if_missing(const std::filesystem::path& pem) {
  if (std::filesystem::exists(pem)) return false;
  std::filesystem::create_directories(pem.parent_path());
  std::filesystem::permissions(pem.parent_path(), std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  pkey_ptr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free};
  if (!key) throw std::runtime_error("cannot generate an Ed25519 key");
  const auto partial = pem.string() + ".partial";
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + partial);
  FILE* f = ::fdopen(fd, "w");
  bool ok = f && PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  ok = ok && std::fflush(f) == 0 && ::fsync(fd) == 0;
  if (f) std::fclose(f);
  if (!ok) throw std::runtime_error("cannot write " + partial);
  std::filesystem::rename(partial, pem);
  return true;
}

std::vector<unsigned char> signing_key::sign(std::span<const unsigned char> message) const {
  md_ctx_ptr ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  std::vector<unsigned char> sig(64);
  std::size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1)
    throw std::runtime_error("Ed25519 signing failed");
  sig.resize(len);
  return sig;
}

std::vector<unsigned char> signing_key::public_key() const {
  std::vector<unsigned char> out(32);
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(impl_->key.get(), out.data(), &len) != 1)
    throw std::runtime_error("cannot read the Ed25519 public key");
  out.resize(len);
  return out;
}

std::string signing_key::public_key_pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()), BIO_free};
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->key.get()) != 1)
    throw std::runtime_error("cannot write the public key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string signing_key::key_id() const {
  auto digest = storage::sha256(std::span<const unsigned char>{public_key()});
  return storage::to_hex(std::span{digest.data(), 8});
}

bool verify_signature(std::span<const unsigned char> public_key,
                      std::span<const unsigned char> message,
                      std::span<const unsigned char> signature) {
  pkey_ptr key{
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()),
      EVP_PKEY_free};
  if (!key) return false;
  md_ctx_ptr ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

}  // namespace parix::storage
