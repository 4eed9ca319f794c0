// Sealing: each leaf's draft evidence becomes an immutable archive version (a
// deterministic BagIt ZIP in the blob store) with an Ed25519-signed statement, inside
// the write transaction that moves the file, so a crash leaves all of it or none.
#pragma once

#include <memory>
#include <string>

#include "auth/clock.hpp"
#include "storage/blob_store.hpp"
#include "storage/connection.hpp"
#include "workflow/criteria.hpp"
#include "workflow/signing_key.hpp"
#include "workflow/state_machine.hpp"

namespace parix::workflow {

struct seal_request {
  std::int64_t assessment_id = 0, campaign_id = 0, unit_id = 0;
  std::string campaign, unit_code, unit_name;
  stage sealed_stage = stage::self_assessment;  // the stage the drafts were made in
  auth::clock::time_point at;
  std::string by, by_role;  // who fired the transition ("system" for the clock)
  std::shared_ptr<const criteria_set> set;
};

class evidence_sealer {
 public:
  evidence_sealer(storage::blob_store& blobs, const signing_key& key) : blobs_(blobs), key_(key) {}

  // Inside the caller's write transaction: for every leaf with drafts, builds the
  // archive, stores it (fsynced and renamed before the transaction commits), signs
  // the statement, inserts the version, marks the drafts sealed and appends an audit
  // entry with the statement's SHA-256. Returns how many versions it made. Throws
  // (rolling the whole transaction back, drafts intact) when a blob is missing or
  // changed, or the disk fails. Thread-safe.
  int seal(storage::connection& c, const seal_request& r) const;

  const signing_key& key() const noexcept { return key_; }

 private:
  storage::blob_store& blobs_;
  const signing_key& key_;
};

}  // namespace parix::workflow
