// The JSON form of each report (shapes in docs/reports.md and docs/openapi.yaml). Points
// and indices are decimal strings ("8.6", "86.00") as everywhere in the API, so that no
// figure passes through binary floating point; index_exact gives the exact ratio.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "workflow/reports/report_types.hpp"

namespace parix::workflow {

std::string to_json(const ranking_report& r);
std::string to_json(const components_report& r);
std::string to_json(const below_maximum_report& r);
std::string to_json(const unit_report& r);
std::string to_json(const year_over_year_report& r);
std::string to_json(const std::vector<published_campaign>& campaigns);

}  // namespace parix::workflow
