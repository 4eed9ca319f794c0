// Survey and external score imports read what Excel writes and refuse what they must
// (issue 10): a byte order mark, RFC 4180 quotes, ';' (Vietnamese Excel's default, with
// decimal commas) or ','; duplicated rows and rows for not-evaluated leaves are refused
// with their line numbers, and nothing of a refused file is kept.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

const char* survey_set =
    "#set-key: survey\n#set-name: Khảo sát\n#total: 4\ncode,title,max,method,bonus\n"
    "1,Lĩnh vực 1,4,,\n1.1,Tự chấm,1,self,\n1.2,Khảo sát A,1.5,survey,\n"
    "1.3,Khảo sát B,1,survey,\n1.4,SIPAS,0.5,external,\n";

class score_import : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Một");
    srv.add_unit("U2", "Hai");
    srv.add_user("thuky", "secretariat");
    import_set(as("thuky"), survey_set);
    auto body = campaign_body(
        "S", srv.clock().now(), {"U1", "U2"},
        {{"not_evaluated",
          boost::json::array{
              {{"unit", "U2"}, {"criterion", "1.3"}, {"reason", "Không khảo sát"}}}}});
    body["groups"].as_array()[0].as_object()["criteria_set"] = "survey";
    auto created = as("thuky").post_json("/api/v1/campaigns", body);
    ASSERT_EQ(created.status, 201u) << created.body;
    campaign = std::to_string(created.json().at("id").as_int64());
    file = files_of(created.json());
  }
  reply import(const std::string& csv) {
    return as("thuky").request(verb::post, "/api/v1/campaigns/" + campaign + "/scores", csv,
                               {{"Content-Type", "text/csv; charset=utf-8"}});
  }
  std::string imported(const std::string& unit, const std::string& code) {
    auto v = as("thuky").get("/api/v1/assessments/" + std::to_string(file[unit])).json();
    for (const auto& l : v.at("leaves").as_array())
      if (l.at("code").as_string() == code)
        return l.at("imported_score").is_null() ? ""
                                                : std::string{l.at("imported_score").as_string()};
    return "?";
  }
  std::vector<std::string> problems(const reply& r) {
    std::vector<std::string> out;
    const auto refused = r.json();
    for (const auto& p : refused.at("problems").as_array())
      out.push_back(std::to_string(p.at("line").as_int64()) + ":" +
                    std::string{p.at("problem").as_string()});
    return out;
  }

  test_server srv;
  signed_in as{srv};
  std::string campaign;
  std::map<std::string, std::int64_t> file;
};

TEST_F(score_import, what_vietnamese_excel_writes_is_read) {
  // A byte order mark, ';', decimal commas, quoted fields, CRLF.
  auto r = import(
      "\xEF\xBB\xBFunit_code;criterion_code;score\r\n"
      "U1;1.2;1,25\r\n"
      "\"U1\";\"1.3\";\"0,5\"\r\n"
      "U2;1.2;1.5\r\n");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("imported").as_int64(), 3);
  EXPECT_EQ(imported("U1", "1.2"), "1.25");
  EXPECT_EQ(imported("U1", "1.3"), "0.5");
  EXPECT_EQ(imported("U2", "1.2"), "1.5");
  // And what LibreOffice writes: ',' with quotes where a field needs them.
  auto commas = import("unit_code,criterion_code,score\n\"U1\",1.4,\"0.25\"\n");
  ASSERT_EQ(commas.status, 200u) << commas.body;
  EXPECT_EQ(imported("U1", "1.4"), "0.25");
}

TEST_F(score_import, duplicates_and_not_evaluated_leaves_are_refused_with_their_lines) {
  auto r = import(
      "unit_code,criterion_code,score\n"
      "U1,1.2,1\n"       // 2: fine
      "U1,1.2,1.5\n"     // 3: the same leaf again: which one wins?
      "U2,1.3,1\n"       // 4: not evaluated for U2
      "U1,1.1,1\n"       // 5: self-scored
      "U1,1,1\n"         // 6: a field, not a leaf
      "U3,1.2,1\n"       // 7: not in the campaign
      "U1,1.4,0,75\n"    // 8: a decimal comma where ',' separates: four fields
      "U2,1.4,0.75\n");  // 9: above the maximum 0.5
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.json().at("code").as_string(), "invalid_score_import");
  EXPECT_EQ(problems(r),
            (std::vector<std::string>{"3:duplicate_row", "4:leaf_not_evaluated", "5:not_imported",
                                      "6:not_a_leaf", "7:unknown_unit", "8:bad_row",
                                      "9:score_above_maximum"}));
  EXPECT_NE(r.json().at("problems").as_array()[0].at("detail").as_string().find("line 2"),
            std::string::npos);
  EXPECT_EQ(imported("U1", "1.2"), "") << "nothing of a refused file is kept";
  EXPECT_NE(r.json().at("detail").as_string().find("7"), std::string::npos);
}

TEST_F(score_import, a_broken_quote_is_a_problem_with_its_line) {
  auto r = import("unit_code,criterion_code,score\nU1,1.2,1\nU1,\"1.3,1\n");
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(problems(r), (std::vector<std::string>{"3:bad_csv"}));
}

}  // namespace
}  // namespace parix::testing
