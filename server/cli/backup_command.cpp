// parix backup DEST: one consistent, verifiable backup of everything a deployment needs,
// while the server keeps serving. The database is copied in one snapshot first; every
// blob, key and unfinished upload that snapshot refers to is copied after it (blobs are
// immutable and content-addressed, so a later copy is the same bytes; blobs already in
// DEST are not copied again). Layout: storage::backup_layout (storage/backup.hpp).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/backup.hpp"
#include "storage/backup_records.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"

namespace parix::server::cli {
namespace {

namespace fs = std::filesystem;
namespace layout = storage::backup_layout;

constexpr const char* usage =
    "usage: parix backup DEST [--include-private-key] [--data DIR | --config FILE]\n"
    "  adds a snapshot of the database, every evidence blob and sealed archive it refers\n"
    "  to, the public signing keys and unfinished uploads to the backup folder DEST\n"
    "  (blobs already there are not copied again); safe while the server runs.\n"
    "  --include-private-key also copies the signing key and the TLS key: keep such a\n"
    "  backup offline and encrypted.";

constexpr const char* private_key_warning =
    "WARNING: this backup holds the private signing key (and the TLS key). Anyone who can "
    "read it can sign audit checkpoints and evidence statements as this server. Keep it "
    "offline and encrypted, apart from the everyday backups.";

// Collects the snapshot's files and their hashes as they are written.
class snapshot_writer {
 public:
  snapshot_writer(fs::path dest, fs::path work, std::string name)
      : dest_(std::move(dest)), work_(std::move(work)), name_(std::move(name)) {}

  // Copies src into the snapshot under rel (hashed on the way).
  void copy(const fs::path& src, const std::string& rel,
            std::optional<std::uint64_t> limit = std::nullopt) {
    fs::create_directories((work_ / rel).parent_path());
    add(rel, storage::copy_hashed(src, work_ / rel, limit).sha256);
  }
  // Writes text into the snapshot under rel.
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((work_ / rel).parent_path());
    {
      std::ofstream out{work_ / rel, std::ios::binary | std::ios::trunc};
      out << text;
      if (!out.flush()) throw std::runtime_error("cannot write " + (work_ / rel).string());
    }
    storage::fsync_path(work_ / rel);
    add(rel, storage::hash_file(work_ / rel).sha256);
  }
  // Records a file already written at rel (hashing it).
  void record(const std::string& rel) { add(rel, storage::hash_file(work_ / rel).sha256); }
  // A blob of the backup folder, listed by its path from DEST.
  void blob(const std::string& sha256) { entries_.push_back({sha256, layout::blob_path(sha256)}); }

  // Writes the manifest, fsyncs every folder and gives the snapshot its final name.
  fs::path publish() {
    storage::write_manifest(work_ / layout::manifest, entries_);
    for (auto it = fs::recursive_directory_iterator(work_);
         it != fs::recursive_directory_iterator(); ++it)
      if (it->is_directory()) storage::fsync_path(it->path());
    storage::fsync_path(work_);
    const fs::path final_path = dest_ / layout::snapshots / name_;
    fs::rename(work_, final_path);
    storage::fsync_path(dest_ / layout::snapshots);
    return final_path;
  }

 private:
  void add(const std::string& rel, std::string sha256) {
    entries_.push_back(
        {std::move(sha256), std::string{layout::snapshots} + "/" + name_ + "/" + rel});
  }
  fs::path dest_, work_;
  std::string name_;
  std::vector<storage::manifest_entry> entries_;
};

std::string snapshot_name(const fs::path& dest) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::string base = fmt::format("{:%Y%m%dT%H%M%SZ}", now);
  std::string name = base;
  for (int n = 2; fs::exists(dest / layout::snapshots / name); ++n)
    name = base + "-" + std::to_string(n);
  return name;
}

}  // namespace

