// Tables as an XLSX workbook, written by libxlsxwriter (Debian libxlsxwriter-dev), one
// sheet per table: the title, the campaign and the sheet's subtitle above a frozen
// header row; numbers stored as numbers with number formats (points "0.00##", indices
// and means "0.00"); column widths fitted to the longest value; A4 landscape, one page
// wide, the header row repeated and the title and campaign in the page header of every
// printed page. A table longer than a sheet's 1,048,576 rows continues on "… (2)".
#pragma once

#include <filesystem>
#include <string>

#include "workflow/reports/report_tables.hpp"

namespace parix::workflow {

// The workbook's bytes. libxlsxwriter 1.1.4 writes only to files, so the workbook and
// its temporary files are made in temp_dir and removed before returning. Throws
// std::runtime_error when libxlsxwriter fails (e.g. the folder is full). Thread-safe.
std::string write_xlsx(const report_tables& t, const std::filesystem::path& temp_dir);

}  // namespace parix::workflow
