// Crash recovery harness (issue 11): the real parix binary under a realistic mix of writes
// (tests/support/workload.hpp: score edits, uploads cut mid-PATCH, attachments,
// submissions that seal evidence, explanation windows, council votes, publication) is
// killed with SIGKILL at a random moment, then checked with the server down and again
// after a restart:
//   - PRAGMA integrity_check is "ok";
//   - parix audit verify (the chain and every signed checkpoint) and parix evidence fsck
//     (every blob re-hashed, every signature) succeed;
//   - no half-sealed version: every sealed version has exactly file_count sealed files,
//     and no draft points to a version;
//   - after the restart, everything the server acknowledged before the kill is there:
//     leaf values and versions, attached files, sealed versions, stages, and every
//     unfinished upload resumes at least at its acknowledged offset.
// A campaign whose seven files are all published is followed by a new one (next year).
// Every --cycle rounds (default 50) the data folder starts afresh, so that the re-hash of
// every blob after each kill stays short.
//   usage: parix_crash_recovery [--rounds N] [--seed S] [--min-ms A] [--max-ms B] [--dir D]
//                               [--cycle C]
// Exit 0 when every round passes; the first failure stops the run with its details.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/evidence_support.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/workload.hpp"

namespace {

using namespace parix::testing;
namespace fs = std::filesystem;

std::string sql(const fs::path& db, const std::string& query) {
  auto r = run_command("sqlite3 " + db.string() + " \"" + query + "\"");
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
  if (r.status != 0) return "sqlite3 failed: " + r.output;
  return r.output;
}

// The checks with the server down. Returns the problems found.
std::vector<std::string> offline_checks(const fs::path& data) {
  std::vector<std::string> problems;
  const fs::path db = data / "parix.db";
  if (auto ok = sql(db, "PRAGMA integrity_check"); ok != "ok")
    problems.push_back("integrity_check: " + ok);
  const std::string parix = PARIX_BINARY;
  if (auto r = run_command(parix + " audit verify --data " + data.string()); r.status != 0)
    problems.push_back("audit verify: " + r.output);
  if (auto r = run_command(parix + " evidence fsck --data " + data.string()); r.status != 0)
    problems.push_back("evidence fsck: " + r.output);
  // A version is sealed whole or not at all.
  if (auto half = sql(db,
                      "SELECT v.id FROM evidence_versions v WHERE v.file_count <> (SELECT "
                      "count(*) FROM evidence_files f WHERE f.version_id = v.id AND f.state = "
                      "'sealed')");
      !half.empty())
    problems.push_back("half-sealed versions: " + half);
  if (auto odd = sql(db,
                     "SELECT id FROM evidence_files WHERE (state = 'sealed') <> (version_id IS "
                     "NOT NULL)");
      !odd.empty())
    problems.push_back("files whose state and version disagree: " + odd);
  return problems;
}

struct options {
  int rounds = 5;
  std::uint64_t seed = 1;
  int min_ms = 200, max_ms = 2500;
  int cycle = 50;
  fs::path dir;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--rounds")
      o.rounds = std::stoi(v);
    else if (k == "--seed")
      o.seed = std::stoull(v);
    else if (k == "--min-ms")
      o.min_ms = std::stoi(v);
    else if (k == "--max-ms")
      o.max_ms = std::stoi(v);
    else if (k == "--dir")
      o.dir = v;
    else
      throw std::invalid_argument("unknown option " + k);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  temp_dir scratch;
  const fs::path dir = o.dir.empty() ? scratch.path() : o.dir;
  std::mt19937_64 rng{o.seed};
  auto acknowledged = std::make_unique<ledger>();
  session_cache sessions;
  std::int64_t year = 2030;  // starts again with each fresh data folder (years end at 2100)
  int campaigns = 0;
  long acknowledged_total = 0;
  workload_campaign campaign;
  bool initialised = false;
  int kills_mid_upload = 0;  // rounds whose kill cut a PATCH short
  long total_requests = 0;
  const auto started = std::chrono::steady_clock::now();

