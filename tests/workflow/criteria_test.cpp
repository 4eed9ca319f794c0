// The criteria CSV importer: every validation rule, and the two shipped 2024 sets.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "workflow/criteria.hpp"

namespace parix::workflow {
namespace {

const std::string head = "#set-key: t\n#set-name: Test\ncode,title,max,method,bonus\n";

std::vector<criteria_problem> problems_of(const std::string& csv) {
  return parse_criteria_csv(csv).problems;
}

// The one problem the text has: its code and line.
void expect_problem(const std::string& body, const std::string& code, int line) {
  auto ps = problems_of(head + body);
  ASSERT_FALSE(ps.empty()) << body;
  bool found = false;
  for (const auto& p : ps) found = found || (p.problem == code && p.line == line);
  EXPECT_TRUE(found) << "expected " << code << " on line " << line << "; got " << ps[0].problem
                     << " on line " << ps[0].line << " (" << ps[0].detail << ")";
}

TEST(criteria_import, a_valid_tree_parses_with_its_summary) {
  auto r = parse_criteria_csv("#total: 2\n" + head +
                              "1,\"CHỈ ĐẠO, ĐIỀU HÀNH\",2,,\n"
                              "1.1,Kế hoạch,1.5,,\n"
                              "1.1.1,Chất lượng,0.5,self,\n"
                              "1.1.2,Mức độ,1,survey,\n"
                              "1.2,Điểm thưởng sự hiệu quả,0.5,self,yes\n");
  ASSERT_TRUE(r.set) << r.problems[0].detail;
  EXPECT_EQ(r.set->key, "t");
  EXPECT_EQ(r.set->nodes[0].title, "CHỈ ĐẠO, ĐIỀU HÀNH");
  auto s = r.set->summary();
  EXPECT_EQ(s.fields, 1);
  EXPECT_EQ(s.criteria, 2);
  EXPECT_EQ(s.sub_criteria, 2);
  EXPECT_EQ(s.total.to_string(), "2");
  EXPECT_EQ(s.survey_total.to_string(), "1");
  EXPECT_EQ(s.bonus_total.to_string(), "0.5");
  EXPECT_EQ(r.set->find("1.1.2")->field(), "1");
  EXPECT_EQ(r.set->find("1.1")->children.size(), 2u);
}

TEST(criteria_import, duplicate_codes_are_reported) {
  expect_problem("1,A,1,,\n1.1,B,1,self,\n1.1,C,1,self,\n", "duplicate_code", 6);
}
TEST(criteria_import, an_orphan_is_reported) {
  expect_problem("1,A,1,self,\n2.1,B,1,self,\n", "missing_parent", 5);
}
TEST(criteria_import, a_parent_that_is_not_the_sum_of_its_children_is_reported) {
  expect_problem("1,A,2,,\n1.1,B,0.5,self,\n1.2,C,1,self,\n", "parent_sum_mismatch", 4);
}
TEST(criteria_import, a_negative_maximum_is_reported) {
  expect_problem("1,A,-1,self,\n", "negative_max", 4);
}
TEST(criteria_import, more_than_four_decimals_are_reported) {
  expect_problem("1,A,0.12345,self,\n", "too_many_decimals", 4);
}
TEST(criteria_import, a_decimal_comma_is_reported) {
  expect_problem("1,A,\"1,5\",self,\n", "bad_number", 4);
}
TEST(criteria_import, an_empty_title_is_reported) {
  expect_problem("1,,1,self,\n", "empty_title", 4);
}
TEST(criteria_import, a_bad_method_is_reported) {
  expect_problem("1,A,1,guess,\n", "bad_method", 4);
}
TEST(criteria_import, a_method_on_a_parent_is_reported) {
  expect_problem("1,A,1,self,\n1.1,B,1,self,\n", "method_on_parent", 4);
}
TEST(criteria_import, a_leaf_without_method_is_reported) {
  expect_problem("1,A,1,,\n", "missing_method", 4);
}
TEST(criteria_import, a_bad_bonus_is_reported) {
  expect_problem("1,A,1,self,maybe\n", "bad_bonus", 4);
}
TEST(criteria_import, bad_quotes_are_reported) {
  expect_problem("1,\"A,1,self,\n", "bad_csv", 4);
}
TEST(criteria_import, a_bad_code_is_reported) {
  expect_problem("1.a,A,1,self,\n", "bad_code", 4);
}

TEST(criteria_import, a_wrong_header_and_missing_directives_are_reported) {
  auto ps = problems_of("code,name,max\n1,A,1,self,\n");
  std::set<std::string> codes;
  for (const auto& p : ps) codes.insert(p.problem);
  EXPECT_TRUE(codes.contains("bad_header"));
  EXPECT_TRUE(codes.contains("missing_directive"));
}

TEST(criteria_import, a_total_other_than_100_is_refused_unless_the_file_says_so) {
  auto ps = problems_of(head + "1,A,2,,\n1.1,B,2,self,\n");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].problem, "total_not_100");
  EXPECT_NE(ps[0].detail.find("#total: 2"), std::string::npos) << ps[0].detail;
  EXPECT_TRUE(parse_criteria_csv("#total: 2\n" + head + "1,A,2,,\n1.1,B,2,self,\n").set);
  auto wrong = problems_of("#total: 3\n" + head + "1,A,2,,\n1.1,B,2,self,\n");
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].problem, "total_mismatch");
  EXPECT_EQ(wrong[0].line, 1);
  EXPECT_TRUE(parse_criteria_csv(head + "1,A,60,self,\n2,B,40,survey,\n").set)
      << "a set of 100 points needs no directive";
}

