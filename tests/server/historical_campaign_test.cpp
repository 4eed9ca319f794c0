// Past schedules (issue 10): a campaign whose deadline has passed is refused with a clear
// message, unless it is created as historical — a past year the secretariat moves in with
// its final figures and original dates, every entry audited as such.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

class historical : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Một");
    srv.add_unit("U2", "Hai");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("thanhtra", "auditor");
    import_set(as("thuky"), small_set);
  }
  // The 2020 campaign, a schedule five years back.
  boost::json::object year_2020(bool as_history) {
    auto body = campaign_body(
        "Chỉ số CCHC 2020", srv.clock().now() - 24h * 365 * 5, {"U1", "U2"},
        {{"not_evaluated",
          boost::json::array{{{"unit", "U2"}, {"criterion", "2.2"}, {"reason", "Không có"}}}}});
    body["year"] = 2020;
    if (as_history) body["historical"] = true;
    return body;
  }
  reply import(const std::string& csv) {
    return as("thuky").request(verb::post, "/api/v1/campaigns/" + campaign + "/scores", csv,
                               {{"Content-Type", "text/csv"}});
  }
  boost::json::value view(const std::string& unit) {
    return as("thuky").get("/api/v1/assessments/" + std::to_string(file[unit])).json();
  }
  reply fire(const std::string& unit, boost::json::object body) {
    return as("thuky").post_json("/api/v1/assessments/" + std::to_string(file[unit]) + "/events",
                                 body);
  }

  test_server srv;
  signed_in as{srv};
  std::string campaign;
  std::map<std::string, std::int64_t> file;
};

TEST_F(historical, a_past_schedule_is_refused_with_a_message_that_says_what_to_do) {
  auto r = as("thuky").post_json("/api/v1/campaigns", year_2020(false));
  ASSERT_EQ(r.status, 422u) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j.at("code").as_string(), "schedule_in_past");
  EXPECT_EQ(j.at("field").as_string(), "schedule.self_deadline");
  EXPECT_NE(j.at("detail").as_string().find("\"historical\": true"), std::string::npos);
  EXPECT_TRUE(as("thuky").get("/api/v1/campaigns").json().at("campaigns").as_array().empty());
}

TEST_F(historical, a_past_year_is_loaded_with_its_final_figures_and_original_dates) {
  auto created = as("thuky").post_json("/api/v1/campaigns", year_2020(true));
  ASSERT_EQ(created.status, 201u) << created.body;
  campaign = std::to_string(created.json().at("id").as_int64());
  file = files_of(created.json());
  EXPECT_TRUE(created.json().at("historical").as_bool());

  // No deadline applies: reading the file moves nothing, and the agency edits nothing.
  EXPECT_EQ(view("U1").at("state").as_string(), "historical");
  EXPECT_EQ(srv.app().tick(), 0) << "the sweep leaves a past year alone";
  auto agency = as("u1.head").send_json(
      verb::patch, "/api/v1/assessments/" + std::to_string(file["U1"]) + "/leaves/1.1",
      {{"self_score", "1"}}, {{"If-Match", "\"v0\""}});
  EXPECT_EQ(agency.status, 409u) << agency.body;

  // Final figures, self leaves with the agency's self score; all or nothing.
  auto bad = import("unit_code,criterion_code,score,self_score\nU1,1.1,0.75,1\nU2,2.2,1,\n");
  ASSERT_EQ(bad.status, 422u) << bad.body;
  EXPECT_EQ(bad.json().at("problems").as_array()[0].at("problem").as_string(),
            "leaf_not_evaluated");
  auto ok = import(
      "unit_code,criterion_code,score,self_score\n"
      "U1,1.1,0.75,1\nU1,1.2,0.8\nU1,2.1,1,1\nU1,2.2,0.5,1\n"
      "U2,1.1,1,1\nU2,1.2,0.9\n");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  auto incomplete = fire("U2", {{"event", "approve_historical"}});
  EXPECT_EQ(incomplete.status, 409u);
  EXPECT_EQ(incomplete.json().at("code").as_string(), "historical_incomplete");
  ASSERT_EQ(import("U2,2.1,0.5,1\n").status, 200u);
  // A past adjustment, with its reason.
  ASSERT_EQ(fire("U2", {{"event", "adjust"}, {"points", "-0.4"}, {"reason", "Đánh giá riêng 2020"}})
                .status,
            200u);
  for (auto u : {"U1", "U2"})
    ASSERT_EQ(fire(u, {{"event", "approve_historical"}}).status, 200u) << u;
  auto published =
      as("thuky").post_json("/api/v1/campaigns/" + campaign + "/publish",
                            {{"decision_number", "1234/QĐ-UBND"}, {"decision_date", "2021-04-15"}});
  ASSERT_EQ(published.status, 200u) << published.body;
  EXPECT_EQ(published.json().at("published").as_int64(), 2);

  // The figures: U1 3.05 of 4; U2 (2.2 not evaluated) 2.4 − 0.4 = 2 of 3.
  auto ranking = as("thanhtra").get("/api/v1/campaigns/" + campaign + "/ranking").json();
  const auto& rows = ranking.at("groups").at("A").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("unit").as_string(), "U1");
  EXPECT_EQ(rows[0].at("score").at("achieved").as_string(), "3.05");
  EXPECT_EQ(rows[0].at("score").at("index").as_string(), "76.25");
  EXPECT_EQ(rows[1].at("score").at("achieved").as_string(), "2");
  EXPECT_EQ(rows[1].at("score").at("applicable_max").as_string(), "3");
  const auto u1 = view("U1");
  EXPECT_EQ(u1.at("leaves").as_array()[0].at("self_score").as_string(), "1");
  EXPECT_EQ(u1.at("events").as_array().back().at("reason").as_string(),
            "decision 1234/QĐ-UBND of 2021-04-15; historical campaign");

  // The audit log says what was entered as history.
  auto audit =
      as("thanhtra")
          .get("/api/v1/audit?assessment=" + std::to_string(file["U1"]) + "&criterion=1.1");
  bool historical_entry = false;
  const auto entries = audit.json();
  for (const auto& e : entries.at("entries").as_array())
    historical_entry |=
        e.at("reason").is_string() &&
        std::string_view{e.at("reason").as_string()}.starts_with("historical import");
  EXPECT_TRUE(historical_entry) << audit.body;
}

}  // namespace
}  // namespace parix::testing
