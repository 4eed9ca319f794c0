// The XLSX writer (SpreadsheetML parts written by parix, zipped with zlib) read back by
// independent readers: openpyxl for the cells and the print set-up, xlsx2csv for the
// cells again, Python's zipfile and Info-ZIP's unzip for the ZIP container.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "tests/support/report_support.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflow/reports/xlsx_writer.hpp"
#include "workflow/reports/zip_writer.hpp"

namespace parix::workflow {
namespace {

using namespace std::string_literals;

table_cell text(std::string s) {
  return {cell_kind::text, std::move(s), 0};
}

table one_table(std::string name, std::vector<table_column> columns, std::vector<table_row> rows) {
  table t;
  t.name = std::move(name);
  t.title = "Tiêu đề";
  t.columns = std::move(columns);
  t.rows = [rows = std::move(rows)](const row_sink& sink) {
    for (const auto& r : rows) sink(r);
  };
  return t;
}

std::string write_file(const testing::temp_dir& dir, const std::string& name,
                       const std::string& bytes) {
  const auto file = dir / name;
  std::ofstream{file, std::ios::binary} << bytes;
  return file.string();
}

TEST(xlsx_writer, sets_up_print_frozen_pane_number_formats_and_column_widths) {
  report_tables t;
  t.title = "Kết quả";
  t.campaign = "Chỉ số CCHC 2024";
  auto a = one_table(
      "Xếp hạng - A", {{"STT", false}, {"Tên đơn vị", true}, {"Điểm", false}},
      {{{{cell_kind::integer, "1", 1}, text("Sở Tư pháp"), {cell_kind::points, "86.5", 0}}},
       {{{cell_kind::integer, "12", 12}, text(std::string(80, 'x')), {cell_kind::mean, "83.15", 0}},
        true}});
  a.subtitle = "Nhóm A";
  t.sheets.push_back(a);
  const auto book = testing::read_xlsx(write_xlsx(t));
  const auto& s = book.at("sheets").as_array().at(0);
  EXPECT_EQ(s.at("name").as_string(), "Xếp hạng - A");
  EXPECT_EQ(s.at("freeze_panes").as_string(), "A5");
  EXPECT_EQ(s.at("print_title_rows").as_string(), "$4:$4");
  EXPECT_EQ(s.at("orientation").as_string(), "landscape");
  EXPECT_EQ(s.at("paper_size").as_int64(), 9);
  EXPECT_TRUE(s.at("fit_to_page").as_bool());
  EXPECT_EQ(s.at("fit_to_width").as_int64(), 1);
  EXPECT_EQ(s.at("fit_to_height").as_int64(), 0);
  EXPECT_EQ(s.at("margins"), (boost::json::array{0.4, 0.4, 0.8, 0.6}));
  EXPECT_TRUE(s.at("grid_lines").as_bool());
  EXPECT_TRUE(s.at("horizontally_centered").as_bool());
  // The page header (openpyxl shows it without its font codes).
  EXPECT_EQ(s.at("header_center").as_string(), "Tiêu đề\nChỉ số CCHC 2024");
  EXPECT_EQ(s.at("footer_center").as_string(), "Trang &P / &N");
  // Widths as libxlsxwriter stored them: characters + 2, at least 6, at most 45 when
  // wrapped, in Excel's units (7-pixel digits plus 5 pixels of padding, 1/256 steps).
  // "STT": 6 -> 6.7109375; the wrapped 80 x: 45 -> 45.7109375; "83.15": 5 + 2 = 7 ->
  // 7.7109375 but "86.5" (points) is 4 + 1 + 2 = 7 too.
  EXPECT_EQ(s.at("widths"), (boost::json::array{6.7109375, 45.7109375, 7.7109375}));
  const auto& rows = s.at("rows").as_array();
  ASSERT_EQ(rows.size(), 6u);
  auto cell = [&](std::size_t r, std::size_t c) -> const boost::json::value& {
    return rows[r].as_array().at(c);
  };
  EXPECT_EQ(cell(0, 0).at("v").as_string(), "Tiêu đề");
  EXPECT_TRUE(cell(0, 0).at("bold").as_bool());
  EXPECT_EQ(cell(1, 0).at("v").as_string(), "Chỉ số CCHC 2024");
  EXPECT_EQ(cell(2, 0).at("v").as_string(), "Nhóm A");
  EXPECT_TRUE(cell(3, 2).at("bold").as_bool()) << "the header row";
  EXPECT_EQ(cell(4, 0).at("v").as_double(), 1);
  EXPECT_EQ(cell(4, 0).at("fmt").as_string(), "0");
  EXPECT_EQ(cell(4, 2).at("v").as_double(), 86.5);
  EXPECT_EQ(cell(4, 2).at("fmt").as_string(), "0.00##");
  EXPECT_FALSE(cell(4, 2).at("bold").as_bool());
  EXPECT_EQ(cell(5, 0).at("v").as_double(), 12);
  EXPECT_EQ(cell(5, 2).at("v").as_double(), 83.15);
  EXPECT_EQ(cell(5, 2).at("fmt").as_string(), "0.00");
  EXPECT_TRUE(cell(5, 2).at("bold").as_bool()) << "an emphasised row";
}

TEST(xlsx_writer, escapes_text_and_it_reads_back_unchanged) {
  // What XML needs escaped, what XML 1.0 cannot hold at all (written as Excel writes it,
  // "_xHHHH_"), text that looks like such a code, spaces at the ends, Vietnamese.
  const std::vector<std::string> texts = {
      "A & B <c> \"d\" 'e'",
      "Quyết định số 45/QĐ-UBND — Sở Tư pháp",
      "dòng một\ndòng hai\tcột",
      "CR\r\nLF",
      "nul\0, bell\x07, esc\x1B, unit\x1F"s,
      "_x0041_ is not A, _x00_ and _xZZZZ_ are text",
      "  hai dấu cách ở đầu và cuối  ",
      "non-characters \xEF\xBF\xBE \xEF\xBF\xBF kept, \xEF\xBC\xA1 (fullwidth A) too",
  };
  std::vector<table_row> rows;
  for (const auto& s : texts) rows.push_back({{text(s), {cell_kind::points, "-0.25", 0}}});
  rows.push_back({{{}, {}, text("after two empty cells")}});
  report_tables t;
  t.title = "Báo cáo <1> & 2";
  t.campaign = "Chiến dịch \x01";
  auto a = one_table("Tên 'có' & <dấu>: [a]/b?", {{"Văn bản", true}, {"Điểm", false}, {"C", false}},
                     rows);
  a.title = t.title;
  t.sheets.push_back(a);
  t.sheets.push_back(a);  // the same name again: a second, unique one
  const auto book = testing::read_xlsx(write_xlsx(t));
  EXPECT_EQ(book.at("title").as_string(), "Báo cáo <1> & 2");
  const auto& sheets = book.at("sheets").as_array();
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].at("name").as_string(), "Tên 'có' & <dấu>_ _a__b_");
  EXPECT_EQ(sheets[1].at("name").as_string(), "Tên 'có' & <dấu>_ _a__b_ (2)");
  for (const auto& s : sheets) {
    EXPECT_EQ(s.at("print_title_rows").as_string(), "$4:$4") << "the quoted name read back";
    EXPECT_EQ(s.at("header_center").as_string(), "Báo cáo <1> && 2\nChiến dịch \x01");
    const auto& rows_read = s.at("rows").as_array();
    ASSERT_EQ(rows_read.size(), 4 + texts.size() + 1);
    EXPECT_EQ(rows_read[0].as_array()[0].at("v").as_string(), t.title);
    EXPECT_EQ(rows_read[1].as_array()[0].at("v").as_string(), t.campaign);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const auto& r = rows_read[4 + i].as_array();
      EXPECT_EQ(r[0].at("v").as_string(), texts[i]) << i;
      EXPECT_EQ(r[1].at("v").as_double(), -0.25);
    }
    const auto& last = rows_read.back().as_array();
    ASSERT_EQ(last.size(), 3u);
    EXPECT_EQ(last[0].at("t").as_string(), "empty");
    EXPECT_EQ(last[1].at("t").as_string(), "empty");
    EXPECT_EQ(last[2].at("v").as_string(), "after two empty cells") << "in its own column";
  }
}

