// Sealing: each leaf's draft evidence becomes an immutable archive version (a
// deterministic BagIt ZIP in the blob store) with an Ed25519-signed statement, inside
// the write transaction that moves the file, so a crash leaves all of it or none.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/clock.hpp"
#include "storage/blob_store.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "storage/signing_key.hpp"
#include "workflow/criteria.hpp"
#include "workflow/state_machine.hpp"
#include "workflow/transition_effects.hpp"

namespace parix::evidence {

class evidence_sealer final : public workflow::evidence_sealing {
 public:
  evidence_sealer(storage::blob_store& blobs, const storage::signing_key& key)
      : blobs_(blobs), key_(key) {}

  // Inside the caller's write transaction: for every leaf with drafts, builds the
  // archive, stores it (fsynced and renamed before the transaction commits), signs
  // the statement, inserts the version, marks the drafts sealed and appends an audit
  // entry with the statement's SHA-256. Returns how many versions it made. Throws
  // (rolling the whole transaction back, drafts intact) when a blob is missing or
  // changed, or the disk fails. Thread-safe.
  int seal(storage::connection& c, const workflow::seal_request& r) const override;
  // Builds and stores, outside any transaction, the archives that seal(c, r) would build
  // now, so that the sealing transaction (which holds the single writer) only records
  // them: a 1 GiB criterion takes seconds to archive. Reads in its own transaction.
  // Blobs of a preparation that is not used stay unreferenced (fsck lists them).
  // Preparations of the same move over the same drafts are made once: callers that ask
  // while one is being built wait for it, and a recent result is handed out again (on
  // deadline day every agency user's next request, and the sweep, find the same file
  // due; each built the unit's archives again, and together they held every worker).
  workflow::prepared_seal prepare(storage::database& db,
                                  const workflow::seal_request& r) const override;
  // What prepare(db, r) would return, when that builds nothing: the file has no drafts,
  // or a preparation of the same move over the same drafts has finished. Never waits.
  std::optional<workflow::prepared_seal> prepared_if_ready(
      storage::database& db, const workflow::seal_request& r) const override;

  const storage::signing_key& key() const noexcept { return key_; }
  // How many archives seal() had to build itself, inside the single writer's
  // transaction, because none was prepared for the drafts it found. Each one held every
  // other write for as long as it took; after a prepared move it stays where it was.
  std::uint64_t archives_built_in_transaction() const noexcept {
    return built_in_transaction_.load();
  }
  // How many archives were built at all, prepared or in a transaction.
  std::uint64_t archives_built() const noexcept { return built_.load(); }

 private:
  workflow::prepared_leaf build(const workflow::seal_request& r, const std::string& code,
                                const std::vector<storage::evidence_file_record>& drafts,
                                std::int64_t version) const;
  // What a preparation of r is made of: the drafts of each leaf, the versions they will
  // get, and the key that names them (read in one read transaction).
  struct plan {
    std::map<std::string, std::vector<storage::evidence_file_record>> by_leaf;
    std::map<std::string, std::int64_t> versions;
    std::string key;
  };
  plan plan_for(storage::database& db, const workflow::seal_request& r) const;
  // The one preparation of key: runs make unless one is running or recently finished.
  workflow::prepared_seal prepare_once(const std::string& key,
                                       const std::function<workflow::prepared_seal()>& make) const;

  storage::blob_store& blobs_;
  const storage::signing_key& key_;
  mutable std::atomic<std::uint64_t> built_in_transaction_{0};
  mutable std::atomic<std::uint64_t> built_{0};
  mutable std::mutex preparations_mutex_;
  mutable std::map<std::string, std::shared_future<workflow::prepared_seal>> preparations_;
  mutable std::deque<std::string> finished_;  // keys of finished preparations, oldest first
};

}  // namespace parix::evidence
