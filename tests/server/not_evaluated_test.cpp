// Not evaluated (không đánh giá) as the schemes do it (issue 10): the secretariat decides
// per unit; an agency may only claim it, with a reason, on the leaves the campaign allows
// its unit, and the appraiser confirms or rejects the claim in round one; survey and
// external leaves are never the agency's; a score on a not-evaluated leaf is refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

class not_evaluated : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Một");
    srv.add_unit("U2", "Hai");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("thamdinh", "appraiser");
    srv.add_user("hoidong", "council_member");
    import_set(as("thuky"), small_set);
    auto created = as("thuky").post_json(
        "/api/v1/campaigns",
        campaign_body(
            "NE", srv.clock().now(), {"U1", "U2"},
            {{"assignments", boost::json::array{{{"username", "thamdinh"}, {"field", "1"}},
                                                {{"username", "thamdinh"}, {"field", "2"}}}},
             {"council", {"hoidong"}},
             {"not_evaluated",
              boost::json::array{
                  {{"unit", "U2"}, {"criterion", "2.1"}, {"reason", "Không có nhiệm vụ"}}}},
             {"not_evaluated_claimable",
              boost::json::array{{{"group", "A"}, {"criterion", "2.2"}}}}}));
    ASSERT_EQ(created.status, 201u) << created.body;
    file = files_of(created.json());
    campaign = created.json().at("id").as_int64();
  }
  std::string path(const std::string& unit) {
    return "/api/v1/assessments/" + std::to_string(file[unit]);
  }
  boost::json::value leaf(const std::string& unit, const std::string& code) {
    const auto file_json = as("thuky").get(path(unit)).json();
    for (const auto& l : file_json.at("leaves").as_array())
      if (l.at("code").as_string() == code) return l;
    return nullptr;
  }
  std::string etag(const std::string& unit, const std::string& code) {
    return "\"v" + std::to_string(leaf(unit, code).at("version").as_int64()) + "\"";
  }
  reply edit(const std::string& who, const std::string& unit, const std::string& code,
             boost::json::object body) {
    return as(who).send_json(verb::patch, path(unit) + "/leaves/" + code, body,
                             {{"If-Match", etag(unit, code)}});
  }
  std::string code_of(const reply& r) { return std::string{r.json().at("code").as_string()}; }
  std::string max_of(const std::string& unit) {
    return std::string{
        as("thuky").get(path(unit)).json().at("score").at("applicable_max").as_string()};
  }
  // U1 scored (2.2 claimed) and submitted: in round one.
  void to_round1() {
    for (auto code : {"1.1", "2.1"})
      ASSERT_EQ(edit("u1.head", "U1", code, {{"self_score", "1"}}).status, 200u);
    auto claim = edit("u1.head", "U1", "2.2",
                      {{"claim_not_evaluated", true}, {"claim_reason", "Không được giao"}});
    ASSERT_EQ(claim.status, 200u) << claim.body;
    auto submit = as("u1.head").post_json(path("U1") + "/events", {{"event", "submit"}});
    ASSERT_EQ(submit.status, 200u) << submit.body;
  }

  test_server srv;
  signed_in as{srv};
  std::map<std::string, std::int64_t> file;
  std::int64_t campaign = 0;
};

// The campaign's list of not-evaluated leaves: the secretariat's decisions and the claims.
boost::json::object campaign_entry(signed_in& as, std::int64_t campaign, std::string_view unit,
                                   std::string_view code) {
  auto view = as("thuky").get("/api/v1/campaigns/" + std::to_string(campaign)).json();
  for (const auto& e : view.at("not_evaluated").as_array())
    if (e.at("unit").as_string() == unit && e.at("criterion").as_string() == code)
      return e.as_object();
  return {};
}

