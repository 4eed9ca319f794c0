// parix backup DEST: a consistent copy of the database, safe while the server runs.
#include <iostream>

#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/backup.hpp"

namespace parix::server::cli {

int backup_command(const arguments& args) {
  po::options_description d{"parix backup"};
  add_location_options(d);
  d.add_options()("dest", po::value<std::string>()->required(), "the new backup file")("help,h",
                                                                                       "this text");
  po::positional_options_description p;
  p.add("dest", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, "usage: parix backup DEST [--config FILE | --data DIR]")) return 2;
  config c = locate_config(vm);
  try {
    storage::backup(c.database, vm["dest"].as<std::string>());
  } catch (const std::exception& e) {
    std::cerr << "parix backup: " << e.what() << "\n";
    return 1;
  }
  std::cout << "backed up " << c.database.string() << " to " << vm["dest"].as<std::string>()
            << "\n";
  return 0;
}

}  // namespace parix::server::cli
