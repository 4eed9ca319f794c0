// Evidence on a leaf: attaching a finished upload as a draft, removing a draft,
// listing drafts and sealed versions (with their signature status), reading a file,
// an archive or a statement (each read is an audit entry), and fsck of the store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "evidence/errc.hpp"
#include "evidence/evidence_config.hpp"
#include "storage/blob_store.hpp"
#include "storage/carry_over_records.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "workflow/assessment_service.hpp"
#include "workflow/errc.hpp"

namespace parix::evidence {

struct attach_request {
  std::string upload_id;
  // The official document the file is (all optional): số hiệu, ngày ban hành
  // (YYYY-MM-DD: what appraisers check against the year), cơ quan ban hành, trích yếu.
  std::optional<std::string> doc_number, doc_date, doc_issuer, doc_summary;
};

enum class signature_status { valid, invalid, unknown_key };
std::string_view to_string(signature_status s) noexcept;

struct version_view {
  storage::evidence_version_record version;
  std::vector<storage::evidence_file_record> files;
  signature_status signature = signature_status::unknown_key;
};

// One of last year's sealed files offered to the leaf (a successor's carry-over), with the
// file it offers (its name, hash and document metadata; last year's assessment).
struct carried_offer {
  storage::carried_evidence_record offer;
  storage::evidence_file_record source;
};

struct leaf_evidence {
  std::string code;
  std::vector<storage::evidence_file_record> drafts;
  std::vector<storage::evidence_file_record> removed;
  std::vector<version_view> versions;  // oldest first
  std::vector<carried_offer> carried;  // in every state, oldest first
};

// Bytes to send: a stored blob with its name and type.
struct evidence_download {
  std::string sha256;
  std::uint64_t size = 0;
  std::string file_name;
  std::string content_type;
  std::unique_ptr<storage::blob_reader> reader;
};

struct fsck_problem {
  std::string what;     // "file/12", "version/3", "blob/ab12…"
  std::string problem;  // missing, changed, size_mismatch, bad_signature, unknown_key, …
  std::string detail;
};
struct fsck_report {
  std::int64_t blobs_checked = 0, versions_checked = 0, bytes_hashed = 0;
  std::vector<fsck_problem> problems;
  std::vector<std::string> unreferenced;  // blobs no record refers to (left by a crash)
};

// Re-hashes every blob a record refers to, checks every version's signature (against
// the keys in signing_keys) and that its statement describes it, and lists blobs no
// record refers to. Reads only; safe while the server runs. Thread-safe.
fsck_report fsck_evidence(storage::database& db, const storage::blob_store& blobs);

class evidence_service {
 public:
  evidence_service(storage::database& db, storage::blob_store& blobs, const auth::clock& clock,
                   workflow::assessment_service& assessments, evidence_config cfg);

  // Attaches the actor's finished upload to a leaf as a draft. The edit table's
  // `evidence` rule decides (stage, role, own unit, deadline, window, flagged leaf):
  // the same codes as a leaf edit, plus upload_not_found, upload_incomplete,
  // upload_attached, leaf_evidence_limit, invalid_document_date. Thread-safe.
  result<storage::evidence_file_record> attach(const auth::actor& a, std::int64_t assessment_id,
                                               std::string_view code, const attach_request& r,
                                               workflow::refusal_detail* why = nullptr);
  // Whether the actor could attach to the leaf now (the same rules as attach, without
  // an upload): lets an upload that names its leaf be refused before its bytes are
  // sent. Fires due automatic events. Thread-safe.
  result<void> may_attach(const auth::actor& a, std::int64_t assessment_id, std::string_view code,
                          workflow::refusal_detail* why = nullptr);
  // Removes a draft (never a sealed file: evidence_sealed). Same rules as attach.
  result<storage::evidence_file_record> remove(const auth::actor& a, std::int64_t assessment_id,
                                               std::string_view code, std::int64_t file_id,
                                               workflow::refusal_detail* why = nullptr);
  // Decides one of last year's files offered to the leaf (carried_offer): confirm makes it a
  // draft of this file (the same blob and document metadata; sealed again with the others
  // at submission), discard leaves it out; either is one audit entry. The unit's agency
  // users decide, in self-assessment only, before the deadline (+ grace): the codes of the
  // `evidence` rule, wrong_stage in any other stage, carried_evidence_not_found,
  // carried_evidence_decided, leaf_evidence_limit. Defined in evidence/carried_evidence.cpp.
  // Thread-safe.
  result<carried_offer> decide_carried(const auth::actor& a, std::int64_t assessment_id,
                                       std::string_view code, std::int64_t offer_id, bool confirm,
                                       workflow::refusal_detail* why = nullptr);
  // Drafts, removed drafts, every sealed version and the carried-over offers of a leaf, for
  // whoever may see the file.
  result<leaf_evidence> list(const auth::actor& a, std::int64_t assessment_id,
                             std::string_view code);
  // Readers of one file, one archive version, and a version's statement document
  // (written to *statement). Each is recorded in the audit log before it is answered.
  result<evidence_download> file(const auth::actor& a, std::int64_t file_id);
  result<evidence_download> archive(const auth::actor& a, std::int64_t version_id);
  result<storage::evidence_version_record> statement(const auth::actor& a, std::int64_t version_id,
                                                     std::string* document);

 private:
  // The version if the actor may see its file, with an audit entry of the read
  // ("what" + the hash): part "" is the archive, "/statement" the statement.
  result<storage::evidence_version_record> read_version(const auth::actor& a,
                                                        std::int64_t version_id,
                                                        std::string_view part,
                                                        const std::string& what);
  result<evidence_download> open_download(std::string sha256, std::int64_t size,
                                          std::string file_name, std::string content_type) const;
  void audit_read(storage::connection& c, const auth::actor& a, const workflow::file_facts& f,
                  const std::string& code, std::string entity, std::string what);

  storage::database& db_;
  storage::blob_store& blobs_;
  const auth::clock& clock_;
  workflow::assessment_service& assessments_;
  evidence_config cfg_;
};

}  // namespace parix::evidence
