// Changing a campaign after creation (issue 14, docs/campaigns.md): each change is refused
// by its stage rule with its own code and leaves the database as it was; accepted changes
// need the campaign's ETag and are each one audit entry with the old and new value.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

class campaign_changes : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [code, name] : {std::pair{"U1", "Sở Một"}, {"U2", "Sở Hai"}, {"U3", "Sở Ba"}})
      srv.add_unit(code, name);
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("td.1", "appraiser");
    srv.add_user("td.2", "appraiser");
    srv.add_user("hd.1", "council_member");
    srv.add_user("hd.2", "council_member");
    import_set(as("thuky"), small_set);
    t0 = srv.clock().now();
    auto created = as("thuky").post_json(
        "/api/v1/campaigns",
        campaign_body("Chỉ số CCHC 2024", t0, {"U1", "U2"},
                      {{"assignments", boost::json::array{{{"username", "td.1"}, {"field", "1"}},
                                                          {{"username", "td.1"}, {"field", "2"}}}},
                       {"council", {"hd.1"}}}));
    ASSERT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(created.header("etag"), "\"v1\"");
    id = std::to_string(created.json().at("id").as_int64());
    file = files_of(created.json());
  }

  std::string path() const { return "/api/v1/campaigns/" + id; }
  std::string etag() { return as("thuky").get(path()).header("etag"); }
  reply change(const boost::json::object& body, std::map<std::string, std::string> headers = {}) {
    if (!headers.contains("If-Match")) headers["If-Match"] = etag();
    return as("thuky").send_json(verb::patch, path(), body, headers);
  }
  // A refusal with its code, whose request changed nothing at all.
  void expect_refused(const boost::json::object& body, unsigned status, const std::string& code,
                      const std::string& field = "") {
    srv.app().tick();         // the clock's due moves are not the request's
    const auto tag = etag();  // signs in first: a sign-in is not the request's
    const auto before = database_dump(srv);
    auto r = change(body, {{"If-Match", tag}});
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json().at("code").as_string(), code) << r.body;
    if (!field.empty()) {
      EXPECT_EQ(r.json().at("field").as_string(), field) << r.body;
    }
    auto en = change(body, {{"If-Match", tag}, {"Accept-Language", "en"}});
    EXPECT_EQ(en.json().at("code").as_string(), code);
    EXPECT_NE(en.json().at("detail").as_string(), r.json().at("detail").as_string())
        << "Vietnamese and English texts";
    EXPECT_EQ(database_dump(srv), before) << code << " changed the database";
  }
  // The audit entries of an action on this campaign, oldest first.
  boost::json::array entries(const std::string& action) {
    auto r = as("thuky").get("/api/v1/audit?action=" + action);
    EXPECT_EQ(r.status, 200u) << r.body;
    const auto j = r.json();
    return j.at("entries").as_array();
  }
  void leaf(const std::string& who, const std::string& unit, const std::string& code,
            boost::json::object body) {
    const auto target = "/api/v1/assessments/" + std::to_string(file[unit]);
    std::int64_t version = 0;
    const auto view = as(who).get(target).json();
    for (const auto& l : view.at("leaves").as_array())
      if (l.at("code").as_string() == code) version = l.at("version").as_int64();
    auto r = as(who).send_json(verb::patch, target + "/leaves/" + code, body,
                               {{"If-Match", "\"v" + std::to_string(version) + "\""}});
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  void event(const std::string& who, const std::string& unit, boost::json::object body) {
    auto r =
        as(who).post_json("/api/v1/assessments/" + std::to_string(file[unit]) + "/events", body);
    ASSERT_EQ(r.status, 200u) << r.body;
  }

  test_server srv;
  signed_in as{srv};
  std::chrono::system_clock::time_point t0;
  std::string id;
  std::map<std::string, std::int64_t> file;
};

