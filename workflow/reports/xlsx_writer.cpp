// Writing tables as an XLSX workbook with libxlsxwriter.
#include "workflow/reports/xlsx_writer.hpp"

#include <xlsxwriter.h>

#include <unistd.h>
#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace parix::workflow {
namespace {

// Rows 0-2: title, campaign, the sheet's subtitle; row 3: the column headers.
constexpr lxw_row_t header_row = 3;
constexpr lxw_row_t first_data_row = header_row + 1;
constexpr std::size_t rows_per_sheet = LXW_ROW_MAX - first_data_row;
constexpr std::size_t max_cell_characters = 32767;  // Excel's limit for one cell
constexpr double min_width = 6, max_width = 60, wrapped_width = 45;
constexpr std::uint8_t paper_a4 = 9;

void check(lxw_error e, const char* what) {
  if (e != LXW_NO_ERROR)
    throw std::runtime_error(std::string{"xlsx: "} + what + ": " + lxw_strerror(e));
}

// Characters, not bytes: what a column shows.
std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// The first n characters of s.
std::string first_characters(std::string_view s, std::size_t n) {
  std::size_t seen = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((s[i] & 0xC0) != 0x80 && seen++ == n) break;
  }
  return std::string{s.substr(0, i)};
}

// A page header's text: '&' starts a code there, so a literal one is doubled.
std::string header_text(std::string_view s, std::size_t limit) {
  std::string out;
  for (char c : first_characters(s, limit)) {
    out += c;
    if (c == '&') out += '&';
  }
  return out;
}

double number(const std::string& decimal) {
  double d = 0;
  auto [end, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), d);
  if (ec != std::errc{} || end != decimal.data() + decimal.size())
    throw std::logic_error("xlsx: not a number: " + decimal);
  return d;
}

struct cell_formats {
  lxw_format *text, *wrap, *integer, *points, *two_decimals;
};

struct workbook_formats {
  lxw_format *title, *campaign, *subtitle, *header;
  cell_formats normal, emphasis;
};

// No cell borders: the sheet prints its gridlines instead, so an empty cell need not be
// written at all (a report of a million rows has millions of them).
lxw_format* cell_format(lxw_workbook* wb, bool bold, bool wrap, const char* num_format) {
  lxw_format* f = workbook_add_format(wb);
  format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
  if (bold) format_set_bold(f);
  if (wrap) format_set_text_wrap(f);
  if (num_format) format_set_num_format(f, num_format);
  return f;
}

cell_formats cell_formats_for(lxw_workbook* wb, bool bold) {
  return {cell_format(wb, bold, false, nullptr), cell_format(wb, bold, true, nullptr),
          cell_format(wb, bold, false, "0"), cell_format(wb, bold, false, "0.00##"),
          cell_format(wb, bold, false, "0.00")};
}

workbook_formats formats_for(lxw_workbook* wb) {
  workbook_formats f;
  f.title = workbook_add_format(wb);
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  f.campaign = workbook_add_format(wb);
  format_set_bold(f.campaign);
  f.subtitle = workbook_add_format(wb);
  format_set_italic(f.subtitle);
  f.header = workbook_add_format(wb);
  format_set_bold(f.header);
  format_set_text_wrap(f.header);
  format_set_border(f.header, LXW_BORDER_THIN);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
  format_set_bg_color(f.header, 0xD9E1F2);
  f.normal = cell_formats_for(wb, false);
  f.emphasis = cell_formats_for(wb, true);
  return f;
}

