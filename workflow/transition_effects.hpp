// What a transition does besides moving the file: a signed audit checkpoint, and sealing
// the file's draft evidence. Sealing is declared here as an interface, so that the
// appraisal (workflow/) decides when a file is sealed while the evidence module
// (evidence/evidence_sealer.hpp) decides how; the server wires the two together.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/clock.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/signing_key.hpp"
#include "workflow/criteria.hpp"
#include "workflow/state_machine.hpp"

namespace parix::workflow {

// Archives built ahead of the sealing transaction, leaf by leaf, with the drafts and
// version they were built from: the transaction uses one only when its drafts and
// version are still those, and builds the archive itself otherwise.
struct prepared_leaf {
  std::vector<std::int64_t> draft_ids;
  std::int64_t version = 0;
  std::string archive_sha256, tagmanifest_sha256, manifest_sha256_text;
  std::uint64_t size = 0, payload_bytes = 0;
  std::size_t file_count = 0;
};
using prepared_seal = std::map<std::string, prepared_leaf>;

// The file whose drafts a transition seals, and who fired it.
struct seal_request {
  std::int64_t assessment_id = 0, campaign_id = 0, unit_id = 0;
  std::string campaign, unit_code, unit_name;
  stage sealed_stage = stage::self_assessment;  // the stage the drafts were made in
  auth::clock::time_point at;
  std::string by, by_role;  // who fired the transition ("system" for the clock)
  std::shared_ptr<const criteria_set> set;
  const prepared_seal* prepared = nullptr;  // archives built beforehand, if any
};

// Seals a file's draft evidence when a transition says so (seals_evidence(from, to)).
class evidence_sealing {
 public:
  virtual ~evidence_sealing() = default;
  // Inside the caller's write transaction: turns every leaf's drafts into a sealed
  // version. Returns how many versions it made. Throws (rolling the whole transaction
  // back, drafts intact) when it cannot. Thread-safe.
  virtual int seal(storage::connection& c, const seal_request& r) const = 0;
  // Outside any transaction: builds what seal(c, r) would build now, so that the sealing
  // transaction (which holds the single writer) only records it. Thread-safe.
  virtual prepared_seal prepare(storage::database& db, const seal_request& r) const = 0;
  // Outside any transaction, building nothing and never waiting: what prepare(db, r)
  // returns when it has nothing left to build (no drafts, or the same archives already
  // prepared), and nothing when archives would have to be built. A request uses this:
  // it must not hold a worker for seconds per GiB of someone's evidence, so a move that
  // still needs its archives is left to the sweep. Thread-safe.
  virtual std::optional<prepared_seal> prepared_if_ready(storage::database& db,
                                                         const seal_request& r) const = 0;
};

// Either may be null: no checkpoint (key), no sealing (sealer).
struct transition_effects {
  const storage::signing_key* key = nullptr;
  const evidence_sealing* sealer = nullptr;
};

}  // namespace parix::workflow