TEST_F(campaign_changes, accepted_changes_need_the_etag_and_each_is_audited_with_old_and_new) {
  auto no_tag = as("thuky").send_json(verb::patch, path(), {{"name", "x"}});
  EXPECT_EQ(no_tag.status, 428u) << no_tag.body;
  auto stale = change({{"name", "x"}}, {{"If-Match", "\"v7\""}});
  EXPECT_EQ(stale.status, 412u) << stale.body;
  EXPECT_EQ(stale.header("etag"), "\"v1\"");
  EXPECT_EQ(stale.json().at("current").at("name").as_string(), "Chỉ số CCHC 2024");
  EXPECT_EQ(as("u1.head")
                .send_json(verb::patch, path(), {{"name", "x"}}, {{"If-Match", "\"v1\""}})
                .status,
            403u);

  auto r = change({{"name", "Chỉ số CCHC năm 2024"},
                   {"schedule", {{"self_deadline", iso(t0 + 36h)}, {"grace_minutes", 30}}},
                   {"reason", "UBND tỉnh cho phép gia hạn"},
                   {"bands", boost::json::array{{{"min", "80"}, {"label", "Tốt"}},
                                                {{"min", "0"}, {"label", "Chưa tốt"}}}},
                   {"approval", {{"rule", "fraction"}, {"num", 1}, {"den", 2}, {"quorum", 2}}},
                   {"council", {"hd.1", "hd.2"}},
                   {"assignments", boost::json::array{{{"username", "td.2"}, {"field", "1"}},
                                                      {{"username", "td.1"}, {"unit", "U3"}}}},
                   {"add_units", boost::json::array{{{"unit", "U3"}, {"group", "A"}}}},
                   {"remove_units", {"U2"}},
                   {"not_evaluated", boost::json::array{{{"unit", "U1"},
                                                         {"criterion", "2.2"},
                                                         {"reason", "Không có chức năng"}}}}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("etag"), "\"v2\"");
  const auto j = r.json();
  EXPECT_EQ(j.at("name").as_string(), "Chỉ số CCHC năm 2024");
  EXPECT_EQ(j.at("schedule").at("self_deadline").as_string(), iso(t0 + 36h));
  EXPECT_EQ(j.at("schedule").at("grace_minutes").as_int64(), 30);
  EXPECT_EQ(j.at("approval").at("quorum").as_int64(), 2);
  EXPECT_EQ(j.at("council").as_array().size(), 2u);
  const auto files = files_of(j);
  EXPECT_TRUE(files.contains("U3"));
  EXPECT_FALSE(files.contains("U2"));
  EXPECT_GT(files.at("U3"), file["U2"]) << "a removed file's id is never given again";
  EXPECT_EQ(j.at("not_evaluated").as_array().size(), 1u);

  // The new file is open for self-assessment at once.
  auto u3 = as("thuky").get("/api/v1/assessments/" + std::to_string(files.at("U3")));
  EXPECT_EQ(u3.json().at("state").as_string(), "self_assessment") << u3.body;

  auto renamed = entries("campaign.renamed");
  ASSERT_EQ(renamed.size(), 1u);
  EXPECT_EQ(renamed[0].at("old_value").as_string(), "Chỉ số CCHC 2024");
  EXPECT_EQ(renamed[0].at("new_value").as_string(), "Chỉ số CCHC năm 2024");
  EXPECT_EQ(renamed[0].at("reason").as_string(), "UBND tỉnh cho phép gia hạn");
  auto schedule = entries("campaign.schedule_changed");
  ASSERT_EQ(schedule.size(), 1u);
  EXPECT_NE(std::string{schedule[0].at("old_value").as_string()}.find(iso(t0 + 24h)),
            std::string::npos);
  EXPECT_NE(std::string{schedule[0].at("new_value").as_string()}.find(iso(t0 + 36h)),
            std::string::npos);
  EXPECT_NE(std::string{schedule[0].at("new_value").as_string()}.find("\"grace_minutes\":30"),
            std::string::npos);
  auto bands = entries("campaign.bands_changed");
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_NE(std::string{bands[0].at("old_value").as_string()}.find("Trung bình"),
            std::string::npos);
  EXPECT_NE(std::string{bands[0].at("new_value").as_string()}.find("Chưa tốt"), std::string::npos);
  auto rule = entries("campaign.approval_rule_changed");
  ASSERT_EQ(rule.size(), 1u);
  EXPECT_EQ(rule[0].at("old_value").as_string(), "unanimity");
  EXPECT_EQ(rule[0].at("new_value").as_string(), "fraction 1/2, quorum 2");
  auto council = entries("campaign.council_changed");
  ASSERT_EQ(council.size(), 1u);
  EXPECT_EQ(council[0].at("old_value").as_string(), "[\"hd.1\"]");
  EXPECT_EQ(council[0].at("new_value").as_string(), "[\"hd.1\",\"hd.2\"]");
  auto assignments = entries("campaign.assignments_changed");
  ASSERT_EQ(assignments.size(), 1u);
  EXPECT_NE(std::string{assignments[0].at("new_value").as_string()}.find("td.2"),
            std::string::npos);
  auto added = entries("campaign.unit_added");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_NE(std::string{added[0].at("new_value").as_string()}.find("U3 in group A"),
            std::string::npos);
  auto removed = entries("campaign.unit_removed");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_NE(std::string{removed[0].at("old_value").as_string()}.find("U2"), std::string::npos);
  auto not_evaluated = entries("leaf.not_evaluated");
  ASSERT_EQ(not_evaluated.size(), 1u);
  EXPECT_EQ(not_evaluated[0].at("old_value").as_string(), "0");
  EXPECT_EQ(not_evaluated[0].at("new_value").as_string(), "1: Không có chức năng");

  // Clearing the decision is a change of its own; the same values again change nothing.
  auto cleared =
      change({{"clear_not_evaluated", boost::json::array{{{"unit", "U1"}, {"criterion", "2.2"}}}}});
  ASSERT_EQ(cleared.status, 200u) << cleared.body;
  EXPECT_TRUE(cleared.json().at("not_evaluated").as_array().empty());
  EXPECT_EQ(entries("leaf.not_evaluated").size(), 2u);
  auto same = change({{"name", "Chỉ số CCHC năm 2024"}});
  ASSERT_EQ(same.status, 200u) << same.body;
  EXPECT_EQ(entries("campaign.renamed").size(), 1u);
}

TEST_F(campaign_changes, each_stage_rule_refuses_with_its_code_and_changes_nothing) {
  expect_refused({}, 422, "no_campaign_change");
  expect_refused({{"name", " "}}, 422, "invalid_campaign_name", "name");
  expect_refused({{"schedule", {{"self_deadline", iso(t0 - 1h)}}}}, 422,
                 "past_date_reason_required", "schedule.self_deadline");
  expect_refused({{"schedule", {{"round2_end", iso(t0 + 30h)}}}}, 422, "schedule_out_of_order",
                 "schedule.round2_end");
  expect_refused({{"bands", boost::json::array{}}}, 422, "invalid_bands", "bands");
  expect_refused({{"approval", {{"rule", "fraction"}, {"num", 3}, {"den", 2}}}}, 422,
                 "invalid_approval_rule", "approval.num");
  expect_refused({{"council", {"td.1"}}}, 422, "user_not_council_member", "council[0]");
  expect_refused({{"add_units", boost::json::array{{{"unit", "U1"}, {"group", "A"}}}}}, 409,
                 "unit_already_in_campaign", "add_units[0].unit");
  expect_refused({{"add_units", boost::json::array{{{"unit", "U3"}, {"group", "Z"}}}}}, 422,
                 "unknown_group", "add_units[0].group");
  expect_refused({{"remove_units", {"U3"}}}, 422, "unit_not_in_campaign", "remove_units[0]");
  expect_refused({{"remove_groups", {"A"}}}, 422, "no_groups");
  expect_refused({{"not_evaluated",
                   boost::json::array{{{"unit", "U1"}, {"criterion", "2"}, {"reason", "x"}}}}},
                 422, "not_a_leaf", "not_evaluated[0].criterion");
  // All or nothing: a good rename beside a bad unit keeps the old name.
  expect_refused(
      {{"name", "Tên mới"}, {"add_units", boost::json::array{{{"unit", "NOPE"}, {"group", "A"}}}}},
      422, "unknown_unit", "add_units[0].unit");

  // A file someone worked on stays in the campaign.
  leaf("u1.head", "U1", "1.1", {{"self_score", "1"}});
  expect_refused({{"remove_units", {"U1"}}}, 409, "file_touched", "remove_units[0]");

  // After the deadline: no new unit, and a past deadline needs a reason.
  srv.clock().advance(25h);
  srv.app().tick();
  as.forget();  // the sessions idled out meanwhile
  expect_refused({{"add_units", boost::json::array{{{"unit", "U3"}, {"group", "A"}}}}}, 409,
                 "unit_add_too_late", "add_units[0].unit");
  expect_refused({{"schedule", {{"self_deadline", iso(t0 + 2h)}}}}, 409, "self_assessment_over",
                 "schedule.self_deadline");

  // Round one with a flag, then the window: its length is fixed for every unit.
  for (auto unit : {"U1", "U2"})
    for (auto code : {"1.1", "2.1", "2.2"})
      leaf("td.1", unit, code,
           {{"round1_score", "1"}, {"needs_explanation", code == std::string{"2.1"}}});
  event("td.1", "U1", {{"event", "open_window"}});
  expect_refused({{"schedule", {{"window_length_hours", 12}}}}, 409, "window_length_locked",
                 "schedule.window_length_hours");
  event("td.1", "U1", {{"event", "close_window"}});
  event("td.1", "U1", {{"event", "complete_round2"}});
  event("td.1", "U2", {{"event", "open_window"}});
  event("td.1", "U2", {{"event", "close_window"}});
  event("td.1", "U2", {{"event", "complete_round2"}});
  event("hd.1", "U1", {{"event", "vote_approve"}});

  // A vote was cast and a file approved: council, rule and bands are what it was judged by.
  expect_refused({{"council", {"hd.1", "hd.2"}}}, 409, "council_locked", "council");
  expect_refused({{"approval", {{"rule", "fraction"}, {"num", 1}, {"den", 2}}}}, 409,
                 "approval_rule_locked", "approval");
  expect_refused({{"bands", boost::json::array{{{"min", "50"}, {"label", "Đạt"}}}}}, 409,
                 "bands_locked", "bands");
  expect_refused({{"not_evaluated",
                   boost::json::array{{{"unit", "U1"}, {"criterion", "2.2"}, {"reason", "x"}}}}},
                 409, "not_evaluated_locked", "not_evaluated[0].unit");
  // No file is left to appraise: who appraised what is history.
  expect_refused({{"assignments", boost::json::array{{{"username", "td.2"}, {"field", "1"}}}}}, 409,
                 "assignments_locked", "assignments");

  // Published: the decision names the campaign.
  auto published = as("thuky").post_json(
      path() + "/publish",
      {{"decision_number", "12/QĐ-UBND"},
       {"decision_date",
        workflow::format_time(srv.clock().now(), "Asia/Ho_Chi_Minh").substr(0, 10)}});
  ASSERT_EQ(published.status, 200u) << published.body;
  expect_refused({{"name", "Tên khác"}}, 409, "campaign_published", "name");
  // The round-two date may still move, with a reason, for the record.
  auto moved =
      change({{"schedule", {{"round2_end", iso(t0 + 80h)}, {"council_date", iso(t0 + 80h)}}},
              {"reason", "ghi đúng ngày họp"}});
  EXPECT_EQ(moved.status, 200u) << moved.body;
}

}  // namespace
}  // namespace parix::testing
