// Resumable uploads: staging files, the running SHA-256, fsync-before-acknowledge,
// and the checks a finished file passes before it enters the blob store.
#include "evidence/upload_service.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>

#include "evidence/formats/content_type.hpp"
#include "evidence/formats/file_name.hpp"
#include "evidence/formats/zip_inspect.hpp"
#include "evidence/staging_file.hpp"
#include "storage/error.hpp"
#include "storage/file_error.hpp"
#include "storage/sha256.hpp"
#include "storage/unique_fd.hpp"

namespace parix::evidence {
namespace {

using storage::to_millis;

std::string random_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
  return storage::to_hex(std::span<const unsigned char>{b, sizeof b});
}

// The digest so far, in hex; the running hash goes on.
std::string hex_digest(const storage::sha256_stream& hash) {
  return storage::to_hex(hash.peek());
}

storage::audit_event upload_audit(const auth::actor& a, const std::string& action,
                                  const storage::upload_record& u) {
  auto e = auth::audit_by(a, action, "upload/" + u.id);
  e.new_value = u.file_name + " (" + std::to_string(u.length) + " bytes, sha256 " +
                u.blob_sha256.value_or(u.declared_sha256) + ")";
  return e;
}

struct content_facts {
  std::string kind, content_type;
  std::optional<std::string> listing_json;
};

// What a finished file is, by content; ZIP-based kinds are inspected like any ZIP
// (an office document can be a zip bomb too), and a plain ZIP's listing is kept.
result<content_facts> check_content(const std::filesystem::path& file, const std::string& name,
                                    const evidence_config& cfg, workflow::refusal_detail& why) {
  upload_rules rules;
  rules.allowed.clear();
  for (const auto& k : cfg.allowed_kinds)
    if (auto kind = parse_evidence_kind(k)) rules.allowed.push_back(*kind);
  std::string allowed;
  for (const auto& k : cfg.allowed_kinds) allowed += (allowed.empty() ? "" : ", ") + k;
  why.values["allowed"] = allowed;
  auto checked = check_upload(file, name, rules);
  if (!checked) {
    const auto& r = *checked.refusal;
    why.values["reason"] = std::string{to_string(r.code)};
    why.values["detail"] = r.detail;
    switch (r.code) {
      case upload_refusal_code::extension_mismatch:
        why.values["kind"] = r.detail;
        return errc::extension_mismatch;
      case upload_refusal_code::unreadable:
        throw storage::error(storage::failure::io, "cannot read upload " + file.string());
      default:
        return errc::type_not_allowed;
    }
  }
  const auto kind = *checked.kind;
  content_facts out{std::string{to_string(kind)}, std::string{mime_type(kind)}, std::nullopt};
  why.values["kind"] = out.kind;
  const bool zip_based = kind == evidence_kind::zip || kind == evidence_kind::docx ||
                         kind == evidence_kind::xlsx || kind == evidence_kind::odt ||
                         kind == evidence_kind::ods;
  if (!zip_based) return out;
  zip_limits limits;
  limits.max_entries = cfg.zip_max_entries;
  limits.max_depth = cfg.zip_max_depth;
  limits.max_total_size = cfg.zip_max_total_size;
  limits.max_ratio = cfg.zip_max_ratio;
  auto report = inspect_zip(file, limits);
  if (!report) {
    const auto& r = *report.refusal;
    if (r.code == zip_refusal_code::unreadable)
      throw storage::error(storage::failure::io, "cannot read upload " + file.string());
    why.values["reason"] = std::string{to_string(r.code)};
    why.values["entry"] = r.entry;
    why.values["detail"] = r.detail;
    return errc::unsafe_archive;
  }
  if (kind == evidence_kind::zip) {
    boost::json::array listing;
    for (const auto& e : report.entries)
      listing.push_back({{"path", e.path}, {"size", e.size}, {"directory", e.is_directory}});
    out.listing_json = boost::json::serialize(listing);
  }
  return out;
}

}  // namespace

// The running hash of one upload and whether a request is feeding it.
struct upload_service::receiving {
  bool busy = false;
  storage::sha256_stream hash;
  std::int64_t hashed = 0;  // bytes covered by hash
};

class upload_service::part final : public upload_part {
 public:
  part(upload_service& s, const auth::actor& a, storage::upload_record u,
       std::shared_ptr<receiving> r, std::optional<std::string> checksum)
      : s_(s),
        actor_(a),
        u_(std::move(u)),
        r_(std::move(r)),
        checksum_(std::move(checksum)),
        start_(u_.received),
        at_(u_.received),
        written_(u_.received),
        before_(r_->hash),
        file_(s.staging_of(u_.id), start_) {  // cuts off bytes past the acknowledged offset
    if (checksum_) part_hash_.emplace();
  }
  ~part() override {
    if (!finished_) {
      try {
        finish(false, nullptr);
      } catch (...) {  // a destructor must not throw; the offset stays where it was
      }
    }
    release();  // whatever happened, the upload takes another part
  }

