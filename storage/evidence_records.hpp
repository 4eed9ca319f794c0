// SQL for evidence: tus uploads, draft and sealed files on a leaf, sealed archive
// versions, and the public keys that signed them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

// An upload's life (docs/evidence.md): receiving until every byte is in, then complete
// (checked, in the blob store) and attached to a leaf; or ended as terminated, expired
// or refused.
enum class upload_state { receiving, complete, attached, terminated, expired, refused };
// A file on a leaf: a draft until it is sealed into a version or removed.
enum class evidence_file_state { draft, removed, sealed };
std::string_view to_string(upload_state s) noexcept;
std::string_view to_string(evidence_file_state s) noexcept;

struct upload_record {
  std::string id;
  std::int64_t user_id = 0;
  std::int64_t length = 0;
  std::int64_t received = 0;
  std::string file_name;
  std::string declared_sha256;
  std::string metadata_json;
  millis created_at = 0;
  millis expires_at = 0;
  upload_state state = upload_state::receiving;
  std::optional<std::string> blob_sha256, kind, content_type, listing_json, refusal;
};

struct evidence_file_record {
  std::int64_t id = 0;
  std::int64_t assessment_id = 0;
  std::string criterion_code;
  std::string upload_id;
  std::string blob_sha256;
  std::int64_t size = 0;
  std::string file_name;
  std::string kind;
  std::string content_type;
  std::optional<std::string> listing_json;
  std::optional<std::string> doc_number, doc_date, doc_issuer, doc_summary;
  std::string stage;
  millis attached_at = 0;
  std::string attached_by;
  bool late = false;
  evidence_file_state state = evidence_file_state::draft;
  std::optional<std::int64_t> version_id;
  std::optional<millis> removed_at;
  std::optional<std::string> removed_by;
};

struct evidence_version_record {
  std::int64_t id = 0;
  std::int64_t assessment_id = 0;
  std::string criterion_code;
  std::int64_t version = 0;
  std::string stage;
  std::string archive_sha256;
  std::int64_t archive_size = 0;
  std::string tagmanifest_sha256;
  std::string manifest_sha256;
  std::int64_t payload_bytes = 0;
  std::int64_t file_count = 0;
  std::string statement;
  std::string signature;  // base64
  std::string key_id;
  std::string statement_sha256;
  millis sealed_at = 0;
  std::string sealed_by;
};

struct signing_key_record {
  std::string key_id;
  std::string algorithm;
  std::string public_key_pem;
  std::string public_key_hex;
  millis first_seen_at = 0;
};

void insert_upload(connection& c, const upload_record& u);
std::optional<upload_record> find_upload(connection& c, std::string_view id);
// Moves received forward from `from` (compare-and-set); false when it was not `from`.
bool advance_upload(connection& c, std::string_view id, std::int64_t from, std::int64_t to);
// Sets state (and the outcome columns) of an upload.
void finish_upload(connection& c, const upload_record& u);
// Uploads still receiving or complete-but-unattached whose expiry is before `now`.
std::vector<upload_record> expired_uploads(connection& c, millis now);

std::int64_t insert_evidence_file(connection& c, const evidence_file_record& f);
std::optional<evidence_file_record> find_evidence_file(connection& c, std::int64_t id);
// Files of one leaf in the given state (every state when none), oldest first.
std::vector<evidence_file_record> leaf_evidence_files(
    connection& c, std::int64_t assessment_id, std::string_view code,
    std::optional<evidence_file_state> state = std::nullopt);
// Drafts of one assessment across all leaves, by leaf then id.
std::vector<evidence_file_record> assessment_drafts(connection& c, std::int64_t assessment_id);
bool remove_draft(connection& c, std::int64_t id, millis at, std::string_view by);
bool seal_draft(connection& c, std::int64_t id, std::int64_t version_id);
std::vector<evidence_file_record> version_files(connection& c, std::int64_t version_id);
// Sum of sizes of one leaf's draft and sealed files (the per-criterion limit).
std::int64_t leaf_evidence_bytes(connection& c, std::int64_t assessment_id, std::string_view code);
// Every blob hash any evidence row refers to (files and archives).
void each_evidence_blob(connection& c,
                        const std::function<void(const std::string& sha256, std::int64_t size,
                                                 const std::string& what)>& each);

std::int64_t insert_evidence_version(connection& c, const evidence_version_record& v);
std::optional<evidence_version_record> find_evidence_version(connection& c, std::int64_t id);
std::vector<evidence_version_record> leaf_evidence_versions(connection& c,
                                                            std::int64_t assessment_id,
                                                            std::string_view code);
std::int64_t next_evidence_version(connection& c, std::int64_t assessment_id,
                                   std::string_view code);
void each_evidence_version(connection& c,
                           const std::function<void(const evidence_version_record&)>& each);

// Records a public key the first time it is seen (no change when already there).
void remember_signing_key(connection& c, const signing_key_record& k);
std::vector<signing_key_record> signing_keys(connection& c);

}  // namespace parix::storage
