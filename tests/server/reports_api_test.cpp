// The reports over HTTPS (docs/reports.md): one campaign of two groups whose figures are
// worked out by hand below, each report as JSON, as CSV parsed back and as XLSX read by
// openpyxl, compared with each other and with the hand figures; who may read them; the
// public face before and after publication; `parix report` giving the same files.
//
// Group A (set r-a: field 1 = 1.1.1 1.5 + 1.1.2 2.5 + 1.2 survey 2; field 2 = 2.1 2 + 2.2 2)
//   U1: 1.5 + 2.5 (round two) + 1.6 + 2 + 1   = 8.6 of 10 → 86.00 % Tốt, self 8, appraised 7
//   U2: 1 + 2 + 2 + 1.5, 2.2 not evaluated    = 6.5 of 8  → 81.25 % Khá, self 5.5, appraised 4.5
//   U3: 1.5 + 2.5 + 1.1 + 2 + 1.5             = 8.6 of 10 → 86.00 % Tốt, self 8, appraised 7.5
//   ranks 1, 1 (tie), 3; means: self 21.5/3 = 7.17, appraised 19/3 = 6.33, survey 4.7/3 =
//   1.57, total 23.7/3 = 7.90, maximum 28/3 = 9.33, index (86 + 81.25 + 86)/3 = 84.42
//   field 1: U1 5.6/6 = 93.33, U2 5/6 = 83.33, U3 5.1/6 = 85.00 → mean 87.22
//   field 2: U1 3/4 = 75.00, U2 1.5/2 = 75.00, U3 3.5/4 = 87.50 → mean 79.17
// Group B (set r-b: 1.1 self 6, 1.2 external (SIPAS) 4)
//   U4: 5 + 3.5 − 0.5 (adjustment) = 8 of 10 → 80.00 % Khá; U5: 4 + 3.8 = 7.8 → 78.00 % Khá
//   means: self (5 + 6)/2 = 5.50, appraised (5 + 4)/2 = 4.50, external 7.3/2 = 3.65,
//   adjustments −0.25, total 7.90, index 79.00
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "storage/assessment_records.hpp"
#include "storage/report_records.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/report_support.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

const char* set_a =
    "#set-key: r-a\n#set-name: Bộ A\n#total: 10\ncode,title,max,method,bonus,responsible\n"
    "1,\"Lĩnh vực 1, chỉ đạo\",6,,,Sở Nội vụ\n1.1,Tiêu chí 1.1,4,,,\n1.1.1,TP 1.1.1,1.5,self,,\n"
    "1.1.2,TP 1.1.2,2.5,self,,Văn phòng UBND tỉnh\n1.2,Tiêu chí 1.2 (ĐTXHH),2,survey,,\n"
    "2,Lĩnh vực 2,4,,,Sở Tư pháp\n2.1,Tiêu chí 2.1,2,self,,\n2.2,Tiêu chí 2.2,2,self,,\n";
const char* set_b =
    "#set-key: r-b\n#set-name: Bộ B\n#total: 10\ncode,title,max,method,bonus,responsible\n"
    "1,Lĩnh vực 1,10,,,\n1.1,Tiêu chí 1.1,6,self,,Sở Nội vụ\n"
    "1.2,Tiêu chí 1.2 (SIPAS),4,external,,\n";
const std::string xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const std::string quoted_remark = "Thiếu \"Quyết định\", chưa đủ";

class reports_api : public ::testing::Test {
 protected:
  test_server srv;
  std::map<std::string, https_client> as;
  std::map<std::string, std::int64_t> file;
  std::int64_t campaign = 0;
  std::string evidence_pdf = pdf_bytes("Kế hoạch CCHC 2024");

  https_client& user(const std::string& name) {
    auto it = as.find(name);
    if (it == as.end()) {
      it = as.emplace(name, srv.client()).first;
      EXPECT_EQ(it->second.login(name, test_password).status, 200u) << name;
    }
    return it->second;
  }
  std::string path(const std::string& report) {
    return "/api/v1/campaigns/" + std::to_string(campaign) + "/reports/" + report;
  }
  std::string public_path(const std::string& report) {
    return "/api/v1/public/campaigns/" + std::to_string(campaign) + "/reports/" + report;
  }
  // Writes a leaf's stored values as the appraisal would have left them.
  void put(const std::string& unit, const std::string& code,
           const std::function<void(storage::leaf_value_record&)>& change) {
    srv.app().db().write([&](storage::connection& c) {
      auto v = storage::find_leaf_value(c, file[unit], code);
      storage::leaf_value_record r;
      if (v) r = *v;
      r.assessment_id = file[unit];
      r.code = code;
      change(r);
      ASSERT_TRUE(storage::save_leaf_value(c, r));
    });
  }
  void scores(const std::string& unit, const std::string& code, std::optional<const char*> self,
              std::optional<const char*> round1, std::optional<const char*> remark1 = {},
              std::optional<const char*> round2 = {}, std::optional<const char*> remark2 = {}) {
    auto units = [](std::optional<const char*> s) -> std::optional<std::int64_t> {
      if (!s) return std::nullopt;
      return workflow::points::parse(*s)->units();
    };
    put(unit, code, [&](storage::leaf_value_record& r) {
      r.self_score = units(self);
      r.round1_score = units(round1);
      if (remark1) r.round1_remark = *remark1;
      r.round2_score = units(round2);
      if (remark2) r.round2_remark = *remark2;
    });
  }
  void imported(const std::string& unit, const std::string& code, const char* score) {
    put(unit, code, [&](storage::leaf_value_record& r) {
      r.imported_score = workflow::points::parse(score)->units();
    });
  }
  void approve(const std::vector<std::string>& units) {
    srv.app().db().write([&](storage::connection& c) {
      for (const auto& u : units) {
        auto a = *storage::find_assessment(c, file[u]);
        a.state = "approved";
        ASSERT_TRUE(storage::update_assessment_state(c, a));
      }
    });
  }
  void publish(const std::string& number, const std::string& date) {
    auto r = user("thuky").post_json("/api/v1/campaigns/" + std::to_string(campaign) + "/publish",
                                     {{"decision_number", number}, {"decision_date", date}});
    ASSERT_EQ(r.status, 200u) << r.body;
  }

  void SetUp() override {
    for (auto [code, name] : {std::pair{"U1", "Sở Một"},
                              {"U2", "Sở Hai"},
                              {"U3", "Sở Ba"},
                              {"U4", "Huyện Bốn"},
                              {"U5", "Huyện Năm"}})
      srv.add_unit(code, name);
    srv.add_user("thuky", "secretariat");
    srv.add_user("thanhtra", "auditor");
    srv.add_user("hd.1", "council_member");
    srv.add_user("hd.other", "council_member");
    srv.add_user("td.1", "appraiser");
    srv.add_user("u1.canbo", "agency_editor", "U1");
    srv.add_user("u1.head", "agency_head", "U1");
    for (const char* csv : {set_a, set_b})
      ASSERT_EQ(
          user("thuky")
              .request(verb::post, "/api/v1/criteria-sets", csv, {{"Content-Type", "text/csv"}})
              .status,
          201u);
    const auto t0 = srv.clock().now();
    auto iso = [](auto t) { return workflow::format_time(t, "Asia/Ho_Chi_Minh"); };
    auto created = user("thuky").post_json(
        "/api/v1/campaigns",
        {{"year", 2024},
         {"name", "Chỉ số CCHC 2024 & báo cáo"},
         {"schedule",
          {{"self_deadline", iso(t0 + 24h)},
           {"round1_end", iso(t0 + 240h)},
           {"round2_end", iso(t0 + 480h)},
           {"council_date", iso(t0 + 720h)}}},
         {"groups",
          boost::json::array{
              {{"key", "A"},
               {"name", "Sở, ngành"},
               {"criteria_set", "r-a"},
               {"units", {"U1", "U2", "U3"}}},
              {{"key", "B"}, {"name", "Huyện"}, {"criteria_set", "r-b"}, {"units", {"U4", "U5"}}}}},
         {"not_evaluated",
          boost::json::array{{{"unit", "U2"}, {"criterion", "2.2"}, {"reason", "Không có"}}}},
         {"assignments", boost::json::array{{{"username", "td.1"}, {"field", "1"}}}},
         {"council", {"hd.1"}}});
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto cj = created.json();
    campaign = cj.at("id").as_int64();
    for (const auto& g : cj.at("groups").as_array())
      for (const auto& a : g.at("assessments").as_array())
        file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();

    // U1 attaches one document to 1.1.1 and submits: the document is sealed.
    std::string upload;
    ASSERT_EQ(upload_file(user("u1.canbo"), "ke-hoach.pdf", evidence_pdf, &upload).status, 204u);
    ASSERT_EQ(user("u1.canbo")
                  .post_json("/api/v1/assessments/" + std::to_string(file["U1"]) +
                                 "/leaves/1.1.1/evidence",
                             {{"upload_id", upload}})
                  .status,
              201u);
    ASSERT_EQ(user("u1.head")
                  .post_json("/api/v1/assessments/" + std::to_string(file["U1"]) + "/events",
                             {{"event", "submit"}, {"confirm_missing_self_scores", true}})
                  .status,
              200u);

    scores("U1", "1.1.1", "1.5", "1.5");
    scores("U1", "1.1.2", "2.5", "2", "Thiếu tài liệu kiểm chứng", "2.5", "Đã bổ sung");
    put("U1", "1.1.2", [](auto& r) {
      r.needs_explanation = true;
      r.explanation_response = "Bổ sung Quyết định 45/QĐ";
    });
    scores("U1", "2.1", "2", "2");
    scores("U1", "2.2", "2", "1", "Chưa đạt yêu cầu");
    imported("U1", "1.2", "1.6");
    scores("U2", "1.1.1", "1", "1", "Kế hoạch chậm");
    scores("U2", "1.1.2", "2.5", "2", "Thiếu báo cáo");
    scores("U2", "2.1", "2", "1.5");
    imported("U2", "1.2", "2");
    scores("U3", "1.1.1", "1.5", "1.5");
    scores("U3", "1.1.2", "2.5", "2.5");
    scores("U3", "2.1", "2", "2");
    scores("U3", "2.2", "2", "1.5", quoted_remark.c_str());
    imported("U3", "1.2", "1.1");
    scores("U4", "1.1", "5", "5");
    imported("U4", "1.2", "3.5");
    scores("U5", "1.1", "6", "4", "Chưa có báo cáo tổng kết");
    imported("U5", "1.2", "3.8");
    srv.app().db().write([&](storage::connection& c) {
      storage::insert_adjustment(c, {0, file["U4"], -5000, "Kết quả đánh giá riêng",
                                     storage::to_millis(srv.clock().now()), "thuky"});
    });
  }

