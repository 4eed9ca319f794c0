// Writing a table as RFC 4180 CSV.
#include "workflow/reports/csv_writer.hpp"

namespace parix::workflow {
namespace {

bool formula_like(std::string_view s) {
  if (s.empty()) return false;
  switch (s.front()) {
    case '=':
    case '+':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '-':
      // "- thiếu tài liệu" is a list item, "-1+2" a formula.
      return s.size() > 1 && s[1] != ' ';
    default:
      return false;
  }
}

void field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string write_csv(const table& t) {
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (i > 0) out += ',';
    field(out, t.columns[i].header);
  }
  out += "\r\n";
  t.rows([&](const table_row& row) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if (i > 0) out += ',';
      if (i >= row.cells.size()) continue;
      const auto& c = row.cells[i];
      if (c.kind == cell_kind::text && formula_like(c.text))
        field(out, "'" + c.text);
      else
        field(out, c.text);
    }
    out += "\r\n";
  });
  return out;
}

}  // namespace parix::workflow
