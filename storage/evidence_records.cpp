// SQL for uploads, evidence files, sealed versions and signing keys.
#include "storage/evidence_records.hpp"

#include <array>

#include "storage/stored_names.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view upload_columns =
    "id, user_id, length, received, file_name, declared_sha256, metadata_json, created_at, "
    "expires_at, state, blob_sha256, kind, content_type, listing_json, refusal";
constexpr std::string_view insert_upload_sql =
    "INSERT INTO uploads(id, user_id, length, received, file_name, declared_sha256, "
    "metadata_json, created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view advance_upload_sql =
    "UPDATE uploads SET received = ? WHERE id = ? AND received = ? AND state = 'receiving'";
constexpr std::string_view finish_upload_sql =
    "UPDATE uploads SET state = ?, blob_sha256 = ?, kind = ?, content_type = ?, listing_json = ?, "
    "refusal = ? WHERE id = ?";

constexpr std::string_view file_columns =
    "id, assessment_id, criterion_code, upload_id, blob_sha256, size, file_name, kind, "
    "content_type, listing_json, doc_number, doc_date, doc_issuer, doc_summary, stage, "
    "attached_at, attached_by, late, state, version_id, removed_at, removed_by";
constexpr std::string_view insert_file_sql =
    "INSERT INTO evidence_files(assessment_id, criterion_code, upload_id, blob_sha256, size, "
    "file_name, kind, content_type, listing_json, doc_number, doc_date, doc_issuer, doc_summary, "
    "stage, attached_at, attached_by, late, state) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft')";
constexpr std::string_view remove_draft_sql =
    "UPDATE evidence_files SET state = 'removed', removed_at = ?, removed_by = ? "
    "WHERE id = ? AND state = 'draft'";
constexpr std::string_view seal_draft_sql =
    "UPDATE evidence_files SET state = 'sealed', version_id = ? WHERE id = ? AND state = 'draft'";
constexpr std::string_view leaf_bytes_sql =
    "SELECT COALESCE(SUM(size), 0) FROM evidence_files WHERE assessment_id = ? AND "
    "criterion_code = ? AND state <> 'removed'";

constexpr std::string_view version_columns =
    "id, assessment_id, criterion_code, version, stage, archive_sha256, archive_size, "
    "tagmanifest_sha256, manifest_sha256, payload_bytes, file_count, statement, signature, key_id, "
    "statement_sha256, sealed_at, sealed_by";
constexpr std::string_view insert_version_sql =
    "INSERT INTO evidence_versions(assessment_id, criterion_code, version, stage, archive_sha256, "
    "archive_size, tagmanifest_sha256, manifest_sha256, payload_bytes, file_count, statement, "
    "signature, key_id, statement_sha256, sealed_at, sealed_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view next_version_sql =
    "SELECT COALESCE(MAX(version), 0) + 1 FROM evidence_versions WHERE assessment_id = ? AND "
    "criterion_code = ?";

constexpr std::string_view remember_key_sql =
    "INSERT INTO signing_keys(key_id, algorithm, public_key_pem, public_key_hex, first_seen_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(key_id) DO NOTHING";
constexpr std::string_view select_keys =
    "SELECT key_id, algorithm, public_key_pem, public_key_hex, first_seen_at FROM signing_keys "
    "ORDER BY first_seen_at, key_id";

std::string select_from(std::string_view columns, std::string_view table, std::string_view rest) {
  return "SELECT " + std::string{columns} + " FROM " + std::string{table} + " " + std::string{rest};
}

// Built once: the statements are constant, only assembled from their shared column lists.
const std::string select_upload = select_from(upload_columns, "uploads", "WHERE id = ?");
const std::string select_expired_uploads =
    select_from(upload_columns, "uploads",
                "WHERE state IN ('receiving', 'complete') AND expires_at < ? ORDER BY expires_at");
const std::string select_file = select_from(file_columns, "evidence_files", "WHERE id = ?");
const std::string select_leaf_files = select_from(
    file_columns, "evidence_files",
    "WHERE assessment_id = ? AND criterion_code = ? AND (? = '' OR state = ?) ORDER BY id");
const std::string select_drafts =
    select_from(file_columns, "evidence_files",
                "WHERE assessment_id = ? AND state = 'draft' ORDER BY criterion_code, id");
const std::string select_version_files =
    select_from(file_columns, "evidence_files", "WHERE version_id = ? ORDER BY id");
