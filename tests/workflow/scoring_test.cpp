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
      "#set-key: t\n#set-name: T\ncode,title,max,method,bonus\n"
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

TEST(ranking, ties_share_a_rank_and_the_next_rank_skips) {
  auto r = rank_units({{"A", percentage(p("80"), p("100"))},
                       {"B", percentage(p("90"), p("100"))},
                       {"C", percentage(p("72"), p("90"))},  // 80 % too
                       {"D", percentage(p("50"), p("100"))}});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].unit, "B");
  EXPECT_EQ(r[0].rank, 1);
  EXPECT_EQ(r[1].rank, 2);
  EXPECT_EQ(r[2].rank, 2);
  EXPECT_EQ(r[3].unit, "D");
  EXPECT_EQ(r[3].rank, 4);
}

TEST(council, unanimity_needs_every_member_and_a_fraction_needs_its_quorum) {
  approval_rule unanimity;
  EXPECT_FALSE(approval_met(unanimity, 2, 0, 3));
  EXPECT_TRUE(approval_met(unanimity, 3, 0, 3));
  EXPECT_FALSE(approval_met(unanimity, 3, 1, 4));
  approval_rule two_thirds{false, 2, 3, 3};
  EXPECT_FALSE(approval_met(two_thirds, 2, 0, 5));  // below quorum
  EXPECT_TRUE(approval_met(two_thirds, 2, 1, 5));
  EXPECT_FALSE(approval_met(two_thirds, 2, 2, 5));
}

}  // namespace
}  // namespace parix::workflow