  reply get_ok(const std::string& who, const std::string& target,
               const std::map<std::string, std::string>& headers = {}) {
    auto r = user(who).get(target, headers);
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return r;
  }
};

// The JSON row of a unit in a group's rows.
const boost::json::object& row_of(const boost::json::value& group, const std::string& unit) {
  for (const auto& r : group.at("rows").as_array())
    if (r.at("unit").as_string() == unit) return r.as_object();
  throw std::runtime_error("no row for " + unit);
}

// A cell of a dumped sheet: its value as text as the JSON writes it (numbers compared as
// doubles by the callers).
const boost::json::object& cell(const boost::json::value& sheet, std::size_t row, std::size_t col) {
  return sheet.at("rows").as_array().at(row).as_array().at(col).as_object();
}
double number_of(const boost::json::value& v) {
  return std::stod(std::string{v.as_string()});
}
std::vector<std::string> header_of(const boost::json::value& sheet) {
  std::vector<std::string> out;
  for (const auto& c : sheet.at("rows").as_array().at(3).as_array())
    out.emplace_back(c.at("v").as_string());
  return out;
}
// The column with this header.
std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw std::runtime_error("no column " + name);
  return static_cast<std::size_t>(it - header.begin());
}

// Every sheet of a report workbook has the same page set-up. In a page header a literal
// '&' is written "&&" (a single one starts a code).
void expect_print_setup(const boost::json::value& book, const std::string& campaign_name) {
  std::string escaped;
  for (char c : campaign_name) escaped += c == '&' ? std::string{"&&"} : std::string{c};
  for (const auto& s : book.at("sheets").as_array()) {
    EXPECT_EQ(s.at("freeze_panes").as_string(), "A5") << s.at("name");
    EXPECT_EQ(s.at("orientation").as_string(), "landscape");
    EXPECT_EQ(s.at("paper_size").as_int64(), 9);
    EXPECT_EQ(s.at("fit_to_width").as_int64(), 1);
    const std::string header{s.at("header_center").as_string()};
    EXPECT_NE(header.find(escaped), std::string::npos) << header;
    for (const auto& w : s.at("widths").as_array()) EXPECT_FALSE(w.is_null()) << s.at("name");
  }
}

TEST_F(reports_api, the_ranking_annex_matches_the_figures_worked_out_by_hand_in_every_format) {
  const auto j = get_ok("thanhtra", path("ranking")).json();
  EXPECT_EQ(j.at("campaign").at("year").as_int64(), 2024);
  const auto& groups = j.at("groups").as_array();
  ASSERT_EQ(groups.size(), 2u);
  const auto& a = groups[0];
  EXPECT_EQ(a.at("key").as_string(), "A");
  EXPECT_TRUE(a.at("columns").at("survey").as_bool());
  EXPECT_FALSE(a.at("columns").at("external").as_bool());
  EXPECT_FALSE(a.at("columns").at("adjustments").as_bool());
  const auto& u1 = row_of(a, "U1");
  EXPECT_EQ(u1.at("self_assessed").as_string(), "8");
  EXPECT_EQ(u1.at("appraised").as_string(), "7");
  EXPECT_EQ(u1.at("survey").as_string(), "1.6");
  EXPECT_EQ(u1.at("total").as_string(), "8.6");
  EXPECT_EQ(u1.at("applicable_max").as_string(), "10");
  EXPECT_EQ(u1.at("index").as_string(), "86.00");
  EXPECT_EQ(u1.at("class").as_string(), "Tốt");
  EXPECT_EQ(u1.at("rank").as_int64(), 1);
  const auto& u2 = row_of(a, "U2");
  EXPECT_EQ(u2.at("self_assessed").as_string(), "5.5");
  EXPECT_EQ(u2.at("appraised").as_string(), "4.5");
  EXPECT_EQ(u2.at("applicable_max").as_string(), "8");
  EXPECT_EQ(u2.at("index").as_string(), "81.25");
  EXPECT_EQ(u2.at("class").as_string(), "Khá");
  EXPECT_EQ(u2.at("rank").as_int64(), 3) << "after two units sharing rank 1";
  EXPECT_EQ(row_of(a, "U3").at("rank").as_int64(), 1) << "86.00 = 86.00: ties share a rank";
  EXPECT_EQ(row_of(a, "U3").at("appraised").as_string(), "7.5");
  const auto& avg = a.at("averages");
  EXPECT_EQ(avg.at("units").as_int64(), 3);
  EXPECT_EQ(avg.at("self_assessed").as_string(), "7.17");
  EXPECT_EQ(avg.at("appraised").as_string(), "6.33");
  EXPECT_EQ(avg.at("survey").as_string(), "1.57");
  EXPECT_EQ(avg.at("total").as_string(), "7.90");
  EXPECT_EQ(avg.at("applicable_max").as_string(), "9.33");
  EXPECT_EQ(avg.at("index").as_string(), "84.42");
  const auto& b = groups[1];
  EXPECT_TRUE(b.at("columns").at("external").as_bool());
  EXPECT_TRUE(b.at("columns").at("adjustments").as_bool());
  const auto& u4 = row_of(b, "U4");
  EXPECT_EQ(u4.at("external").as_string(), "3.5");
  EXPECT_EQ(u4.at("adjustments").as_string(), "-0.5");
  EXPECT_EQ(u4.at("total").as_string(), "8");
  EXPECT_EQ(u4.at("index").as_string(), "80.00");
  EXPECT_EQ(b.at("averages").at("external").as_string(), "3.65");
  EXPECT_EQ(b.at("averages").at("adjustments").as_string(), "-0.25");
  EXPECT_EQ(b.at("averages").at("index").as_string(), "79.00");

  // The set-based read gives what each file's own view gives.
  for (const auto& g : groups)
    for (const auto& r : g.at("rows").as_array()) {
      const auto unit = std::string{r.at("unit").as_string()};
      auto view = get_ok("thanhtra", "/api/v1/assessments/" + std::to_string(file[unit])).json();
      EXPECT_EQ(view.at("score").at("achieved"), r.at("total")) << unit;
      EXPECT_EQ(view.at("score").at("index"), r.at("index")) << unit;
    }

  // CSV: one row per unit, the same figures.
  auto csv = get_ok("thanhtra", path("ranking?format=csv"));
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.header("content-disposition").find(".csv"), std::string::npos);
  const auto records = parse_csv(csv.body);
  ASSERT_EQ(records.size(), 1u + 5u);
  const auto& h = records[0];
  EXPECT_EQ(h[0], "Nhóm");
  std::size_t n = 1;
  for (const auto& g : groups)
    for (const auto& r : g.at("rows").as_array()) {
      const auto& rec = records[n++];
      ASSERT_EQ(rec.size(), h.size());
      EXPECT_EQ(rec[column(h, "Nhóm")], g.at("key").as_string());
      EXPECT_EQ(rec[column(h, "Mã đơn vị")], r.at("unit").as_string());
      EXPECT_EQ(rec[column(h, "Tên đơn vị")], r.at("unit_name").as_string());
      for (auto [header, key] : {std::pair{"Điểm tự đánh giá", "self_assessed"},
                                 {"Điểm thẩm định", "appraised"},
                                 {"Điểm ĐTXHH", "survey"},
                                 {"Điểm SIPAS", "external"},
                                 {"Điểm điều chỉnh", "adjustments"},
                                 {"Tổng điểm", "total"},
                                 {"Điểm tối đa", "applicable_max"},
                                 {"Chỉ số CCHC (%)", "index"},
                                 {"Xếp loại", "class"}})
        EXPECT_EQ(rec[column(h, header)], r.at(key).as_string()) << header;
      EXPECT_EQ(rec[column(h, "Xếp hạng")], std::to_string(r.at("rank").as_int64()));
    }

  // XLSX: a sheet per group, numbers as numbers, the foot row with the averages.
  auto x = get_ok("thanhtra", path("ranking"), {{"Accept", xlsx_type}});
  EXPECT_EQ(x.header("content-type"), xlsx_type);
  const auto book = read_xlsx(x.body);
  ASSERT_FALSE(book.is_null());
  expect_print_setup(book, "Chỉ số CCHC 2024 & báo cáo");
  const auto& sheets = book.at("sheets").as_array();
  ASSERT_EQ(sheets.size(), 2u);
  for (std::size_t gi = 0; gi < 2; ++gi) {
    const auto& s = sheets[gi];
    const auto& g = groups[gi];
    const auto head = header_of(s);
    EXPECT_EQ(cell(s, 3, column(head, "Tổng điểm")).at("bold").as_bool(), true);
    EXPECT_EQ(std::count(head.begin(), head.end(), "Điểm SIPAS"), gi == 1 ? 1 : 0)
        << "external points only where the set has them";
    const auto& rows = g.at("rows").as_array();
    ASSERT_EQ(s.at("rows").as_array().size(), 4u + rows.size() + 1u);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      const std::size_t at = 4 + i;
      EXPECT_EQ(cell(s, at, column(head, "STT")).at("v").as_double(), double(i + 1));
      EXPECT_EQ(cell(s, at, column(head, "Mã đơn vị")).at("v").as_string(),
                r.at("unit").as_string());
      const auto& total = cell(s, at, column(head, "Tổng điểm"));
      EXPECT_EQ(total.at("t").as_string(), "n") << "a number, not text";
      EXPECT_EQ(total.at("v").as_double(), number_of(r.at("total")));
      EXPECT_EQ(total.at("fmt").as_string(), "0.00##");
      const auto& index = cell(s, at, column(head, "Chỉ số CCHC (%)"));
      EXPECT_EQ(index.at("v").as_double(), number_of(r.at("index")));
      EXPECT_EQ(index.at("fmt").as_string(), "0.00");
      EXPECT_EQ(cell(s, at, column(head, "Xếp loại")).at("v").as_string(),
                r.at("class").as_string());
      EXPECT_EQ(cell(s, at, column(head, "Xếp hạng")).at("v").as_double(),
                double(r.at("rank").as_int64()));
    }
    const std::size_t foot = 4 + rows.size();
    EXPECT_TRUE(cell(s, foot, column(head, "Tổng điểm")).at("bold").as_bool());
    EXPECT_EQ(cell(s, foot, column(head, "Tổng điểm")).at("v").as_double(),
              number_of(g.at("averages").at("total")));
    EXPECT_EQ(cell(s, foot, column(head, "Chỉ số CCHC (%)")).at("v").as_double(),
              number_of(g.at("averages").at("index")));
  }
  EXPECT_EQ(
      cell(sheets[0], 4 + 3, column(header_of(sheets[0]), "Chỉ số CCHC (%)")).at("v").as_double(),
      84.42);
}

