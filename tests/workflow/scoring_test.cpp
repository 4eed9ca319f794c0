// Scoring: final scores, not-evaluated leaves, bands at their edges, ranking ties,
// the council's approval rule.
#include <gtest/gtest.h>

#include "workflow/scoring.hpp"

namespace parix::workflow {
namespace {

points p(const char* s) {
  return points::parse(s, nullptr, true).value();
}

criteria_set tree() {
  auto r = parse_criteria_csv(
      "#set-key: t\n#set-name: T\n#total: 10\ncode,title,max,method,bonus\n"
      "1,F1,6,,\n1.1,C11,4,,\n1.1.1,L111,1.5,self,\n1.1.2,L112,2.5,self,\n1.2,C12,2,survey,\n"
      "2,F2,4,,\n2.1,C21,2,self,\n2.2,C22,2,external,\n");
  EXPECT_TRUE(r.set);
  return *r.set;
}

TEST(scoring, final_scores_follow_the_latest_appraisal_and_imports) {
  auto set = tree();
  std::map<std::string, leaf_facts, std::less<>> v;
  v["1.1.1"] = {false, p("1.5"), p("1"), std::nullopt, std::nullopt};         // round one 1
  v["1.1.2"] = {false, p("2.5"), p("2"), p("2.25"), std::nullopt};            // round two wins
  v["1.2"] = {false, std::nullopt, std::nullopt, std::nullopt, p("1.3112")};  // survey import
  v["2.1"] = {false, p("2"), std::nullopt, std::nullopt, std::nullopt};       // not appraised: 0
  v["2.2"] = {false, std::nullopt, std::nullopt, std::nullopt, p("1.4883")};
  auto s = score_assessment(set, v, points{}, default_bands());
  EXPECT_EQ(s.fields[0].achieved.to_string(), "4.5612");
  EXPECT_EQ(s.fields[1].achieved.to_string(), "1.4883");
  EXPECT_EQ(s.achieved.to_string(), "6.0495");
  EXPECT_EQ(s.applicable_max.to_string(), "10");
  EXPECT_EQ(s.index().to_string(), "60.50");  // 60.495 rounds half up
  EXPECT_EQ(s.classification, "Trung bình");
  EXPECT_EQ(s.survey_achieved.to_string(), "2.7995");
}

TEST(scoring, not_evaluated_leaves_lower_the_maximum) {
  auto set = tree();
  std::map<std::string, leaf_facts, std::less<>> v;
  v["1.1.2"] = {true, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  v["1.1.1"] = {false, std::nullopt, p("1.5"), std::nullopt, std::nullopt};
  v["1.2"].imported_score = p("2");
  v["2.1"].round1_score = p("2");
  v["2.2"].imported_score = p("2");
  auto s = score_assessment(set, v, points{}, default_bands());
  EXPECT_EQ(s.applicable_max.to_string(), "7.5");
  EXPECT_EQ(s.achieved.to_string(), "7.5");
  EXPECT_EQ(s.index().to_string(), "100.00");
  EXPECT_EQ(s.criteria[0].applicable_max.to_string(), "1.5");
}

TEST(scoring, adjustments_change_the_total_with_their_sign) {
  auto set = tree();
  std::map<std::string, leaf_facts, std::less<>> v;
  v["2.1"].round1_score = p("2");
  auto s = score_assessment(set, v, p("-0.5"), default_bands());
  EXPECT_EQ(s.achieved_before_adjustments.to_string(), "2");
  EXPECT_EQ(s.achieved.to_string(), "1.5");
}

TEST(scoring, bands_hold_at_their_exact_edges) {
  const auto bands = default_bands();
  EXPECT_EQ(classify(percentage(p("85"), p("100")), bands), "Tốt");
  EXPECT_EQ(classify(percentage(p("84.9999"), p("100")), bands), "Khá");
  EXPECT_EQ(classify(percentage(p("75"), p("100")), bands), "Khá");
  EXPECT_EQ(classify(percentage(p("49.9999"), p("100")), bands), "Yếu");
  EXPECT_EQ(classify(percentage(p("40"), p("100")), bands), "Yếu");
  EXPECT_EQ(classify(percentage(p("39.9999"), p("100")), bands), "Kém");
  // 83.3 of 98 is exactly 85 %.
  EXPECT_EQ(classify(percentage(p("83.3"), p("98")), bands), "Tốt");
}

// Rankings (workflow/reports/campaign_scores.cpp, tested over the API in
// tests/server/reports_api_test.cpp) give equal indices one rank: equal means exactly
// equal ratios, whatever the maxima.
TEST(ranking, equal_ratios_of_different_maxima_are_equal_indices) {
  const percentage a(p("80"), p("100")), b(p("90"), p("100")), c(p("72"), p("90"));
  EXPECT_EQ(a, c);  // 80 % too
  EXPECT_GT(b, a);
  EXPECT_LT(percentage(p("71.9999"), p("90")), a);
}

// The council's rule decides approval and return alike (docs/workflow.md). Each rule has
// its own test: unanimity, a fraction of the members, and a quorum before anything.
TEST(council, under_unanimity_every_member_approves_and_one_return_sends_the_file_back) {
  approval_rule unanimity;
  EXPECT_EQ(council_decision(unanimity, 2, 0, 3), council_outcome::undecided);
  EXPECT_EQ(council_decision(unanimity, 3, 0, 3), council_outcome::approved);
  EXPECT_EQ(council_decision(unanimity, 0, 1, 3), council_outcome::returned)
      << "one return makes unanimity impossible";
  EXPECT_EQ(council_decision(unanimity, 2, 1, 3), council_outcome::returned);
}

TEST(council, under_two_thirds_a_single_return_does_not_send_the_file_back) {
  const approval_rule two_thirds{false, 2, 3, 1};
  // 5 members: 2/3 of 5 is 3.33, so 4 approvals approve; approval stays reachable until
  // 2 members have returned it (5 - 2 = 3 < 3.33).
  EXPECT_EQ(council_decision(two_thirds, 0, 1, 5), council_outcome::undecided);
  EXPECT_EQ(council_decision(two_thirds, 3, 1, 5), council_outcome::undecided);
  EXPECT_EQ(council_decision(two_thirds, 4, 1, 5), council_outcome::approved);
  EXPECT_EQ(council_decision(two_thirds, 1, 2, 5), council_outcome::returned);
  // 3 members: 2 approvals approve, 2 returns return.
  EXPECT_EQ(council_decision(two_thirds, 2, 0, 3), council_outcome::approved);
  EXPECT_EQ(council_decision(two_thirds, 0, 1, 3), council_outcome::undecided);
  EXPECT_EQ(council_decision(two_thirds, 0, 2, 3), council_outcome::returned);
}

TEST(council, nothing_is_decided_before_the_quorum_has_voted) {
  const approval_rule half_with_quorum{false, 1, 2, 6};  // 9 members, 6 must vote
  EXPECT_EQ(council_decision(half_with_quorum, 5, 0, 9), council_outcome::undecided);
  EXPECT_EQ(council_decision(half_with_quorum, 5, 1, 9), council_outcome::approved)
      << "the sixth vote completes the quorum, whichever way it goes";
  EXPECT_EQ(council_decision(half_with_quorum, 0, 5, 9), council_outcome::undecided);
  EXPECT_EQ(council_decision(half_with_quorum, 1, 5, 9), council_outcome::returned);
}

TEST(council, approval_and_return_never_hold_together) {
  for (int members = 1; members <= 9; ++members)
    for (int num = 1; num <= 5; ++num)
      for (int den = num; den <= 5; ++den)
        for (int a = 0; a <= members; ++a)
          for (int r = 0; a + r <= members; ++r) {
            const approval_rule rule{false, num, den, 1};
            const auto d = council_decision(rule, a, r, members);
            if (a * den >= members * num)
              EXPECT_EQ(d, council_outcome::approved);
            else if (r * den > members * (den - num))
              EXPECT_EQ(d, council_outcome::returned);
            else
              EXPECT_EQ(d, council_outcome::undecided);
          }
}

}  // namespace
}  // namespace parix::workflow