TEST(xlsx_writer, cuts_a_cell_at_excels_32767_characters) {
  std::string long_text;
  for (int i = 0; i < 40000; ++i) long_text += "ệ";
  report_tables t;
  t.sheets.push_back(one_table("A", {{"Dài", true}}, {{{text(long_text)}}}));
  const auto book = testing::read_xlsx(write_xlsx(t));
  const auto& v = book.at("sheets").as_array()[0].at("rows").as_array()[4].as_array()[0].at("v");
  std::string expected;
  for (int i = 0; i < 32767; ++i) expected += "ệ";
  EXPECT_EQ(v.as_string(), expected);
}

TEST(xlsx_writer, a_workbook_without_tables_still_has_a_sheet) {
  const auto book = testing::read_xlsx(write_xlsx(report_tables{}));
  ASSERT_EQ(book.at("sheets").as_array().size(), 1u);
}

// xlsx2csv (Debian xlsx2csv), a second reader independent of openpyxl and of parix.
TEST(xlsx_writer, xlsx2csv_reads_the_same_cells) {
  testing::temp_dir dir;
  report_tables t;
  t.title = "Kết quả & xếp hạng";
  t.campaign = "Chỉ số CCHC 2024";
  t.sheets.push_back(one_table("Tổng hợp", {{"Mã", false}, {"Nhận xét", true}, {"Điểm", false}},
                               {{{text("1.1"),
                                  text("Thiếu \"Quyết định\", <b> & dòng\nhai"),
                                  {cell_kind::points, "0.3112", 0}}},
                                {{text("1.2"), {}, {cell_kind::integer, "", 7}}}}));
  const auto file = write_file(dir, "book.xlsx", write_xlsx(t));
  const auto r = testing::run_command("xlsx2csv -s 1 " + file + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto csv = testing::parse_csv("\xEF\xBB\xBF" + r.output);
  ASSERT_EQ(csv.size(), 6u) << r.output;
  EXPECT_EQ(csv[0][0], "Tiêu đề") << "the table's title";
  EXPECT_EQ(csv[3], (std::vector<std::string>{"Mã", "Nhận xét", "Điểm"}));
  EXPECT_EQ(csv[4],
            (std::vector<std::string>{"1.1", "Thiếu \"Quyết định\", <b> & dòng\nhai", "0.3112"}));
  EXPECT_EQ(csv[5], (std::vector<std::string>{"1.2", "", "7"}));
}

// Python's zipfile and ElementTree reading a workbook's parts, for sheets too long for
// openpyxl (it takes minutes over a million rows): `names`, the sheets' names, and
// `rows(n)`, sheet n's rows as (number, [values]) with shared strings looked up.
constexpr const char* sheet_reader = R"py(
import re, sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
m = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
names = [s.get("name") for s in ET.fromstring(z.read("xl/workbook.xml")).iter(m + "sheet")]
sst = ["".join(si.itertext()) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(m + "si")]
def value(c):
  if c.get("t") == "s": return sst[int(c.findtext(m + "v"))]
  if c.get("t") == "inlineStr": return "".join(c.find(m + "is").itertext())
  return c.findtext(m + "v")
def rows(n):
  sheet = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % n))
  return [(int(r.get("r")), [value(c) for c in r]) for r in sheet.iter(m + "row")]
)py";