TEST_F(reports_api, component_indices_give_each_field_its_mean_best_and_worst_unit) {
  const auto j = get_ok("hd.1", path("components?group=A")).json();
  const auto& groups = j.at("groups").as_array();
  ASSERT_EQ(groups.size(), 1u) << "only the group asked for";
  const auto& fields = groups[0].at("fields").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].at("mean").as_string(), "87.22");
  EXPECT_EQ(fields[0].at("best").at("index").as_string(), "93.33");
  EXPECT_EQ(fields[0].at("best").at("units").as_array(), (boost::json::array{"U1"}));
  EXPECT_EQ(fields[0].at("worst").at("index").as_string(), "83.33");
  EXPECT_EQ(fields[0].at("worst").at("units").as_array(), (boost::json::array{"U2"}));
  EXPECT_EQ(fields[1].at("mean").as_string(), "79.17");
  EXPECT_EQ(fields[1].at("best").at("units").as_array(), (boost::json::array{"U3"}));
  EXPECT_EQ(fields[1].at("worst").at("units").as_array(), (boost::json::array{"U1", "U2"}))
      << "75.00 twice: both are the worst";
  const auto& u2 = row_of(groups[0], "U2");
  const auto& u2_field2 = u2.at("fields").as_array()[1];
  EXPECT_EQ(u2_field2.at("achieved").as_string(), "1.5");
  EXPECT_EQ(u2_field2.at("max").as_string(), "2") << "2.2 is not evaluated for U2";
  EXPECT_EQ(u2_field2.at("index").as_string(), "75.00");
  EXPECT_EQ(u2_field2.at("rank").as_int64(), 2);

  // CSV: long, one row per unit and field.
  const auto records = parse_csv(get_ok("hd.1", path("components?group=A&format=csv")).body);
  ASSERT_EQ(records.size(), 1u + 3u * 2u);
  const auto& h = records[0];
  for (std::size_t i = 1; i < records.size(); ++i) {
    const auto& rec = records[i];
    const auto& row = row_of(groups[0], rec[column(h, "Mã đơn vị")]);
    const auto& f = row.at("fields").as_array()[rec[column(h, "Mã lĩnh vực")] == "1" ? 0 : 1];
    EXPECT_EQ(rec[column(h, "Điểm đạt")], f.at("achieved").as_string());
    EXPECT_EQ(rec[column(h, "Điểm tối đa áp dụng")], f.at("max").as_string());
    EXPECT_EQ(rec[column(h, "Chỉ số (%)")], f.at("index").as_string());
    EXPECT_EQ(rec[column(h, "Thứ hạng trong lĩnh vực")], std::to_string(f.at("rank").as_int64()));
  }

  // XLSX: units × fields, then the field sheet with the best and worst units.
  const auto book = read_xlsx(get_ok("hd.1", path("components?group=A&format=xlsx")).body);
  ASSERT_FALSE(book.is_null());
  expect_print_setup(book, "Chỉ số CCHC 2024 & báo cáo");
  const auto& units = book.at("sheets").as_array()[0];
  const auto uh = header_of(units);
  const auto& rows = groups[0].at("rows").as_array();
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& f = rows[i].at("fields").as_array()[k];
      const auto label = "LV " + std::string{f.at("code").as_string()};
      EXPECT_EQ(cell(units, 4 + i, column(uh, label + " (%)")).at("v").as_double(),
                number_of(f.at("index")));
      EXPECT_EQ(cell(units, 4 + i, column(uh, label + ": điểm")).at("v").as_double(),
                number_of(f.at("achieved")));
    }
  EXPECT_EQ(cell(units, 4 + 3, column(uh, "LV 1 (%)")).at("v").as_double(), 87.22) << "the mean";
  EXPECT_EQ(cell(units, 4 + 4, column(uh, "LV 2 (%)")).at("v").as_double(), 87.5) << "the best";
  EXPECT_EQ(cell(units, 4 + 5, column(uh, "LV 2 (%)")).at("v").as_double(), 75.0) << "the worst";
  const auto& field_sheet = book.at("sheets").as_array()[1];
  const auto fh = header_of(field_sheet);
  EXPECT_EQ(cell(field_sheet, 4, column(fh, "Tên lĩnh vực")).at("v").as_string(),
            "Lĩnh vực 1, chỉ đạo");
  EXPECT_EQ(cell(field_sheet, 5, column(fh, "Đơn vị thấp nhất")).at("v").as_string(), "U1, U2");
}

