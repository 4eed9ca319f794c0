// Writing tables as an XLSX workbook: SpreadsheetML parts, zipped by zip_writer.
#include "workflow/reports/xlsx_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <memory>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "workflow/reports/zip_writer.hpp"

namespace parix::workflow {
namespace {

// Rows 1-3: title, campaign, the sheet's subtitle; row 4: the column headers.
constexpr std::size_t header_row = 4;
constexpr std::size_t max_rows = 1048576;  // Excel's rows per sheet
constexpr std::size_t rows_per_sheet = max_rows - header_row;
constexpr std::size_t max_cell_characters = 32767;  // Excel's limit for one cell
constexpr std::size_t max_sheet_name = 31;          // Excel's limit for a sheet's name
constexpr double min_width = 6, max_width = 60, wrapped_width = 45;
// zlib's fastest level: most of the workbook is markup that any level compresses well,
// and the time goes with the level (docs/benchmarks.md).
constexpr int deflate_level = 1;
// A sheet's XML is handed to zlib in pieces of about this size.
constexpr std::size_t xml_chunk = 256 * 1024;

constexpr std::string_view main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view rel_ns =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr std::string_view xml_declaration =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

// The cell formats (cellXfs of styles.xml), by index.
enum style : int {
  style_title = 1,
  style_campaign,
  style_subtitle,
  style_header,
  style_text,  // then wrap, integer, points, two decimals; the same five in bold follow
};
enum cell_style_offset : int {
  text_offset,
  wrap_offset,
  integer_offset,
  points_offset,
  two_offset
};
constexpr int emphasis_offset = 5;

// Every format the reports use: no cell borders (the sheet prints its gridlines, so an
// empty cell need not be written at all), cells aligned to the top of a wrapped row.
constexpr std::string_view styles_xml =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.00##\"/></numFmts>"
    "<fonts count=\"4\">"
    "<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "<font><b/><sz val=\"14\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "<font><i/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
    "</fonts>"
    "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill>"
    "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFD9E1F2\"/><bgColor indexed=\"64\"/>"
    "</patternFill></fill></fills>"
    "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
    "<border><left style=\"thin\"><color indexed=\"64\"/></left>"
    "<right style=\"thin\"><color indexed=\"64\"/></right>"
    "<top style=\"thin\"><color indexed=\"64\"/></top>"
    "<bottom style=\"thin\"><color indexed=\"64\"/></bottom><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
    "</cellStyleXfs>"
    "<cellXfs count=\"15\">"
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    // title, campaign, subtitle, header
    "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    "<xf numFmtId=\"0\" fontId=\"3\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" "
    "applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\">"
    "<alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>"
    // normal: text, wrapped text, integer "0" (1), points "0.00##" (164), "0.00" (2)
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\">"
    "<alignment vertical=\"top\"/></xf>"
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\">"
    "<alignment vertical=\"top\" wrapText=\"1\"/></xf>"
    "<xf numFmtId=\"1\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\" "
    "applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>"
    "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>"
    "<xf numFmtId=\"2\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\" "
    "applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>"
    // the same in bold (emphasis rows)
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" "
    "applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" "
    "applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>"
    "<xf numFmtId=\"1\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\" "
    "applyFont=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>"
    "<xf numFmtId=\"164\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\" applyFont=\"1\" applyAlignment=\"1\"><alignment "
    "vertical=\"top\"/></xf>"
    "<xf numFmtId=\"2\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
    "applyNumberFormat=\"1\" "
    "applyFont=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>"
    "</cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    "<dxfs count=\"0\"/><tableStyles count=\"0\"/></styleSheet>";

// Characters, not bytes: what a column shows.
std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// The first n characters of s.
std::string_view first_characters(std::string_view s, std::size_t n) {
  std::size_t seen = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((s[i] & 0xC0) != 0x80 && seen++ == n) break;
  }
  return s.substr(0, i);
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

void escaped_code(std::string& out, unsigned code) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out += "_x";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex[(code >> shift) & 0xF];
  out += '_';
}

// Bytes that need more than copying in XML text or an attribute.
constexpr std::array<bool, 256> special_bytes = [] {
  std::array<bool, 256> s{};
  for (int c = 0; c < 0x20; ++c) s[c] = c != '\t' && c != '\n';
  for (unsigned char c : std::string_view{"&<>\"_\xEF"}) s[c] = true;
  return s;
}();

// s as XML character data (in an element or a double-quoted attribute). What XML 1.0
// cannot hold is written as Excel writes it, "_xHHHH_" (ECMA-376 Part 1, 22.9.2.19
// ST_Xstring), which Excel reads back as the character: control characters, the
// non-characters U+FFFE and U+FFFF, and CR (an XML reader turns a CR into a LF). A "_"
// that starts such a code in the text itself is escaped as "_x005F_" so that Excel shows
// the text as it was.
void xml_text(std::string& out, std::string_view s) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!special_bytes[c]) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '_':
        if (i + 6 < s.size() && s[i + 1] == 'x' && is_hex(s[i + 2]) && is_hex(s[i + 3]) &&
            is_hex(s[i + 4]) && is_hex(s[i + 5]) && s[i + 6] == '_')
          escaped_code(out, '_');
        else
          out += '_';
        break;
      case 0xEF:  // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8
        if (i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE) {
          escaped_code(out, 0xFFFE | (static_cast<unsigned char>(s[i + 2]) & 1));
          i += 2;
          run = i + 1;
        } else {
          out += s[i];
        }
        break;
      default:
        escaped_code(out, c);
    }
  }
  out.append(s.data() + run, s.size() - run);
}