TEST(criteria_import, excel_files_with_a_bom_semicolons_and_decimal_commas_are_read) {
  auto r = parse_criteria_csv(
      "\xEF\xBB\xBF#set-key: x\r\n#set-name: X\r\n#total: 1,5\r\ncode;title;max;method;bonus\r\n"
      "1;\"Chỉ đạo; điều hành\";1,5;;\r\n1.1;A;1,5;self;\r\n");
  ASSERT_TRUE(r.set) << r.problems[0].problem << " " << r.problems[0].detail;
  EXPECT_EQ(r.set->key, "x");
  EXPECT_EQ(r.set->nodes[0].title, "Chỉ đạo; điều hành");
  EXPECT_EQ(r.set->summary().total.to_string(), "1.5");
}

TEST(criteria_import, every_problem_is_reported_not_just_the_first) {
  auto ps = problems_of(head + "1,A,3,,\n1.1,,1,self,\n1.1,B,1,self,\n1.2,C,0.123456,self,\n");
  EXPECT_GE(ps.size(), 4u);
}

criteria_set shipped(const std::string& name) {
  std::ifstream in{std::string{PARIX_SOURCE_DIR} + "/workflow/criteria_sets/" + name};
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_criteria_csv(ss.str());
  for (const auto& p : r.problems)
    ADD_FAILURE() << name << ":" << p.line << " " << p.problem << " " << p.detail;
  return r.set.value_or(criteria_set{});
}

TEST(criteria_sets_2024, departments_have_7_fields_47_criteria_99_sub_criteria_and_100_points) {
  auto set = shipped("2024-departments.csv");
  auto s = set.summary();
  EXPECT_EQ(set.key, "2024-departments");
  EXPECT_EQ(s.fields, 7);
  EXPECT_EQ(s.criteria, 47);
  EXPECT_EQ(s.sub_criteria, 99);
  EXPECT_EQ(s.total.to_string(), "100");
  // The scheme's text says 20 survey points; the rows say 19.
  EXPECT_EQ(s.survey_total.to_string(), "19");
  ASSERT_NE(set.find("2.3.2"), nullptr);
  EXPECT_EQ(set.find("2.3.2")->title, "Xử lý kết quả theo dõi thi hành pháp luật");
}

TEST(criteria_sets_2024, districts_have_8_fields_50_criteria_107_sub_criteria_and_100_points) {
  auto set = shipped("2024-districts.csv");
  auto s = set.summary();
  EXPECT_EQ(s.fields, 8);
  EXPECT_EQ(s.criteria, 50);
  EXPECT_EQ(s.sub_criteria, 107);
  EXPECT_EQ(s.total.to_string(), "100");
  EXPECT_EQ(s.survey_total.to_string(), "10");
  EXPECT_EQ(s.external_total.to_string(), "15");  // the satisfaction survey (SIPAS), 8.3.x
  EXPECT_EQ(s.self_total.to_string(), "75");
}

}  // namespace
}  // namespace parix::workflow