const std::string select_version =
    select_from(version_columns, "evidence_versions", "WHERE id = ?");
const std::string select_leaf_versions =
    select_from(version_columns, "evidence_versions",
                "WHERE assessment_id = ? AND criterion_code = ? ORDER BY version");
const std::string select_all_versions =
    select_from(version_columns, "evidence_versions", "ORDER BY id");
constexpr std::string_view select_all_blobs =
    "SELECT blob_sha256, size, 'file/' || id FROM evidence_files "
    "UNION ALL SELECT archive_sha256, archive_size, 'version/' || id FROM evidence_versions";

constexpr std::array<std::string_view, 6> upload_state_names{"receiving",  "complete", "attached",
                                                             "terminated", "expired",  "refused"};
constexpr std::array<std::string_view, 3> file_state_names{"draft", "removed", "sealed"};

upload_record to_upload(const row& r) {
  upload_record u;
  u.id = r.text(0);
  u.user_id = r.integer(1);
  u.length = r.integer(2);
  u.received = r.integer(3);
  u.file_name = r.text(4);
  u.declared_sha256 = r.text(5);
  u.metadata_json = r.text(6);
  u.created_at = r.integer(7);
  u.expires_at = r.integer(8);
  u.state = stored<upload_state>(upload_state_names, r.text(9), "upload state");
  u.blob_sha256 = r.optional_text(10);
  u.kind = r.optional_text(11);
  u.content_type = r.optional_text(12);
  u.listing_json = r.optional_text(13);
  u.refusal = r.optional_text(14);
  return u;
}

evidence_file_record to_file(const row& r) {
  evidence_file_record f;
  f.id = r.integer(0);
  f.assessment_id = r.integer(1);
  f.criterion_code = r.text(2);
  f.upload_id = r.text(3);
  f.blob_sha256 = r.text(4);
  f.size = r.integer(5);
  f.file_name = r.text(6);
  f.kind = r.text(7);
  f.content_type = r.text(8);
  f.listing_json = r.optional_text(9);
  f.doc_number = r.optional_text(10);
  f.doc_date = r.optional_text(11);
  f.doc_issuer = r.optional_text(12);
  f.doc_summary = r.optional_text(13);
  f.stage = r.text(14);
  f.attached_at = r.integer(15);
  f.attached_by = r.text(16);
  f.late = r.integer(17) != 0;
  f.state = stored<evidence_file_state>(file_state_names, r.text(18), "evidence file state");
  f.version_id = r.optional_integer(19);
  f.removed_at = r.optional_integer(20);
  f.removed_by = r.optional_text(21);
  return f;
}

evidence_version_record to_version(const row& r) {
  evidence_version_record v;
  v.id = r.integer(0);
  v.assessment_id = r.integer(1);
  v.criterion_code = r.text(2);
  v.version = r.integer(3);
  v.stage = r.text(4);
  v.archive_sha256 = r.text(5);
  v.archive_size = r.integer(6);
  v.tagmanifest_sha256 = r.text(7);
  v.manifest_sha256 = r.text(8);
  v.payload_bytes = r.integer(9);
  v.file_count = r.integer(10);
  v.statement = r.text(11);
  v.signature = r.text(12);
  v.key_id = r.text(13);
  v.statement_sha256 = r.text(14);
  v.sealed_at = r.integer(15);
  v.sealed_by = r.text(16);
  return v;
}

template <class T, class Map>
std::vector<T> all(connection& c, std::string_view sql, std::initializer_list<value> params,
                   Map map) {
  std::vector<T> out;
  c.query(sql, params, [&](const row& r) { out.push_back(map(r)); });
  return out;
}

}  // namespace

std::string_view to_string(upload_state s) noexcept {
  return name_in(upload_state_names, s);
}

std::string_view to_string(evidence_file_state s) noexcept {
  return name_in(file_state_names, s);
}

void insert_upload(connection& c, const upload_record& u) {
  c.execute(insert_upload_sql,
            {u.id, u.user_id, u.length, u.received, u.file_name, u.declared_sha256, u.metadata_json,
             u.created_at, u.expires_at, to_string(u.state)});
}

std::optional<upload_record> find_upload(connection& c, std::string_view id) {
  return c.query_one(select_upload, {id}, to_upload);
}

bool advance_upload(connection& c, std::string_view id, std::int64_t from, std::int64_t to) {
  return c.execute(advance_upload_sql, {to, id, from}) == 1;
}

