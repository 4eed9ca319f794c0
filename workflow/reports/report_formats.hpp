// A report in the format asked for: JSON, CSV or XLSX, with its media type and a file
// name. What the routes and `parix report` share, so both give the same bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "workflow/reports/report_types.hpp"

namespace parix::workflow {

enum class report_format { json, csv, xlsx };

// "json", "csv", "xlsx"; nullopt for anything else.
std::optional<report_format> parse_report_format(std::string_view name) noexcept;
std::string_view to_string(report_format f) noexcept;
// "application/json; charset=utf-8", "text/csv; charset=utf-8", the XLSX media type.
std::string_view media_type(report_format f) noexcept;

struct rendered_report {
  std::string bytes;
  std::string file_name;  // ASCII: "xep-hang-7.xlsx"
};

// Throws std::runtime_error when the XLSX cannot be written (out of memory). Thread-safe.
rendered_report render_report(const ranking_report& r, report_format f);
rendered_report render_report(const components_report& r, report_format f);
rendered_report render_report(const below_maximum_report& r, report_format f);
rendered_report render_report(const unit_report& r, report_format f);
rendered_report render_report(const year_over_year_report& r, report_format f);

}  // namespace parix::workflow
