// Each report as tables with Vietnamese headers: the sheets of its XLSX workbook and the
// one table of its CSV file. The writers (csv_writer, xlsx_writer) know nothing of
// reports; this file knows nothing of file formats. Numbers stay exact decimal text
// here ("8.6", "86.00"); a writer decides how to store them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workflow/reports/report_types.hpp"

namespace parix::workflow {

enum class cell_kind {
  empty,
  text,
  integer,  // a count or a rank
  points,   // up to four decimals, "8.6"
  percent,  // an index in percent with two decimals, "86.00"
  mean,     // a mean of points with two decimals, "83.15"
};

struct table_cell {
  cell_kind kind = cell_kind::empty;
  std::string text;  // the text, or the exact decimal of a number
  std::int64_t integer = 0;
};

struct table_column {
  std::string header;
  bool wrap = false;  // long text (titles, remarks): wrapped in a wide column
};

struct table_row {
  std::vector<table_cell> cells;  // one per column (missing ones are empty)
  bool emphasis = false;          // a field's row, a foot row (averages, totals)
};

using row_sink = std::function<void(const table_row&)>;

struct table {
  std::string name;  // the sheet's name
  std::string title, subtitle;
  std::vector<table_column> columns;
  // Hands each row to the sink in order; may be called more than once. It reads the
  // report it was made from, which must outlive the table.
  std::function<void(const row_sink&)> rows;
};

struct report_tables {
  std::string title;          // printed at the top of every page
  std::string campaign;       // idem, under the title
  std::string file_stem;      // ASCII, for Content-Disposition and the CLI: "xep-hang-2024-c1"
  std::vector<table> sheets;  // the XLSX workbook
  table csv;                  // the CSV file: one table, one row per unit (or node, leaf…)
};

report_tables tables_of(const ranking_report& r);
report_tables tables_of(const components_report& r);
report_tables tables_of(const below_maximum_report& r);
report_tables tables_of(const unit_report& r);
report_tables tables_of(const year_over_year_report& r);

}  // namespace parix::workflow
