// Offline verification of sealed evidence archives: every check is reported on its own.
#include "evidence/formats/evidence_verify.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include "evidence/formats/evidence_statement.hpp"
#include "storage/sha256.hpp"

namespace parix::evidence {
namespace {

// The lower-case hex SHA-256 of a file, or nullopt when it cannot be read.
std::optional<std::string> file_sha256(const std::filesystem::path& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> in{std::fopen(path.c_str(), "rb"), std::fclose};
  if (!in) return std::nullopt;
  storage::sha256_stream hash;
  std::vector<unsigned char> buffer(64 * 1024);
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0)
    hash.update(std::span{buffer.data(), n});
  if (std::ferror(in.get())) return std::nullopt;
  return storage::to_hex(hash.finish());
}

using bagit::printable;  // statement fields end up on a terminal too

std::string summary(const bagit::report& r) {
  std::string out;
  for (std::size_t i = 0; i < r.problems.size() && i < 3; ++i) {
    if (i) out += "; ";
    out += bagit::to_string(r.problems[i]);
  }
  if (r.problems.size() > 3) out += "; and " + std::to_string(r.problems.size() - 3) + " more";
  return out;
}

}  // namespace

bool verification::ok() const noexcept {
  return !checks.empty() &&
         std::all_of(checks.begin(), checks.end(), [](const auto& c) { return c.ok; });
}

std::string key_id_of(std::span<const unsigned char> public_key) {
  const auto digest = storage::sha256(public_key);
  return storage::to_hex(std::span{digest.data(), 8});
}

verification verify_archive(const std::filesystem::path& zip, std::string_view document,
                            std::span<const unsigned char> public_key) {
  verification v;
  auto add = [&](std::string name, bool ok, std::string detail) {
    v.checks.push_back({std::move(name), ok, std::move(detail)});
  };

  // The statement: a document of the right form whose signed text is a canonical
  // statement. Requiring the canonical form means the signed bytes have exactly one
  // reading (no duplicate keys, no extra members another parser might see differently).
  const auto signed_doc = parse_statement_document(document);
  std::optional<statement_fields> fields;
  if (!signed_doc) {
    add("statement", false,
        "the statement is not a parix-evidence-statement/1 document with key_id, signature "
        "and signed");
  } else if (fields = parse_statement(signed_doc->signed_text); !fields) {
    add("statement", false, "the signed text is not a parix evidence statement");
  } else if (canonical_statement(*fields) != signed_doc->signed_text) {
    add("statement", false, "the signed text is not in canonical form");
    fields.reset();
  } else {
    add("statement", true,
        "unit " + printable(fields->unit) + ", criterion " + printable(fields->criterion) +
            ", version " + std::to_string(fields->version) + ", sealed at " +
            printable(fields->sealed_at));
  }

  if (!signed_doc)
    add("signature", false, "no signature to check");
  else if (verify_statement(*signed_doc, public_key))
    add("signature", true, "the Ed25519 signature over the signed text verifies with the key");
  else
    add("signature", false, "the Ed25519 signature does not verify with the given key");

  const std::string expected_id = key_id_of(public_key);
  if (!signed_doc) {
    add("key id", false, "no statement names a key; the given key is " + expected_id);
  } else if (signed_doc->key_id != expected_id) {
    add("key id", false,
        "the statement names key " + printable(signed_doc->key_id) + ", the given key is " +
            expected_id);
  } else if (fields && fields->key_id != expected_id) {
    add("key id", false,
        "the signed text names key " + printable(fields->key_id) + ", the given key is " +
            expected_id);
  } else {
    add("key id", true, "the statement names the given key, " + expected_id);
  }

  const auto archive_hash = file_sha256(zip);
  if (!archive_hash)
    add("archive sha256", false, "cannot read " + zip.string());
  else if (!fields)
    add("archive sha256", false, *archive_hash + ", but no statement to compare it with");
  else if (*archive_hash != fields->archive_sha256)
    add("archive sha256", false,
        "the archive's is " + *archive_hash + ", the statement says " +
            printable(fields->archive_sha256));
  else
    add("archive sha256", true, *archive_hash + " matches the statement");

  std::optional<bagit::bag_listing> listing;
  try {
    listing = bagit::read_zip(zip);
  } catch (const std::exception& e) {
    add("bag", false, e.what());
  }
  if (listing) {
    v.bag = bagit::validate(*listing);
    if (v.bag.valid())
      add("bag", true,
          "a valid BagIt bag: every file matches its manifests (" +
              std::to_string(listing->files.size()) + " files)");
    else
      add("bag", false, std::to_string(v.bag.problems.size()) + " problem(s): " + summary(v.bag));
  }

  std::optional<std::string> tag_digest;
  if (listing)
    for (const auto& f : listing->files)
      if (auto d = f.digests.find("sha256");
          f.path == "tagmanifest-sha256.txt" && d != f.digests.end())
        tag_digest = d->second;
  if (!listing)
    add("tagmanifest sha256", false, "the archive could not be read");
  else if (!tag_digest)
    add("tagmanifest sha256", false, "the archive has no tagmanifest-sha256.txt");
  else if (!fields)
    add("tagmanifest sha256", false, *tag_digest + ", but no statement to compare it with");
  else if (*tag_digest != fields->tagmanifest_sha256)
    add("tagmanifest sha256", false,
        "the archive's is " + *tag_digest + ", the statement says " +
            printable(fields->tagmanifest_sha256));
  else
    add("tagmanifest sha256", true, *tag_digest + " matches the statement");
  return v;
}

std::vector<unsigned char> load_public_key_pem(const std::filesystem::path& pem) {
  std::unique_ptr<FILE, decltype(&std::fclose)> in{std::fopen(pem.c_str(), "r"), std::fclose};
  if (!in) throw std::runtime_error("cannot open the public key " + pem.string());
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
      PEM_read_PUBKEY(in.get(), nullptr, nullptr, nullptr), EVP_PKEY_free};
  if (!key)
    throw std::runtime_error(pem.string() +
                             " is not a PEM public key (expected \"BEGIN PUBLIC KEY\")");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    const char* type = OBJ_nid2sn(EVP_PKEY_get_id(key.get()));
    throw std::runtime_error(pem.string() + " holds " + (type ? type : "an unknown") +
                             " key, not an Ed25519 key");
  }
  std::vector<unsigned char> raw(32);
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &len) != 1 || len != 32)
    throw std::runtime_error("cannot read the Ed25519 key in " + pem.string());
  return raw;
}

}  // namespace parix::evidence
