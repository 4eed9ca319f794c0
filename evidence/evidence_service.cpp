// Drafts on a leaf, sealed versions, downloads (audited) and fsck.
#include "evidence/evidence_service.hpp"

#include <map>

#include "evidence/evidence_audit.hpp"
#include "evidence/formats/evidence_statement.hpp"
#include "storage/audit_log.hpp"
#include "storage/base64.hpp"
#include "storage/sha256.hpp"
#include "workflow/time_text.hpp"

namespace parix::evidence {
namespace {

using storage::to_millis;

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char ch) -> int {
      if (ch >= '0' && ch <= '9') return ch - '0';
      if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
      return -1;
    };
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<unsigned char>(hi << 4 | lo));
  }
  return out;
}

// keys: storage::signing_keys, read once by the caller for all the versions it checks.
signature_status check_signature(const std::vector<storage::signing_key_record>& keys,
                                 const storage::evidence_version_record& v) {
  for (const auto& k : keys) {
    if (k.key_id != v.key_id) continue;
    auto signature = storage::from_base64(v.signature);
    auto raw = from_hex(k.public_key_hex);
    if (!signature || !raw) return signature_status::invalid;
    return verify_statement({v.statement, *signature, v.key_id}, *raw) ? signature_status::valid
                                                                       : signature_status::invalid;
  }
  return signature_status::unknown_key;
}

}  // namespace

std::string_view to_string(signature_status s) noexcept {
  switch (s) {
    case signature_status::valid:
      return "valid";
    case signature_status::invalid:
      return "invalid";
    case signature_status::unknown_key:
      return "unknown_key";
  }
  return "unknown_key";
}

evidence_service::evidence_service(storage::database& db, storage::blob_store& blobs,
                                   const auth::clock& clock,
                                   workflow::assessment_service& assessments, evidence_config cfg)
    : db_(db), blobs_(blobs), clock_(clock), assessments_(assessments), cfg_(std::move(cfg)) {}

result<storage::evidence_file_record> evidence_service::attach(const auth::actor& a,
                                                               std::int64_t assessment_id,
                                                               std::string_view code,
                                                               const attach_request& r,
                                                               workflow::refusal_detail* why) {
  workflow::refusal_detail scratch;
  workflow::refusal_detail& detail = why ? *why : scratch;
  // The file's due moves (an auto-submission) stay recorded when the attach is refused.
  auto settle = assessments_.settler(a, assessment_id);  // archives built outside
  return db_.write_result_after(
      settle, [&](storage::connection& c) -> result<storage::evidence_file_record> {
        auto permit = assessments_.permit_evidence_change(c, a, assessment_id, code, detail);
        if (!permit) return permit.error();
        detail.values["upload"] = r.upload_id;
        auto u = storage::find_upload(c, r.upload_id);
        if (!u || u->user_id != a.user_id) return errc::upload_not_found;
        detail.values["offset"] = std::to_string(u->received);
        detail.values["length"] = std::to_string(u->length);
        if (u->state == storage::upload_state::attached) return errc::upload_attached;
        if (u->state == storage::upload_state::receiving) return errc::upload_incomplete;
        if (u->state != storage::upload_state::complete) {
          detail.values["state"] = std::string{storage::to_string(u->state)};
          return errc::upload_gone;
        }
        if (r.doc_date && !workflow::parse_date(*r.doc_date)) {
          detail.values["date"] = *r.doc_date;
          return errc::invalid_document_date;
        }
        const auto used = storage::leaf_evidence_bytes(c, assessment_id, code);
        detail.values["used"] = std::to_string(used);
        detail.values["size"] = std::to_string(u->length);
        detail.values["limit"] = std::to_string(cfg_.max_leaf_total);
        if (static_cast<std::uint64_t>(used + u->length) > cfg_.max_leaf_total)
          return errc::leaf_evidence_limit;

        storage::evidence_file_record f;
        f.assessment_id = assessment_id;
        f.criterion_code = std::string{code};
        f.upload_id = u->id;
        f.blob_sha256 = *u->blob_sha256;
        f.size = u->length;
        f.file_name = u->file_name;
        f.kind = u->kind.value_or("");
        f.content_type = u->content_type.value_or("application/octet-stream");
        f.listing_json = u->listing_json;
        f.doc_number = r.doc_number;
        f.doc_date = r.doc_date;
        f.doc_issuer = r.doc_issuer;
        f.doc_summary = r.doc_summary;
        f.stage = std::string{to_string(permit->file.current)};
        f.attached_at = to_millis(permit->now);
        f.attached_by = a.username;
        f.late = permit->late;
        f.state = storage::evidence_file_state::draft;
        f.id = storage::insert_evidence_file(c, f);
        u->state = storage::upload_state::attached;
        storage::finish_upload(c, *u);
        auto e =
            evidence_audit(a, permit->file, code, "evidence.attach",
                           leaf_entity(assessment_id, code) + "/evidence/" + std::to_string(f.id));
        e.new_value =
            f.file_name + " (" + std::to_string(f.size) + " bytes, sha256 " + f.blob_sha256 + ")";
        if (f.doc_number || f.doc_date)
          e.new_value = *e.new_value + ", document " + f.doc_number.value_or("-") + " of " +
                        f.doc_date.value_or("-");
        if (f.late) e.reason = "late: in the grace period";
        storage::append_audit(c, e, f.attached_at);
        return f;
      });
}