  result<void> write(std::span<const char> bytes) override {
    if (at_ + static_cast<std::int64_t>(bytes.size()) > u_.length) return errc::file_too_large;
    if (write_failure_) std::rethrow_exception(write_failure_);
    // This piece is hashed here while the previous one is still being written (O_DIRECT:
    // a writer thread waits for the device); then, once that one is on disk, this one's
    // write is handed to the service's writer threads and the server reads the next
    // piece meanwhile. One write at a time per part keeps the file's order without a
    // writer thread waiting for another. Measured in docs/benchmarks.md.
    r_->hash.update(bytes);
    if (part_hash_) part_hash_->update(bytes);
    at_ += static_cast<std::int64_t>(bytes.size());
    settle();  // the previous piece is on disk (or its failure is thrown here)
    writing_ = piece_write{s_.writers_.submit([this, bytes] { file_.append(bytes); }), at_};
    return {};
  }

  result<storage::upload_record> finish(bool body_complete,
                                        workflow::refusal_detail* why) override {
    finished_ = true;
    try {
      settle();
    } catch (...) {
      keep_written();
      throw;
    }
    try {
      return conclude(body_complete, why);
    } catch (...) {
      // A failed fsync or database write: the offset stays, but the running hash may
      // cover bytes past it, so the next part hashes the file again from disk.
      if (!released_) {
        r_->hashed = -1;
        release();
      }
      throw;
    }
  }

 private:
  result<storage::upload_record> conclude(bool body_complete, workflow::refusal_detail* why) {
    workflow::refusal_detail scratch;
    workflow::refusal_detail& detail = why ? *why : scratch;
    detail.values["upload"] = u_.id;
    detail.values["offset"] = std::to_string(start_);
    if (checksum_ && (!body_complete || hex_digest(*part_hash_) != *checksum_)) {
      // tus checksum extension: an unverifiable or wrong part is dropped whole.
      drop();
      detail.values["algorithm"] = "sha256";
      if (!body_complete) return u_;
      return errc::checksum_mismatch;
    }
    if (at_ > start_) {
      file_.sync();
      const bool moved = s_.db_.write_result(
          [&](storage::connection& c) { return storage::advance_upload(c, u_.id, start_, at_); });
      if (!moved) {  // terminated or expired meanwhile
        drop();
        return errc::upload_gone;
      }
      u_.received = at_;
      r_->hashed = at_;
    }
    detail.values["offset"] = std::to_string(u_.received);
    if (u_.received < u_.length) {
      release();
      return u_;
    }
    const auto digest = hex_digest(r_->hash);
    release();
    return s_.complete(actor_, u_, digest, detail);
  }

  // Waits for the piece being written, if any. Its failure is thrown, and again on every
  // later call: the part takes no more bytes after it.
  void settle() {
    if (write_failure_) std::rethrow_exception(write_failure_);
    if (!writing_) return;
    auto w = std::move(*writing_);
    writing_.reset();
    try {
      w.done.get();
    } catch (...) {
      write_failure_ = std::current_exception();
      throw;
    }
    written_ = w.end;
  }
  // After a failed write: what reached the disk before it is kept. The hash covers the
  // failed piece too, so the next part hashes the file again from disk.
  void keep_written() noexcept {
    try {
      if (written_ > start_) {
        file_.sync();
        (void)s_.db_.write_result([&](storage::connection& c) {
          return storage::advance_upload(c, u_.id, start_, written_);
        });
      }
    } catch (...) {  // the offset stays where it was
    }
    r_->hashed = -1;
    release();
  }
  void drop() {
    r_->hash = std::move(before_);
    r_->hashed = start_;
    file_.truncate(start_);
    release();
  }
  void release() {
    if (released_) return;  // once: the upload may already be another part's
    released_ = true;
    std::lock_guard lock{s_.mutex_};
    r_->busy = false;
  }

  upload_service& s_;
  auth::actor actor_;
  storage::upload_record u_;
  std::shared_ptr<receiving> r_;
  std::optional<std::string> checksum_;
  std::int64_t start_, at_;  // at_: the end of the bytes hashed
  std::int64_t written_;     // the end of the bytes known to be on disk
  std::exception_ptr write_failure_;
  storage::sha256_stream before_;
  std::optional<storage::sha256_stream> part_hash_;
  staging_file file_;
  struct piece_write {
    std::future<void> done;
    std::int64_t end;  // the file's end once it is written
  };
  std::optional<piece_write> writing_;  // the piece being written, if any (it uses file_)
  bool finished_ = false;
  bool released_ = false;
};

