// Signed checkpoints of the audit log in the C2SP signed-note format
// (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint): the origin, the
// number of entries and the head hash, signed with the server's Ed25519 key. A
// checkpoint printed in council minutes lets anyone later prove that the first
// `size` entries were not rewritten. Also the offline check of an exported log.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/checkpoint_records.hpp"
#include "storage/connection.hpp"
#include "storage/signing_key.hpp"

namespace parix::workflow {

inline constexpr std::string_view checkpoint_origin = "parix.audit";

struct checkpoint {
  std::string origin;
  std::int64_t size = 0;
  std::string head_hash;  // hex
  std::string note;       // the signed note text
};

// The note body: "<origin>\n<size>\n<base64 head hash>\n".
std::string checkpoint_body(std::string_view origin, std::int64_t size, std::string_view head_hex);
// body + "\n— <key name> <base64(key hash ‖ signature)>\n". The key name is
// "<origin>/<key id>"; the key hash is the first 4 bytes of
// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), 0x01 being Ed25519's signature type.
std::string sign_note(std::string_view body, const storage::signing_key& key);

// Parses a note and checks its signature with a raw Ed25519 public key.
// nullopt when the text is not a note, or no signature line verifies.
std::optional<checkpoint> verify_note(std::string_view note,
                                      std::span<const unsigned char> public_key);

// Signs the current head and stores the checkpoint, inside the caller's write
// transaction. Thread-safe with respect to the key.
checkpoint make_checkpoint(storage::connection& c, const storage::signing_key& key,
                           storage::millis at);
// A checkpoint when the last one is older than interval or the log has grown and
// none exists; nullopt when not due.
std::optional<checkpoint> checkpoint_if_due(storage::connection& c, const storage::signing_key& key,
                                            storage::millis now, std::chrono::seconds interval);

// Writes DIR/audit.jsonl ("<hash> <canonical JSON>" per entry), DIR/checkpoints/*.note
// and DIR/pubkey.pem. Returns the number of entries.
std::int64_t export_audit(storage::connection& c, const storage::signing_key& key,
                          const std::filesystem::path& dir);

// The result of checking the stored checkpoints against the log in the database.
struct stored_checkpoint_check {
  std::int64_t checked = 0;
  // One line per checkpoint that fails, naming it: "checkpoint 7 (2025-01-31T17:00:00Z,
  // 1234 entries): …". Empty when every checkpoint holds.
  std::vector<std::string> failures;
  bool ok() const noexcept { return failures.empty(); }
};
// Checks every checkpoint stored in audit_checkpoints, oldest first: its signature with
// the public key signing_keys lists under its key_id, that the signed note says the
// size and head hash recorded beside it, that the log still has that many entries, and
// that entry `size` has that hash. A log cut below a checkpoint, or rewritten and
// re-hashed before it, fails here though its chain holds. Read-only; call inside a
// read transaction.
stored_checkpoint_check verify_stored_checkpoints(storage::connection& c);

// The whole check of the log in a database: its hash chain, then every stored
// checkpoint (what parix audit verify, GET /api/v1/audit/verify and parix restore run).
// Read-only; call inside one read transaction so both look at the same snapshot.
struct audit_report {
  std::optional<std::int64_t> first_broken;  // the first entry whose hash or link is wrong
  std::int64_t entries = 0;
  std::string head;  // hex hash of the last entry
  stored_checkpoint_check checkpoints;
  bool ok() const noexcept { return !first_broken && checkpoints.ok(); }
};
audit_report verify_audit(storage::connection& c);

struct export_check {
  bool ok = false;
  std::int64_t entries = 0;
  std::string problem;  // what is wrong, naming the entry or checkpoint
};
// Checks an export offline: the chain of every line, then each checkpoint's signature
// and that the log holds the checkpoint's size with the same head hash.
export_check verify_export(const std::filesystem::path& jsonl,
                           const std::vector<std::filesystem::path>& checkpoints,
                           const std::filesystem::path& public_key_pem);

}  // namespace parix::workflow