// One sheet being written: its rows so far and the widest value of each column.
class sheet_writer {
 public:
  sheet_writer(lxw_workbook* wb, const workbook_formats& f, const report_tables& t,
               const table& table, const std::string& name)
      : table_(table), f_(f), widths_(table.columns.size(), min_width) {
    ws_ = workbook_add_worksheet(wb, name.c_str());
    if (!ws_) throw std::runtime_error("xlsx: cannot add the sheet " + name);
    check(worksheet_write_string(ws_, 0, 0, table.title.c_str(), f.title), "title");
    check(worksheet_write_string(ws_, 1, 0, t.campaign.c_str(), f.campaign), "campaign");
    if (!table.subtitle.empty())
      check(worksheet_write_string(ws_, 2, 0, table.subtitle.c_str(), f.subtitle), "subtitle");
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto& h = table.columns[c].header;
      check(worksheet_write_string(ws_, header_row, col(c), h.c_str(), f.header), "header");
      // The header wraps: its longest word, or half of it, whichever is wider.
      std::size_t word = 0, longest = 0;
      for (char ch : h + " ") {
        if (ch == ' ') {
          longest = std::max(longest, word);
          word = 0;
        } else if ((ch & 0xC0) != 0x80) {
          ++word;
        }
      }
      widen(c, std::max(longest, (characters(h) + 1) / 2));
    }
    // Print: A4 landscape, one page wide, header row on every page, title and campaign
    // in the page header, page numbers in the footer.
    worksheet_set_landscape(ws_);
    worksheet_set_paper(ws_, paper_a4);
    worksheet_fit_to_pages(ws_, 1, 0);
    worksheet_set_margins(ws_, 0.4, 0.4, 0.8, 0.6);
    worksheet_center_horizontally(ws_);
    worksheet_gridlines(ws_, LXW_SHOW_ALL_GRIDLINES);
    check(worksheet_repeat_rows(ws_, header_row, header_row), "repeat rows");
    const std::string page_header = "&C&\"-,Bold\"" + header_text(table.title, 110) +
                                    "\n&\"-,Regular\"" + header_text(t.campaign, 110);
    check(worksheet_set_header(ws_, page_header.c_str()), "page header");
    check(worksheet_set_footer(ws_, "&CTrang &P / &N"), "page footer");
    worksheet_freeze_panes(ws_, first_data_row, 0);
  }

  std::size_t rows() const noexcept { return rows_; }

  void write(const table_row& r) {
    const lxw_row_t row = first_data_row + static_cast<lxw_row_t>(rows_++);
    const cell_formats& cf = r.emphasis ? f_.emphasis : f_.normal;
    for (std::size_t c = 0; c < table_.columns.size(); ++c) {
      static const table_cell empty;
      const table_cell& cell = c < r.cells.size() ? r.cells[c] : empty;
      const bool wrap = table_.columns[c].wrap;
      switch (cell.kind) {
        case cell_kind::empty:
          continue;
        case cell_kind::text: {
          if (cell.text.empty()) continue;
          const std::size_t chars = characters(cell.text);
          lxw_format* format = wrap ? cf.wrap : cf.text;
          if (chars > max_cell_characters)
            check(worksheet_write_string(ws_, row, col(c),
                                         first_characters(cell.text, max_cell_characters).c_str(),
                                         format),
                  "text");
          else
            check(worksheet_write_string(ws_, row, col(c), cell.text.c_str(), format), "text");
          widen(c, chars);
          continue;
        }
        case cell_kind::integer:
          check(worksheet_write_number(ws_, row, col(c), static_cast<double>(cell.integer),
                                       cf.integer),
                "number");
          break;
        case cell_kind::points:
          check(worksheet_write_number(ws_, row, col(c), number(cell.text), cf.points), "number");
          break;
        case cell_kind::percent:
        case cell_kind::mean:
          check(worksheet_write_number(ws_, row, col(c), number(cell.text), cf.two_decimals),
                "number");
          break;
      }
      widen(c, characters(cell.text) + (cell.kind == cell_kind::points ? 1 : 0));
    }
  }

  // Column widths, once every row is in (libxlsxwriter writes them at close).
  void finish() {
    for (std::size_t c = 0; c < widths_.size(); ++c) {
      double w = std::min(widths_[c], table_.columns[c].wrap ? wrapped_width : max_width);
      check(worksheet_set_column(ws_, col(c), col(c), w, nullptr), "column width");
    }
  }

 private:
  static lxw_col_t col(std::size_t c) { return static_cast<lxw_col_t>(c); }
  void widen(std::size_t c, std::size_t chars) {
    widths_[c] = std::max(widths_[c], static_cast<double>(chars) + 2);
  }

  const table& table_;
  const workbook_formats& f_;
  lxw_worksheet* ws_ = nullptr;
  std::vector<double> widths_;
  std::size_t rows_ = 0;
};

// A name Excel takes: at most 31 characters, none of []:*?/\ , not used before in the
// workbook (Excel compares names without case; ours differ by more than case).
std::string unique_name(std::set<std::string>& used, std::string_view wanted) {
  std::string base;
  for (char c : wanted)
    base += std::string_view{"[]:*?/\\"}.find(c) == std::string_view::npos ? c : '_';
  if (base.empty()) base = "Sheet";
  std::string name = first_characters(base, LXW_SHEETNAME_MAX);
  for (int n = 2; used.contains(name); ++n) {
    const auto suffix = " (" + std::to_string(n) + ")";
    name = first_characters(base, LXW_SHEETNAME_MAX - suffix.size()) + suffix;
  }
  used.insert(name);
  return name;
}

// Removes a file when it goes out of scope, whatever happened.
struct removed_at_exit {
  std::filesystem::path path;
  ~removed_at_exit() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

}  // namespace

std::string write_xlsx(const report_tables& t, const std::filesystem::path& temp_dir) {
  std::string pattern = (temp_dir / "parix-report-XXXXXX.xlsx").string();
  const int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) throw std::runtime_error("xlsx: cannot create a file in " + temp_dir.string());
  ::close(fd);
  removed_at_exit file{pattern};

  std::string tmpdir = temp_dir.string();
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;  // rows go to disk as written: 12,000 units or more
  options.tmpdir = tmpdir.data();
  options.use_zip64 = LXW_TRUE;  // a sheet of a million rows passes 4 GB of XML
  lxw_workbook* wb = workbook_new_opt(pattern.c_str(), &options);
  if (!wb) throw std::runtime_error("xlsx: cannot start a workbook in " + temp_dir.string());
  bool closed = false;
  struct closer {
    lxw_workbook* wb;
    bool& closed;
    ~closer() {
      if (!closed) workbook_close(wb);  // frees it; the half-written file is removed
    }
  } close_guard{wb, closed};

  std::string title = t.title, subject = t.campaign, author = "parix";
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.subject = subject.data();
  properties.author = author.data();
  check(workbook_set_properties(wb, &properties), "properties");

  const auto f = formats_for(wb);
  std::set<std::string> names;
  for (const auto& table : t.sheets) {
    auto current = std::make_unique<sheet_writer>(wb, f, t, table, unique_name(names, table.name));
    table.rows([&](const table_row& r) {
      if (current->rows() == rows_per_sheet) {
        current->finish();
        current = std::make_unique<sheet_writer>(wb, f, t, table, unique_name(names, table.name));
      }
      current->write(r);
    });
    current->finish();
  }
  closed = true;
  check(workbook_close(wb), "close");

  std::ifstream in{file.path, std::ios::binary};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw std::runtime_error("xlsx: cannot read back " + file.path.string());
  return std::move(bytes).str();
}

}  // namespace parix::workflow
