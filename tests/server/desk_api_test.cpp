// The web UI's desk over HTTPS: which files each person sees, the work-queue counts,
// what their role may do in the stage, the language preference, and evidence shown
// inline.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "storage/audit_log.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

class desk : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Sở Một");
    srv.add_unit("U2", "Sở Hai");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.editor", "agency_editor", "U1");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("td.one", "appraiser");
    srv.add_user("td.u2", "appraiser");
    ASSERT_EQ(login("thuky")
                  .request(verb::post, "/api/v1/criteria-sets",
                           "#set-key: d\n#set-name: D\n#total: 3\ncode,title,max,method,bonus\n"
                           "1,Lĩnh vực 1,2,,\n1.1,Kế hoạch,1,self,\n1.2,Báo cáo,1,self,\n"
                           "2,Lĩnh vực 2,1,,\n2.1,Khảo sát,1,survey,\n",
                           {{"Content-Type", "text/csv"}})
                  .status,
              201u);
    const auto t0 = srv.clock().now();
    auto iso = [](auto t) { return workflow::format_time(t, "Asia/Ho_Chi_Minh"); };
    auto r = login("thuky").post_json(
        "/api/v1/campaigns",
        {{"year", 2024},
         {"name", "D"},
         {"schedule",
          {{"self_deadline", iso(t0 + 24h)},
           {"round1_end", iso(t0 + 48h)},
           {"round2_end", iso(t0 + 72h)},
           {"council_date", iso(t0 + 96h)},
           {"grace_minutes", 30}}},
         {"groups",
          boost::json::array{
              {{"key", "A"}, {"name", "A"}, {"criteria_set", "d"}, {"units", {"U1", "U2"}}}}},
         {"assignments", boost::json::array{{{"username", "td.one"}, {"field", "1"}},
                                            {{"username", "td.u2"}, {"unit", "U2"}}}},
         {"not_evaluated_claimable", boost::json::array{{{"group", "A"}, {"criterion", "1.2"}}}}});
    ASSERT_EQ(r.status, 201u) << r.body;
    const auto created = r.json();  // kept: the loop below walks inside it
    for (const auto& a : created.at("groups").as_array()[0].at("assessments").as_array())
      file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  }
  https_client login(const std::string& name) {
    auto c = srv.client();
    EXPECT_EQ(c.login(name, test_password).status, 200u);
    return c;
  }
  boost::json::array files_of(const std::string& user) {
    auto r = login(user).get("/api/v1/desk");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("files").as_array();
  }
  std::string leaf(const std::string& unit, const std::string& code) {
    return "/api/v1/assessments/" + std::to_string(file[unit]) + "/leaves/" + code;
  }

  test_server srv;
  std::map<std::string, std::int64_t> file;
};

TEST_F(desk, each_person_sees_only_the_files_they_may_read) {
  auto own = files_of("u1.editor");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].at("unit").at("code"), "U1");
  EXPECT_EQ(own[0].at("state"), "self_assessment");
  EXPECT_EQ(own[0].at("campaign").at("time_zone"), "Asia/Ho_Chi_Minh");
  EXPECT_EQ(own[0].at("campaign").at("grace_minutes"), 30);
  // The countdown's two ends, both from the server.
  EXPECT_TRUE(own[0].at("server_time").is_string());
  EXPECT_EQ(own[0].at("open_until"), own[0].at("deadline"));

  auto by_field = files_of("td.one");
  ASSERT_EQ(by_field.size(), 2u);
  for (const auto& f : by_field) EXPECT_EQ(f.at("assigned_fields"), boost::json::array{"1"});
  auto by_unit = files_of("td.u2");
  ASSERT_EQ(by_unit.size(), 1u);
  EXPECT_EQ(by_unit[0].at("unit").at("code"), "U2");
  EXPECT_EQ(by_unit[0].at("assigned_fields"), boost::json::array{"*"});
  EXPECT_EQ(files_of("thuky").size(), 2u);

  auto admin = srv.client();
  ASSERT_EQ(admin.login("admin", test_password).status, 200u);
  EXPECT_EQ(admin.get("/api/v1/desk").status, 403u);
  EXPECT_EQ(srv.client().get("/api/v1/desk").status, 401u);
  // Another unit's file is refused as it is by the assessment route.
  EXPECT_EQ(login("u1.editor").get("/api/v1/desk/files/" + std::to_string(file["U2"])).status,
            403u);
}

// A pending claim takes the leaf out of the maximum, so the desk does not count it as a
// leaf still to score (the home card read "1/2 scored" with nothing left to do).
TEST_F(desk, a_claimed_leaf_is_out_of_the_counts_like_a_not_evaluated_one) {
  auto editor = login("u1.editor");
  ASSERT_EQ(editor
                .send_json(verb::patch, leaf("U1", "1.1"), {{"self_score", "0.5"}},
                           {{"If-Match", "\"v0\""}})
                .status,
            200u);
  auto claimed = editor.send_json(verb::patch, leaf("U1", "1.2"),
                                  {{"claim_not_evaluated", true}, {"claim_reason", "Không giao"}},
                                  {{"If-Match", "\"v0\""}});
  ASSERT_EQ(claimed.status, 200u) << claimed.body;
  auto r = editor.get("/api/v1/desk/files/" + std::to_string(file["U1"]));
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto counts = r.json().at("counts");
  EXPECT_EQ(counts.at("leaves"), 1) << counts;
  EXPECT_EQ(counts.at("self_scored"), 1) << counts;
  EXPECT_EQ(counts.at("not_evaluated"), 1) << counts;
}