// Runs the Python code after sheet_reader with the workbook as its argument.
testing::command_result read_parts(const std::string& code, const std::string& file) {
  const auto dir = std::filesystem::path{file}.parent_path();
  std::ofstream{dir / "read.py"} << sheet_reader << code;
  return testing::run_command("/usr/bin/python3 " + (dir / "read.py").string() + " " + file +
                              " 2>&1");
}

// A table longer than a sheet: Excel's 1,048,576 rows less the four of the head, then
// "… (2)" with the head again.
TEST(xlsx_writer, continues_a_table_longer_than_a_sheet_on_the_next) {
  testing::temp_dir dir;
  constexpr std::int64_t rows = 1048576 - 4 + 3;
  report_tables t;
  table a;
  a.name = "Chi tiết";
  a.title = "Tiêu đề";
  a.columns = {{"STT", false}};
  a.rows = [](const row_sink& sink) {
    table_row r{{{cell_kind::integer, "", 0}}};
    for (std::int64_t i = 1; i <= rows; ++i) {
      r.cells[0].integer = i;
      sink(r);
    }
  };
  t.sheets.push_back(a);
  const auto r = read_parts(R"py(
print(names)
one = z.read("xl/worksheets/sheet1.xml")
print(re.search(rb"<dimension ref=.([A-Z0-9:]+)", one).group(1).decode())
print(one.rstrip().endswith(b"</worksheet>"))
for n, cells in rows(2):
  print(n, cells)
)py",
                            write_file(dir, "big.xlsx", write_xlsx(t)));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output,
            "['Chi tiết', 'Chi tiết (2)']\n"
            "A1:A1048576\n"
            "True\n"
            "1 ['Tiêu đề']\n"
            "2 ['']\n"
            "3 []\n"
            "4 ['STT']\n"
            "5 ['1048573']\n"
            "6 ['1048574']\n"
            "7 ['1048575']\n");
}

