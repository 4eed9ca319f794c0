// The pieces the reports are written with, without a server: exact means, the JSON and
// CSV writers, the XLSX writer read back by an independent reader (openpyxl), and the
// optional `responsible` column of the criteria CSV.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include "tests/support/report_support.hpp"
#include "workflow/criteria.hpp"
#include "workflow/reports/csv_writer.hpp"
#include "workflow/reports/json_writer.hpp"
#include "workflow/reports/report_types.hpp"
#include "workflow/reports/xlsx_writer.hpp"

namespace parix::workflow {
namespace {

points p(const char* s) {
  return *points::parse(s);
}

TEST(points_mean, rounds_half_up_at_the_last_step_only) {
  points_mean m;
  EXPECT_EQ(m.to_string(), "") << "no units, no mean";
  m.add(p("0.005"));
  m.add(p("0.005"));
  EXPECT_EQ(m.to_string(), "0.01") << "exactly half rounds up";
  points_mean third;
  for (const char* v : {"8", "5.5", "8"}) third.add(p(v));
  EXPECT_EQ(third.to_string(), "7.17") << "21.5 / 3 = 7.1666…";
  EXPECT_EQ(third.to_string(4), "7.1667");
  points_mean small;
  small.add(p("0.0044"));
  small.add(p("0.0055"));
  EXPECT_EQ(small.to_string(), "0.00") << "0.00495 is below the half: no early rounding to 0.005";
  points_mean negative;
  negative.add(p("0"));
  negative.add(*points::parse("-0.5", nullptr, true));
  EXPECT_EQ(negative.to_string(), "-0.25");
}

TEST(json_writer, escapes_what_rfc_8259_requires_and_reads_back) {
  std::string out;
  json_writer w{out};
  const std::string nasty = "Quyết định \"45/QĐ\"\\ \n\t\r\x01 — kết thúc";
  w.begin_object();
  w.key("text").str(nasty);
  w.key("list").begin_array().num(-3).boolean(true).null().opt(std::nullopt).opt("x").end_array();
  w.key("empty").begin_object().end_object();
  // Escapes at either end of a string, alone, and none at all.
  w.key("edges").begin_array().str("\"x\n").str("\\").str("").str("plain").end_array();
  w.end_object();
  const auto v = boost::json::parse(out);
  EXPECT_EQ(v.at("text").as_string(), nasty);
  EXPECT_EQ(v.at("edges"), boost::json::value(boost::json::array{"\"x\n", "\\", "", "plain"}));
  const auto& list = v.at("list").as_array();
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0].as_int64(), -3);
  EXPECT_TRUE(list[1].as_bool());
  EXPECT_TRUE(list[2].is_null());
  EXPECT_TRUE(list[3].is_null());
  EXPECT_EQ(list[4].as_string(), "x");
  EXPECT_TRUE(v.at("empty").as_object().empty());
}

table sample_table(std::vector<table_row> rows) {
  table t;
  t.name = "Mẫu";
  t.title = "Tiêu đề";
  t.columns = {{"Mã", false}, {"Ghi chú, nhận xét", true}, {"Điểm", false}};
  t.rows = [rows = std::move(rows)](const row_sink& sink) {
    for (const auto& r : rows) sink(r);
  };
  return t;
}

table_cell text(std::string s) {
  return {cell_kind::text, std::move(s), 0};
}

TEST(csv_writer, writes_rfc_4180_with_a_bom_and_neutralises_formulas) {
  auto t = sample_table({
      {{text("1.1"), text("Thiếu \"Quyết định\", chưa đủ"), {cell_kind::points, "0.25", 0}}},
      {{text("1.2"), text("dòng một\ndòng hai"), {}}},
      {{text("=HYPERLINK(\"x\")"), text("- thiếu tài liệu"), {cell_kind::points, "-0.5", 0}}},
      {{text("+1"), text("-1+2"), text("@SUM(A1)")}},
  });
  EXPECT_EQ(write_csv(t),
            "\xEF\xBB\xBFMã,\"Ghi chú, nhận xét\",Điểm\r\n"
            "1.1,\"Thiếu \"\"Quyết định\"\", chưa đủ\",0.25\r\n"
            "1.2,\"dòng một\ndòng hai\",\r\n"
            "\"'=HYPERLINK(\"\"x\"\")\",- thiếu tài liệu,-0.5\r\n"
            "'+1,'-1+2,'@SUM(A1)\r\n");
}

