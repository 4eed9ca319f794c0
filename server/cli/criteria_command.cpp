// parix criteria import FILE | import --shipped | list: criteria sets at the console.
#include <iostream>

#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/database.hpp"
#include "workflow/criteria_service.hpp"
#include "workflow/shipped_criteria.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix criteria import FILE.csv [--data DIR | --config FILE]\n"
    "       parix criteria import --shipped   (the 2024 sets compiled into parix)\n"
    "       parix criteria list\n"
    "The format is described in docs/criteria-format.md.";

// Imports one CSV; prints the summary or every problem. Returns true on success.
bool import_one(workflow::criteria_service& service, const std::string& name,
                std::string_view csv) {
  std::vector<workflow::criteria_problem> problems;
  auto r = service.import(cli_actor(), csv, &problems);
  if (!r) {
    if (r.error() == workflow::errc::criteria_set_exists) {
      std::cout << name << ": a set with this key exists already (sets are immutable)\n";
      return true;
    }
    std::cerr << name << ": " << problems.size() << " problems\n";
    for (const auto& p : problems)
      std::cerr << name << ":" << p.line << ": " << (p.code.empty() ? "" : p.code + ": ")
                << p.problem << ": " << p.detail << "\n";
    return false;
  }
  const auto& s = r->summary;
  std::cout << name << ": imported \"" << r->set.key << "\" (id " << r->id << "): " << s.fields
            << " fields, " << s.criteria << " criteria, " << s.sub_criteria
            << " sub-criteria; total " << s.total.to_string() << " points, of which survey (ĐTXHH) "
            << s.survey_total.to_string() << ", external " << s.external_total.to_string()
            << ", bonus " << s.bonus_total.to_string() << "\n";
  return true;
}

}  // namespace

int criteria_command(const arguments& args) {
  po::options_description d{"parix criteria"};
  add_location_options(d);
  d.add_options()("action", po::value<std::string>()->required(), "import or list")(
      "file", po::value<std::string>(), "CSV file")("shipped", "import the shipped 2024 sets")(
      "help,h", "this text");
  po::positional_options_description p;
  p.add("action", 1).add("file", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  workflow::criteria_service service{*db, auth::default_clock()};
  const auto action = vm["action"].as<std::string>();
  if (action == "list") {
    for (const auto& s : service.list())
      std::cout << s.id << "\t" << s.key << "\t" << s.name << "\n";
    return 0;
  }
  if (action != "import" || (!vm.count("file") && !vm.count("shipped"))) {
    std::cerr << usage << "\n";
    return 2;
  }
  bool ok = true;
  if (vm.count("shipped")) {
    for (const auto& s : workflow::shipped_criteria_sets())
      ok = import_one(service, std::string{s.file}, s.csv) && ok;
  } else {
    const auto file = vm["file"].as<std::string>();
    auto text = read_text_file(file);
    if (!text) {
      std::cerr << "parix criteria: cannot read " << file << "\n";
      return 1;
    }
    ok = import_one(service, file, *text);
  }
  db->close();
  return ok ? 0 : 1;
}

}  // namespace parix::server::cli