std::string escaped(std::string_view s) {
  std::string out;
  xml_text(out, s);
  return out;
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

// "A", …, "Z", "AA", …: a column's letters (c counted from 0).
std::string column_letters(std::size_t c) {
  std::string s;
  for (++c; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

template <typename Number>
void append_number(std::string& out, Number n) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// The shortest text that reads back as the same double: what the cell holds.
void append_decimal(std::string& out, const std::string& decimal) {
  double d = 0;
  const auto [end, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), d);
  if (ec != std::errc{} || end != decimal.data() + decimal.size())
    throw std::logic_error("xlsx: not a number: " + decimal);
  append_number(out, d);
}

// A column's width as Excel stores it: characters of the widest digit (7 pixels in
// Calibri 11) plus 5 pixels of padding, in 1/256 of a character (ECMA-376 Part 1,
// 18.3.1.13), as libxlsxwriter stored it.
double stored_width(double characters) {
  const auto pixels = static_cast<unsigned>(characters * 7 + 0.5) + 5;
  return static_cast<unsigned>(pixels / 7.0 * 256) / 256.0;
}

bool needs_preserve(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  return !s.empty() && (space(s.front()) || space(s.back()));
}

// A SpreadsheetML part's declaration and root start tag, its namespaces declared.
std::string opening(std::string_view root) {
  std::string x{xml_declaration};
  x += '<';
  x += root;
  x += " xmlns=\"";
  x += main_ns;
  x += "\" xmlns:r=\"";
  x += rel_ns;
  x += "\">";
  return x;
}

// A part whose head is known only once its body is written (a sheet's column widths,
// the shared strings' count): the body's rest written and the body ended, the head
// deflated on its own and joined in front of it.
void add_part(zip_writer& zip, const std::string& name, std::string_view head, deflate_piece& body,
              std::string_view body_rest) {
  body.write(body_rest);
  body.end(true);
  deflate_piece head_piece{deflate_level};
  head_piece.write(head);
  head_piece.end(false);
  zip.add(name, {&head_piece, &body});
}

// The workbook's shared strings (ECMA-376 Part 1, 18.4): a text met again is written as
// its number in the table. A report repeats most of its texts (a criterion's title and
// responsible body, a unit's name on each of its rows), and a number is far less XML to
// deflate: criteria below maximum took 4.8 s with every text inline, 3.3 s so. The
// table's XML is deflated as texts come; the texts themselves are kept for the lookup,
// up to max_bytes, beyond which new texts are written inline in their cells (so a
// million distinct remarks cost no more memory than that).
class shared_strings {
 public:
  shared_strings() : xml_(deflate_level) {}

  // The text's number, or -1 when the table is full and the text new.
  std::int64_t index(std::string_view text) {
    if (auto i = index_.find(text); i != index_.end()) return i->second;
    if (bytes_ + text.size() + per_text > max_bytes) return -1;
    bytes_ += text.size() + per_text;
    const auto n = static_cast<std::int64_t>(index_.size());
    index_.emplace(texts_.emplace_back(text), n);
    pending_ += needs_preserve(text) ? "<si><t xml:space=\"preserve\">" : "<si><t>";
    xml_text(pending_, text);
    pending_ += "</t></si>";
    if (pending_.size() >= xml_chunk) {
      xml_.write(pending_);
      pending_.clear();
    }
    return n;
  }

  // One more cell refers to a shared string (the table's head counts them).
  void count() noexcept { ++count_; }

  void finish(zip_writer& zip) {
    pending_ += "</sst>";
    std::string head{xml_declaration};
    head += "<sst xmlns=\"";
    head += main_ns;
    head += "\" count=\"";
    append_number(head, count_);
    head += "\" uniqueCount=\"";
    append_number(head, index_.size());
    head += "\">";
    add_part(zip, "xl/sharedStrings.xml", head, xml_, pending_);
  }

 private:
  // About the workbook's own size for the largest report.
  static constexpr std::size_t max_bytes = 32 << 20;
  static constexpr std::size_t per_text = 64;  // what the map spends on a text besides it
  // Keys are views of texts_ (a deque: its strings never move). std::hash of a
  // string_view is one libstdc++ keeps in the nodes, so a lookup rehashes no key.
  std::deque<std::string> texts_;
  std::unordered_map<std::string_view, std::int64_t> index_;
  deflate_piece xml_;
  std::string pending_;
  std::size_t bytes_ = 0, count_ = 0;
};

// One sheet being written: its rows so far, deflated as they come, and the widest value
// of each column, which the sheet's head (written last, read first) needs.
class sheet_writer {
 public:
  sheet_writer(const report_tables& t, const table& table, bool selected, shared_strings& strings)
      : table_(table),
        selected_(selected),
        strings_(strings),
        body_(deflate_level),
        widths_(table.columns.size(), min_width),
        last_(table.columns.size()) {
    // Column A at least: the title rows are written there even for a table without columns.
    for (std::size_t c = 0; c < std::max<std::size_t>(table.columns.size(), 1); ++c)
      cell_open_.push_back("<c r=\"" + column_letters(c));
    xml_.reserve(xml_chunk + 64 * 1024);
    begin_row();
    text_cell(0, style_title, table.title);
    end_row();
    begin_row();
    text_cell(0, style_campaign, t.campaign);
    end_row();
    begin_row();
    if (!table.subtitle.empty()) text_cell(0, style_subtitle, table.subtitle);
    end_row();
    begin_row();
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto& h = table.columns[c].header;
      text_cell(c, style_header, h);
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
    end_row();
    // Print: A4 landscape, one page wide, header row on every page (a defined name in
    // the workbook), title and campaign in the page header, page numbers in the footer.
    page_header_ = "&C&\"-,Bold\"" + header_text(table.title, 110) + "\n&\"-,Regular\"" +
                   header_text(t.campaign, 110);
  }

  std::size_t rows() const noexcept { return rows_; }

  void write(const table_row& r) {
    begin_row();
    const int base = style_text + (r.emphasis ? emphasis_offset : 0);
    for (std::size_t c = 0; c < table_.columns.size(); ++c) {
      static const table_cell empty;
      const table_cell& cell = c < r.cells.size() ? r.cells[c] : empty;
      switch (cell.kind) {
        case cell_kind::empty:
          continue;
        case cell_kind::text: {
          if (cell.text.empty()) continue;
          const int s = base + (table_.columns[c].wrap ? wrap_offset : text_offset);
          // The text of the row above, as a report grouped by criterion repeats the
          // criterion's code, title and body on thousands of rows: no lookup, no width.
          auto& last = last_[c];
          if (last.index >= 0 && cell.text == last.text) {
            shared_cell(c, s, last.index);
            continue;
          }
          const std::size_t chars = characters(cell.text);
          last.index = text_cell(c, s,
                                 chars > max_cell_characters
                                     ? first_characters(cell.text, max_cell_characters)
                                     : std::string_view{cell.text});
          last.text.assign(cell.text);
          widen(c, chars);
          continue;
        }
        case cell_kind::integer:
          number_open(c, base + integer_offset);
          append_number(xml_, cell.integer);
          break;
        case cell_kind::points:
          number_open(c, base + points_offset);
          append_decimal(xml_, cell.text);
          break;
        case cell_kind::percent:
        case cell_kind::mean:
          number_open(c, base + two_offset);
          append_decimal(xml_, cell.text);
          break;
      }
      xml_ += "</v></c>";
      widen(c, characters(cell.text) + (cell.kind == cell_kind::points ? 1 : 0));
    }
    end_row();
    ++rows_;
  }

  // The sheet's part, once every row is in: its head (which holds the column widths)
  // and the rows, joined.
  void finish(zip_writer& zip, const std::string& part_name) {
    xml_ +=
        "</sheetData><printOptions horizontalCentered=\"1\" gridLines=\"1\"/>"
        "<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.8\" bottom=\"0.6\" header=\"0.3\" "
        "footer=\"0.3\"/><pageSetup paperSize=\"9\" orientation=\"landscape\" "
        "fitToHeight=\"0\"/><headerFooter><oddHeader>";
    xml_text(xml_, page_header_);
    xml_ +=
        "</oddHeader><oddFooter>&amp;CTrang &amp;P / &amp;N</oddFooter></headerFooter>"
        "</worksheet>";

    std::string head = opening("worksheet");
    head += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1:";
    head += column_letters(std::max<std::size_t>(table_.columns.size(), 1) - 1);
    append_number(head, row_number_);
    head += "\"/><sheetViews><sheetView ";
    if (selected_) head += "tabSelected=\"1\" ";
    head += "workbookViewId=\"0\"><pane ySplit=\"";
    append_number(head, header_row);
    head += "\" topLeftCell=\"A";
    append_number(head, header_row + 1);
    head +=
        "\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/>"
        "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>";
    if (!widths_.empty()) {
      head += "<cols>";
      for (std::size_t c = 0; c < widths_.size(); ++c) {
        const double w = std::min(widths_[c], table_.columns[c].wrap ? wrapped_width : max_width);
        head += "<col min=\"";
        append_number(head, c + 1);
        head += "\" max=\"";
        append_number(head, c + 1);
        head += "\" width=\"";
        append_number(head, stored_width(w));
        head += "\" customWidth=\"1\"/>";
      }
      head += "</cols>";
    }
    head += "<sheetData>";
    add_part(zip, part_name, head, body_, xml_);
  }

 private:
  void begin_row() {
    ++row_number_;
    row_text_.clear();
    append_number(row_text_, row_number_);
    xml_ += "<row r=\"";
    xml_ += row_text_;
    xml_ += "\">";
  }

  void end_row() {
    xml_ += "</row>";
    if (xml_.size() >= xml_chunk) {
      body_.write(xml_);
      xml_.clear();
    }
  }

  // Every cell names its reference. ECMA-376 (Part 1, 18.3.1.4) lets a cell without "r"
  // follow the previous one, and Excel, LibreOffice, openpyxl and xlsx2csv read that, but
  // some strict readers (ClosedXML, EPPlus) do not; a province opens these files with
  // whatever it has. Leaving it out halved the file and saved about a third of the time.
  void cell_open(std::size_t c, int s) {
    xml_ += cell_open_[c];
    xml_ += row_text_;
    xml_ += "\" s=\"";
    append_number(xml_, s);
  }

  void number_open(std::size_t c, int s) {
    cell_open(c, s);
    xml_ += "\"><v>";
  }

  // A shared string, or inline once the table is full.
  // Returns the shared string's number, -1 when written inline.
  std::int64_t text_cell(std::size_t c, int s, std::string_view text) {
    const auto n = strings_.index(text);
    if (n >= 0) {
      shared_cell(c, s, n);
      return n;
    }
    cell_open(c, s);
    xml_ += needs_preserve(text) ? "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                                 : "\" t=\"inlineStr\"><is><t>";
    xml_text(xml_, text);
    xml_ += "</t></is></c>";
    return n;
  }

  void shared_cell(std::size_t c, int s, std::int64_t n) {
    strings_.count();
    cell_open(c, s);
    xml_ += "\" t=\"s\"><v>";
    append_number(xml_, n);
    xml_ += "</v></c>";
  }

  void widen(std::size_t c, std::size_t chars) {
    widths_[c] = std::max(widths_[c], static_cast<double>(chars) + 2);
  }

  const table& table_;
  bool selected_;
  shared_strings& strings_;
  deflate_piece body_;
  std::string xml_, row_text_, page_header_;
  std::vector<std::string> cell_open_;  // `<c r="B` for each column
  std::vector<double> widths_;
  struct last_text {
    std::string text;
    std::int64_t index = -1;  // its shared string; -1: none
  };
  std::vector<last_text> last_;  // per column, the text of the latest data row
  std::size_t rows_ = 0, row_number_ = 0;
};

// A name Excel takes: at most 31 characters, none of []:*?/\ nor a control character,
// not starting or ending with an apostrophe, not used before in the workbook (Excel
// compares names without case; ours differ by more than case).
std::string unique_name(std::set<std::string>& used, std::string_view wanted) {
  std::string base;
  for (char c : wanted) {
    const bool bad = std::string_view{"[]:*?/\\"}.find(c) != std::string_view::npos ||
                     static_cast<unsigned char>(c) < 0x20;
    base += bad ? '_' : c;
  }
  if (!base.empty() && base.front() == '\'') base.front() = '_';
  if (!base.empty() && base.back() == '\'') base.back() = '_';
  if (base.empty()) base = "Sheet";
  std::string name{first_characters(base, max_sheet_name)};
  for (int n = 2; used.contains(name); ++n) {
    const auto suffix = " (" + std::to_string(n) + ")";
    name = std::string{first_characters(base, max_sheet_name - suffix.size())} + suffix;
  }
  used.insert(name);
  return name;
}

std::string sheet_part(std::size_t n) {
  return "xl/worksheets/sheet" + std::to_string(n) + ".xml";
}

std::string content_types_xml(std::size_t sheets) {
  std::string x{xml_declaration};
  x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
       "<Default Extension=\"rels\" "
       "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
       "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
       "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
       "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
       "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
       "<Override PartName=\"/docProps/core.xml\" "
       "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
       "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.extended-properties+xml\"/>";
  for (std::size_t n = 1; n <= sheets; ++n)
    x += "<Override PartName=\"/" + sheet_part(n) +
         "\" ContentType=\"application/"
         "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
  return x + "</Types>";
}

std::string package_rels_xml() {
  std::string x{xml_declaration};
  return x +
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
         "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
         "2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
         "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
         "2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
         "</Relationships>";
}

// No creation date: workflow code reads no clock, and the same tables give the same file.
std::string core_xml(const report_tables& t) {
  std::string x{xml_declaration};
  x += "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
       "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
       "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>";
  xml_text(x, t.title);
  x += "</dc:title><dc:subject>";
  xml_text(x, t.campaign);
  x += "</dc:subject><dc:creator>parix</dc:creator></cp:coreProperties>";
  return x;
}

std::string app_xml() {
  std::string x{xml_declaration};
  return x +
         "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
         "extended-properties\"><Application>parix</Application></Properties>";
}

std::string workbook_xml(const std::vector<std::string>& names) {
  std::string x = opening("workbook");
  x += "<bookViews><workbookView/></bookViews><sheets>";
  for (std::size_t i = 0; i < names.size(); ++i) {
    x += "<sheet name=\"" + escaped(names[i]) + "\" sheetId=\"" + std::to_string(i + 1) +
         "\" r:id=\"rId" + std::to_string(i + 1) + "\"/>";
  }
  x += "</sheets><definedNames>";
  // The header row printed on every page: Excel's print titles, one name per sheet.
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string quoted;
    for (char c : names[i]) quoted += c == '\'' ? std::string{"''"} : std::string{c};
    const auto row = std::to_string(header_row);
    x += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"" + std::to_string(i) + "\">'" +
         escaped(quoted) + "'!$" + row + ":$" + row + "</definedName>";
  }
  return x + "</definedNames><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>";
}

std::string workbook_rels_xml(std::size_t sheets) {
  std::string x{xml_declaration};
  x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (std::size_t n = 1; n <= sheets; ++n)
    x += "<Relationship Id=\"rId" + std::to_string(n) +
         "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
         "worksheet\" Target=\"worksheets/sheet" +
         std::to_string(n) + ".xml\"/>";
  x += "<Relationship Id=\"rId" + std::to_string(sheets + 1) +
       "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
       "Target=\"styles.xml\"/>";
  x += "<Relationship Id=\"rId" + std::to_string(sheets + 2) +
       "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "sharedStrings\" Target=\"sharedStrings.xml\"/>";
  return x + "</Relationships>";
}

}  // namespace

