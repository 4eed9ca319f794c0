// Tables as an XLSX workbook (ECMA-376 SpreadsheetML), one sheet per table: the title,
// the campaign and the sheet's subtitle above a frozen header row; numbers stored as
// numbers with number formats (points "0.00##", indices and means "0.00"); column
// widths fitted to the longest value; A4 landscape, one page wide, the header row
// repeated and the title and campaign in the page header of every printed page. A table
// longer than a sheet's 1,048,576 rows continues on "… (2)".
//
// The parts are written here and zipped with zlib (zip_writer): a sheet's XML is made
// and deflated as its rows stream, never held whole. libxlsxwriter, used before, spent
// 11 s on the 1,476,000 rows of criteria below maximum formatting and compressing cells
// (docs/benchmarks.md).
#pragma once

#include <string>

#include "workflow/reports/report_tables.hpp"

namespace parix::workflow {

// The workbook's bytes, made in memory. Throws std::runtime_error when zlib fails (out of
// memory) and std::logic_error when a number cell does not hold a decimal. Thread-safe.
std::string write_xlsx(const report_tables& t);

}  // namespace parix::workflow
