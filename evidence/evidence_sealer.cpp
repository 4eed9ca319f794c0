// Sealing drafts into signed archive versions, leaf by leaf, inside one transaction.
#include "evidence/evidence_sealer.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "evidence/formats/evidence_archive.hpp"
#include "evidence/formats/evidence_statement.hpp"
#include "storage/audit_log.hpp"
#include "storage/base64.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "storage/sha256.hpp"

namespace parix::evidence {
namespace {

// "2025-01-31T17:00:00.000Z": the statement's time, UTC with milliseconds.
std::string utc_millis(auth::clock::time_point t) {
  const auto ms = storage::to_millis(t);
  const auto secs = std::chrono::sys_seconds{std::chrono::seconds{ms / 1000 - (ms % 1000 < 0)}};
  const auto frac = ((ms % 1000) + 1000) % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, frac);
}

}  // namespace

namespace {

std::vector<std::int64_t> ids_of(const std::vector<storage::evidence_file_record>& drafts) {
  std::vector<std::int64_t> ids;
  for (const auto& d : drafts) ids.push_back(d.id);
  return ids;
}

std::map<std::string, std::vector<storage::evidence_file_record>> drafts_by_leaf(
    storage::connection& c, std::int64_t assessment_id) {
  std::map<std::string, std::vector<storage::evidence_file_record>> by_leaf;
  for (auto& f : storage::assessment_drafts(c, assessment_id))
    by_leaf[f.criterion_code].push_back(std::move(f));
  return by_leaf;
}

}  // namespace

workflow::prepared_leaf evidence_sealer::build(
    const workflow::seal_request& r, const std::string& code,
    const std::vector<storage::evidence_file_record>& drafts, std::int64_t version) const {
  built_ += 1;
  const auto* node = r.set ? r.set->find(code) : nullptr;
  std::vector<archive_file> files;
  for (const auto& d : drafts) {
    archive_file f;
    f.name = d.file_name;
    f.sha256 = d.blob_sha256;
    f.size = static_cast<std::uint64_t>(d.size);
    f.open = blob_opener(blobs_, d.blob_sha256);
    f.doc_number = d.doc_number.value_or("");
    f.doc_date = d.doc_date.value_or("");
    f.doc_issuer = d.doc_issuer.value_or("");
    f.doc_summary = d.doc_summary.value_or("");
    files.push_back(std::move(f));
  }
  archive_info info;
  info.campaign = r.campaign;
  info.unit_code = r.unit_code;
  info.unit_name = r.unit_name;
  info.criterion_code = code;
  info.criterion_title = node ? node->title : "";
  info.stage = std::string{to_string(r.sealed_stage)};
  info.sealed_at = utc_millis(r.at);
  info.sealed_by = r.by;
  info.version = version;
  const auto staging = blobs_.new_staging_file("archive.zip");
  built_archive built;
  try {
    built = build_evidence_archive(files, info, staging);
    blobs_.put_file(staging, built.archive_sha256);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(staging, ignored);
    throw;
  }
  return {ids_of(drafts),
          version,
          built.archive_sha256,
          built.tagmanifest_sha256,
          built.manifest_sha256_text,
          built.size,
          built.payload_bytes,
          built.file_count};
}

evidence_sealer::plan evidence_sealer::plan_for(storage::database& db,
                                                const workflow::seal_request& r) const {
  plan p;
  db.read([&](storage::connection& c) {
    p.by_leaf = drafts_by_leaf(c, r.assessment_id);
    for (const auto& [code, drafts] : p.by_leaf)
      p.versions[code] = storage::next_evidence_version(c, r.assessment_id, code);
  });
  // Everything an archive is made of: the same key builds byte-identical archives. A
  // clock move's time is past, so its drafts can no longer change under it; a person's
  // event has its own time.
  p.key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", r.assessment_id,
                      to_string(r.sealed_stage), storage::to_millis(r.at), r.by, r.campaign,
                      r.unit_code, r.unit_name);
  for (const auto& [code, drafts] : p.by_leaf) {
    p.key += fmt::format("\x1e{}\x1f{}", code, p.versions[code]);
    for (const auto id : ids_of(drafts)) p.key += fmt::format("\x1f{}", id);
  }
  return p;
}

workflow::prepared_seal evidence_sealer::prepare(storage::database& db,
                                                 const workflow::seal_request& r) const {
  auto p = plan_for(db, r);
  if (p.by_leaf.empty()) return {};
  return prepare_once(p.key, [&] {
    workflow::prepared_seal out;
    for (const auto& [code, drafts] : p.by_leaf)
      out.emplace(code, build(r, code, drafts, p.versions[code]));
    return out;
  });
}