TEST_F(reports_api, criteria_below_maximum_list_who_lost_points_why_and_who_is_responsible) {
  const auto j = get_ok("thuky", path("below-maximum")).json();
  EXPECT_EQ(j.at("units").at("U2").at("name").as_string(), "Sở Hai");
  const auto& a = j.at("groups").as_array()[0];
  std::vector<std::string> codes;
  for (const auto& c : a.at("criteria").as_array()) codes.emplace_back(c.at("code").as_string());
  EXPECT_EQ(codes, (std::vector<std::string>{"1.1.1", "1.1.2", "1.2", "2.1", "2.2"}));
  const auto& c = a.at("criteria").as_array();
  EXPECT_EQ(c[0].at("responsible").as_string(), "Sở Nội vụ") << "inherited from field 1";
  EXPECT_EQ(c[1].at("responsible").as_string(), "Văn phòng UBND tỉnh");
  EXPECT_EQ(c[3].at("responsible").as_string(), "Sở Tư pháp");
  const auto& u = c[1].at("units").as_array();
  ASSERT_EQ(u.size(), 1u) << "U1 reached 2.5 in round two, U3 in round one";
  EXPECT_EQ(u[0].at("unit").as_string(), "U2");
  EXPECT_EQ(u[0].at("self_score").as_string(), "2.5");
  EXPECT_EQ(u[0].at("final_score").as_string(), "2");
  EXPECT_EQ(u[0].at("points_lost").as_string(), "0.5");
  EXPECT_EQ(u[0].at("remark").as_string(), "Thiếu báo cáo");
  const auto& survey = c[2];
  EXPECT_EQ(survey.at("method").as_string(), "survey");
  EXPECT_EQ(survey.at("points_lost").as_string(), "1.3");
  EXPECT_EQ(survey.at("units").as_array()[0].at("unit").as_string(), "U3") << "most lost first";
  EXPECT_TRUE(survey.at("units").as_array()[0].at("self_score").is_null());
  const auto& c22 = c[4].at("units").as_array();
  ASSERT_EQ(c22.size(), 2u) << "U2 does not have 2.2 at all";
  EXPECT_EQ(c22[1].at("remark").as_string(), quoted_remark);

  auto sorted = get_ok("thuky", path("below-maximum?sort=points_lost&group=A")).json();
  std::vector<std::string> by_lost;
  for (const auto& x : sorted.at("groups").as_array()[0].at("criteria").as_array())
    by_lost.emplace_back(x.at("code").as_string());
  EXPECT_EQ(by_lost, (std::vector<std::string>{"2.2", "1.2", "1.1.1", "1.1.2", "2.1"}));
  auto one = get_ok("thuky", path("below-maximum?unit=U5")).json();
  ASSERT_EQ(one.at("groups").as_array().size(), 2u);
  EXPECT_TRUE(one.at("groups").as_array()[0].at("criteria").as_array().empty());
  const auto& b = one.at("groups").as_array()[1].at("criteria").as_array();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].at("units").as_array()[0].at("remark").as_string(), "Chưa có báo cáo tổng kết");

  // CSV parsed back: every (criterion, unit) of the JSON, the quoted remark intact.
  const auto records = parse_csv(get_ok("thuky", path("below-maximum?format=csv")).body);
  const auto& h = records[0];
  std::size_t n = 1;
  for (const auto& g : j.at("groups").as_array())
    for (const auto& crit : g.at("criteria").as_array())
      for (const auto& s : crit.at("units").as_array()) {
        ASSERT_LT(n, records.size());
        const auto& rec = records[n++];
        EXPECT_EQ(rec[column(h, "Mã tiêu chí")], crit.at("code").as_string());
        EXPECT_EQ(rec[column(h, "Cơ quan phụ trách")], crit.at("responsible").as_string());
        EXPECT_EQ(rec[column(h, "Mã đơn vị")], s.at("unit").as_string());
        EXPECT_EQ(rec[column(h, "Điểm bị mất")], s.at("points_lost").as_string());
        EXPECT_EQ(rec[column(h, "Nhận xét của tổ thẩm định")], s.at("remark").as_string());
      }
  EXPECT_EQ(n, records.size());

  const auto book = read_xlsx(get_ok("thuky", path("below-maximum?format=xlsx")).body);
  ASSERT_FALSE(book.is_null());
  expect_print_setup(book, "Chỉ số CCHC 2024 & báo cáo");
  const auto& sheets = book.at("sheets").as_array();
  ASSERT_EQ(sheets.size(), 4u) << "a summary and a detail sheet per group";
  const auto& summary = sheets[0];
  const auto sh = header_of(summary);
  EXPECT_EQ(cell(summary, 4 + 4, column(sh, "Tổng điểm bị mất")).at("v").as_double(), 1.5);
  EXPECT_EQ(cell(summary, 4 + 2, column(sh, "Số đơn vị chưa đạt")).at("v").as_double(), 2.0);
  const auto& detail = sheets[1];
  const auto dh = header_of(detail);
  EXPECT_EQ(cell(detail, 4, column(dh, "Mã đơn vị")).at("v").as_string(), "U2");
  EXPECT_EQ(cell(detail, 4, column(dh, "Điểm bị mất")).at("v").as_double(), 0.5);
}

TEST_F(reports_api, a_units_detailed_result_shows_every_node_adjustment_and_sealed_document) {
  const auto j = get_ok("thanhtra", path("units/U1")).json();
  EXPECT_EQ(j.at("unit_name").as_string(), "Sở Một");
  EXPECT_EQ(j.at("score").at("achieved").as_string(), "8.6");
  EXPECT_EQ(j.at("score").at("self_assessed").as_string(), "8");
  const auto& fields = j.at("fields").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].at("achieved").as_string(), "5.6");
  EXPECT_EQ(fields[0].at("self_total").as_string(), "4") << "1.2 is a survey leaf";
  EXPECT_EQ(fields[1].at("achieved").as_string(), "3");
  const auto& nodes = j.at("nodes").as_array();
  ASSERT_EQ(nodes.size(), 8u) << "every node of the tree";
  const auto& n112 = nodes[3];
  EXPECT_EQ(n112.at("code").as_string(), "1.1.2");
  EXPECT_EQ(n112.at("round1_score").as_string(), "2");
  EXPECT_EQ(n112.at("round1_remark").as_string(), "Thiếu tài liệu kiểm chứng");
  EXPECT_TRUE(n112.at("needs_explanation").as_bool());
  EXPECT_EQ(n112.at("explanation_response").as_string(), "Bổ sung Quyết định 45/QĐ");
  EXPECT_EQ(n112.at("round2_score").as_string(), "2.5");
  EXPECT_EQ(n112.at("final_score").as_string(), "2.5");
  const auto& evidence = nodes[2].at("evidence").as_array();
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(evidence[0].at("version").as_int64(), 1);
  EXPECT_EQ(evidence[0].at("files").as_array()[0].at("sha256").as_string(),
            sha256_hex(evidence_pdf))
      << "the hash of the very bytes uploaded";
  auto listed = get_ok("thanhtra", "/api/v1/assessments/" + std::to_string(file["U1"]) +
                                       "/leaves/1.1.1/evidence")
                    .json();
  EXPECT_EQ(evidence[0].at("archive_sha256"),
            listed.at("versions").as_array()[0].at("archive_sha256"));

  auto u4 = get_ok("thanhtra", path("units/U4")).json();
  ASSERT_EQ(u4.at("adjustments").as_array().size(), 1u);
  EXPECT_EQ(u4.at("adjustments").as_array()[0].at("points").as_string(), "-0.5");
  EXPECT_EQ(u4.at("adjustments").as_array()[0].at("reason").as_string(), "Kết quả đánh giá riêng");

  const auto records = parse_csv(get_ok("thanhtra", path("units/U1?format=csv")).body);
  ASSERT_EQ(records.size(), 1u + 8u);
  const auto& h = records[0];
  EXPECT_EQ(records[4][column(h, "Mã")], "1.1.2");
  EXPECT_EQ(records[4][column(h, "Trả lời giải trình")], "Bổ sung Quyết định 45/QĐ");
  EXPECT_EQ(records[4][column(h, "Yêu cầu giải trình")], "Có");
  EXPECT_EQ(records[1][column(h, "Điểm đạt")], "5.6") << "field 1's subtotal";
  EXPECT_NE(records[3][column(h, "Tài liệu kiểm chứng đã niêm phong (SHA-256)")].find(
                std::string{evidence[0].at("archive_sha256").as_string()}),
            std::string::npos);

  const auto book = read_xlsx(get_ok("thanhtra", path("units/U1?format=xlsx")).body);
  ASSERT_FALSE(book.is_null());
  expect_print_setup(book, "Chỉ số CCHC 2024 & báo cáo");
  const auto& detail = book.at("sheets").as_array()[0];
  const auto dh = header_of(detail);
  EXPECT_TRUE(cell(detail, 4, 0).at("bold").as_bool()) << "a field's row";
  EXPECT_EQ(cell(detail, 4 + 3, column(dh, "Điểm thẩm định vòng 2")).at("v").as_double(), 2.5);
  EXPECT_EQ(cell(detail, 4 + 8 + 1, column(dh, "Điểm đạt")).at("v").as_double(), 8.6)
      << "the total under the tree";
  const auto& files = book.at("sheets").as_array()[2];
  const auto eh = header_of(files);
  EXPECT_EQ(cell(files, 4, column(eh, "SHA-256 của tệp")).at("v").as_string(),
            sha256_hex(evidence_pdf));
  EXPECT_EQ(cell(files, 4, column(eh, "Tên tệp")).at("v").as_string(), "ke-hoach.pdf");
}

