// Resumable uploads of evidence files (the tus 1.0 protocol's logic, without HTTP):
// create, append a part at an offset, report the offset, terminate, expire. Bytes go
// straight to a staging file; SHA-256 is computed while they stream; the offset
// recorded in the database only ever covers bytes already fsynced. A finished upload
// is checked (whole-file SHA-256, type by content, ZIP inspection) and moved into the
// blob store, ready to be attached to a leaf (evidence_service).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "evidence/errc.hpp"
#include "evidence/evidence_config.hpp"
#include "evidence/piece_writers.hpp"
#include "storage/blob_store.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "workflow/errc.hpp"

namespace parix::evidence {

struct new_upload {
  std::int64_t length = 0;
  std::string file_name;  // as the client sent it (Upload-Metadata "filename")
  std::string sha256;     // the whole file's SHA-256, hex or base64 (Upload-Metadata "sha256")
  std::map<std::string, std::string> metadata;  // every decoded Upload-Metadata pair
};

// One part of an upload being received (one PATCH). Not thread-safe: one request
// feeds it. Destroying it without finish() behaves like finish(false).
class upload_part {
 public:
  virtual ~upload_part() = default;
  // Appends bytes at the current end. errc::file_too_large when they would pass the
  // upload's length. The bytes are written to disk in the background: they must stay
  // valid until the next write() or finish() returns. Throws storage::error on a disk
  // failure (of this piece's write or the previous one's).
  virtual result<void> write(std::span<const char> bytes) = 0;
  // body_complete: the request body arrived whole. Checks the part's checksum (only
  // when complete: a cut part with a checksum cannot be verified and is dropped),
  // fsyncs, then records the new offset. When the upload is then complete, checks the
  // whole file and moves it into the blob store. Returns the upload as it now stands;
  // errc::checksum_mismatch (offset unchanged), errc::file_checksum_mismatch,
  // errc::type_not_allowed, extension_mismatch, unsafe_archive (the upload is refused).
  virtual result<storage::upload_record> finish(bool body_complete,
                                                workflow::refusal_detail* why) = 0;
};

class upload_service {
 public:
  // Creates the upload folder. Throws when it cannot.
  upload_service(storage::database& db, storage::blob_store& blobs, const auth::clock& clock,
                 evidence_config cfg);
  ~upload_service();

  // A new upload owned by the actor. errc::file_too_large, invalid_file_name,
  // invalid_field-like refusals come back as errc with detail. Thread-safe.
  result<storage::upload_record> create(const auth::actor& a, const new_upload& u,
                                        workflow::refusal_detail* why = nullptr);
  // The upload as its owner sees it (HEAD). errc::upload_not_found for another
  // user's upload (its existence is not revealed), upload_gone when terminated or expired.
  result<storage::upload_record> status(const auth::actor& a, std::string_view id);
  // Starts receiving a part at offset. checksum: the part's expected SHA-256 (lower-case hex,
  // decoded from Upload-Checksum). errc::offset_mismatch, upload_busy (another request
  // is feeding it), upload_gone, upload_not_found. Thread-safe.
  result<std::unique_ptr<upload_part>> begin_part(const auth::actor& a, std::string_view id,
                                                  std::int64_t offset,
                                                  std::optional<std::string> checksum,
                                                  workflow::refusal_detail* why = nullptr);
  // Ends an upload and removes its bytes (tus termination). An attached upload is not
  // removed: errc::upload_attached.
  result<void> terminate(const auth::actor& a, std::string_view id);
  // Drops uploads past their expiry (unfinished, or finished and never attached),
  // and staging files no upload refers to. Returns how many uploads expired. Thread-safe.
  int expire();

  const evidence_config& config() const noexcept { return cfg_; }

 private:
  class part;
  struct receiving;
  std::filesystem::path staging_of(std::string_view id) const;
  void forget(std::string_view id);
  result<storage::upload_record> complete(const auth::actor& a, storage::upload_record u,
                                          const std::string& digest_hex,
                                          workflow::refusal_detail& why);

  storage::database& db_;
  storage::blob_store& blobs_;
  const auth::clock& clock_;
  evidence_config cfg_;
  std::mutex mutex_;
  // Uploads with a part in flight, and the running hash of each upload's bytes so that
  // resuming does not re-read what was already received.
  std::map<std::string, std::shared_ptr<receiving>, std::less<>> receiving_;
  // Disk writes of pieces: each blocks on the device (O_DIRECT) for about a millisecond
  // per MiB, so a few threads keep a few uploads' disks busy; more uploads queue.
  static constexpr std::size_t writer_threads = 4;
  piece_writers writers_{writer_threads};
};

}  // namespace parix::evidence