std::optional<workflow::prepared_seal> evidence_sealer::prepared_if_ready(
    storage::database& db, const workflow::seal_request& r) const {
  auto p = plan_for(db, r);
  if (p.by_leaf.empty()) return workflow::prepared_seal{};
  std::shared_future<workflow::prepared_seal> made;
  {
    std::lock_guard lock{preparations_mutex_};
    auto it = preparations_.find(p.key);
    if (it == preparations_.end()) return std::nullopt;
    made = it->second;
  }
  if (made.wait_for(std::chrono::seconds{0}) != std::future_status::ready) return std::nullopt;
  try {
    return made.get();
  } catch (...) {
    return std::nullopt;  // the sweep tries again, and reports the failure
  }
}

workflow::prepared_seal evidence_sealer::prepare_once(
    const std::string& key, const std::function<workflow::prepared_seal()>& make) const {
  // Enough to cover every file that falls due at one deadline while its move commits.
  constexpr std::size_t remembered = 256;
  std::promise<workflow::prepared_seal> mine;
  std::shared_future<workflow::prepared_seal> theirs;
  {
    std::lock_guard lock{preparations_mutex_};
    if (auto it = preparations_.find(key); it != preparations_.end())
      theirs = it->second;
    else
      preparations_.emplace(key, mine.get_future().share());
  }
  if (theirs.valid()) return theirs.get();  // rethrows the failure of the one that built it
  try {
    auto out = make();
    mine.set_value(out);
    std::lock_guard lock{preparations_mutex_};
    finished_.push_back(key);
    if (finished_.size() > remembered) {
      preparations_.erase(finished_.front());
      finished_.pop_front();
    }
    return out;
  } catch (...) {
    mine.set_exception(std::current_exception());
    std::lock_guard lock{preparations_mutex_};
    preparations_.erase(key);  // the next caller tries again
    throw;
  }
}

int evidence_sealer::seal(storage::connection& c, const workflow::seal_request& r) const {
  const auto sealed_at = utc_millis(r.at);
  const auto stage_name = std::string{to_string(r.sealed_stage)};
  int versions = 0;
  for (const auto& [code, drafts] : drafts_by_leaf(c, r.assessment_id)) {
    const auto version = storage::next_evidence_version(c, r.assessment_id, code);
    std::optional<workflow::prepared_leaf> made;
    if (r.prepared)
      if (auto it = r.prepared->find(code); it != r.prepared->end() &&
                                            it->second.version == version &&
                                            it->second.draft_ids == ids_of(drafts))
        made = it->second;
    if (!made) {
      made = build(r, code, drafts, version);
      built_in_transaction_ += 1;
    }
    const workflow::prepared_leaf& built = *made;

    statement_fields s;
    s.archive_sha256 = built.archive_sha256;
    s.tagmanifest_sha256 = built.tagmanifest_sha256;
    s.assessment = r.assessment_id;
    s.unit = r.unit_code;
    s.criterion = code;
    s.version = version;
    s.stage = stage_name;
    s.sealed_at = sealed_at;
    s.key_id = key_.key_id();
    const auto signed_s = sign_statement(s, key_);
    const auto statement_hash = storage::to_hex(storage::sha256(signed_s.signed_text));

    storage::evidence_version_record v;
    v.assessment_id = r.assessment_id;
    v.criterion_code = code;
    v.version = version;
    v.stage = stage_name;
    v.archive_sha256 = built.archive_sha256;
    v.archive_size = static_cast<std::int64_t>(built.size);
    v.tagmanifest_sha256 = built.tagmanifest_sha256;
    v.manifest_sha256 = storage::to_hex(storage::sha256(built.manifest_sha256_text));
    v.payload_bytes = static_cast<std::int64_t>(built.payload_bytes);
    v.file_count = static_cast<std::int64_t>(built.file_count);
    v.statement = signed_s.signed_text;
    v.signature = storage::to_base64(signed_s.signature);
    v.key_id = signed_s.key_id;
    v.statement_sha256 = statement_hash;
    v.sealed_at = storage::to_millis(r.at);
    v.sealed_by = r.by;
    v.id = storage::insert_evidence_version(c, v);
    for (const auto& d : drafts)
      if (!storage::seal_draft(c, d.id, v.id))
        throw std::runtime_error("evidence draft changed during its own sealing");

    storage::audit_event e;
    e.actor = r.by;
    e.actor_role = r.by_role;
    e.action = "evidence.seal";
    e.entity = "assessment/" + std::to_string(r.assessment_id) + "/leaf/" + code + "/evidence/v" +
               std::to_string(version);
    e.campaign_id = r.campaign_id;
    e.unit_id = r.unit_id;
    e.assessment_id = r.assessment_id;
    e.criterion_code = code;
    e.new_value = "archive sha256 " + built.archive_sha256 + ", statement sha256 " +
                  statement_hash + ", " + std::to_string(built.file_count) + " files";
    e.reason = "sealed at the end of " + stage_name;
    storage::append_audit(c, e, storage::to_millis(r.at));
    ++versions;
  }
  return versions;
}

}  // namespace parix::evidence
