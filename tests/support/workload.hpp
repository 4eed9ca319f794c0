// A realistic mix of writes against a running parix binary — score edits, uploads sent
// in pieces, attachments, submissions that seal evidence, explanation windows, council
// votes, publication — and a ledger of everything the server acknowledged (answered
// 2xx), with the check that all of it is still there afterwards. Shared by the crash
// recovery harness (tests/crash/) and the backup tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/https_client.hpp"

namespace parix::testing {

inline constexpr const char* workload_password = "ChiSoCCHC-2024";  // parix demo's default

// Signs c in, trying again after Retry-After while the server answers 503 (busy hashing
// other sign-ins, or login_in_progress), for up to a minute: what a client does under load.
reply sign_in(https_client& c, const std::string& user,
              const std::string& password = workload_password);

// What prepare_workload made: one campaign over the demo's seven units.
struct workload_campaign {
  std::int64_t id = 0;
  std::map<std::string, std::int64_t> assessment;  // unit code → assessment id
  std::vector<std::string> units;
};

// On a server whose data folder had `parix init` and `parix demo` (passwords
// workload_password): adds, once, an editor "<unit>.w" and a head "<unit>.h" per unit
// (lower case: "stp.w"), an
// appraiser "w.appraiser" assigned to every unit, a council member "w.council", and the
// small criteria set "w-set" (two fields, four self-scored leaves); then a new campaign
// for `year` over all seven units. Throws std::runtime_error on any refusal.
workload_campaign prepare_workload(unsigned short port, std::int64_t year);

// Session tokens by username, for one data folder. Sessions live in the database, so a
// restarted server still knows them: signing in (an Argon2id hash each) happens once per
// user, not once per round. Thread-safe.
class session_cache {
 public:
  // A client carrying user's token, signing in (password workload_password) the first
  // time. Throws std::runtime_error when the sign-in is refused.
  https_client client(unsigned short port, const std::string& user);
  void clear();

 private:
  std::mutex m_;
  std::map<std::string, std::string> tokens_;
};

// Everything a server acknowledged. Thread-safe.
class ledger {
 public:
  struct leaf_write {
    std::int64_t version = 0;  // the leaf's version after the write
    std::string field, value;  // the field and its value (JSON) as the server answered
  };
  struct upload {
    std::int64_t offset = 0, length = 0;
    std::string owner;
    bool complete = false;
  };
  void leaf(std::int64_t assessment, const std::string& code, std::int64_t version,
            const std::string& field, const std::string& value);
  void upload_offset(const std::string& id, const std::string& owner, std::int64_t offset,
                     std::int64_t length);
  void attached(std::int64_t assessment, const std::string& code, std::int64_t file_id);
  void stage(std::int64_t assessment, const std::string& stage);
  void sealed(std::int64_t assessment, const std::string& code);

  // Checks the server at port against everything recorded: each leaf at least at its
  // acknowledged version (and, at that version, holding the acknowledged value); each
  // unfinished upload resumable at least at its acknowledged offset (HEAD) or finished;
  // each attached file listed (as a draft or sealed); each assessment at least at its
  // acknowledged stage; each leaf sealed with at least one version. Returns one line per
  // discrepancy (empty when all is there).
  std::vector<std::string> missing_from(unsigned short port, session_cache& sessions) const;
  // A copy, e.g. of what was acknowledged before a backup started.
  ledger copy() const;
  std::size_t size() const;
  // Uploads acknowledged whole (each one a blob on the server).
  std::size_t completed_uploads() const;

  ledger() = default;
  ledger(const ledger& o);

 private:
  mutable std::mutex m_;
  std::map<std::pair<std::int64_t, std::string>, leaf_write> leaves_;
  std::map<std::string, upload> uploads_;
  std::map<std::int64_t, std::map<std::string, std::set<std::int64_t>>> files_;
  std::map<std::int64_t, std::string> stages_;
  std::set<std::pair<std::int64_t, std::string>> sealed_;
};

// Drives one unit's file through its life with random steps until stop is set, recording
// every acknowledged write in the ledger. Errors of the connection (the server was
// killed) end the loop quietly; a 5xx or an unexpected 4xx is counted in `failures` with
// its body in `last_failure`. Uploads are sent in pieces of up to 1 MiB, so a kill often
// lands in the middle of a PATCH.
struct unit_driver_stats {
  std::atomic<int> requests{0}, failures{0};
  // Set by whoever kills the server on purpose, before the kill: from then on a lost
  // connection or an unreadable answer is expected. Until then each is a failure.
  std::atomic<bool> server_down{false};
  std::mutex m;
  std::string last_failure;
};
void drive_unit(unsigned short port, const workload_campaign& campaign, const std::string& unit,
                ledger& acknowledged, session_cache& sessions, std::atomic<bool>& stop,
                std::uint64_t seed, unit_driver_stats& stats);

}  // namespace parix::testing
