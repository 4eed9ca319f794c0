// parix keys list | rotate: the Ed25519 keys that sign statements and checkpoints.
// Rotation keeps the old key's public half in the database (signing_keys), so
// everything it signed still verifies; the old private key is kept aside, unused.
#include <iostream>

#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/database.hpp"
#include "storage/evidence_records.hpp"
#include "storage/sha256.hpp"
#include "storage/signing_key.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix keys list   [--data DIR | --config FILE]   every key that has signed\n"
    "       parix keys rotate [--data DIR | --config FILE]   make a new signing key (restart "
    "the server)";

void remember(storage::database& db, const storage::signing_key& k) {
  db.write([&](storage::connection& c) {
    storage::remember_signing_key(c,
                                  {k.key_id(), "Ed25519", k.public_key_pem(),
                                   storage::to_hex(std::span<const unsigned char>{k.public_key()}),
                                   storage::to_millis(std::chrono::system_clock::now())});
  });
}

}  // namespace

int keys_command(const arguments& args) {
  po::options_description d{"parix keys"};
  add_location_options(d);
  d.add_options()("action", po::value<std::string>()->required(), "list or rotate")("help,h",
                                                                                    "this text");
  po::positional_options_description p;
  p.add("action", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  const auto action = vm["action"].as<std::string>();
  if (action != "list" && action != "rotate") {
    std::cerr << usage << "\n";
    return 2;
  }
  const config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  auto current = storage::signing_key::load(c.signing_key);
  remember(*db, current);
  if (action == "rotate") {
    const auto retired = c.signing_key.parent_path() / "retired" / (current.key_id() + ".pem");
    std::filesystem::create_directories(retired.parent_path());
    std::filesystem::permissions(retired.parent_path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    std::filesystem::rename(c.signing_key, retired);
    storage::signing_key::create_if_missing(c.signing_key);
    auto next = storage::signing_key::load(c.signing_key);
    remember(*db, next);
    std::cout << "retired key " << current.key_id() << " (kept at " << retired.string()
              << "), new key " << next.key_id() << "; restart the server to sign with it\n";
    return 0;
  }
  auto keys =
      db->read_result([](storage::connection& conn) { return storage::signing_keys(conn); });
  for (const auto& k : keys)
    std::cout << k.key_id << " " << k.algorithm << (k.key_id == current.key_id() ? " current" : "")
              << "\n";
  return 0;
}

}  // namespace parix::server::cli