result<void> evidence_service::may_attach(const auth::actor& a, std::int64_t assessment_id,
                                          std::string_view code, workflow::refusal_detail* why) {
  workflow::refusal_detail scratch;
  workflow::refusal_detail& detail = why ? *why : scratch;
  auto settle = assessments_.settler(a, assessment_id);  // archives built outside
  return db_.write_result_after(settle, [&](storage::connection& c) -> result<void> {
    auto permit = assessments_.permit_evidence_change(c, a, assessment_id, code, detail);
    if (!permit) return permit.error();
    return {};
  });
}

result<storage::evidence_file_record> evidence_service::remove(const auth::actor& a,
                                                               std::int64_t assessment_id,
                                                               std::string_view code,
                                                               std::int64_t file_id,
                                                               workflow::refusal_detail* why) {
  workflow::refusal_detail scratch;
  workflow::refusal_detail& detail = why ? *why : scratch;
  detail.values["evidence"] = std::to_string(file_id);
  auto settle = assessments_.settler(a, assessment_id);  // archives built outside
  return db_.write_result_after(
      settle, [&](storage::connection& c) -> result<storage::evidence_file_record> {
        auto permit = assessments_.permit_evidence_change(c, a, assessment_id, code, detail);
        if (!permit) return permit.error();
        auto f = storage::find_evidence_file(c, file_id);
        if (!f || f->assessment_id != assessment_id || f->criterion_code != code)
          return errc::evidence_not_found;
        if (f->state != storage::evidence_file_state::draft) return errc::evidence_sealed;
        const auto now = to_millis(permit->now);
        if (!storage::remove_draft(c, file_id, now, a.username)) return errc::evidence_sealed;
        auto e = evidence_audit(
            a, permit->file, code, "evidence.remove",
            leaf_entity(assessment_id, code) + "/evidence/" + std::to_string(file_id));
        e.old_value = f->file_name + " (sha256 " + f->blob_sha256 + ")";
        storage::append_audit(c, e, now);
        f->state = storage::evidence_file_state::removed;
        f->removed_at = now;
        f->removed_by = a.username;
        return *f;
      });
}

result<leaf_evidence> evidence_service::list(const auth::actor& a, std::int64_t assessment_id,
                                             std::string_view code) {
  return db_.read_result([&](storage::connection& c) -> result<leaf_evidence> {
    auto f = assessments_.visible_file(c, a, assessment_id);
    if (!f) return f.error();
    const auto* node = f->set->find(code);
    if (!node) return workflow::errc::unknown_criterion;
    if (!node->leaf()) return workflow::errc::not_a_leaf;
    leaf_evidence out;
    out.code = std::string{code};
    for (auto& file : storage::leaf_evidence_files(c, assessment_id, code)) {
      if (file.state == storage::evidence_file_state::draft)
        out.drafts.push_back(std::move(file));
      else if (file.state == storage::evidence_file_state::removed)
        out.removed.push_back(std::move(file));
    }
    const auto keys = storage::signing_keys(c);
    for (auto& v : storage::leaf_evidence_versions(c, assessment_id, code)) {
      version_view view;
      view.files = storage::version_files(c, v.id);
      view.signature = check_signature(keys, v);
      view.version = std::move(v);
      out.versions.push_back(std::move(view));
    }
    for (auto& offer : storage::leaf_carried_evidence(c, assessment_id, code)) {
      auto source = storage::find_evidence_file(c, offer.source_file_id);
      out.carried.push_back({std::move(offer), std::move(*source)});
    }
    return out;
  });
}

void evidence_service::audit_read(storage::connection& c, const auth::actor& a,
                                  const workflow::file_facts& f, const std::string& code,
                                  std::string entity, std::string what) {
  auto e = evidence_audit(a, f, code, "evidence.download", std::move(entity));
  e.new_value = std::move(what);
  storage::append_audit(c, e, to_millis(clock_.now()));
}

result<evidence_download> evidence_service::file(const auth::actor& a, std::int64_t file_id) {
  auto found =
      db_.write_result([&](storage::connection& c) -> result<storage::evidence_file_record> {
        auto f = storage::find_evidence_file(c, file_id);
        if (!f) return errc::evidence_not_found;
        auto facts = assessments_.visible_file(c, a, f->assessment_id);
        if (!facts) return facts.error();
        audit_read(
            c, a, *facts, f->criterion_code,
            leaf_entity(f->assessment_id, f->criterion_code) + "/evidence/" + std::to_string(f->id),
            f->file_name + " (sha256 " + f->blob_sha256 + ")");
        return *f;
      });
  if (!found) return found.error();
  return open_download(found->blob_sha256, found->size, found->file_name, found->content_type);
}