TEST(xlsx_writer, stores_numbers_as_numbers_and_sets_up_every_sheet_for_print) {
  report_tables t;
  t.title = "Kết quả & xếp hạng";
  t.campaign = "Chỉ số CCHC 2024 (năm 2024)";
  t.file_stem = "x";
  auto a = sample_table(
      {{{text("1.1"), text("ngắn"), {cell_kind::points, "0.3112", 0}}},
       {{text("1.2"), text(std::string(200, 'x')), {cell_kind::percent, "86.00", 0}}, true}});
  a.name = "Một tên trang tính dài hơn ba mươi mốt ký tự";
  a.title = "Kết quả & xếp hạng";
  t.sheets.push_back(a);
  t.sheets.push_back(a);  // the same name again: made unique
  const auto book = testing::read_xlsx(write_xlsx(t));
  EXPECT_EQ(book.at("title").as_string(), "Kết quả & xếp hạng");
  const auto& sheets = book.at("sheets").as_array();
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_NE(sheets[0].at("name"), sheets[1].at("name"));
  for (const auto& s : sheets) {
    EXPECT_LE(s.at("name").as_string().size(), 31u * 4);
    EXPECT_EQ(s.at("freeze_panes").as_string(), "A5") << "title, campaign, subtitle, header";
    EXPECT_EQ(s.at("orientation").as_string(), "landscape");
    EXPECT_EQ(s.at("paper_size").as_int64(), 9) << "A4";
    EXPECT_TRUE(s.at("fit_to_page").as_bool());
    EXPECT_EQ(s.at("fit_to_width").as_int64(), 1);
    EXPECT_EQ(s.at("fit_to_height").as_int64(), 0);
    EXPECT_NE(s.at("print_title_rows").as_string().find("4:"), std::string::npos)
        << s.at("print_title_rows");
    const std::string header{s.at("header_center").as_string()};
    EXPECT_NE(header.find("Kết quả && xếp hạng"), std::string::npos) << header;
    EXPECT_NE(header.find("Chỉ số CCHC 2024"), std::string::npos) << header;
    const auto& rows = s.at("rows").as_array();
    ASSERT_EQ(rows.size(), 6u);
    EXPECT_EQ(rows[0].as_array()[0].at("v").as_string(), "Kết quả & xếp hạng");
    EXPECT_EQ(rows[3].as_array()[1].at("v").as_string(), "Ghi chú, nhận xét");
    const auto& n = rows[4].as_array()[2];
    EXPECT_EQ(n.at("t").as_string(), "n");
    EXPECT_EQ(n.at("v").as_double(), 0.3112);
    EXPECT_EQ(n.at("fmt").as_string(), "0.00##");
    const auto& pct = rows[5].as_array()[2];
    EXPECT_EQ(pct.at("v").as_double(), 86.0);
    EXPECT_EQ(pct.at("fmt").as_string(), "0.00");
    EXPECT_TRUE(pct.at("bold").as_bool()) << "an emphasised row";
    const auto& widths = s.at("widths").as_array();
    ASSERT_EQ(widths.size(), 3u);
    EXPECT_GE(widths[0].as_double(), 6);
    EXPECT_LE(widths[1].as_double(), 46) << "a wrapped column stops widening";
    EXPECT_GE(widths[1].as_double(), 40);
  }
}

TEST(criteria_import, takes_an_optional_responsible_column_inherited_by_children) {
  auto r = parse_criteria_csv(
      "#set-key: r\n#set-name: R\n#total: 3\ncode,title,max,method,bonus,responsible\n"
      "1,Văn bản,2,,,Sở Tư pháp\n1.1,Ban hành,1,self,,\n1.2,Kiểm tra,1,self,,\"Sở Nội vụ, Phòng "
      "CCHC\"\n"
      "2,Tài chính,1,,,\n2.1,Ngân sách,1,self,,\n");
  ASSERT_TRUE(r.set) << r.problems[0].detail;
  const auto& s = *r.set;
  EXPECT_EQ(s.responsible(1), "Sở Tư pháp") << "inherited from field 1";
  EXPECT_EQ(s.responsible(2), "Sở Nội vụ, Phòng CCHC");
  EXPECT_EQ(s.responsible(4), "") << "nobody named";
  auto short_row = parse_criteria_csv(
      "#set-key: r\n#set-name: R\ncode,title,max,method,bonus,responsible\n1,A,1,self,\n");
  ASSERT_FALSE(short_row.set);
  auto bad = std::ranges::find(short_row.problems, "bad_csv", &criteria_problem::problem);
  ASSERT_NE(bad, short_row.problems.end());
  EXPECT_EQ(bad->line, 4);
  EXPECT_EQ(bad->detail, "expected 6 fields, found 5");
  auto wrong = parse_criteria_csv(
      "#set-key: r\n#set-name: R\ncode,title,max,method,bonus,owner\n1,A,1,self,,x\n");
  ASSERT_FALSE(wrong.set);
  EXPECT_NE(std::ranges::find(wrong.problems, "bad_header", &criteria_problem::problem),
            wrong.problems.end());
}

}  // namespace
}  // namespace parix::workflow
