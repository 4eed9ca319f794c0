// parix report ranking|components|below-maximum|unit|year-over-year CAMPAIGN_ID …: the same files
// as the report routes (docs/reports.md), made offline from a data folder.
#include <fstream>
#include <iostream>

#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/database.hpp"
#include "workflow/reports/report_formats.hpp"
#include "workflow/reports/report_service.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix report ranking CAMPAIGN_ID [--group KEY] [--format json|csv|xlsx]\n"
    "       parix report components CAMPAIGN_ID [--group KEY] [--format …]\n"
    "       parix report below-maximum CAMPAIGN_ID [--group KEY] [--unit CODE]\n"
    "                                  [--sort criteria|points_lost] [--format …]\n"
    "       parix report unit CAMPAIGN_ID --unit CODE [--format …]\n"
    "       parix report year-over-year CAMPAIGN_ID [--group KEY] [--format …]\n"
    "  [--output FILE] (default: the report's own name in the current folder; - for\n"
    "  standard output) [--data DIR | --config FILE]. The reports are described in\n"
    "  docs/reports.md; the files are those of GET /api/v1/campaigns/{id}/reports/….";

// The message for a refusal, in the CLI's English.
std::string problem(const boost::system::error_code& ec, const workflow::report_filter& f) {
  if (ec == workflow::errc::group_not_found) return "no unit group " + f.group.value_or("");
  if (ec == workflow::errc::unit_has_no_file)
    return "the unit " + f.unit.value_or("") + " has no file in this campaign";
  if (ec == workflow::errc::no_predecessor) return "the campaign names no predecessor";
  return ec.message();
}

}  // namespace

int report_command(const arguments& args) {
  po::options_description d{"parix report"};
  add_location_options(d);
  d.add_options()("report", po::value<std::string>()->required(),
                  "ranking, components, below-maximum, unit or year-over-year")(
      "campaign", po::value<std::int64_t>()->required(), "the campaign id")(
      "group", po::value<std::string>(), "one unit group's key")("unit", po::value<std::string>(),
                                                                 "a unit's code")(
      "sort", po::value<std::string>()->default_value("criteria"), "criteria or points_lost")(
      "format", po::value<std::string>()->default_value("xlsx"), "json, csv or xlsx")(
      "output,o", po::value<std::string>(), "the file to write, - for standard output")(
      "help,h", "this text");
  po::positional_options_description p;
  p.add("report", 1).add("campaign", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  const auto kind = vm["report"].as<std::string>();
  const auto format = workflow::parse_report_format(vm["format"].as<std::string>());
  const auto sort = vm["sort"].as<std::string>();
  if (!format || (sort != "criteria" && sort != "points_lost") ||
      (kind == "unit" && !vm.count("unit"))) {
    std::cerr << usage << "\n";
    return 2;
  }
  workflow::report_filter filter;
  if (vm.count("group")) filter.group = vm["group"].as<std::string>();
  if (vm.count("unit")) filter.unit = vm["unit"].as<std::string>();
  if (sort == "points_lost") filter.order = workflow::shortfall_order::points_lost;
  const auto campaign = vm["campaign"].as<std::int64_t>();

  config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  workflow::report_service reports{*db};
  const auto actor = cli_actor();
  std::optional<workflow::rendered_report> out;
  boost::system::error_code failed;
  auto render = [&](const auto& r) {
    if (r)
      out = workflow::render_report(*r, *format);
    else
      failed = r.error();
  };
  if (kind == "ranking")
    render(reports.ranking(&actor, campaign, filter));
  else if (kind == "components")
    render(reports.components(&actor, campaign, filter));
  else if (kind == "below-maximum")
    render(reports.below_maximum(actor, campaign, filter));
  else if (kind == "unit")
    render(reports.unit(actor, campaign, *filter.unit));
  else if (kind == "year-over-year")
    render(reports.year_over_year(actor, campaign, filter));
  else {
    std::cerr << usage << "\n";
    return 2;
  }
  db->close();
  if (!out) {
    std::cerr << "parix report: " << problem(failed, filter) << "\n";
    return 1;
  }
  const std::string file = vm.count("output") ? vm["output"].as<std::string>() : out->file_name;
  if (file == "-") {
    std::cout << out->bytes;
    return std::cout ? 0 : 1;
  }
  std::ofstream f{file, std::ios::binary | std::ios::trunc};
  f << out->bytes;
  f.close();
  if (!f) {
    std::cerr << "parix report: cannot write " << file << "\n";
    return 1;
  }
  std::cout << file << "\n";
  return 0;
}

}  // namespace parix::server::cli
