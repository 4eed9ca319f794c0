// Rendering a report in one format.
#include "workflow/reports/report_formats.hpp"

#include "workflow/reports/csv_writer.hpp"
#include "workflow/reports/report_json.hpp"
#include "workflow/reports/report_tables.hpp"
#include "workflow/reports/xlsx_writer.hpp"

namespace parix::workflow {
namespace {

template <class Report>
rendered_report render(const Report& r, report_format f) {
  const auto t = tables_of(r);  // cheap: rows are only made when a writer walks them
  if (f == report_format::json) return {to_json(r), t.file_stem + ".json"};
  if (f == report_format::csv) return {write_csv(t.csv), t.file_stem + ".csv"};
  return {write_xlsx(t), t.file_stem + ".xlsx"};
}

}  // namespace

std::optional<report_format> parse_report_format(std::string_view name) noexcept {
  if (name == "json") return report_format::json;
  if (name == "csv") return report_format::csv;
  if (name == "xlsx") return report_format::xlsx;
  return std::nullopt;
}

std::string_view to_string(report_format f) noexcept {
  switch (f) {
    case report_format::json:
      return "json";
    case report_format::csv:
      return "csv";
    case report_format::xlsx:
      return "xlsx";
  }
  return "json";
}

std::string_view media_type(report_format f) noexcept {
  switch (f) {
    case report_format::json:
      return "application/json; charset=utf-8";
    case report_format::csv:
      return "text/csv; charset=utf-8";
    case report_format::xlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return "application/json; charset=utf-8";
}

rendered_report render_report(const ranking_report& r, report_format f) {
  return render(r, f);
}
rendered_report render_report(const components_report& r, report_format f) {
  return render(r, f);
}
rendered_report render_report(const below_maximum_report& r, report_format f) {
  return render(r, f);
}
rendered_report render_report(const unit_report& r, report_format f) {
  return render(r, f);
}
rendered_report render_report(const year_over_year_report& r, report_format f) {
  return render(r, f);
}

}  // namespace parix::workflow
