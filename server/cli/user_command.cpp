// parix user add|passwd|disable|enable|list: user administration at the console.
#include <iostream>

#include "auth/users.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/database.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix user add NAME --role ROLE [--unit CODE] [--display-name TEXT]\n"
    "       parix user import FILE.csv   (header username,display_name,role,unit; prints\n"
    "                                     each new user's one-time password, once)\n"
    "       parix user passwd NAME\n"
    "       parix user disable NAME | enable NAME\n"
    "       parix user list\n"
    "Passwords are read from $PARIX_PASSWORD, else from standard input; never from arguments.";

int fail(const std::string& what, const boost::system::error_code& ec) {
  std::cerr << "parix user: " << what << ": " << ec.message() << "\n";
  return 1;
}

}  // namespace

int user_command(const arguments& args) {
  po::options_description d{"parix user"};
  add_location_options(d);
  d.add_options()("action", po::value<std::string>()->required(),
                  "add, import, passwd, disable, enable, list")(
      "name", po::value<std::string>(), "username, or the CSV file to import")("role", po::value<std::string>(), "role")(
      "unit", po::value<std::string>(), "unit code")("display-name", po::value<std::string>(),
                                                     "display name")("help,h", "this text");
  po::positional_options_description p;
  p.add("action", 1).add("name", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  const auto action = vm["action"].as<std::string>();
  if (action != "list" && !vm.count("name")) {
    std::cerr << usage << "\n";
    return 2;
  }

  config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  auth::password_hasher hasher{c.passwords};
  auth::user_service users{*db, hasher, auth::default_clock()};
  const auto by = cli_actor();

  if (action == "list") {
    for (const auto& v : users.list())
      std::cout << v.user.username << "\t" << v.user.role << "\t" << v.unit_code.value_or("-")
                << "\t" << (v.user.disabled ? "disabled" : "active") << "\t" << v.user.display_name
                << "\n";
    return 0;
  }
  const auto name = vm["name"].as<std::string>();
  if (action == "import") {
    auto csv = read_text_file(name);
    if (!csv) {
      std::cerr << "parix user: cannot read " << name << "\n";
      return 1;
    }
    std::vector<storage::import_problem> problems;
    auto r = users.import_csv(by, *csv, &problems);
    if (!r && r.error() == auth::errc::invalid_import) {
      print_import_problems(name, problems);
      return 1;
    }
    if (!r) return fail("cannot import " + name, r.error());
    std::cout << "username\trole\tunit\tone-time password (shown once)\n";
    for (const auto& u : *r)
      std::cout << u.view.user.username << "\t" << u.view.user.role << "\t"
                << u.view.unit_code.value_or("-") << "\t" << u.password << "\n";
    return 0;
  }
  if (action == "add") {
    if (!vm.count("role")) {
      std::cerr << usage << "\n";
      return 2;
    }
    auto password = read_secret("PARIX_PASSWORD", "password for " + name + ": ");
    if (!password) return fail("no password given", {});
    std::optional<std::string> unit;
    if (vm.count("unit")) unit = vm["unit"].as<std::string>();
    auto r = users.create(
        by, {name, vm.count("display-name") ? vm["display-name"].as<std::string>() : name,
             vm["role"].as<std::string>(), unit, *password});
    if (!r) return fail("cannot add " + name, r.error());
    std::cout << "added " << name << "\n";
    return 0;
  }
  auto existing = users.get_by_name(name);
  if (!existing) return fail(name, existing.error());
  if (action == "passwd") {
    auto password = read_secret("PARIX_PASSWORD", "new password for " + name + ": ");
    if (!password) return fail("no password given", {});
    auto r = users.set_password(by, existing->user.id, *password);
    if (!r) return fail("cannot set the password of " + name, r.error());
    std::cout << "password of " << name << " changed; their sessions are ended\n";
    return 0;
  }
  if (action == "disable" || action == "enable") {
    auth::user_changes changes;
    changes.disabled = action == "disable";
    auto r = users.update(by, existing->user.id, existing->user.version, changes);
    if (!r) return fail("cannot " + action + " " + name, r.error());
    std::cout << name << " " << action << "d\n";
    return 0;
  }
  std::cerr << usage << "\n";
  return 2;
}

}  // namespace parix::server::cli
