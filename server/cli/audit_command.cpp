// parix audit verify | export DIR | verify --export DIR [--checkpoint NOTE]… [--pubkey PEM]
#include <iostream>

#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/audit_log.hpp"
#include "storage/checkpoint_records.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "storage/sha256.hpp"
#include "storage/signing_key.hpp"
#include "workflow/audit_checkpoint.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix audit verify [--data DIR | --config FILE]      check the chain in the database\n"
    "                                                            and every signed checkpoint\n"
    "       parix audit export DEST_DIR [--data DIR]             write the log, checkpoints, "
    "public key\n"
    "       parix audit checkpoint [--data DIR]                  sign a checkpoint of the log now\n"
    "       parix audit verify --export DIR [--checkpoint NOTE]... [--pubkey PEM]\n"
    "                                                            check an export offline, no "
    "database";

}  // namespace

int audit_command(const arguments& args) {
  po::options_description d{"parix audit"};
  add_location_options(d);
  d.add_options()("action", po::value<std::string>()->required(), "verify, export or checkpoint")(
      "dest", po::value<std::string>(), "export folder")("export", po::value<std::string>(),
                                                         "an export folder to check offline")(
      "checkpoint", po::value<std::vector<std::string>>()->composing(),
      "a checkpoint note to check against")("pubkey", po::value<std::string>(),
                                            "the public key (default EXPORT/pubkey.pem)")(
      "help,h", "this text");
  po::positional_options_description p;
  p.add("action", 1).add("dest", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  const auto action = vm["action"].as<std::string>();

  if (action == "verify" && vm.count("export")) {
    const std::filesystem::path dir = vm["export"].as<std::string>();
    std::vector<std::filesystem::path> notes;
    if (vm.count("checkpoint"))
      for (const auto& n : vm["checkpoint"].as<std::vector<std::string>>()) notes.emplace_back(n);
    const std::filesystem::path pub =
        vm.count("pubkey") ? vm["pubkey"].as<std::string>() : (dir / "pubkey.pem").string();
    auto r = workflow::verify_export(dir / "audit.jsonl", notes, pub);
    if (!r.ok) {
      std::cout << "REFUSED: " << r.problem << "\n";
      return 1;
    }
    std::cout << "ok: " << r.entries << " entries chain correctly";
    if (!notes.empty()) std::cout << " and agree with " << notes.size() << " signed checkpoint(s)";
    std::cout << "\n";
    return 0;
  }

  config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  if (action == "verify") {
    auto v =
        db->read_result([](storage::connection& conn) { return workflow::verify_audit(conn); });
    if (v.first_broken)
      std::cout << "BROKEN: entry " << *v.first_broken
                << " does not match its hash or its link; the log was changed from there on\n";
    for (const auto& f : v.checkpoints.failures) std::cout << "BROKEN: " << f << "\n";
    if (!v.ok()) return 1;
    std::cout << "ok: " << v.entries << " entries, head " << v.head << "; " << v.checkpoints.checked
              << " signed checkpoints agree\n";
    return 0;
  }
  auto key = storage::signing_key::load(c.signing_key);
  if (action == "export") {
    if (!vm.count("dest")) {
      std::cerr << usage << "\n";
      return 2;
    }
    auto n = db->read_result([&](storage::connection& conn) {
      return workflow::export_audit(conn, key, vm["dest"].as<std::string>());
    });
    std::cout << "exported " << n << " entries to " << vm["dest"].as<std::string>() << "\n";
    return 0;
  }
  if (action == "checkpoint") {
    auto cp = db->write_result([&](storage::connection& conn) {
      // Listed, so that audit verify finds the key of every checkpoint it meets.
      storage::remember_signing_key(
          conn, {key.key_id(), "Ed25519", key.public_key_pem(),
                 storage::to_hex(std::span<const unsigned char>{key.public_key()}),
                 storage::to_millis(std::chrono::system_clock::now())});
      return workflow::make_checkpoint(conn, key,
                                       storage::to_millis(std::chrono::system_clock::now()));
    });
    std::cout << cp.note;
    return 0;
  }
  std::cerr << usage << "\n";
  return 2;
}

}  // namespace parix::server::cli
