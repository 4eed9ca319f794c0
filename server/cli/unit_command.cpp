// parix unit add|list|import|rename|disable|enable: the units (agencies) at the console.
#include <iostream>

#include "auth/units.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/database.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix unit add CODE --name NAME [--parent CODE] [--kind KIND]\n"
    "       parix unit list\n"
    "       parix unit import FILE.csv      (header code,name[,parent][,kind]; all or nothing)\n"
    "       parix unit rename CODE --name NAME\n"
    "       parix unit disable CODE | enable CODE\n"
    "KIND is province, department, district, commune or other. A unit's code never changes;\n"
    "units are never deleted (disable one that is merged or dissolved).";

int fail(const std::string& what, const boost::system::error_code& ec) {
  std::cerr << "parix unit: " << what << ": " << ec.message() << "\n";
  return 1;
}

}  // namespace

int unit_command(const arguments& args) {
  po::options_description d{"parix unit"};
  add_location_options(d);
  d.add_options()("action", po::value<std::string>()->required(),
                  "add, list, import, rename, disable, enable")(
      "target", po::value<std::string>(), "unit code, or the CSV file to import")(
      "name", po::value<std::string>(), "the unit's name")("parent", po::value<std::string>(),
                                                           "the code of the unit above it")(
      "kind", po::value<std::string>(), "province, department, district, commune, other")(
      "help,h", "this text");
  po::positional_options_description p;
  p.add("action", 1).add("target", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  const auto action = vm["action"].as<std::string>();
  if (action != "list" && !vm.count("target")) {
    std::cerr << usage << "\n";
    return 2;
  }
  auto text = [&](const char* name) -> std::optional<std::string> {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
  };

  config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  auth::unit_service units{*db, auth::default_clock()};
  const auto by = cli_actor();

  if (action == "list") {
    for (const auto& u : units.list())
      std::cout << u.unit.code << "\t" << u.unit.name << "\t" << u.parent_code.value_or("-") << "\t"
                << u.unit.kind.value_or("-") << "\t" << (u.unit.disabled ? "disabled" : "active")
                << "\n";
    return 0;
  }
  const auto target = vm["target"].as<std::string>();
  if (action == "add") {
    if (!vm.count("name")) {
      std::cerr << usage << "\n";
      return 2;
    }
    auto r = units.create(by, {target, *text("name"), text("parent"), text("kind"), {}});
    if (!r) return fail("cannot add " + target, r.error());
    std::cout << "added " << r->unit.code << " " << r->unit.name << "\n";
    return 0;
  }
  if (action == "import") {
    auto csv = read_text_file(target);
    if (!csv) {
      std::cerr << "parix unit: cannot read " << target << "\n";
      return 1;
    }
    std::vector<storage::import_problem> problems;
    auto r = units.import_csv(by, *csv, &problems);
    if (!r && r.error() == auth::errc::invalid_import) {
      print_import_problems(target, problems);
      return 1;
    }
    if (!r) return fail("cannot import " + target, r.error());
    for (const auto& u : r->created)
      std::cout << "added " << u.unit.code << " " << u.unit.name << "\n";
    std::cout << target << ": " << r->created.size() << " units added, " << r->unchanged
              << " already there unchanged\n";
    return 0;
  }
  auto existing = units.get(target);
  if (!existing) return fail(target, existing.error());
  auth::unit_changes changes;
  if (action == "rename") {
    if (!vm.count("name")) {
      std::cerr << usage << "\n";
      return 2;
    }
    changes.name = *text("name");
  } else if (action == "disable" || action == "enable") {
    changes.disabled = action == "disable";
  } else {
    std::cerr << usage << "\n";
    return 2;
  }
  auto r = units.update(by, target, existing->unit.version, changes);
  if (!r) return fail("cannot " + action + " " + target, r.error());
  std::cout << target << " " << (action == "rename" ? "renamed" : action + "d") << "\n";
  return 0;
}

}  // namespace parix::server::cli