// Texts met again are shared; once the shared strings hold 32 MiB, new texts are written
// inline, and every cell still reads back as written.
TEST(xlsx_writer, writes_texts_inline_once_the_shared_strings_are_full) {
  testing::temp_dir dir;
  constexpr int rows = 120000;  // 120,000 texts of 300 bytes: more than 32 MiB with the map
  report_tables t;
  table a;
  a.name = "A";
  a.title = "T";
  a.columns = {{"Văn bản", false}, {"Lặp lại", false}};
  a.rows = [](const row_sink& sink) {
    table_row r{{text(""), text("Sở Nội vụ")}};
    for (int i = 0; i < rows; ++i) {
      r.cells[0].text = std::to_string(1000000 + i) + std::string(293, 'x');
      sink(r);
    }
  };
  t.sheets.push_back(a);
  const auto r = read_parts("rows_expected = " + std::to_string(rows) + R"py(
data = rows(1)[4:]
assert len(data) == rows_expected, len(data)
for i, (n, cells) in enumerate(data):
  assert cells == [str(1000000 + i) + "x" * 293, "Sở Nội vụ"], (n, cells)
sheet = z.read("xl/worksheets/sheet1.xml").decode()
print(sheet.count('t="s"') > rows_expected, sheet.count('t="inlineStr"') > 0,
      len(sst) < rows_expected)
)py",
                            write_file(dir, "many.xlsx", write_xlsx(t)));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "True True True\n");
}

// The ZIP container: entries joined from pieces, one placed first, and ZIP64 fields (written only
// past 4 GiB, so forced here from the first byte), read by Python's zipfile and Info-ZIP's unzip.
TEST(zip_writer, readers_accept_entries_joined_from_pieces_and_zip64_fields) {
  for (const std::uint64_t zip64_from : {std::uint64_t{0xFFFFFFFF}, std::uint64_t{0}}) {
    testing::temp_dir dir;
    zip_writer zip{1, zip64_from};
    zip.add("small.txt", "tiếng Việt");
    deflate_piece head{1}, body{1};
    std::string body_text;
    for (int i = 0; i < 200000; ++i) body_text += "<row>" + std::to_string(i) + "</row>";
    body.write(body_text.substr(0, 1000));
    body.write(body_text.substr(1000));
    body.end(true);
    head.write("<head/>");
    head.end(false);
    zip.add("joined.xml", {&head, &body});
    zip.add("first.txt", "đầu", zip_writer::placement::first);
    const auto file = write_file(dir, "a.zip", zip.finish());
    const auto py = testing::run_command(
        "/usr/bin/python3 -c 'import sys, zipfile\n"
        "z = zipfile.ZipFile(sys.argv[1])\n"
        "assert z.testzip() is None\n"
        "print(z.namelist(), z.read(\"first.txt\").decode(), z.read(\"small.txt\").decode(),\n"
        "      len(z.read(\"joined.xml\")),\n"
        "      z.read(\"joined.xml\")[:20])' " +
        file + " 2>&1");
    ASSERT_EQ(py.status, 0) << py.output;
    EXPECT_EQ(py.output, "['first.txt', 'small.txt', 'joined.xml'] đầu tiếng Việt " +
                             std::to_string(7 + body_text.size()) + " b'<head/><row>0</row><'\n")
        << zip64_from;
    const auto unzip = testing::run_command("unzip -t " + file + " 2>&1");
    EXPECT_EQ(unzip.status, 0) << unzip.output;
    EXPECT_NE(unzip.output.find("No errors detected"), std::string::npos) << unzip.output;
  }
}

}  // namespace
}  // namespace parix::workflow
