// One table as a CSV file (RFC 4180): UTF-8 with a byte order mark, so that Excel on a
// Vietnamese Windows reads UTF-8 instead of the ANSI code page; CRLF line ends; a field
// that holds a comma, a quote, CR or LF is quoted, quotes doubled. Numbers are the exact
// decimals with a point ("8.6", "86.00"). Pure; thread-safe.
#pragma once

#include <string>

#include "workflow/reports/report_tables.hpp"

namespace parix::workflow {

// The header row (the columns' headers), then every row of the table. A text cell that
// a spreadsheet would run as a formula (=, +, @, a tab, CR, or - not followed by a
// space) gets a leading apostrophe (OWASP "CSV injection").
std::string write_csv(const table& t);

}  // namespace parix::workflow