int backup_command(const arguments& args) {
  po::options_description d{"parix backup"};
  add_location_options(d);
  d.add_options()("dest", po::value<std::string>()->required(), "the backup folder")(
      "include-private-key", "also copy the private signing key and TLS key (see the warning)")(
      "help,h", "this text");
  po::positional_options_description p;
  p.add("dest", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  const config c = locate_config(vm);
  const fs::path dest = vm["dest"].as<std::string>();
  const bool with_private = vm.count("include-private-key") > 0;
  if (fs::exists(dest) && !fs::is_directory(dest)) {
    std::cerr << "parix backup: " << dest.string()
              << " is a file; DEST is a backup folder (snapshots and blobs go inside it)\n";
    return 1;
  }
  if (!fs::exists(c.database)) {
    std::cerr << "parix backup: no database at " << c.database.string() << "\n";
    return 1;
  }
  fs::create_directories(dest / layout::blobs);
  fs::create_directories(dest / layout::snapshots);
  const std::string name = snapshot_name(dest);
  const fs::path work = dest / layout::snapshots / ("." + name + ".partial");
  fs::remove_all(work);
  fs::create_directories(work);
  snapshot_writer snap{dest, work, name};
  std::vector<std::string> problems;

  // 1. The database, in one read transaction: everything else follows from this copy.
  storage::backup(c.database, work / layout::database);
  std::vector<std::string> blobs;
  std::vector<storage::receiving_upload> receiving;
  std::vector<storage::signing_key_record> keys;
  {
    auto db = storage::open_sqlite({work / layout::database, 1});
    db->read([&](storage::connection& conn) {
      blobs = storage::referenced_blobs(conn);
      receiving = storage::receiving_uploads(conn);
      keys = storage::signing_keys(conn);
    });
    db->close();
  }
  snap.record(layout::database);

  // 2. Every blob it refers to; those already in DEST stay (content-addressed).
  std::uint64_t copied = 0, kept = 0, copied_bytes = 0;
  for (const auto& sha : blobs) {
    const fs::path target = dest / layout::blob_path(sha);
    if (fs::exists(target)) {
      snap.blob(sha);
      ++kept;
      continue;
    }
    const fs::path source = c.evidence.blob_dir / sha.substr(0, 2) / sha.substr(2);
    if (!fs::exists(source)) {
      problems.push_back("blob " + sha + " is missing from the evidence store");
      continue;
    }
    fs::create_directories(target.parent_path());
    const fs::path staging = target.string() + ".copy";
    fs::remove(staging);
    auto got = storage::copy_hashed(source, staging);
    if (got.sha256 != sha) {
      fs::remove(staging);
      problems.push_back("blob " + sha + " in the evidence store has changed (now " + got.sha256 +
                         "); run parix evidence fsck");
      continue;
    }
    fs::rename(staging, target);
    storage::fsync_path(target.parent_path());
    snap.blob(sha);
    ++copied;
    copied_bytes += got.size;
  }

  // 3. Unfinished uploads, cut at the offset the snapshot acknowledges: after a restore
  // their clients resume where the server told them it stood.
  std::uint64_t uploads = 0;
  for (const auto& u : receiving) {
    const std::string rel = std::string{layout::uploads} + "/" + u.id + ".part";
    const fs::path part = c.evidence.upload_dir / (u.id + ".part");
    const fs::path finished =
        c.evidence.blob_dir / u.declared_sha256.substr(0, 2) / u.declared_sha256.substr(2);
    try {
      snap.copy(part, rel, static_cast<std::uint64_t>(u.received));
    } catch (const std::exception&) {
      // It finished (its staging file became a blob) or ended after the snapshot; a
      // finished upload's first bytes are the same bytes.
      std::error_code ignored;
      fs::remove(work / rel, ignored);
      try {
        snap.copy(finished, rel, static_cast<std::uint64_t>(u.received));
      } catch (const std::exception&) {
        problems.push_back("upload " + u.id + " ended during the backup; its " +
                           std::to_string(u.received) + " bytes are not in the snapshot");
        continue;
      }
    }
    ++uploads;
  }

  // 4. Keys and configuration.
  for (const auto& k : keys)
    snap.write(std::string{layout::public_keys} + "/" + k.key_id + ".pem", k.public_key_pem);
  if (auto file = config_file(vm)) snap.copy(*file, layout::config);
  if (fs::exists(c.listen.certificate)) snap.copy(c.listen.certificate, layout::certificate);
  if (with_private) {
    snap.copy(c.signing_key, layout::signing_key);
    const fs::path retired = c.signing_key.parent_path() / "retired";
    if (fs::exists(retired))
      for (const auto& e : fs::directory_iterator(retired))
        if (e.is_regular_file())
          snap.copy(e.path(),
                    std::string{layout::retired_keys} + "/" + e.path().filename().string());
    if (fs::exists(c.listen.private_key)) snap.copy(c.listen.private_key, layout::tls_key);
    std::cerr << private_key_warning << "\n";
  }

  std::string info = fmt::format(
      "parix-version: {}\nsnapshot: {}\nsource-data: {}\ndatabase: {}\nblobs: {} referenced, {} "
      "copied ({} bytes), {} already in the backup\nunfinished-uploads: {}\npublic-keys: {}\n"
      "private-keys: {}\n",
      PARIX_VERSION, name, fs::absolute(c.data_dir).string(), c.database.string(), blobs.size(),
      copied, copied_bytes, kept, uploads, keys.size(),
      with_private ? "included (keep this backup offline and encrypted)" : "not included");
  for (const auto& problem : problems) info += "problem: " + problem + "\n";
  snap.write(layout::info, info);
  const fs::path done = snap.publish();

  std::cout << "backup " << done.string() << ": database, " << blobs.size() << " blobs (" << copied
            << " copied, " << kept << " already there), " << uploads << " unfinished uploads, "
            << keys.size() << " public keys" << (with_private ? ", the private keys" : "") << "\n";
  for (const auto& problem : problems) std::cout << "PROBLEM: " << problem << "\n";
  if (!problems.empty()) {
    std::cout << "INCOMPLETE: the snapshot lacks what is named above\n";
    return 1;
  }
  return 0;
}

}  // namespace parix::server::cli