TEST_F(reports_api, published_results_are_public_and_nothing_before) {
  https_client anyone = srv.client();
  auto before = anyone.get(public_path("ranking"));
  EXPECT_EQ(before.status, 404u) << before.body;
  EXPECT_EQ(before.json().at("code").as_string(), "not_published");
  EXPECT_EQ(anyone.get(public_path("components")).status, 404u);
  EXPECT_TRUE(anyone.get("/api/v1/public/campaigns").json().at("campaigns").as_array().empty());
  EXPECT_EQ(anyone.get(path("ranking")).status, 401u) << "the full reports need a sign-in";

  // Group B is published first: only B is public.
  approve({"U4", "U5"});
  publish("15/QĐ-UBND", "2025-03-20");
  auto b_only = anyone.get(public_path("ranking"));
  ASSERT_EQ(b_only.status, 200u) << b_only.body;
  const auto b_json = b_only.json();
  const auto& groups = b_json.at("groups").as_array();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].at("key").as_string(), "B");
  EXPECT_EQ(groups[0].at("decision").at("number").as_string(), "15/QĐ-UBND");
  EXPECT_EQ(anyone.get(public_path("ranking?group=A")).status, 404u);
  EXPECT_EQ(anyone.get(public_path("components?group=B")).status, 200u);
  auto listed = anyone.get("/api/v1/public/campaigns").json().at("campaigns").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("id").as_int64(), campaign);
  EXPECT_EQ(listed[0].at("year").as_int64(), 2024);
  EXPECT_EQ(listed[0].at("groups").as_array().size(), 1u);
  EXPECT_EQ(listed[0].at("decision_number").as_string(), "15/QĐ-UBND");

  // Then group A, by a later decision.
  srv.clock().advance(1h);
  as.clear();  // sessions idled out meanwhile: everyone signs in again
  approve({"U1", "U2", "U3"});
  publish("123/QĐ-UBND", "2025-04-15");
  auto all = anyone.get(public_path("ranking"));
  ASSERT_EQ(all.status, 200u);
  EXPECT_EQ(all.json().at("groups").as_array().size(), 2u);
  EXPECT_EQ(all.body, get_ok("thanhtra", path("ranking")).body)
      << "the public sees the same annex once all is published";
  auto x = anyone.get(public_path("components?format=xlsx"));
  ASSERT_EQ(x.status, 200u);
  EXPECT_FALSE(read_xlsx(x.body).is_null());
  listed = anyone.get("/api/v1/public/campaigns").json().at("campaigns").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("groups").as_array().size(), 2u);
  EXPECT_EQ(listed[0].at("decision_number").as_string(), "123/QĐ-UBND");
  EXPECT_EQ(listed[0].at("decision_date").as_string(), "2025-04-15");
  EXPECT_EQ(anyone.get(public_path("below-maximum")).status, 404u)
      << "only the ranking and the component indices are public";
}

TEST_F(reports_api, only_the_secretariat_auditors_and_the_campaigns_council_read_reports) {
  for (const auto* report : {"ranking", "components", "below-maximum", "units/U2"}) {
    for (const auto* who : {"thuky", "thanhtra", "hd.1"})
      EXPECT_EQ(user(who).get(path(report)).status, 200u) << who << " " << report;
    for (const auto* who : {"u1.canbo", "u1.head", "td.1"}) {
      auto r = user(who).get(path(report));
      EXPECT_EQ(r.status, 403u) << who << " " << report;
      EXPECT_EQ(r.json().at("code").as_string(), "forbidden");
    }
    auto other = user("hd.other").get(path(report));
    EXPECT_EQ(other.status, 403u) << report;
    EXPECT_EQ(other.json().at("code").as_string(), "not_council_member");
  }
}

TEST_F(reports_api, the_format_comes_from_the_query_or_accept_and_bad_requests_say_why) {
  auto& a = user("thanhtra");
  EXPECT_EQ(a.get(path("ranking")).header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(a.get(path("ranking"), {{"Accept", "text/csv"}}).header("content-type"),
            "text/csv; charset=utf-8");
  EXPECT_EQ(a.get(path("ranking"), {{"Accept", "text/csv;q=0.5, " + xlsx_type + ";q=0.9"}})
                .header("content-type"),
            xlsx_type);
  EXPECT_EQ(a.get(path("ranking?format=json"), {{"Accept", "text/csv"}}).header("content-type"),
            "application/json; charset=utf-8")
      << "the query wins";
  EXPECT_EQ(a.get(path("ranking"), {{"Accept", "*/*"}}).header("content-type"),
            "application/json; charset=utf-8");
  auto refused = a.get(path("ranking"), {{"Accept", "application/pdf"}});
  EXPECT_EQ(refused.status, 406u);
  EXPECT_EQ(refused.json().at("code").as_string(), "not_acceptable");
  auto bad = a.get(path("ranking?format=pdf"), {{"Accept-Language", "en"}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.json().at("detail").as_string().find("json, csv or xlsx"), std::string::npos);
  EXPECT_EQ(a.get(path("ranking?colour=red")).json().at("code").as_string(), "unknown_field");
  EXPECT_EQ(a.get(path("below-maximum?sort=size")).status, 400u);
  auto group = a.get(path("ranking?group=Z"));
  EXPECT_EQ(group.status, 404u);
  EXPECT_EQ(group.json().at("code").as_string(), "group_not_found");
  EXPECT_NE(group.json().at("detail").as_string().find("Z"), std::string::npos);
  auto unit = a.get(path("units/U9"), {{"Accept-Language", "en"}});
  EXPECT_EQ(unit.status, 404u);
  EXPECT_EQ(unit.json().at("code").as_string(), "unit_has_no_file");
  EXPECT_EQ(unit.json().at("detail").as_string(), "The unit U9 has no file in this campaign.");
  EXPECT_EQ(a.get(path("below-maximum?unit=U9")).status, 404u);
  EXPECT_EQ(a.get("/api/v1/campaigns/999/reports/ranking").json().at("code").as_string(),
            "campaign_not_found");
}

TEST_F(reports_api, parix_report_writes_the_same_files_offline) {
  const auto json = get_ok("thuky", path("below-maximum?sort=points_lost")).body;
  const auto csv = get_ok("thuky", path("ranking?format=csv")).body;
  const auto xlsx = read_xlsx(get_ok("thuky", path("units/U1?format=xlsx")).body);
  srv.stop();
  temp_dir out;
  const std::string parix = PARIX_BINARY, data = " --data " + srv.dir().path().string();
  const auto id = " " + std::to_string(campaign);
  auto run = [&](const std::string& args) {
    auto r = run_command(parix + " report " + args + data + " 2>&1");
    EXPECT_EQ(r.status, 0) << args << ": " << r.output;
    return r;
  };
  run("below-maximum" + id + " --sort points_lost --format json --output " +
      (out / "b.json").string());
  run("ranking" + id + " --format csv -o " + (out / "r.csv").string());
  auto written = run("unit" + id + " --unit U1 --format xlsx");
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  EXPECT_EQ(slurp(out / "b.json"), json);
  EXPECT_EQ(slurp(out / "r.csv"), csv);
  const std::string name = "ket-qua-chi-tiet-" + std::to_string(campaign) + "-U1.xlsx";
  EXPECT_EQ(written.output, name + "\n");
  EXPECT_EQ(read_xlsx(slurp(name)), xlsx) << "the same cells, whatever the file's timestamps";
  std::filesystem::remove(name);
  auto refused = run_command(parix + " report unit" + id + " --unit U9 --format csv" + data);
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(run_command(parix + " report nonsense" + id + data).status, 2);
}

}  // namespace
}  // namespace parix::testing

