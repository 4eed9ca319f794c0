// parix restore BACKUP DATA_DIR: rebuilds a data folder from a snapshot that parix backup
// wrote, after checking every file of it against its manifest, then checks the result
// as an operator would: the audit log against its chain and signed checkpoints, and
// every evidence file and sealed archive (evidence fsck). Layout: storage/backup.hpp.
#include <sys/stat.h>

#include <algorithm>
#include <iostream>

#include "evidence/evidence_service.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "server/tls.hpp"
#include "storage/backup.hpp"
#include "storage/blob_store.hpp"
#include "storage/database.hpp"
#include "storage/signing_key.hpp"
#include "workflow/audit_checkpoint.hpp"

namespace parix::server::cli {
namespace {

namespace fs = std::filesystem;
namespace layout = storage::backup_layout;

constexpr const char* usage =
    "usage: parix restore BACKUP DATA_DIR [--snapshot NAME]\n"
    "  BACKUP is a backup folder (its newest snapshot, or --snapshot NAME) or one snapshot\n"
    "  folder. Every file is checked against the manifest first; DATA_DIR must be new or\n"
    "  empty. Afterwards the audit log and the evidence are verified (exit 1 if not).";

// The snapshot folder and the backup folder it belongs to.
struct located {
  fs::path backup, snapshot;
};

std::optional<located> locate(const fs::path& given, const std::optional<std::string>& name) {
  if (fs::exists(given / layout::manifest))
    return located{given.parent_path().parent_path(), given};
  if (!fs::is_directory(given / layout::snapshots)) return std::nullopt;
  if (name) {
    if (!fs::exists(given / layout::snapshots / *name / layout::manifest)) return std::nullopt;
    return located{given, given / layout::snapshots / *name};
  }
  std::optional<fs::path> newest;
  for (const auto& e : fs::directory_iterator(given / layout::snapshots)) {
    const auto n = e.path().filename().string();
    if (n.starts_with(".") || !fs::exists(e.path() / layout::manifest)) continue;
    if (!newest || n > newest->filename().string()) newest = e.path();
  }
  if (!newest) return std::nullopt;
  return located{given, *newest};
}

bool inside(const fs::path& dir, const fs::path& p) {
  const auto d = fs::weakly_canonical(dir), q = fs::weakly_canonical(p);
  auto [end, _] = std::mismatch(d.begin(), d.end(), q.begin(), q.end());
  return end == d.end();
}

// Copies a manifest-listed file, checking its hash again on the way.
void restore_file(const fs::path& from, const fs::path& to, const std::string& sha256) {
  fs::create_directories(to.parent_path());
  if (storage::copy_hashed(from, to).sha256 != sha256)
    throw std::runtime_error(from.string() + " changed while it was restored");
}

}  // namespace

int restore_command(const arguments& args) {
  po::options_description d{"parix restore"};
  d.add_options()("backup", po::value<std::string>()->required(), "backup or snapshot folder")(
      "data-dir", po::value<std::string>()->required(), "the data folder to rebuild")(
      "snapshot", po::value<std::string>(), "which snapshot (default: the newest)")("help,h",
                                                                                    "this text");
  po::positional_options_description p;
  p.add("backup", 1).add("data-dir", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  std::optional<std::string> name;
  if (vm.count("snapshot")) name = vm["snapshot"].as<std::string>();
  auto where = locate(vm["backup"].as<std::string>(), name);
  if (!where) {
    std::cerr << "parix restore: no complete snapshot in " << vm["backup"].as<std::string>()
              << "\n";
    return 1;
  }
  const fs::path data = vm["data-dir"].as<std::string>();
  if (fs::exists(data) && (!fs::is_directory(data) || !fs::is_empty(data))) {
    std::cerr << "parix restore: " << data.string()
              << " exists and is not empty; restore into a new folder\n";
    return 1;
  }

  // 1. Every file the snapshot lists, re-hashed before anything is written.
  const auto manifest = storage::read_manifest(where->snapshot / layout::manifest);
  const std::string prefix = fs::relative(where->snapshot, where->backup).generic_string() + "/";
  std::vector<std::string> bad;
  for (const auto& e : manifest) {
    const fs::path file = where->backup / e.path;
    if (!fs::exists(file)) {
      bad.push_back("MISSING " + e.path);
      continue;
    }
    if (storage::hash_file(file).sha256 != e.sha256) bad.push_back("CHANGED " + e.path);
  }
  if (!bad.empty()) {
    for (const auto& b : bad) std::cout << b << "\n";
    std::cout << "REFUSED: the snapshot " << where->snapshot.string() << " does not match its "
              << "manifest; nothing was restored\n";
    return 1;
  }
  std::cout << "checked " << manifest.size() << " files of " << where->snapshot.string() << "\n";
  auto snapshot_file = [&](std::string_view rel) -> std::optional<storage::manifest_entry> {
    for (const auto& e : manifest)
      if (e.path == prefix + std::string{rel}) return e;
    return std::nullopt;
  };

  // 2. The configuration decides where things go; all of it must be inside DATA_DIR.
  fs::create_directories(data);
  ::chmod(data.c_str(), 0700);
  config c = default_config(data);
  if (auto toml = snapshot_file(layout::config)) {
    restore_file(where->backup / toml->path, data / "parix.toml", toml->sha256);
    c = load_config(data / "parix.toml");
  }
  for (const fs::path& target : {c.database, c.evidence.blob_dir, c.evidence.upload_dir,
                                 c.signing_key, c.listen.certificate, c.listen.private_key})
    if (!inside(data, target)) {
      std::cerr << "parix restore: the backed-up configuration puts " << target.string()
                << " outside " << data.string() << "; edit parix.toml there and restore again\n";
      fs::remove_all(data);
      return 1;
    }

  // 3. The files.
  std::uint64_t blobs = 0, uploads = 0;
  for (const auto& e : manifest) {
    const fs::path from = where->backup / e.path;
    if (e.path.starts_with(std::string{layout::blobs} + "/")) {
      const std::string sha = e.sha256;
      restore_file(from, c.evidence.blob_dir / sha.substr(0, 2) / sha.substr(2), sha);
      ++blobs;
      continue;
    }
    if (!e.path.starts_with(prefix)) continue;
    const std::string rel = e.path.substr(prefix.size());
    if (rel == layout::database) {
      restore_file(from, c.database, e.sha256);
    } else if (rel.starts_with(std::string{layout::uploads} + "/")) {
      restore_file(from, c.evidence.upload_dir / fs::path{rel}.filename(), e.sha256);
      ++uploads;
    } else if (rel == layout::signing_key) {
      restore_file(from, c.signing_key, e.sha256);
    } else if (rel.starts_with(std::string{layout::retired_keys} + "/")) {
      restore_file(from, c.signing_key.parent_path() / "retired" / fs::path{rel}.filename(),
                   e.sha256);
    } else if (rel == layout::certificate) {
      restore_file(from, c.listen.certificate, e.sha256);
    } else if (rel == layout::tls_key) {
      restore_file(from, c.listen.private_key, e.sha256);
    }
  }
  fs::create_directories(c.evidence.upload_dir);
  std::cout << "restored the database, " << blobs << " blobs and " << uploads
            << " unfinished uploads into " << data.string() << "\n";
  if (!fs::exists(c.signing_key)) {
    storage::signing_key::create_if_missing(c.signing_key);
    std::cout << "note: the backup holds no private signing key; a new one was made ("
              << c.signing_key.string()
              << "). Everything signed before still verifies with the public keys in the "
                 "database; restore the old key from its own safe copy to sign with it again.\n";
  }
  if (!c.listen.plain_http &&
      (!fs::exists(c.listen.certificate) || !fs::exists(c.listen.private_key))) {
    write_self_signed_certificate(c.listen.certificate, c.listen.private_key);
    std::cout << "note: no TLS key in the backup; a self-signed certificate was made ("
              << c.listen.certificate.string() << "): install the real one before serving\n";
  }

  // 4. The checks an operator would run: audit verify and evidence fsck.
  auto db = storage::open_sqlite({c.database, 1});
  auto audit =
      db->read_result([](storage::connection& conn) { return workflow::verify_audit(conn); });
  if (audit.first_broken) std::cout << "BROKEN: audit entry " << *audit.first_broken << "\n";
  for (const auto& f : audit.checkpoints.failures) std::cout << "BROKEN: " << f << "\n";
  std::cout << "audit verify: " << (audit.ok() ? "ok" : "FAILED") << ", " << audit.entries
            << " entries, " << audit.checkpoints.checked << " signed checkpoints\n";
  auto store = storage::open_filesystem_blob_store(c.evidence.blob_dir);
  const auto fsck = evidence::fsck_evidence(*db, *store);
  for (const auto& problem : fsck.problems)
    std::cout << "FAIL " << problem.problem << " " << problem.what << ": " << problem.detail
              << "\n";
  std::cout << "evidence fsck: " << (fsck.problems.empty() ? "ok" : "FAILED") << ", "
            << fsck.blobs_checked << " blobs, " << fsck.versions_checked << " sealed versions\n";
  db->close();
  return audit.ok() && fsck.problems.empty() ? 0 : 1;
}

}  // namespace parix::server::cli
