// What several subcommands share: finding the configuration, logging, reading
// secrets from the environment or standard input (never from argv).
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "auth/actor.hpp"
#include "server/config.hpp"
#include "storage/csv.hpp"

namespace parix::server::cli {

namespace po = boost::program_options;

// --config FILE and --data DIR (default $PARIX_DATA, else ./var).
void add_location_options(po::options_description& d);
// The configuration file the server reads: --config FILE, else DIR/parix.toml if present,
// else none (defaults for DIR). The one rule, for locate_config and for parix backup.
std::optional<std::filesystem::path> config_file(const po::variables_map& vm);
// The configuration config_file names, else defaults for DIR.
config locate_config(const po::variables_map& vm);

// Sets up the default logger and the access logger from the configuration.
void setup_logging(const log_config& c);

// A secret from the environment variable env_name if set, else one line of standard
// input (without echo when it is a terminal). nullopt when neither gives one.
std::optional<std::string> read_secret(const char* env_name, const std::string& prompt);

// The whole of a text file (a CSV to import); nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);

// Prints an import's refusal: "FILE:LINE: problem: detail" for every bad row.
void print_import_problems(const std::string& file,
                           const std::vector<storage::import_problem>& problems);

// The actor recorded in the audit log for changes made at the command line.
auth::actor cli_actor();

// Parses args with d (and positional p); prints usage and returns false on error.
bool parse(const std::vector<std::string>& args, const po::options_description& d,
           const po::positional_options_description& p, po::variables_map& vm, const char* usage);

}  // namespace parix::server::cli