std::string write_xlsx(const report_tables& t) {
  zip_writer zip{deflate_level};
  shared_strings strings;
  std::set<std::string> used;
  std::vector<std::string> names;
  // A workbook holds at least one sheet (Excel refuses one without).
  static const table no_table{"Sheet", "", "", {}, [](const row_sink&) {}};
  const std::vector<table> only_empty{no_table};
  const auto& sheets = t.sheets.empty() ? only_empty : t.sheets;
  // Sheets first: a sheet's part is complete once its rows are; the parts that list the
  // sheets follow.
  for (const auto& table : sheets) {
    auto start = [&] {
      names.push_back(unique_name(used, table.name));
      return std::make_unique<sheet_writer>(t, table, names.size() == 1, strings);
    };
    auto current = start();
    table.rows([&](const table_row& r) {
      if (current->rows() == rows_per_sheet) {
        current->finish(zip, sheet_part(names.size()));
        current = start();
      }
      current->write(r);
    });
    current->finish(zip, sheet_part(names.size()));
  }
  strings.finish(zip);
  // The package's two entry points first, as Excel writes them (file(1) and other type
  // sniffers look there).
  zip.add("[Content_Types].xml", content_types_xml(names.size()), zip_writer::placement::first);
  zip.add("_rels/.rels", package_rels_xml(), zip_writer::placement::first);
  zip.add("docProps/app.xml", app_xml());
  zip.add("docProps/core.xml", core_xml(t));
  zip.add("xl/workbook.xml", workbook_xml(names));
  zip.add("xl/_rels/workbook.xml.rels", workbook_rels_xml(names.size()));
  zip.add("xl/styles.xml", std::string{xml_declaration} + std::string{styles_xml});
  return zip.finish();
}

}  // namespace parix::workflow
