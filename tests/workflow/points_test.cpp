// Exact arithmetic of scores and indices.
#include <gtest/gtest.h>

#include "workflow/points.hpp"

namespace parix::workflow {
namespace {

points p(const char* s) {
  return points::parse(s, nullptr, true).value();
}

TEST(points, parse_and_format_round_trip_without_trailing_zeros) {
  EXPECT_EQ(p("0.25").units(), 2500);
  EXPECT_EQ(p("24").to_string(), "24");
  EXPECT_EQ(p("1.4883").to_string(), "1.4883");
  EXPECT_EQ(p("1.50").to_string(), "1.5");
  EXPECT_EQ(p("-8.9").to_string(), "-8.9");
  EXPECT_EQ(p("0").to_string(), "0");
}

TEST(points, sums_are_exact) {
  EXPECT_EQ((p("0.3112") + p("1.4883") + p("0.6967")).to_string(), "2.4962");
  points total;
  for (int i = 0; i < 10; ++i) total += p("0.1");
  EXPECT_EQ(total, p("1"));
}

TEST(points, bad_text_is_refused_with_the_reason) {
  points::parse_error why{};
  EXPECT_FALSE(points::parse("0.12345", &why));
  EXPECT_EQ(why, points::parse_error::too_many_decimals);
  EXPECT_FALSE(points::parse("1,5", &why));
  EXPECT_EQ(why, points::parse_error::not_a_number);
  EXPECT_FALSE(points::parse("-1", &why));
  EXPECT_EQ(why, points::parse_error::negative);
  EXPECT_FALSE(points::parse("", &why));
  EXPECT_EQ(why, points::parse_error::empty);
  for (auto bad : {".5", "5.", "1e3", "0x10", " 1", "1..2", "abc"})
    EXPECT_FALSE(points::parse(bad)) << bad;
  EXPECT_FALSE(points::parse("9999999999999", &why));
  EXPECT_EQ(why, points::parse_error::too_large);
}

TEST(percentage, rounds_half_up_at_two_decimals) {
  EXPECT_EQ(percentage(p("97.5"), p("98")).to_string(), "99.49");  // 99.4897…
  EXPECT_EQ(percentage(p("1"), p("8")).to_string(), "12.50");
  EXPECT_EQ(percentage(p("1"), p("800")).to_string(3), "0.125");
  EXPECT_EQ(percentage(p("1"), p("800")).to_string(), "0.13");  // exactly 0.125: half up
  // 72.425 exactly → 72.43 (half up), never 72.42 from binary drift
  EXPECT_EQ(percentage(p("72.425"), p("100")).to_string(), "72.43");
  EXPECT_EQ(percentage(p("2"), p("3")).to_string(), "66.67");
  EXPECT_EQ(percentage(p("1"), p("3")).to_string(), "33.33");
}

TEST(percentage, compares_exactly_with_thresholds) {
  EXPECT_TRUE(percentage(p("85"), p("100")).at_least(p("85")));
  EXPECT_FALSE(percentage(p("84.9999"), p("100")).at_least(p("85")));
  // 66.64 of 78.4 is exactly 85 %
  EXPECT_TRUE(percentage(p("66.64"), p("78.4")).at_least(p("85")));
  EXPECT_FALSE(percentage(p("66.6399"), p("78.4")).at_least(p("85")));
  EXPECT_LT(percentage(p("1"), p("3")), percentage(p("34"), p("100")));
  EXPECT_EQ(percentage(p("1"), p("2")), percentage(p("50"), p("100")));
}

}  // namespace
}  // namespace parix::workflow