TEST_F(not_evaluated, an_agency_only_claims_and_only_where_the_campaign_allows) {
  // The decision is the secretariat's.
  auto decide =
      edit("u1.head", "U1", "2.1", {{"not_evaluated", true}, {"not_evaluated_reason", "x"}});
  EXPECT_EQ(decide.status, 403u) << decide.body;
  EXPECT_EQ(code_of(decide), "wrong_role");
  // Survey leaves are never the agency's; other leaves only where the campaign says.
  for (auto code : {"1.2", "2.1", "1.1"}) {
    auto r = edit("u1.head", "U1", code, {{"claim_not_evaluated", true}, {"claim_reason", "x"}});
    EXPECT_EQ(r.status, 422u) << code << ": " << r.body;
    EXPECT_EQ(code_of(r), "not_claimable") << code;
  }
  auto no_reason = edit("u1.head", "U1", "2.2", {{"claim_not_evaluated", true}});
  EXPECT_EQ(code_of(no_reason), "reason_required");
  EXPECT_EQ(no_reason.json().at("field").as_string(), "claim_reason");
  EXPECT_EQ(max_of("U1"), "4");
  auto claim = edit("u1.head", "U1", "2.2",
                    {{"claim_not_evaluated", true}, {"claim_reason", "Không được giao nhiệm vụ"}});
  ASSERT_EQ(claim.status, 200u) << claim.body;
  EXPECT_EQ(claim.json().at("claim").as_string(), "claimed");
  const auto listed = campaign_entry(as, campaign, "U1", "2.2");
  ASSERT_TRUE(listed.contains("claim")) << "the campaign lists the claim";
  EXPECT_EQ(listed.at("claim").as_string(), "claimed");
  EXPECT_EQ(listed.at("claim_reason").as_string(), "Không được giao nhiệm vụ");
  EXPECT_FALSE(listed.at("not_evaluated").as_bool());
  EXPECT_EQ(max_of("U1"), "3") << "a pending claim takes the leaf out of the maximum";
  auto scored = edit("u1.head", "U1", "2.2", {{"self_score", "1"}});
  EXPECT_EQ(scored.status, 409u);
  EXPECT_EQ(code_of(scored), "leaf_not_evaluated");
  // Withdrawn, the leaf counts again.
  ASSERT_EQ(edit("u1.head", "U1", "2.2", {{"claim_not_evaluated", false}}).status, 200u);
  EXPECT_EQ(max_of("U1"), "4");
  // A leaf with a self score is not claimed until the score is cleared.
  ASSERT_EQ(edit("u1.head", "U1", "2.2", {{"self_score", "0.5"}}).status, 200u);
  auto with_score =
      edit("u1.head", "U1", "2.2", {{"claim_not_evaluated", true}, {"claim_reason", "x"}});
  EXPECT_EQ(code_of(with_score), "leaf_has_score");
  EXPECT_EQ(edit("u1.head", "U1", "2.2",
                 {{"claim_not_evaluated", true}, {"claim_reason", "x"}, {"self_score", nullptr}})
                .status,
            200u);
}