  for (int round = 1; round <= o.rounds; ++round) {
    if (round > 1 && (round - 1) % o.cycle == 0) {
      acknowledged_total += static_cast<long>(acknowledged->size());
      fs::remove_all(dir / "data");
      acknowledged = std::make_unique<ledger>();
      sessions.clear();
      initialised = false;
      year = 2030;
    }
    std::unique_ptr<server_process> server;
    try {
      server = std::make_unique<server_process>(dir, !initialised);
    } catch (const std::exception& e) {
      std::cerr << "round " << round << ": the server did not start: " << e.what() << "\n";
      return 1;
    }
    // After a restart: everything acknowledged so far must be there.
    if (initialised) {
      auto missing = acknowledged->missing_from(server->port(), sessions);
      if (!missing.empty()) {
        std::cerr << "round " << round << ": after the restart, acknowledged writes are missing:\n";
        for (const auto& m : missing) std::cerr << "  " << m << "\n";
        return 1;
      }
    }
    if (!initialised) {
      campaign = prepare_workload(server->port(), year);
      initialised = true;
      ++campaigns;
    }
    // A finished campaign makes way for the next year's.
    const auto published =
        sql(server->data() / "parix.db",
            "SELECT count(*) FROM assessments WHERE campaign_id = " + std::to_string(campaign.id) +
                " AND state = 'published'");
    if (published == std::to_string(campaign.units.size())) {
      campaign = prepare_workload(server->port(), ++year);
      ++campaigns;
    }

    std::atomic<bool> stop{false};
    unit_driver_stats stats;
    std::vector<std::thread> drivers;
    for (const auto& unit : campaign.units)
      drivers.emplace_back([&, unit, seed = rng()] {
        drive_unit(server->port(), campaign, unit, *acknowledged, sessions, stop, seed, stats);
      });
    std::uniform_int_distribution<int> wait(o.min_ms, o.max_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait(rng)));
    stats.server_down = true;
    server->kill_hard();
    stop = true;
    for (auto& t : drivers) t.join();
    total_requests += stats.requests;
    if (stats.failures > 0) {
      std::cerr << "round " << round << ": " << stats.failures
                << " unexpected answers; last: " << stats.last_failure << "\n";
      return 1;
    }
    // Uploads caught in the middle of a PATCH: bytes on disk past the acknowledged offset.
    const auto receiving =
        sql(server->data() / "parix.db",
            "SELECT id || ' ' || received FROM uploads WHERE state = 'receiving'");
    std::istringstream lines{receiving};
    for (std::string id, received; lines >> id >> received;) {
      std::error_code ec;
      const auto size = fs::file_size(server->data() / "uploads" / (id + ".part"), ec);
      if (!ec && size > std::stoull(received)) {
        ++kills_mid_upload;
        break;
      }
    }

    auto problems = offline_checks(server->data());
    if (!problems.empty()) {
      std::cerr << "round " << round << ": after SIGKILL:\n";
      for (const auto& p : problems) std::cerr << "  " << p << "\n";
      return 1;
    }
    std::cout << "round " << round << " ok: " << stats.requests << " requests, "
              << acknowledged->size() << " acknowledged items in this data folder, campaign year "
              << year << std::endl;
  }
  // A last restart and check.
  server_process last{dir, false};
  auto missing = acknowledged->missing_from(last.port(), sessions);
  if (!missing.empty()) {
    std::cerr << "final restart: acknowledged writes are missing:\n";
    for (const auto& m : missing) std::cerr << "  " << m << "\n";
    return 1;
  }
  last.stop();
  const auto secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "crash recovery: " << o.rounds << " rounds of SIGKILL, " << total_requests
            << " requests, " << acknowledged_total + static_cast<long>(acknowledged->size())
            << " acknowledged items all present, " << kills_mid_upload
            << " kills in the middle of an upload's PATCH, " << campaigns << " campaigns, "
            << static_cast<int>(secs) << " s\n";
  return 0;
}
