// parix init: the data folder, TLS certificate, signing key, database, configuration
// file and first administrator. Safe to run again: it only adds what is missing.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "auth/sessions.hpp"
#include "auth/users.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "server/tls.hpp"
#include "storage/database.hpp"
#include "storage/signing_key.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix init [--data DIR | --config FILE] [--admin NAME]\n"
    "The administrator's password is read from $PARIX_ADMIN_PASSWORD, else from standard input.";

constexpr const char* default_toml =
    R"(# parix configuration, written by parix init. Every key is documented in
# deploy/parix.example.toml; relative paths are relative to this file's folder.
data_dir = "."

[listen]
address = "127.0.0.1"
port = 8443

[log]
level = "info"
file = "logs/parix.log"
access_file = "logs/access.log"
)";

}  // namespace

int init_command(const arguments& args) {
  po::options_description d{"parix init"};
  add_location_options(d);
  d.add_options()("admin", po::value<std::string>()->default_value("admin"),
                  "username of the first administrator")("help,h", "this text");
  po::variables_map vm;
  if (!parse(args, d, {}, vm, usage)) return 2;

  const std::filesystem::path data = vm.count("config")
                                         ? std::filesystem::path{}
                                         : std::filesystem::path{vm["data"].as<std::string>()};
  if (!data.empty()) {
    std::filesystem::create_directories(data);
    ::chmod(data.c_str(), 0700);
    if (!std::filesystem::exists(data / "parix.toml")) {
      std::ofstream{data / "parix.toml"} << default_toml;
      std::cout << "wrote " << (data / "parix.toml").string() << "\n";
    }
  }
  config c = locate_config(vm);
  std::filesystem::create_directories(c.data_dir);

  if (!c.listen.plain_http && !std::filesystem::exists(c.listen.certificate)) {
    write_self_signed_certificate(c.listen.certificate, c.listen.private_key);
    std::cout << "created a self-signed TLS certificate " << c.listen.certificate.string() << "\n";
  }
  if (storage::signing_key::create_if_missing(c.signing_key))
    std::cout << "created the signing key " << c.signing_key.string() << "\n";
  auto key = storage::signing_key::load(c.signing_key);

  auto db = storage::open_sqlite({c.database, 1});
  std::cout << "database " << c.database.string() << " is ready\n";

  auth::password_hasher hasher{c.passwords};
  auth::user_service users{*db, hasher, auth::default_clock()};
  const auto admin = vm["admin"].as<std::string>();
  if (users.get_by_name(admin)) {
    std::cout << "administrator " << admin << " exists\n";
  } else {
    auto password = read_secret("PARIX_ADMIN_PASSWORD", "password for " + admin + ": ");
    if (!password) {
      std::cerr << "parix init: no password for " << admin
                << " (set PARIX_ADMIN_PASSWORD or pipe it on standard input)\n";
      return 1;
    }
    auto r =
        users.create(cli_actor(), {admin, "Quản trị hệ thống", "admin", std::nullopt, *password});
    if (!r) {
      std::cerr << "parix init: cannot create " << admin << ": " << r.error().message()
                << " (passwords need " << c.passwords.min_length
                << "+ characters and must not contain the username)\n";
      return 1;
    }
    std::cout << "created administrator " << admin << "\n";
  }
  db->close();
  std::cout << "signing key id " << key.key_id() << "\n";
  return 0;
}

}  // namespace parix::server::cli
