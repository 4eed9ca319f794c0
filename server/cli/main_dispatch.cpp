// Subcommand dispatch for the parix binary.
#include <iostream>

#include "server/cli/cli.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix COMMAND [options]\n"
    "  init      create the data folder, TLS certificate, signing key, database, first admin\n"
    "  serve     run the HTTPS server\n"
    "  user      add, import, passwd, disable, enable, list users\n"
    "  unit      add, list, import, rename, disable, enable units (agencies)\n"
    "  backup    back up the database, evidence and public keys while the server runs\n"
    "  restore   rebuild a data folder from a backup and verify it\n"
    "  demo      load demonstration units and users\n"
    "  criteria  import and list criteria sets\n"
    "  audit     verify the audit chain, export it, check an export offline\n"
    "  evidence  fsck: re-hash stored evidence, check every signature\n"
    "  verify    check a sealed evidence archive and its statement offline\n"
    "  keys      list the signing keys, rotate to a new one\n"
    "  version   print the version\n"
    "parix COMMAND --help describes each command.";

}  // namespace

int version_command(const arguments&) {
  std::cout << "parix " << PARIX_VERSION << "\n";
  return 0;
}

int run(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage << "\n";
    return 2;
  }
  const std::string command = argv[1];
  const arguments rest(argv + 2, argv + argc);
  struct entry {
    const char* name;
    int (*run)(const arguments&);
  };
  static constexpr entry commands[] = {
      {"init", init_command},         {"serve", serve_command},       {"user", user_command},
      {"unit", unit_command},         {"backup", backup_command},     {"demo", demo_command},
      {"version", version_command},   {"criteria", criteria_command}, {"audit", audit_command},
      {"evidence", evidence_command}, {"verify", verify_command},     {"keys", keys_command},
      {"restore", restore_command},
  };
  for (const auto& c : commands) {
    if (command != c.name) continue;
    try {
      return c.run(rest);
    } catch (const std::exception& e) {
      std::cerr << "parix " << command << ": " << e.what() << "\n";
      return 1;
    }
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << usage << "\n";
    return 0;
  }
  std::cerr << "parix: unknown command " << command << "\n" << usage << "\n";
  return 2;
}

}  // namespace parix::server::cli
