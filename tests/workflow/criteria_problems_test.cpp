// The criteria importer's problem list, exactly: for each problem code a minimal file
// whose complete list is that one problem, with its line and criterion code. Also the
// RFC 4180 details (doubled quotes, CRLF, a BOM) and the seed's own data error.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "workflow/criteria.hpp"

namespace parix::workflow {
namespace {

// Lines 1–3; the first body line is line 4.
const std::string head = "#set-key: t\n#set-name: Test\ncode,title,max,method,bonus\n";

// (line, code, problem) of every problem, in report order.
using found = std::vector<std::tuple<int, std::string, std::string>>;

// The small files here do not total 100 points; that check has its own test
// (criteria_import.a_total_other_than_100_is_refused_unless_the_file_says_so).
found problems(const std::string& csv) {
  found out;
  for (const auto& p : parse_criteria_csv(csv).problems)
    if (p.problem != "total_not_100") out.emplace_back(p.line, p.code, p.problem);
  return out;
}

TEST(criteria_problems, duplicate_code) {
  EXPECT_EQ(problems(head + "1,A,2,,\n1.1,B,1,self,\n1.2,C,1,self,\n1.2,D,1,self,\n"),
            (found{{7, "1.2", "duplicate_code"}}));
}

TEST(criteria_problems, missing_parent_for_a_field_less_criterion) {
  EXPECT_EQ(problems(head + "1,A,1,self,\n2.1,B,1,self,\n"), (found{{5, "2.1", "missing_parent"}}));
}

TEST(criteria_problems, missing_parent_for_a_sub_criterion_without_its_criterion) {
  EXPECT_EQ(problems(head + "1,A,1,,\n1.1,B,1,self,\n1.3.2,C,1,self,\n"),
            (found{{6, "1.3.2", "missing_parent"}}));
}

TEST(criteria_problems, a_parent_after_its_child_leaves_the_child_orphaned) {
  EXPECT_EQ(problems(head + "1.1,B,1,self,\n1,A,1,self,\n"), (found{{4, "1.1", "missing_parent"}}));
}

TEST(criteria_problems, parent_sum_mismatch_reports_both_values) {
  const auto r =
      parse_criteria_csv(head + "1,A,2,,\n1.1,B,0.5,self,\n1.2,C,1.25,self,\n#total: 2\n");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 4);
  EXPECT_EQ(r.problems[0].code, "1");
  EXPECT_EQ(r.problems[0].problem, "parent_sum_mismatch");
  EXPECT_NE(r.problems[0].detail.find(" 2 "), std::string::npos) << r.problems[0].detail;
  EXPECT_NE(r.problems[0].detail.find("1.75"), std::string::npos) << r.problems[0].detail;
}

TEST(criteria_problems, negative_max) {
  EXPECT_EQ(problems(head + "1,A,-1,self,\n"), (found{{4, "1", "negative_max"}}));
}

TEST(criteria_problems, too_many_decimals) {
  EXPECT_EQ(problems(head + "1,A,0.12345,self,\n"), (found{{4, "1", "too_many_decimals"}}));
}

TEST(criteria_problems, four_decimals_are_fine) {
  EXPECT_EQ(problems(head + "1,A,0.1234,self,\n"), found{});
}

TEST(criteria_problems, bad_number_for_a_decimal_comma_junk_or_nothing) {
  for (const std::string max : {"\"1,5\"", "abc", "1e2", "", "+1", "0x1"})
    EXPECT_EQ(problems(head + "1,A," + max + ",self,\n"), (found{{4, "1", "bad_number"}})) << max;
}

TEST(criteria_problems, empty_title_also_when_only_blanks) {
  EXPECT_EQ(problems(head + "1,,1,self,\n2,   ,1,self,\n"),
            (found{{4, "1", "empty_title"}, {5, "2", "empty_title"}}));
}

TEST(criteria_problems, bad_method) {
  EXPECT_EQ(problems(head + "1,A,1,guess,\n"), (found{{4, "1", "bad_method"}}));
}

TEST(criteria_problems, method_on_parent) {
  EXPECT_EQ(problems(head + "1,A,1,self,\n1.1,B,1,self,\n"), (found{{4, "1", "method_on_parent"}}));
}

TEST(criteria_problems, missing_method_on_a_leaf) {
  EXPECT_EQ(problems(head + "1,A,1,,\n1.1,B,1,,\n"), (found{{5, "1.1", "missing_method"}}));
}

TEST(criteria_problems, bad_bonus) {
  EXPECT_EQ(problems(head + "1,A,1,self,maybe\n"), (found{{4, "1", "bad_bonus"}}));
}

TEST(criteria_problems, bad_header) {
  EXPECT_EQ(problems("#set-key: t\n#set-name: T\ncode,title,maximum,method,bonus\n1,A,1,self,\n"),
            (found{{3, "", "bad_header"}}));
}

TEST(criteria_problems, bad_csv_for_quotes_and_field_counts) {
  const std::string ok = "1,A,1,self,\n";
  for (const std::string bad :
       {"2,\"B,1,self,", "2,B\"x,1,self,", "2,\"B\"x,1,self,", "2,B,1,self", "2,B,1,self,,"})
    EXPECT_EQ(problems(head + ok + bad + "\n"), (found{{5, "", "bad_csv"}})) << bad;
}

TEST(criteria_problems, bad_code) {
  for (const std::string code : {"1.a", "1.2.3.4", ".1", "1.", "1..2"})
    EXPECT_EQ(problems(head + "1,A,1,self,\n" + code + ",B,1,self,\n"),
              (found{{5, code, "bad_code"}}))
        << code;
}

TEST(criteria_problems, missing_directive_for_each_missing_line) {
  EXPECT_EQ(problems("#set-name: T\ncode,title,max,method,bonus\n1,A,1,self,\n"),
            (found{{1, "", "missing_directive"}}));
  EXPECT_EQ(problems("#set-key: t\ncode,title,max,method,bonus\n1,A,1,self,\n"),
            (found{{1, "", "missing_directive"}}));
  EXPECT_EQ(problems("code,title,max,method,bonus\n1,A,1,self,\n").size(), 2u);
}

TEST(criteria_problems, empty_set) {
  EXPECT_EQ(problems(head), (found{{0, "", "empty_set"}}));
}

TEST(criteria_problems, every_problem_of_a_file_is_listed_in_line_order) {
  const auto ps = problems(head +
                           "1,A,3,,\n"              // 4: children add up to 2.5
                           "1.1,,1,self,\n"         // 5: empty title
                           "1.1,B,1,self,\n"        // 6: duplicate
                           "1.2,C,0.12345,self,\n"  // 7: too many decimals (counts as 0)
                           "1.3,D,1.5,poll,\n"      // 8: bad method
                           "3.1,E,1,self,\n");      // 9: orphan
  EXPECT_EQ(ps, (found{{4, "1", "parent_sum_mismatch"},
                       {5, "1.1", "empty_title"},
                       {6, "1.1", "duplicate_code"},
                       {7, "1.2", "too_many_decimals"},
                       {8, "1.3", "bad_method"},
                       {9, "3.1", "missing_parent"}}));
}

// The seed's own error: two different sub-criteria coded "2.3.1" (the second is 2.3.2).
TEST(criteria_problems, the_seeds_doubled_2_3_1_is_caught) {
  EXPECT_EQ(problems(head + "2,Xây dựng và tổ chức thi hành VBQPPL,2,,\n"
                            "2.3,Theo dõi thi hành pháp luật,2,,\n"
                            "2.3.1,Ban hành kế hoạch theo dõi thi hành pháp luật,1,self,\n"
                            "2.3.1,Xử lý kết quả theo dõi thi hành pháp luật,1,self,\n"),
            (found{{5, "2.3", "parent_sum_mismatch"},  // 2.3 now has only one child
                   {7, "2.3.1", "duplicate_code"}}));
}

TEST(criteria_csv, doubled_quotes_commas_crlf_and_a_bom_are_read_as_rfc_4180_says) {
  const std::string csv =
      "\xEF\xBB\xBF#set-key: t\r\n#set-name: Test\r\n# a comment, with a comma\r\n#total: 1.5\r\n"
      "code,title,max,method,bonus\r\n"
      "1,\"Tiêu chí \"\"A\"\", gồm B\",1.5,,\r\n"
      "1.1,\"\",0.5,self,\r\n"
      "1.2,Thưởng,1,survey,yes";  // no final line break
  const auto r = parse_criteria_csv(csv);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].problem, "empty_title");  // a quoted empty field is still empty
  EXPECT_EQ(r.problems[0].line, 7);

  const auto ok = parse_criteria_csv(
      "\xEF\xBB\xBF#set-key: t\r\n#set-name: Test\r\n#total: 1.5\r\ncode,title,max,method,bonus\r\n"
      "1,\"Tiêu chí \"\"A\"\", gồm B\",1.5,,\r\n1.1,X,0.5,self,\r\n1.2,Thưởng,1,survey,yes");
  ASSERT_TRUE(ok.set) << ok.problems[0].detail;
  EXPECT_EQ(ok.set->key, "t");
  EXPECT_EQ(ok.set->nodes[0].title, "Tiêu chí \"A\", gồm B");
  EXPECT_TRUE(ok.set->find("1.2")->bonus);
  EXPECT_EQ(ok.set->find("1.2")->method, scoring_method::survey);
  const auto s = ok.set->summary();
  EXPECT_EQ(s.total.to_string(), "1.5");
  EXPECT_EQ(s.self_total.to_string(), "0.5");
  EXPECT_EQ(s.survey_total.to_string(), "1");
  EXPECT_EQ(s.bonus_total.to_string(), "1");
  EXPECT_EQ(s.leaves, 2);
}

}  // namespace
}  // namespace parix::workflow