TEST_F(desk, counts_follow_the_scores_and_evidence_and_the_role_says_what_it_may_do) {
  auto editor = login("u1.editor");
  ASSERT_EQ(editor
                .send_json(verb::patch, leaf("U1", "1.1"), {{"self_score", "0.5"}},
                           {{"If-Match", "\"v0\""}})
                .status,
            200u);
  std::string upload;
  ASSERT_EQ(upload_file(editor, "ke-hoach.pdf", pdf_bytes(), &upload).status, 204u);
  ASSERT_EQ(editor.post_json(leaf("U1", "1.2") + "/evidence", {{"upload_id", upload}}).status,
            201u);

  auto r = editor.get("/api/v1/desk/files/" + std::to_string(file["U1"]));
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j.at("counts").at("leaves"), 2);  // the survey leaf is not self-scored
  EXPECT_EQ(j.at("counts").at("self_scored"), 1);
  EXPECT_EQ(j.at("counts").at("with_evidence"), 1);
  EXPECT_EQ(j.at("evidence").at("1.2").at("drafts"), 1);
  EXPECT_EQ(j.at("nodes").as_array().size(), 5u);
  EXPECT_EQ(j.at("nodes").as_array()[0].at("title"), "Lĩnh vực 1");
  EXPECT_EQ(j.at("assessment").at("leaves").as_array().size(), 3u);
  const auto& editable = j.at("editable").as_array();
  EXPECT_NE(std::find(editable.begin(), editable.end(), boost::json::value("self_score")),
            editable.end());
  EXPECT_EQ(std::find(editable.begin(), editable.end(), boost::json::value("round1_score")),
            editable.end());
  EXPECT_TRUE(j.at("events").as_array().empty());  // an editor cannot submit
  auto head = login("u1.head").get("/api/v1/desk/files/" + std::to_string(file["U1"])).json();
  EXPECT_EQ(head.at("events"), boost::json::array{"submit"});
}

TEST_F(desk, a_late_file_is_marked_late) {
  srv.clock().advance(24h + 31min);  // past the deadline and its grace
  auto f = files_of("td.one");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].at("state"), "round1");
  EXPECT_EQ(f[0].at("late"), true);
  EXPECT_EQ(f[0].at("events"), (boost::json::array{"complete_round1", "open_window"}));
}

TEST_F(desk, the_language_choice_is_kept_per_user_and_audited) {
  auto c = login("u1.editor");
  EXPECT_EQ(c.get("/api/v1/me/preferences").json().at("language"), nullptr);
  auto bad = c.send_json(verb::put, "/api/v1/me/preferences", {{"language", "fr"}},
                         {{"Accept-Language", "en"}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.json().at("code"), "invalid_field");
  EXPECT_EQ(c.send_json(verb::put, "/api/v1/me/preferences", {{"language", "en"}}).status, 200u);
  EXPECT_EQ(login("u1.editor").get("/api/v1/me/preferences").json().at("language"), "en");
  EXPECT_EQ(login("u1.head").get("/api/v1/me/preferences").json().at("language"), nullptr);
  int audited = 0;
  srv.app().db().read([&](storage::connection& conn) {
    storage::scan_audit(conn, 1, [&](const storage::audit_entry& e) {
      if (e.event.action == "user.language_changed" && e.event.new_value == "en") ++audited;
    });
  });
  EXPECT_EQ(audited, 1);
}

TEST_F(desk, a_pdf_or_image_may_be_shown_inline_and_other_files_stay_attachments) {
  auto editor = login("u1.editor");
  std::string pdf, zip;
  ASSERT_EQ(upload_file(editor, "bao-cao.pdf", pdf_bytes(), &pdf).status, 204u);
  ASSERT_EQ(upload_file(editor, "ho-so.zip", make_zip({{"a.txt", "a"}}), &zip).status, 204u);
  auto a = editor.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", pdf}}).json();
  auto b = editor.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", zip}}).json();
  const std::string pdf_url{a.at("download").as_string()}, zip_url{b.at("download").as_string()};

  auto shown = editor.get(pdf_url + "?disposition=inline");
  ASSERT_EQ(shown.status, 200u);
  EXPECT_TRUE(shown.header("content-disposition").starts_with("inline; filename=\"bao-cao.pdf\""));
  EXPECT_EQ(shown.header("content-type"), "application/pdf");
  EXPECT_EQ(shown.header("content-security-policy").find("script"), std::string::npos);
  EXPECT_TRUE(editor.get(pdf_url).header("content-disposition").starts_with("attachment;"));
  EXPECT_EQ(editor.get(pdf_url).header("content-security-policy"), "default-src 'none'; sandbox");
  auto zipped = editor.get(zip_url + "?disposition=inline");
  EXPECT_TRUE(zipped.header("content-disposition").starts_with("attachment;"));
}

}  // namespace
}  // namespace parix::testing