upload_service::upload_service(storage::database& db, storage::blob_store& blobs,
                               const auth::clock& clock, evidence_config cfg)
    : db_(db), blobs_(blobs), clock_(clock), cfg_(std::move(cfg)) {
  std::filesystem::create_directories(cfg_.upload_dir);
}

upload_service::~upload_service() = default;

std::filesystem::path upload_service::staging_of(std::string_view id) const {
  return cfg_.upload_dir / (std::string{id} + ".part");
}

result<storage::upload_record> upload_service::create(const auth::actor& a, const new_upload& n,
                                                      workflow::refusal_detail* why) {
  workflow::refusal_detail scratch;
  workflow::refusal_detail& detail = why ? *why : scratch;
  detail.values["size"] = std::to_string(n.length);
  detail.values["limit"] = std::to_string(cfg_.max_file_size);
  if (n.length < 0 || static_cast<std::uint64_t>(n.length) > cfg_.max_file_size)
    return errc::file_too_large;
  auto name = safe_file_name(n.file_name);
  if (!name) return errc::invalid_file_name;
  storage::upload_record u;
  u.id = random_id();
  u.user_id = a.user_id;
  u.length = n.length;
  u.file_name = *name;
  u.declared_sha256 = n.sha256;
  boost::json::object meta;
  for (const auto& [k, v] : n.metadata) meta[k] = v;
  u.metadata_json = boost::json::serialize(meta);
  const auto now = clock_.now();
  u.created_at = to_millis(now);
  u.expires_at = to_millis(now + cfg_.upload_expiry);
  u.state = storage::upload_state::receiving;
  {
    const auto path = staging_of(u.id);
    auto f = storage::open_retrying(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (!f) storage::throw_file_error("cannot create upload", path, errno);
    storage::fsync_dir(cfg_.upload_dir);
  }
  db_.write([&](storage::connection& c) {
    storage::insert_upload(c, u);
    storage::append_audit(c, upload_audit(a, "evidence.upload.create", u), u.created_at);
  });
  detail.values["upload"] = u.id;
  if (u.length == 0) return complete(a, u, hex_digest(storage::sha256_stream{}), detail);
  return u;
}

result<storage::upload_record> upload_service::status(const auth::actor& a, std::string_view id) {
  auto u = db_.read_result([&](storage::connection& c) { return storage::find_upload(c, id); });
  if (!u || u->user_id != a.user_id) return errc::upload_not_found;
  if (u->state == storage::upload_state::terminated || u->state == storage::upload_state::expired)
    return errc::upload_gone;
  if (u->state == storage::upload_state::receiving && u->expires_at < to_millis(clock_.now()))
    return errc::upload_gone;
  return *u;
}

result<std::unique_ptr<upload_part>> upload_service::begin_part(const auth::actor& a,
                                                                std::string_view id,
                                                                std::int64_t offset,
                                                                std::optional<std::string> checksum,
                                                                workflow::refusal_detail* why) {
  workflow::refusal_detail scratch;
  workflow::refusal_detail& detail = why ? *why : scratch;
  detail.values["upload"] = std::string{id};
  auto u = status(a, id);
  if (!u) {
    if (u.error() == errc::upload_gone) detail.values["state"] = "expired or terminated";
    return u.error();
  }
  detail.values["offset"] = std::to_string(u->received);
  detail.values["length"] = std::to_string(u->length);
  if (u->state != storage::upload_state::receiving || offset != u->received)
    return errc::offset_mismatch;
  std::shared_ptr<receiving> r;
  {
    std::lock_guard lock{mutex_};
    auto& slot = receiving_[std::string{id}];
    if (!slot) slot = std::make_shared<receiving>();
    if (slot->busy) return errc::upload_busy;
    slot->busy = true;
    r = slot;
  }
  try {
    if (r->hashed != offset) {
      // Resuming after a restart (or a dropped part): hash what is already on disk.
      r->hash = storage::sha256_stream{};
      auto f = storage::open_retrying(staging_of(id), O_RDONLY);
      if (!f) storage::throw_file_error("cannot open upload", staging_of(id), errno);
      std::vector<char> buf(1 << 20);
      std::int64_t at = 0;
      while (at < offset) {
        auto want = static_cast<std::size_t>(std::min<std::int64_t>(buf.size(), offset - at));
        auto n = ::pread(f.get(), buf.data(), want, at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) storage::throw_file_error("cannot read upload", staging_of(id), errno);
        r->hash.update(std::span{buf.data(), static_cast<std::size_t>(n)});
        at += n;
      }
      r->hashed = offset;
    }
    return std::unique_ptr<upload_part>{std::make_unique<part>(*this, a, *u, r, checksum)};
  } catch (...) {
    std::lock_guard lock{mutex_};
    r->busy = false;
    throw;
  }
}

result<storage::upload_record> upload_service::complete(const auth::actor& a,
                                                        storage::upload_record u,
                                                        const std::string& digest_hex,
                                                        workflow::refusal_detail& why) {
  const auto path = staging_of(u.id);
  auto refuse = [&](boost::system::error_code code,
                    std::string refusal) -> result<storage::upload_record> {
    u.state = storage::upload_state::refused;
    u.refusal = std::move(refusal);
    db_.write([&](storage::connection& c) {
      storage::finish_upload(c, u);
      auto e = upload_audit(a, "evidence.upload.refuse", u);
      e.reason = u.refusal;
      storage::append_audit(c, e, to_millis(clock_.now()));
    });
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    forget(u.id);
    return code;
  };
  why.values["file"] = u.file_name;
  if (digest_hex != u.declared_sha256) {
    why.values["actual"] = digest_hex;
    why.values["declared"] = u.declared_sha256;
    return refuse(errc::file_checksum_mismatch, "file_checksum_mismatch: sha256 " + digest_hex);
  }
  auto checked = check_content(path, u.file_name, cfg_, why);
  if (!checked) return refuse(checked.error(), why.values["reason"] + ": " + why.values["detail"]);
  blobs_.put_file(path, digest_hex);
  u.state = storage::upload_state::complete;
  u.blob_sha256 = digest_hex;
  u.kind = checked->kind;
  u.content_type = checked->content_type;
  u.listing_json = checked->listing_json;
  db_.write([&](storage::connection& c) {
    storage::finish_upload(c, u);
    auto e = upload_audit(a, "evidence.upload.complete", u);
    e.reason = "content: " + *u.kind;
    storage::append_audit(c, e, to_millis(clock_.now()));
  });
  forget(u.id);
  return u;
}

result<void> upload_service::terminate(const auth::actor& a, std::string_view id) {
  auto u = status(a, id);
  if (!u) return u.error();
  if (u->state == storage::upload_state::attached) return errc::upload_attached;
  {
    std::lock_guard lock{mutex_};
    auto it = receiving_.find(id);
    if (it != receiving_.end() && it->second->busy) return errc::upload_busy;
  }
  u->state = storage::upload_state::terminated;
  db_.write([&](storage::connection& c) {
    storage::finish_upload(c, *u);
    storage::append_audit(c, upload_audit(a, "evidence.upload.terminate", *u),
                          to_millis(clock_.now()));
  });
  std::error_code ignored;
  std::filesystem::remove(staging_of(id), ignored);
  forget(id);
  return {};
}

int upload_service::expire() {
  const auto now = to_millis(clock_.now());
  auto due =
      db_.read_result([&](storage::connection& c) { return storage::expired_uploads(c, now); });
  int expired = 0;
  for (auto& u : due) {
    {
      std::lock_guard lock{mutex_};
      auto it = receiving_.find(u.id);
      if (it != receiving_.end() && it->second->busy) continue;  // finish it first
    }
    u.state = storage::upload_state::expired;
    db_.write([&](storage::connection& c) {
      storage::finish_upload(c, u);
      storage::audit_event e;
      e.actor = "system";
      e.actor_role = "system";
      e.action = "evidence.upload.expire";
      e.entity = "upload/" + u.id;
      e.new_value = u.file_name;
      storage::append_audit(c, e, now);
    });
    std::error_code ignored;
    std::filesystem::remove(staging_of(u.id), ignored);
    forget(u.id);
    ++expired;
  }
  // Staging files without a live upload: left when the database refused the upload's
  // row after its file was made, or by a crash. Old ones only: create() makes the file
  // an instant before the row.
  std::vector<std::filesystem::path> stale;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::hours{1};
  // A file may go while the folder is listed (an upload that finishes is moved to the
  // blobs): one that cannot be read is skipped, never an error of the whole turn.
  std::error_code listing;
  for (std::filesystem::directory_iterator it{cfg_.upload_dir, listing}, end; !listing && it != end;
       it.increment(listing)) {
    if (it->path().extension() != ".part") continue;
    std::error_code gone;
    const auto written = it->last_write_time(gone);
    if (!gone && written <= cutoff) stale.push_back(it->path());
  }
  for (const auto& path : stale) {
    const auto id = path.stem().string();
    const bool live = db_.read_result([&](storage::connection& c) {
      auto u = storage::find_upload(c, id);
      return u && u->state == storage::upload_state::receiving;
    });
    std::error_code ignored;
    if (!live) std::filesystem::remove(path, ignored);
  }
  return expired;
}

void upload_service::forget(std::string_view id) {
  std::lock_guard lock{mutex_};
  auto it = receiving_.find(id);
  if (it != receiving_.end() && !it->second->busy) receiving_.erase(it);
}

}  // namespace parix::evidence