result<storage::evidence_version_record> evidence_service::read_version(const auth::actor& a,
                                                                        std::int64_t version_id,
                                                                        std::string_view part,
                                                                        const std::string& what) {
  return db_.write_result([&](storage::connection& c) -> result<storage::evidence_version_record> {
    auto v = storage::find_evidence_version(c, version_id);
    if (!v) return errc::evidence_not_found;
    auto facts = assessments_.visible_file(c, a, v->assessment_id);
    if (!facts) return facts.error();
    audit_read(c, a, *facts, v->criterion_code,
               leaf_entity(v->assessment_id, v->criterion_code) + "/evidence/v" +
                   std::to_string(v->version) + std::string{part},
               what + (part.empty() ? v->archive_sha256 : v->statement_sha256));
    return *v;
  });
}

result<evidence_download> evidence_service::open_download(std::string sha256, std::int64_t size,
                                                          std::string file_name,
                                                          std::string content_type) const {
  evidence_download d{std::move(sha256), static_cast<std::uint64_t>(size), std::move(file_name),
                      std::move(content_type), nullptr};
  d.reader = blobs_.open(d.sha256);
  if (!d.reader) return errc::blob_missing;
  return d;
}

result<evidence_download> evidence_service::archive(const auth::actor& a, std::int64_t version_id) {
  auto v = read_version(a, version_id, "", "archive sha256 ");
  if (!v) return v.error();
  return open_download(v->archive_sha256, v->archive_size,
                       "TLKC-" + v->criterion_code + "-v" + std::to_string(v->version) + ".zip",
                       "application/zip");
}

result<storage::evidence_version_record> evidence_service::statement(const auth::actor& a,
                                                                     std::int64_t version_id,
                                                                     std::string* document) {
  auto v = read_version(a, version_id, "/statement", "statement sha256 ");
  if (v && document)
    *document = statement_document(
        {v->statement, storage::from_base64(v->signature).value_or(std::vector<unsigned char>{}),
         v->key_id});
  return v;
}

fsck_report fsck_evidence(storage::database& db, const storage::blob_store& blobs) {
  fsck_report report;
  // What the records say should be there (a snapshot), then the slow part outside
  // any transaction: re-reading every byte.
  struct expected {
    std::int64_t size;
    std::vector<std::string> referrers;
  };
  std::map<std::string, expected> wanted;
  std::vector<std::pair<storage::evidence_version_record, signature_status>> versions;
  db.read([&](storage::connection& c) {
    storage::each_evidence_blob(
        c, [&](const std::string& sha, std::int64_t size, const std::string& what) {
          auto& e = wanted.try_emplace(sha, expected{size, {}}).first->second;
          e.referrers.push_back(what);
          if (e.size != size)
            report.problems.push_back(
                {what, "size_mismatch", "records disagree on the size of blob " + sha});
        });
    const auto keys = storage::signing_keys(c);
    storage::each_evidence_version(c, [&](const storage::evidence_version_record& v) {
      versions.emplace_back(v, check_signature(keys, v));
    });
  });
  for (const auto& [v, status] : versions) {
    ++report.versions_checked;
    const std::string what = "version/" + std::to_string(v.id);
    if (status != signature_status::valid)
      report.problems.push_back(
          {what, status == signature_status::invalid ? "bad_signature" : "unknown_key",
           "statement of " + v.criterion_code + " v" + std::to_string(v.version) +
               " signed by key " + v.key_id});
    auto s = parse_statement(v.statement);
    if (!s || s->archive_sha256 != v.archive_sha256 ||
        s->tagmanifest_sha256 != v.tagmanifest_sha256 || s->assessment != v.assessment_id ||
        s->criterion != v.criterion_code || s->version != v.version)
      report.problems.push_back({what, "statement_mismatch",
                                 "the signed statement does not describe this version's record"});
  }
  std::vector<char> buf(1 << 20);
  for (const auto& [sha, e] : wanted) {
    ++report.blobs_checked;
    const std::string what = e.referrers.front();
    auto reader = blobs.open(sha);
    if (!reader) {
      report.problems.push_back({what, "missing", "blob " + sha + " is not in the store"});
      continue;
    }
    storage::sha256_stream h;
    std::uint64_t at = 0;
    try {
      for (;;) {
        auto n = reader->read(at, buf);
        if (n == 0) break;
        h.update(std::span{reinterpret_cast<const unsigned char*>(buf.data()), n});
        at += n;
      }
    } catch (const std::exception& ex) {
      report.problems.push_back({what, "unreadable", ex.what()});
      continue;
    }
    report.bytes_hashed += static_cast<std::int64_t>(at);
    const auto actual = storage::to_hex(h.finish());
    if (actual != sha)
      report.problems.push_back({what, "changed", "blob " + sha + " now hashes to " + actual});
    else if (static_cast<std::int64_t>(at) != e.size)
      report.problems.push_back({what, "size_mismatch",
                                 "blob " + sha + " holds " + std::to_string(at) + " bytes, not " +
                                     std::to_string(e.size)});
  }
  blobs.for_each([&](std::string_view sha) {
    if (!wanted.contains(std::string{sha})) report.unreferenced.emplace_back(sha);
  });
  return report;
}

}  // namespace parix::evidence