namespace parix::testing {
namespace {

// Year over year: 2025 follows this fixture's 2024 campaign. U1 and U2 keep their codes;
// U6 was formed from U4 and U5 (a merger); U7 is new; U3 has no file in 2025 and no
// successor. 2025's figures by hand:
//   U1: 1.5 + 2.5 + 2 (survey) + 2 + 2 = 10 of 10 → 100.00 % Tốt, rank 1 (2024: 86.00,
//       rank 1) → +14.00, rank ±0; field 1 6/6 = 100.00 (93.33 → +6.67), field 2 4/4 =
//       100.00 (75.00 → +25.00)
//   U2: nothing scored → 0.00 % Kém, rank 2 (2024: 81.25, rank 3) → −81.25, rank +1
//   U6: 6 + 4 = 10 → 100.00 %; beside it U4 80.00 (rank 1) and U5 78.00 (rank 2) of 2024
//   U7: nothing → 0.00 %, new
TEST_F(reports_api, year_over_year_puts_last_years_figures_beside_each_unit_or_its_origins) {
  // The units of 2025: a merger and a new one, with a refusal first.
  auto bad = user("thuky").post_json(
      "/api/v1/units", {{"code", "U6"}, {"name", "Huyện Sáu"}, {"formed_from", {"U4", "NOPE"}}});
  EXPECT_EQ(bad.status, 422u) << bad.body;
  EXPECT_EQ(bad.json().at("code").as_string(), "unknown_origin_unit");
  EXPECT_NE(bad.json().at("detail").as_string().find("NOPE"), std::string::npos) << bad.body;
  auto u6 = user("thuky").post_json(
      "/api/v1/units", {{"code", "U6"}, {"name", "Huyện Sáu"}, {"formed_from", {"U5"}}});
  ASSERT_EQ(u6.status, 201u) << u6.body;
  auto self = user("thuky").request(verb::patch, "/api/v1/units/U6", R"({"formed_from": ["U6"]})",
                                    {{"Content-Type", "application/json"}, {"If-Match", "\"v1\""}});
  EXPECT_EQ(self.status, 422u) << self.body;
  EXPECT_EQ(self.json().at("code").as_string(), "unit_origin_self");
  auto both =
      user("thuky").request(verb::patch, "/api/v1/units/U6", R"({"formed_from": ["U5", "U4"]})",
                            {{"Content-Type", "application/json"}, {"If-Match", "\"v1\""}});
  ASSERT_EQ(both.status, 200u) << both.body;
  EXPECT_EQ(both.json().at("formed_from").as_array(), (boost::json::array{"U4", "U5"}));
  srv.add_unit("U7", "Huyện Bảy");

  // No predecessor: nothing to compare with.
  auto none = user("thuky").get(path("year-over-year"));
  EXPECT_EQ(none.status, 404u) << none.body;
  EXPECT_EQ(none.json().at("code").as_string(), "no_predecessor");

  const auto t0 = srv.clock().now();
  auto iso = [](auto t) { return workflow::format_time(t, "Asia/Ho_Chi_Minh"); };
  auto spec = [&](std::int64_t year, std::int64_t predecessor) {
    return boost::json::object{
        {"year", year},
        {"name", "Chỉ số CCHC " + std::to_string(year)},
        {"predecessor", predecessor},
        {"schedule",
         {{"self_deadline", iso(t0 + 24h)},
          {"round1_end", iso(t0 + 240h)},
          {"round2_end", iso(t0 + 480h)},
          {"council_date", iso(t0 + 720h)}}},
        {"groups",
         boost::json::array{
             {{"key", "A"},
              {"name", "Sở, ngành"},
              {"criteria_set", "r-a"},
              {"units", {"U1", "U2"}}},
             {{"key", "B"}, {"name", "Huyện"}, {"criteria_set", "r-b"}, {"units", {"U6", "U7"}}}}},
        {"council", {"hd.1"}}};
  };
  auto same_year = user("thuky").post_json("/api/v1/campaigns", spec(2024, campaign));
  EXPECT_EQ(same_year.status, 422u) << "a predecessor is an earlier year: " << same_year.body;
  EXPECT_EQ(same_year.json().at("code").as_string(), "invalid_predecessor");
  auto created = user("thuky").post_json("/api/v1/campaigns", spec(2025, campaign));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json().at("predecessor").as_int64(), campaign);
  const auto previous = campaign;
  const auto created_json = created.json();
  campaign = created_json.at("id").as_int64();
  for (const auto& g : created_json.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  scores("U1", "1.1.1", "1.5", "1.5");
  scores("U1", "1.1.2", "2.5", "2.5");
  scores("U1", "2.1", "2", "2");
  scores("U1", "2.2", "2", "2");
  imported("U1", "1.2", "2");
  scores("U6", "1.1", "6", "6");
  imported("U6", "1.2", "4");

  const auto j = get_ok("hd.1", path("year-over-year")).json();
  EXPECT_EQ(j.at("previous_campaign").at("id").as_int64(), previous);
  EXPECT_EQ(j.at("previous_campaign").at("year").as_int64(), 2024);
  const auto& groups = j.at("groups").as_array();
  ASSERT_EQ(groups.size(), 2u);
  const auto& u1 = row_of(groups[0], "U1");
  EXPECT_EQ(u1.at("link").as_string(), "same_code");
  EXPECT_EQ(u1.at("current").at("index").as_string(), "100.00");
  EXPECT_EQ(u1.at("previous").at("index").as_string(), "86.00");
  EXPECT_EQ(u1.at("index_change").as_string(), "+14.00");
  EXPECT_EQ(u1.at("rank_change").as_int64(), 0);
  EXPECT_EQ(u1.at("field_changes").as_array()[0].at("change").as_string(), "+6.67");
  EXPECT_EQ(u1.at("field_changes").as_array()[1].at("change").as_string(), "+25.00");
  const auto& u2 = row_of(groups[0], "U2");
  EXPECT_EQ(u2.at("index_change").as_string(), "-81.25");
  EXPECT_EQ(u2.at("rank_change").as_int64(), 1) << "third in 2024, second in 2025";
  EXPECT_EQ(u2.at("previous").at("class").as_string(), "Khá");
  const auto& merged = row_of(groups[1], "U6");
  EXPECT_EQ(merged.at("link").as_string(), "formed_from");
  EXPECT_TRUE(merged.at("previous").is_null());
  EXPECT_TRUE(merged.at("index_change").is_null());
  const auto& origins = merged.at("origins").as_array();
  ASSERT_EQ(origins.size(), 2u);
  EXPECT_EQ(origins[0].at("unit").as_string(), "U4");
  EXPECT_EQ(origins[0].at("index").as_string(), "80.00");
  EXPECT_EQ(origins[0].at("rank").as_int64(), 1);
  EXPECT_EQ(origins[1].at("unit").as_string(), "U5");
  EXPECT_EQ(origins[1].at("index").as_string(), "78.00");
  EXPECT_EQ(row_of(groups[1], "U7").at("link").as_string(), "new_unit");
  const auto& gone = j.at("gone").as_array();
  ASSERT_EQ(gone.size(), 1u) << "U3 only: U4 and U5 live on in U6";
  EXPECT_EQ(gone[0].at("unit").as_string(), "U3");
  EXPECT_EQ(gone[0].at("previous").at("index").as_string(), "86.00");

  // CSV, parsed back: one row per unit, and one per origin under the merged unit.
  const auto records = parse_csv(get_ok("thuky", path("year-over-year?format=csv")).body);
  const auto& h = records[0];
  ASSERT_EQ(records.size(), 1u + 2u + 2u + 2u + 1u);
  auto record = [&](const std::string& unit) {
    for (const auto& r : records)
      if (r[column(h, "Mã đơn vị")] == unit) return r;
    throw std::runtime_error("no CSV row for " + unit);
  };
  EXPECT_EQ(record("U2")[column(h, "Tăng/giảm chỉ số (điểm %)")], "-81.25");
  EXPECT_EQ(record("U2")[column(h, "Chỉ số 2024 (%)")], "81.25");
  EXPECT_EQ(record("U1")[column(h, "LV 2: tăng/giảm (điểm %)")], "25.00");
  EXPECT_EQ(record("U5")[column(h, "So sánh")], "Đơn vị cũ, hình thành nên U6");
  EXPECT_EQ(record("U5")[column(h, "Chỉ số 2024 (%)")], "78.00");
  EXPECT_EQ(record("U3")[column(h, "So sánh")], "Không còn trong đợt năm nay");

  // XLSX through openpyxl: numbers equal to the JSON's.
  const auto book = read_xlsx(get_ok("thuky", path("year-over-year?format=xlsx")).body);
  ASSERT_FALSE(book.is_null());
  expect_print_setup(book, "Chỉ số CCHC 2025");
  const auto& sheets = book.at("sheets").as_array();
  ASSERT_EQ(sheets.size(), 3u) << "A, B and the units gone";
  const auto& a = sheets[0];
  const auto ah = header_of(a);
  EXPECT_EQ(cell(a, 4, column(ah, "Mã đơn vị")).at("v").as_string(), "U1");
  EXPECT_EQ(cell(a, 4, column(ah, "Chỉ số 2025 (%)")).at("v").as_double(), 100.0);
  EXPECT_EQ(cell(a, 4, column(ah, "Chỉ số 2024 (%)")).at("v").as_double(), 86.0);
  EXPECT_EQ(cell(a, 4, column(ah, "Tăng/giảm chỉ số (điểm %)")).at("v").as_double(), 14.0);
  EXPECT_EQ(cell(a, 5, column(ah, "Tăng/giảm chỉ số (điểm %)")).at("v").as_double(), -81.25);
  EXPECT_EQ(cell(a, 4, column(ah, "LV 1: tăng/giảm (điểm %)")).at("v").as_double(), 6.67);
  const auto& b = sheets[1];
  const auto bh = header_of(b);
  EXPECT_EQ(cell(b, 4, column(bh, "Mã đơn vị")).at("v").as_string(), "U6");
  EXPECT_EQ(cell(b, 5, column(bh, "Mã đơn vị")).at("v").as_string(), "U4");
  EXPECT_EQ(cell(b, 5, column(bh, "Chỉ số 2024 (%)")).at("v").as_double(), 80.0);
  EXPECT_EQ(cell(b, 6, column(bh, "Xếp hạng 2024")).at("v").as_double(), 2.0);
  EXPECT_EQ(cell(sheets[2], 4, column(header_of(sheets[2]), "Mã đơn vị")).at("v").as_string(),
            "U3");

  // Agencies do not read it; a group filter keeps one group and leaves out the gone.
  EXPECT_EQ(user("u1.canbo").get(path("year-over-year")).status, 403u);
  const auto only_b = get_ok("thuky", path("year-over-year?group=B")).json();
  EXPECT_EQ(only_b.at("groups").as_array().size(), 1u);
  EXPECT_TRUE(only_b.at("gone").as_array().empty());
}

TEST_F(reports_api, a_successor_carries_the_campaign_a_year_on_and_year_over_year_compares_them) {
  const auto old_id = campaign;
  put("U1", "1.1.1", [](auto& r) { r.self_explanation = "Đã ban hành kế hoạch CCHC"; });
  const auto before = get_ok("thuky", "/api/v1/campaigns/" + std::to_string(old_id)).json();
  const auto ranking = get_ok("thuky", path("ranking")).json();
  const auto successor = "/api/v1/campaigns/" + std::to_string(old_id) + "/successor";

  auto missing = user("thuky").post_json(successor, {{"criteria_sets", {{"A", "r-a"}}}});
  EXPECT_EQ(missing.status, 422u) << missing.body;
  EXPECT_EQ(missing.json().at("code").as_string(), "criteria_set_required");
  EXPECT_EQ(missing.json().at("field").as_string(), "criteria_sets.B");
  auto unknown =
      user("thuky").post_json(successor, {{"criteria_sets", {{"A", "r-a"}, {"B", "2026"}}}});
  EXPECT_EQ(unknown.json().at("code").as_string(), "unknown_criteria_set") << unknown.body;
  EXPECT_EQ(user("u1.head").post_json(successor, {{"criteria_sets", {{"A", "r-a"}}}}).status, 403u);

  auto created =
      user("thuky").post_json(successor, {{"criteria_sets", {{"A", "r-a"}, {"B", "r-b"}}}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto j = created.json();
  EXPECT_EQ(j.at("year").as_int64(), 2025);
  EXPECT_EQ(j.at("name").as_string(), "Chỉ số CCHC 2025 & báo cáo");
  EXPECT_EQ(j.at("predecessor").as_int64(), old_id);
  for (auto date : {"self_deadline", "round1_end", "round2_end", "council_date"}) {
    const std::string was{before.at("schedule").at(date).as_string()};
    const std::string now{j.at("schedule").at(date).as_string()};
    EXPECT_EQ(std::stoi(now.substr(0, 4)), std::stoi(was.substr(0, 4)) + 1) << date;
    EXPECT_EQ(now.substr(4), was.substr(4)) << date << ": the same day and hour a year on";
  }
  for (auto same : {"bands", "approval", "assignments", "council", "time_zone"})
    EXPECT_EQ(j.at(same), before.at(same)) << same;
  ASSERT_EQ(j.at("groups").as_array().size(), 2u);
  for (std::size_t g = 0; g < 2; ++g) {
    const auto& was = before.at("groups").as_array()[g];
    const auto& now = j.at("groups").as_array()[g];
    EXPECT_EQ(now.at("key"), was.at("key"));
    EXPECT_EQ(now.at("criteria_set_id"), was.at("criteria_set_id"));
    ASSERT_EQ(now.at("assessments").as_array().size(), was.at("assessments").as_array().size());
    for (const auto& a : now.at("assessments").as_array())
      EXPECT_EQ(a.at("state").as_string(), "self_assessment");
  }
  EXPECT_TRUE(j.at("not_evaluated").as_array().empty()) << "each year decides it again";
  // Without carry_over nothing of last year's work is in the new files.
  for (const auto& g : j.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array()) {
      const auto id = std::to_string(a.at("assessment").as_int64());
      const auto f = get_ok("thuky", "/api/v1/assessments/" + id).json();
      for (const auto& l : f.at("leaves").as_array()) {
        EXPECT_FALSE(l.at("carried_over").as_bool()) << id << " " << l.at("code");
        EXPECT_TRUE(l.at("self_explanation").is_null()) << id << " " << l.at("code");
      }
      if (a.at("unit").as_string() != "U1") continue;
      const auto listed = get_ok("thuky", "/api/v1/assessments/" + id + "/leaves/1.1.1/evidence");
      EXPECT_TRUE(listed.json().at("carried").as_array().empty());
    }
  bool said = false;
  for (const auto& w : j.at("warnings").as_array())
    said |= std::string{w.as_string()}.find("not-evaluated") != std::string::npos;
  EXPECT_TRUE(said) << j.at("warnings");

  // Year over year on the successor: last year's figures beside every unit, as last
  // year's ranking printed them; this year's U1 scored as last year's.
  campaign = j.at("id").as_int64();
  for (const auto& g : j.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  scores("U1", "1.1.1", "1.5", "1.5");
  scores("U1", "1.1.2", "2.5", "2.5");
  scores("U1", "2.1", "2", "2");
  scores("U1", "2.2", "2", "1");
  imported("U1", "1.2", "1.6");
  const auto yoy = get_ok("thuky", path("year-over-year")).json();
  EXPECT_EQ(yoy.at("previous_campaign").at("id").as_int64(), old_id);
  EXPECT_TRUE(yoy.at("gone").as_array().empty());
  const auto& groups = yoy.at("groups").as_array();
  ASSERT_EQ(groups.size(), 2u);
  for (std::size_t g = 0; g < 2; ++g)
    for (const auto& last : ranking.at("groups").as_array()[g].at("rows").as_array()) {
      const std::string unit{last.at("unit").as_string()};
      const auto& row = row_of(groups[g], unit);
      EXPECT_EQ(row.at("link").as_string(), "same_code") << unit;
      EXPECT_EQ(row.at("previous").at("index"), last.at("index")) << unit;
      EXPECT_EQ(row.at("previous").at("rank"), last.at("rank")) << unit;
    }
  const auto& u1 = row_of(groups[0], "U1");
  EXPECT_EQ(u1.at("current").at("index").as_string(), "86.00");
  EXPECT_EQ(u1.at("index_change").as_string(), "0.00");
}

// The leaf of a file as GET /api/v1/assessments/{id} shows it.
boost::json::object leaf_of(const boost::json::value& file, const std::string& code) {
  for (const auto& l : file.at("leaves").as_array())
    if (l.at("code").as_string() == code) return l.as_object();
  throw std::runtime_error("no leaf " + code);
}
// Whether a leaf's history holds an entry with this action.
bool has_action(const boost::json::value& history, const std::string& action) {
  for (const auto& e : history.at("history").as_array())
    if (e.at("action").as_string() == action) return true;
  return false;
}

TEST_F(reports_api, a_successor_with_carry_over_offers_last_years_unchanged_work_to_confirm) {
  // Last year: U1 explained three leaves; U3 sealed two documents on 2.1.
  put("U1", "1.1.1", [](auto& r) { r.self_explanation = "Đã ban hành kế hoạch CCHC"; });
  put("U1", "1.1.2", [](auto& r) { r.self_explanation = "Có báo cáo quý"; });
  put("U1", "2.1", [](auto& r) { r.self_explanation = "Đã rà soát văn bản"; });
  srv.add_user("u3.canbo", "agency_editor", "U3");
  srv.add_user("u3.head", "agency_head", "U3");
  const auto old_u3 = "/api/v1/assessments/" + std::to_string(file["U3"]);
  const std::string kept_pdf = pdf_bytes("Báo cáo rà soát 2024"), left_pdf = pdf_bytes("Phụ lục");
  for (auto [name, bytes] : {std::pair{"bao-cao.pdf", kept_pdf}, {"phu-luc.pdf", left_pdf}}) {
    std::string upload;
    ASSERT_EQ(upload_file(user("u3.canbo"), name, bytes, &upload).status, 204u);
    auto attached =
        user("u3.canbo")
            .post_json(old_u3 + "/leaves/2.1/evidence",
                       {{"upload_id", upload},
                        {"document", {{"number", "12/BC-SNV"}, {"issue_date", "2024-03-01"}}}});
    ASSERT_EQ(attached.status, 201u) << attached.body;
  }
  ASSERT_EQ(user("u3.head")
                .post_json(old_u3 + "/events",
                           {{"event", "submit"}, {"confirm_missing_self_scores", true}})
                .status,
            200u);

  // Next year's set for group A renames 1.1.2: its explanation is not carried.
  std::string renamed{set_a};
  renamed.replace(renamed.find("r-a"), 3, "r-a-2025");
  renamed.replace(renamed.find("1.1.2,TP 1.1.2"), 14, "1.1.2,TP 1.1.2 mới");
  ASSERT_EQ(
      user("thuky")
          .request(verb::post, "/api/v1/criteria-sets", renamed, {{"Content-Type", "text/csv"}})
          .status,
      201u);
  auto created = user("thuky").post_json(
      "/api/v1/campaigns/" + std::to_string(campaign) + "/successor",
      {{"criteria_sets", {{"A", "r-a-2025"}, {"B", "r-b"}}}, {"carry_over", true}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto cj = created.json();
  bool said = false;
  for (const auto& w : cj.at("warnings").as_array())
    said |=
        std::string{w.as_string()}.find("2 explanations and 3 evidence files") != std::string::npos;
  EXPECT_TRUE(said) << cj.at("warnings");
  for (const auto& g : cj.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  const auto u1 = "/api/v1/assessments/" + std::to_string(file["U1"]);
  const auto u3 = "/api/v1/assessments/" + std::to_string(file["U3"]);

  // Texts: the unchanged leaves' explanations, marked; never scores or remarks.
  auto now = get_ok("u1.canbo", u1).json();
  EXPECT_EQ(leaf_of(now, "1.1.1").at("self_explanation").as_string(), "Đã ban hành kế hoạch CCHC");
  EXPECT_TRUE(leaf_of(now, "1.1.1").at("carried_over").as_bool());
  EXPECT_TRUE(leaf_of(now, "1.1.1").at("self_score").is_null());
  EXPECT_TRUE(leaf_of(now, "2.1").at("carried_over").as_bool());
  EXPECT_TRUE(leaf_of(now, "2.2").at("round1_remark").is_null());
  EXPECT_TRUE(leaf_of(now, "1.1.2").at("self_explanation").is_null()) << "its title changed";
  EXPECT_FALSE(leaf_of(now, "1.1.2").at("carried_over").as_bool());
  EXPECT_TRUE(leaf_of(now, "1.1.2").at("explanation_response").is_null());

  // Only the unit's agency users confirm; each confirmation clears the mark and is audited.
  const auto confirm_text = u1 + "/leaves/1.1.1/explanation/confirm";
  EXPECT_EQ(user("td.1").post_json(confirm_text, boost::json::object{}).status, 403u);
  EXPECT_EQ(user("u3.canbo").post_json(confirm_text, boost::json::object{}).json().at("code"),
            "wrong_unit");
  auto confirmed = user("u1.canbo").post_json(confirm_text, boost::json::object{});
  ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
  EXPECT_FALSE(confirmed.json().at("carried_over").as_bool());
  EXPECT_EQ(confirmed.json().at("self_explanation").as_string(), "Đã ban hành kế hoạch CCHC");
  auto again = user("u1.canbo").post_json(confirm_text, boost::json::object{});
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.json().at("code").as_string(), "not_carried_over");
  EXPECT_EQ(user("u1.canbo")
                .post_json(u1 + "/leaves/1.1.2/explanation/confirm", boost::json::object{})
                .json()
                .at("code"),
            "not_carried_over");
  EXPECT_TRUE(
      has_action(get_ok("thanhtra", u1 + "/leaves/1.1.1/history").json(), "leaf.carried_over"));
  // Writing the explanation is the agency's own answer too.
  const auto v21 = leaf_of(now, "2.1").at("version").as_int64();
  auto edited = user("u1.canbo")
                    .send_json(verb::patch, u1 + "/leaves/2.1",
                               {{"self_explanation", "Đã rà soát văn bản năm 2025"}},
                               {{"If-Match", "\"v" + std::to_string(v21) + "\""}});
  ASSERT_EQ(edited.status, 200u) << edited.body;
  EXPECT_FALSE(edited.json().at("carried_over").as_bool());

  // Evidence: last year's sealed files are offered, not drafts.
  auto listed = get_ok("u3.canbo", u3 + "/leaves/2.1/evidence").json();
  EXPECT_TRUE(listed.at("drafts").as_array().empty());
  const auto& offers = listed.at("carried").as_array();
  ASSERT_EQ(offers.size(), 2u) << listed;
  std::map<std::string, std::int64_t> offer;
  for (const auto& o : offers) {
    EXPECT_EQ(o.at("state").as_string(), "offered");
    EXPECT_TRUE(o.at("carried_over").as_bool());
    EXPECT_EQ(o.at("file").at("document").at("number").as_string(), "12/BC-SNV");
    offer[std::string{o.at("file").at("sha256").as_string()}] = o.at("id").as_int64();
  }
  const auto keep = u3 + "/leaves/2.1/carried/" + std::to_string(offer[sha256_hex(kept_pdf)]);
  EXPECT_EQ(user("td.1").post_json(keep + "/confirm", boost::json::object{}).status, 403u);
  EXPECT_EQ(user("u1.canbo").post_json(keep + "/confirm", boost::json::object{}).json().at("code"),
            "wrong_unit");
  EXPECT_EQ(user("u3.canbo")
                .post_json(u3 + "/leaves/2.2/carried/" +
                               std::to_string(offer[sha256_hex(kept_pdf)]) + "/confirm",
                           boost::json::object{})
                .json()
                .at("code"),
            "carried_evidence_not_found");
  auto kept = user("u3.canbo").post_json(keep + "/confirm", boost::json::object{});
  ASSERT_EQ(kept.status, 200u) << kept.body;
  EXPECT_EQ(kept.json().at("state").as_string(), "confirmed");
  auto twice = user("u3.canbo").post_json(keep + "/discard", boost::json::object{});
  EXPECT_EQ(twice.status, 409u);
  EXPECT_EQ(twice.json().at("code").as_string(), "carried_evidence_decided");
  listed = get_ok("u3.canbo", u3 + "/leaves/2.1/evidence").json();
  ASSERT_EQ(listed.at("drafts").as_array().size(), 1u);
  EXPECT_EQ(listed.at("drafts").as_array()[0].at("sha256").as_string(), sha256_hex(kept_pdf));
  EXPECT_EQ(listed.at("drafts").as_array()[0].at("id").as_int64(),
            kept.json().at("draft_id").as_int64());
  EXPECT_TRUE(has_action(get_ok("thanhtra", u3 + "/leaves/2.1/history").json(),
                         "evidence.carried.confirm"));

  // U1 leaves last year's plan out: discarded, audited, no draft.
  auto plan = get_ok("u1.canbo", u1 + "/leaves/1.1.1/evidence").json();
  ASSERT_EQ(plan.at("carried").as_array().size(), 1u) << plan;
  const auto plan_offer = std::to_string(plan.at("carried").as_array()[0].at("id").as_int64());
  auto dropped = user("u1.canbo")
                     .post_json(u1 + "/leaves/1.1.1/carried/" + plan_offer + "/discard",
                                boost::json::object{});
  ASSERT_EQ(dropped.status, 200u) << dropped.body;
  EXPECT_EQ(dropped.json().at("state").as_string(), "discarded");
  EXPECT_FALSE(dropped.json().as_object().contains("draft_id"));
  EXPECT_TRUE(
      get_ok("u1.canbo", u1 + "/leaves/1.1.1/evidence").json().at("drafts").as_array().empty());
  EXPECT_TRUE(has_action(get_ok("thanhtra", u1 + "/leaves/1.1.1/history").json(),
                         "evidence.carried.discard"));

  // Submitting seals the confirmed file again in this year's file; the other is never sealed
  // and can no longer be taken.
  ASSERT_EQ(
      user("u3.head")
          .post_json(u3 + "/events", {{"event", "submit"}, {"confirm_missing_self_scores", true}})
          .status,
      200u);
  listed = get_ok("u3.canbo", u3 + "/leaves/2.1/evidence").json();
  ASSERT_EQ(listed.at("versions").as_array().size(), 1u) << listed;
  const auto& sealed = listed.at("versions").as_array()[0].at("files").as_array();
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_EQ(sealed[0].at("sha256").as_string(), sha256_hex(kept_pdf));
  EXPECT_EQ(sealed[0].at("state").as_string(), "sealed");
  const auto left = u3 + "/leaves/2.1/carried/" + std::to_string(offer[sha256_hex(left_pdf)]);
  auto late = user("u3.canbo").post_json(left + "/confirm", boost::json::object{});
  EXPECT_EQ(late.status, 409u) << late.body;
  listed = get_ok("u3.canbo", u3 + "/leaves/2.1/evidence").json();
  EXPECT_TRUE(listed.at("drafts").as_array().empty());
}

}  // namespace
}  // namespace parix::testing