void finish_upload(connection& c, const upload_record& u) {
  c.execute(finish_upload_sql,
            {to_string(u.state), nullable(u.blob_sha256), nullable(u.kind),
             nullable(u.content_type), nullable(u.listing_json), nullable(u.refusal), u.id});
}

std::vector<upload_record> expired_uploads(connection& c, millis now) {
  return all<upload_record>(c, select_expired_uploads, {now}, to_upload);
}

std::int64_t insert_evidence_file(connection& c, const evidence_file_record& f) {
  c.execute(insert_file_sql,
            {f.assessment_id, f.criterion_code, f.upload_id, f.blob_sha256, f.size, f.file_name,
             f.kind, f.content_type, nullable(f.listing_json), nullable(f.doc_number),
             nullable(f.doc_date), nullable(f.doc_issuer), nullable(f.doc_summary), f.stage,
             f.attached_at, f.attached_by, std::int64_t{f.late}});
  return c.last_insert_id();
}

std::optional<evidence_file_record> find_evidence_file(connection& c, std::int64_t id) {
  return c.query_one(select_file, {id}, to_file);
}

std::vector<evidence_file_record> leaf_evidence_files(connection& c, std::int64_t assessment_id,
                                                      std::string_view code,
                                                      std::optional<evidence_file_state> state) {
  const std::string_view name = state ? to_string(*state) : std::string_view{};
  return all<evidence_file_record>(c, select_leaf_files, {assessment_id, code, name, name},
                                   to_file);
}

std::vector<evidence_file_record> assessment_drafts(connection& c, std::int64_t assessment_id) {
  return all<evidence_file_record>(c, select_drafts, {assessment_id}, to_file);
}

bool remove_draft(connection& c, std::int64_t id, millis at, std::string_view by) {
  return c.execute(remove_draft_sql, {at, by, id}) == 1;
}

bool seal_draft(connection& c, std::int64_t id, std::int64_t version_id) {
  return c.execute(seal_draft_sql, {version_id, id}) == 1;
}

std::vector<evidence_file_record> version_files(connection& c, std::int64_t version_id) {
  return all<evidence_file_record>(c, select_version_files, {version_id}, to_file);
}

std::int64_t leaf_evidence_bytes(connection& c, std::int64_t assessment_id, std::string_view code) {
  return c
      .query_one(leaf_bytes_sql, {assessment_id, code}, [](const row& r) { return r.integer(0); })
      .value_or(0);
}

void each_evidence_blob(connection& c,
                        const std::function<void(const std::string& sha256, std::int64_t size,
                                                 const std::string& what)>& each) {
  c.query(select_all_blobs, {}, [&](const row& r) { each(r.text(0), r.integer(1), r.text(2)); });
}

std::int64_t insert_evidence_version(connection& c, const evidence_version_record& v) {
  c.execute(insert_version_sql,
            {v.assessment_id, v.criterion_code, v.version, v.stage, v.archive_sha256,
             v.archive_size, v.tagmanifest_sha256, v.manifest_sha256, v.payload_bytes, v.file_count,
             v.statement, v.signature, v.key_id, v.statement_sha256, v.sealed_at, v.sealed_by});
  return c.last_insert_id();
}

std::optional<evidence_version_record> find_evidence_version(connection& c, std::int64_t id) {
  return c.query_one(select_version, {id}, to_version);
}

std::vector<evidence_version_record> leaf_evidence_versions(connection& c,
                                                            std::int64_t assessment_id,
                                                            std::string_view code) {
  return all<evidence_version_record>(c, select_leaf_versions, {assessment_id, code}, to_version);
}

std::int64_t next_evidence_version(connection& c, std::int64_t assessment_id,
                                   std::string_view code) {
  return c
      .query_one(next_version_sql, {assessment_id, code}, [](const row& r) { return r.integer(0); })
      .value_or(1);
}

void each_evidence_version(connection& c,
                           const std::function<void(const evidence_version_record&)>& each) {
  c.query(select_all_versions, {}, [&](const row& r) { each(to_version(r)); });
}

void remember_signing_key(connection& c, const signing_key_record& k) {
  c.execute(remember_key_sql,
            {k.key_id, k.algorithm, k.public_key_pem, k.public_key_hex, k.first_seen_at});
}

std::vector<signing_key_record> signing_keys(connection& c) {
  return all<signing_key_record>(c, select_keys, {}, [](const row& r) {
    return signing_key_record{r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4)};
  });
}

}  // namespace parix::storage
