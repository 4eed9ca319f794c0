// Reading XLSX and CSV back for the report tests.
#include "tests/support/report_support.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace parix::testing {

boost::json::value read_xlsx(const std::string& bytes) {
  temp_dir dir;
  const auto file = dir / "book.xlsx";
  std::ofstream{file, std::ios::binary} << bytes;
  // Debian's own interpreter, where python3-openpyxl is installed (a python3 earlier
  // in PATH, e.g. pyenv's, would not have it).
  auto r = run_command(std::string{"/usr/bin/python3 "} + PARIX_SOURCE_DIR +
                       "/tests/support/xlsx_dump.py " + file.string() + " 2>&1");
  EXPECT_EQ(r.status, 0) << r.output;
  if (r.status != 0) return nullptr;
  return boost::json::parse(r.output);
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> out;
  EXPECT_TRUE(text.starts_with("\xEF\xBB\xBF")) << "no UTF-8 byte order mark";
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !quoted) {
      quoted = in_quotes = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      quoted = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(std::move(field));
      field.clear();
      quoted = false;
      out.push_back(std::move(record));
      record.clear();
    } else {
      field += c;
    }
  }
  EXPECT_FALSE(in_quotes) << "unbalanced quotes";
  if (!field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace parix::testing
