// Reading report files back in tests with readers independent of the writers: XLSX
// through openpyxl (tests/support/xlsx_dump.py, Debian python3-openpyxl), CSV through a
// small RFC 4180 parser written here from the RFC, not from parix's writer.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace parix::testing {

// The workbook as xlsx_dump.py prints it: {"title", "sheets": [{"name", "freeze_panes",
// "orientation", "paper_size", "fit_to_width", "fit_to_height", "fit_to_page",
// "print_title_rows", "header_center", "widths", "rows": [[{"v", "t", "fmt", "bold"}]]}]}.
// Fails the test (and returns null) when the reader cannot open it.
boost::json::value read_xlsx(const std::string& bytes);

// Records of an RFC 4180 text (CRLF or LF line ends, quoted fields with doubled quotes);
// a leading UTF-8 byte order mark is required and removed.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace parix::testing