TEST_F(not_evaluated, the_appraiser_confirms_or_rejects_a_claim_in_round_one) {
  to_round1();
  ASSERT_EQ(edit("thamdinh", "U1", "1.1", {{"round1_score", "1"}}).status, 200u);
  ASSERT_EQ(edit("thamdinh", "U1", "2.1", {{"round1_score", "1"}}).status, 200u);
  auto undecided = as("thamdinh").post_json(path("U1") + "/events", {{"event", "complete_round1"}});
  EXPECT_EQ(code_of(undecided), "round1_incomplete") << "a claim still waits for a verdict";
  auto scored = edit("thamdinh", "U1", "2.2", {{"round1_score", "1"}});
  EXPECT_EQ(code_of(scored), "leaf_not_evaluated");
  // Only "confirm" or "reject": anything else is a 400 naming the field, and the claim waits.
  auto unknown =
      edit("thamdinh", "U1", "2.2", {{"claim_decision", "accept"}, {"round1_remark", "Đồng ý"}});
  EXPECT_EQ(unknown.status, 400u) << unknown.body;
  EXPECT_EQ(code_of(unknown), "invalid_field");
  EXPECT_NE(unknown.body.find("claim_decision"), std::string::npos) << unknown.body;
  EXPECT_EQ(max_of("U1"), "3") << "the claim is still pending";
  auto no_remark = edit("thamdinh", "U1", "2.2", {{"claim_decision", "reject"}});
  EXPECT_EQ(code_of(no_remark), "reason_required");
  auto rejected = edit("thamdinh", "U1", "2.2",
                       {{"claim_decision", "reject"}, {"round1_remark", "Đơn vị có nhiệm vụ này"}});
  ASSERT_EQ(rejected.status, 200u) << rejected.body;
  EXPECT_EQ(rejected.json().at("claim").as_string(), "rejected");
  EXPECT_EQ(campaign_entry(as, campaign, "U1", "2.2").at("claim").as_string(), "rejected");
  EXPECT_EQ(max_of("U1"), "4");
  ASSERT_EQ(edit("thamdinh", "U1", "2.2", {{"round1_score", "0"}}).status, 200u)
      << "a rejected claim is scored like any leaf";
  // Changed its mind within round one: confirmed after all; the score no longer counts.
  ASSERT_EQ(edit("thamdinh", "U1", "2.2", {{"round1_score", nullptr}}).status, 200u);
  auto confirmed = edit("thamdinh", "U1", "2.2", {{"claim_decision", "confirm"}});
  ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
  EXPECT_TRUE(confirmed.json().at("not_evaluated").as_bool());
  EXPECT_EQ(confirmed.json().at("not_evaluated_reason").as_string(), "Không được giao");
  EXPECT_EQ(max_of("U1"), "3");
  EXPECT_EQ(as("thamdinh").post_json(path("U1") + "/events", {{"event", "complete_round1"}}).status,
            200u);
}

TEST_F(not_evaluated, the_secretariat_decides_in_any_stage_until_the_council_approves) {
  // U2's 2.1 was decided at creation: an appraiser's score there is refused, not dropped.
  ASSERT_EQ(edit("thuky", "U2", "1.1", {{"not_evaluated", false}}).status, 200u)
      << "an edit that changes nothing is fine";
  srv.clock().advance(25h);  // U2 is auto-submitted
  as.forget();
  auto appraised = edit("thamdinh", "U2", "2.1", {{"round1_score", "1"}});
  EXPECT_EQ(appraised.status, 409u) << appraised.body;
  EXPECT_EQ(code_of(appraised), "leaf_not_evaluated");
  EXPECT_TRUE(leaf("U2", "2.1").at("final_score").is_null());
  EXPECT_EQ(max_of("U2"), "3");
  // The secretariat undoes its decision after submission, and decides another leaf.
  auto undo = edit("thuky", "U2", "2.1", {{"not_evaluated", false}, {"reason", "Có nhiệm vụ"}});
  ASSERT_EQ(undo.status, 200u) << undo.body;
  EXPECT_EQ(edit("thamdinh", "U2", "2.1", {{"round1_score", "1"}}).status, 200u);
  auto no_reason = edit("thuky", "U2", "1.2", {{"not_evaluated", true}});
  EXPECT_EQ(code_of(no_reason), "reason_required");
  EXPECT_EQ(no_reason.json().at("field").as_string(), "not_evaluated_reason");
  ASSERT_EQ(edit("thuky", "U2", "1.2",
                 {{"not_evaluated", true}, {"not_evaluated_reason", "Không khảo sát được"}})
                .status,
            200u)
      << "survey leaves too: the secretariat decides";
  EXPECT_EQ(max_of("U2"), "3");
  // The secretariat never scores.
  EXPECT_EQ(code_of(edit("thuky", "U2", "1.1", {{"round1_score", "1"}})), "wrong_role");
  // Campaign set-up refuses a claimable survey leaf.
  auto survey = as("thuky").post_json(
      "/api/v1/campaigns",
      campaign_body("NE2", srv.clock().now(), {"U1"},
                    {{"not_evaluated_claimable",
                      boost::json::array{{{"unit", "U1"}, {"criterion", "1.2"}}}}}));
  EXPECT_EQ(survey.status, 422u);
  EXPECT_EQ(code_of(survey), "not_self_scored");
  EXPECT_EQ(survey.json().at("field").as_string(), "not_evaluated_claimable[0].criterion");
}

}  // namespace
}  // namespace parix::testing
