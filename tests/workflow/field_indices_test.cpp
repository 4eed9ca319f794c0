// Scoring on the shipped 2024 departments set (a unit with not-evaluated leaves scored
// out of 98, ranks shared on a tie), and per-field indices as the exact mean of units.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "workflow/field_indices.hpp"
#include "workflow/scoring.hpp"

namespace parix::workflow {
namespace {

using leaf_values = std::map<std::string, leaf_facts, std::less<>>;

points p(const char* s) {
  return points::parse(s, nullptr, true).value();
}

std::optional<criteria_set> departments() {
  std::ifstream in{std::string{PARIX_SOURCE_DIR} + "/workflow/criteria_sets/2024-departments.csv"};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_criteria_csv(ss.str()).set;
}

leaf_facts not_evaluated_leaf() {
  leaf_facts f;
  f.not_evaluated = true;
  return f;
}

// Every leaf at its maximum: self leaves appraised in round one, the rest imported.
leaf_values full_marks(const criteria_set& set) {
  leaf_values v;
  for (const auto& n : set.nodes) {
    if (!n.leaf()) continue;
    if (n.method == scoring_method::self)
      v[n.code].round1_score = n.max;
    else
      v[n.code].imported_score = n.max;
  }
  return v;
}

TEST(scoring_2024, a_unit_with_a_not_evaluated_leaf_is_scored_out_of_98) {
  const auto set = departments();
  ASSERT_TRUE(set) << "workflow/criteria_sets/2024-departments.csv does not parse";
  auto v = full_marks(*set);
  v["1.7"] = not_evaluated_leaf();   // 2 points, no such task this year
  v["1.1.1"].round2_score = p("0");  // 0.5 points lost in round two
  const auto s = score_assessment(*set, v, points{}, default_bands());
  EXPECT_EQ(s.applicable_max.to_string(), "98");
  EXPECT_EQ(s.achieved.to_string(), "97.5");
  EXPECT_EQ(s.index().to_string(), "99.49");
  EXPECT_EQ(s.classification, "Tốt");
  ASSERT_EQ(s.fields.size(), 7u);
  EXPECT_EQ(s.fields[0].code, "1");
  EXPECT_EQ(s.fields[0].applicable_max.to_string(), "22");
  EXPECT_EQ(s.fields[0].achieved.to_string(), "21.5");
  EXPECT_EQ(s.criteria.size(), 47u);
  EXPECT_EQ(s.survey_achieved.to_string(), "19");
}

TEST(scoring_2024, an_adjustment_moves_the_total_and_may_move_the_class) {
  const auto set = departments();
  ASSERT_TRUE(set);
  auto v = full_marks(*set);
  // 100 − 6.1 = 93.9 appraised; a penalty of 8.9 (a separate party evaluation) → 85: Tốt.
  v["1.1.1"].round1_score = p("0");
  v["1.1.2"].round1_score = p("0");
  v["1.7"].round1_score = p("0");
  v["1.8"].round1_score = p("0");
  v["1.2"].round1_score = p("2.9");
  auto s = score_assessment(*set, v, p("-8.9"), default_bands());
  EXPECT_EQ(s.achieved_before_adjustments.to_string(), "93.9");
  EXPECT_EQ(s.achieved.to_string(), "85");
  EXPECT_EQ(s.classification, "Tốt");
  s = score_assessment(*set, v, p("-8.9001"), default_bands());
  EXPECT_EQ(s.classification, "Khá");
}

TEST(scoring_2024, units_with_equal_exact_indices_are_equal_whatever_leaves_made_them) {
  const auto set = departments();
  ASSERT_TRUE(set);
  auto full = full_marks(*set);
  auto a = full;  // 97.5 / 98
  a["1.7"] = not_evaluated_leaf();
  a["1.1.1"].round1_score = p("0");
  auto b = full;  // 97.5 / 98 by other leaves
  b["3.4.1"] = not_evaluated_leaf();
  b["1.5.1"].round1_score = p("0.25");
  auto c = full;  // 99.5 / 100 = 99.50 %, above 99.49 %
  c["1.1.1"].round1_score = p("0");
  auto d = full;  // 97.5 / 100
  d["1.7"].round1_score = p("0");
  d["1.1.1"].round1_score = p("0");
  auto index = [&](const auto& v) {
    return score_assessment(*set, v, points{}, default_bands()).index();
  };
  // A and B share a rank (exactly equal); C (99.50 %) is above them (99.49 %), D below.
  EXPECT_EQ(index(a), index(b));
  EXPECT_GT(index(c), index(a));
  EXPECT_GT(index(a), index(d));
}

TEST(mean_index, is_the_mean_of_unit_indices_not_the_pooled_ratio) {
  mean_index m;
  m.add(percentage(p("45"), p("50")));  // 90 %
  m.add(percentage(p("10"), p("20")));  // 50 %; pooled would be 55 / 70 = 78.57 %
  EXPECT_EQ(m.units(), 2);
  EXPECT_EQ(m.to_string(), "70.00");
  EXPECT_TRUE(m.at_least(points::whole(70)));
  EXPECT_FALSE(m.at_least(p("70.0001")));
}

TEST(mean_index, thirds_stay_exact) {
  mean_index m;
  m.add(percentage(p("1"), p("3")));
  m.add(percentage(p("2"), p("3")));
  EXPECT_EQ(m.to_string(), "50.00");
  EXPECT_TRUE(m.at_least(points::whole(50)));
  EXPECT_FALSE(m.at_least(p("50.0001")));
  mean_index one;
  one.add(percentage(p("1"), p("3")));
  EXPECT_EQ(one.to_string(4), "33.3333");
  EXPECT_LT(one, m);
}

TEST(mean_index, an_exact_half_rounds_up) {
  mean_index m;  // (72.42 + 72.43) / 2 = 72.425
  m.add(percentage(p("72.42"), p("100")));
  m.add(percentage(p("72.43"), p("100")));
  EXPECT_EQ(m.to_string(), "72.43");
  EXPECT_EQ(m.to_string(3), "72.425");
  mean_index below;  // 72.42495
  below.add(percentage(p("72.42"), p("100")));
  below.add(percentage(p("72.4299"), p("100")));
  EXPECT_EQ(below.to_string(), "72.42");
  mean_index small;  // 0.05 %
  small.add(percentage(p("0.05"), p("100")));
  EXPECT_EQ(small.to_string(), "0.05");
  EXPECT_EQ(small.to_string(0), "0");
}

TEST(mean_index, a_unit_without_an_index_is_left_out) {
  mean_index m;
  m.add(percentage(p("0"), p("0")));  // the whole field not evaluated for this unit
  EXPECT_FALSE(m.defined());
  EXPECT_EQ(m.to_string(), "");
  EXPECT_FALSE(m.at_least(points::whole(0)));
  m.add(percentage(p("3"), p("4")));
  EXPECT_EQ(m.units(), 1);
  EXPECT_EQ(m.to_string(), "75.00");
  EXPECT_GT(m, mean_index{});
}

TEST(mean_index, many_different_maxima_do_not_overflow) {
  // 60 units, each with a different prime maximum (in ten-thousandths) and one unit
  // short of it: the common denominator is far beyond 128 bits.
  mean_index m;
  int added = 0;
  for (std::int64_t n = 10'007; added < 60; n += 2) {
    bool prime = true;
    for (std::int64_t d = 3; d * d <= n; d += 2)
      if (n % d == 0) prime = false;
    if (!prime) continue;
    m.add(percentage(points::from_units(n - 1), points::from_units(n)));
    ++added;
  }
  EXPECT_EQ(m.units(), 60);
  EXPECT_EQ(m.to_string(), "99.99");
  EXPECT_TRUE(m.at_least(p("99.99")));
  EXPECT_FALSE(m.at_least(points::whole(100)));
}

TEST(field_indices, average_each_field_over_the_units_of_a_group) {
  const auto set = departments();
  ASSERT_TRUE(set);
  auto full = full_marks(*set);
  auto half_field_1 = full;  // field 1 (24): one unit loses 1.1.1 and 1.7 → 21.5 / 24
  half_field_1["1.1.1"].round1_score = p("0");
  half_field_1["1.7"].round1_score = p("0");
  auto not_evaluated = full;  // field 1 out of 22, all achieved → 100 %
  not_evaluated["1.7"] = not_evaluated_leaf();
  const std::vector<assessment_score> units{
      score_assessment(*set, full, points{}, default_bands()),
      score_assessment(*set, half_field_1, points{}, default_bands()),
      score_assessment(*set, not_evaluated, points{}, default_bands())};
  const auto fields = field_indices(units);
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(fields[0].code, "1");
  EXPECT_EQ(fields[0].index.units(), 3);
  // (100 + 89.5833… + 100) / 3 = 96.5277… %
  EXPECT_EQ(fields[0].index.to_string(), "96.53");
  EXPECT_EQ(fields[6].code, "7");
  EXPECT_EQ(fields[6].index.to_string(), "100.00");
}

}  // namespace
}  // namespace parix::workflow
