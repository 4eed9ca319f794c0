// The audit log: who changed what, when, from where, and why. Append-only (the
// database refuses UPDATE and DELETE by trigger) and hash-chained: each entry's
// hash is SHA-256 over its canonical form, which includes the previous hash.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

// What a caller says about a change; the log adds the sequence number, chain and hash.
struct audit_event {
  std::string actor;           // username, or "system" for the clock and start-up
  std::string actor_role;      // the actor's role at the time
  std::string client_address;  // "" for the system
  std::string action;          // e.g. "login.failed", "score.round1", "user.create"
  std::string entity;          // e.g. "user/admin", "assessment/12/leaf/1.3.2"
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> unit_id;
  std::optional<std::int64_t> assessment_id;
  std::optional<std::string> criterion_code;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::optional<std::string> reason;
};

struct audit_entry {
  std::int64_t id = 0;  // 1, 2, 3 … without gaps
  millis at = 0;
  audit_event event;
  std::string prev_hash;  // hex; 64 zeros for the first entry
  std::string hash;       // hex SHA-256 of canonical_form()
};

inline const std::string genesis_hash(64, '0');

// The exact bytes hashed for an entry: a JSON array of every field in a fixed
// order (documented in docs/audit.md). Thread-safe.
std::string canonical_form(const audit_entry& e);

// Appends one entry inside the caller's write transaction and returns it.
audit_entry append_audit(connection& c, const audit_event& event, millis at);

// Calls each for every entry in id order, from first_id on.
void scan_audit(connection& c, std::int64_t first_id,
                const std::function<void(const audit_entry&)>& each);

// The columns id, at, actor, …, prev_hash, hash (as audit_entries stores them, in that
// order) as an entry.
audit_entry read_audit_entry(const row& r);

// Every entry about one leaf of one assessment, oldest first.
std::vector<audit_entry> leaf_history(connection& c, std::int64_t assessment_id,
                                      std::string_view criterion_code);

// Recomputes the chain. Returns the id of the first entry whose hash or link is
// wrong, or nullopt when the whole chain holds.
std::optional<std::int64_t> verify_audit_chain(connection& c);

}  // namespace parix::storage
