// Reads of the audit log for the routes (GET /api/v1/audit, …/checkpoints, …/verify,
// /api/v1/keys): each one read transaction, so that handlers never reach into storage/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/audit_query.hpp"
#include "storage/checkpoint_records.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "workflow/audit_checkpoint.hpp"

namespace parix::workflow {

class audit_service {
 public:
  explicit audit_service(storage::database& db) : db_(db) {}

  // Entries matching f, in id order, at most f.limit. unit_code: only the entries of the
  // unit with that code (an unknown code matches nothing). Thread-safe.
  std::vector<storage::audit_entry> query(storage::audit_filter f,
                                          const std::optional<std::string>& unit_code) const;
  // The stored signed checkpoints, newest first. Thread-safe.
  std::vector<storage::checkpoint_record> checkpoints() const;
  // The hash chain and every stored checkpoint, in one snapshot (verify_audit). Thread-safe.
  audit_report verify() const;
  // Every key that has signed a checkpoint or a statement. Thread-safe.
  std::vector<storage::signing_key_record> keys() const;

 private:
  storage::database& db_;
};

}  // namespace parix::workflow
