// The shared CSV reader: what Excel and LibreOffice write, and what they get wrong.
#include <gtest/gtest.h>

#include "storage/csv.hpp"

namespace parix::testing {
namespace {

using storage::read_csv;

std::vector<std::string> fields(const storage::csv_document& d, std::size_t record) {
  return d.records.at(record).fields;
}

TEST(csv, a_byte_order_mark_is_not_part_of_the_first_field) {
  auto d = read_csv("\xEF\xBB\xBFunit_code,criterion_code,score\r\nU1,1.2,1\r\n");
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(fields(d, 0)[0], "unit_code");
  EXPECT_EQ(fields(d, 1), (std::vector<std::string>{"U1", "1.2", "1"}));
  EXPECT_TRUE(d.problems.empty());
}

TEST(csv, semicolons_are_detected_from_the_header) {
  auto d = read_csv("code;name;parent\nSNV;\"Sở Nội vụ; tỉnh\";\n");
  EXPECT_EQ(d.separator, ';');
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(fields(d, 1), (std::vector<std::string>{"SNV", "Sở Nội vụ; tỉnh", ""}));
  auto commas = read_csv("code,name\n\"A;B\",\"x, y\"\n");
  EXPECT_EQ(commas.separator, ',');
  EXPECT_EQ(fields(commas, 1), (std::vector<std::string>{"A;B", "x, y"}));
}

TEST(csv, quoted_fields_hold_quotes_separators_and_line_breaks) {
  auto d = read_csv("a,b\n\"say \"\"hi\"\"\",\"two\nlines\"\nnext,row\n");
  ASSERT_EQ(d.records.size(), 3u);
  EXPECT_EQ(fields(d, 1), (std::vector<std::string>{"say \"hi\"", "two\nlines"}));
  EXPECT_EQ(d.records[1].line, 2);
  EXPECT_EQ(d.records[2].line, 4) << "line numbers count the line inside the quotes";
}

TEST(csv, blank_lines_and_comments_are_kept_apart) {
  auto d = read_csv("#set-key: x\n\n   \ncode,title\n# note\n1,A\n");
  ASSERT_EQ(d.comments.size(), 2u);
  EXPECT_EQ(d.comments[0].fields[0], "#set-key: x");
  EXPECT_EQ(d.comments[1].line, 5);
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[1].line, 6);
}

TEST(csv, malformed_records_are_reported_with_their_line_and_the_rest_is_read) {
  auto d = read_csv("a,b\n\"open,1\nx\"y,2\nok,3\n\"closed\" junk,4\nfine,5\n");
  std::vector<int> lines;
  for (const auto& p : d.problems) lines.push_back(p.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 5}));
  ASSERT_EQ(d.records.size(), 3u) << "the header, ok and fine";
  EXPECT_EQ(fields(d, 1)[0], "ok");
}

TEST(csv, an_unclosed_quote_at_the_end_is_a_problem_not_a_crash) {
  auto d = read_csv("a,b\n1,\"never closed");
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].line, 2);
  EXPECT_EQ(d.records.size(), 1u);
}

TEST(csv, decimal_commas_are_read_only_where_semicolons_separate) {
  EXPECT_EQ(storage::decimal_text(" 0,25 ", ';'), "0.25");
  EXPECT_EQ(storage::decimal_text("0,25", ','), "0,25") << "ambiguous there: left to refuse";
}

}  // namespace
}  // namespace parix::testing
