// Every route × every role against an object the role must not touch: another
// unit's file, a field the appraiser is not assigned, a campaign the council member
// does not sit on. Refused means 403 or 404. A route missing from the matrix fails.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <set>

#include "tests/support/campaign_support.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

struct probe {
  std::string target;  // with the ids filled in
  std::string body;
  std::string content_type = "application/json";
  std::set<std::string> allowed;  // roles that may do this to the foreign object
};

TEST(authorization, every_route_refuses_every_role_on_objects_it_must_not_touch) {
  test_server srv;
  srv.add_unit("U1", "Sở Một");
  srv.add_unit("U2", "Sở Hai");
  srv.add_user("thuky", "secretariat");
  srv.add_user("canbo", "agency_editor", "U1");
  srv.add_user("head", "agency_head", "U1");
  srv.add_user("thamdinh", "appraiser");
  srv.add_user("other.td", "appraiser");
  srv.add_user("hoidong", "council_member");
  srv.add_user("thanhtra", "auditor");
  srv.add_user("u2.canbo", "agency_editor", "U2");
  srv.add_user("u2.head", "agency_head", "U2");
  auto thuky = srv.client();
  ASSERT_EQ(thuky.login("thuky", test_password).status, 200u);
  ASSERT_EQ(thuky
                .request(verb::post, "/api/v1/criteria-sets",
                         "#set-key: m\n#set-name: M\n#total: "
                         "3\ncode,title,max,method,bonus\n1,A,2,,\n1.1,B,1,self,\n"
                         "1.2,C,1,survey,\n2,D,1,,\n2.1,E,1,self,\n",
                         {{"Content-Type", "text/csv"}})
                .status,
            201u);
  const auto now = srv.clock().now();
  auto iso = [](auto t) { return workflow::format_time(t, "UTC"); };
  // The appraiser is assigned field 1 of U1 only; the council member sits on no campaign.
  auto created = thuky.post_json(
      "/api/v1/campaigns",
      {{"year", 2024},
       {"name", "M"},
       {"schedule",
        {{"self_deadline", iso(now + 24h)},
         {"round1_end", iso(now + 48h)},
         {"round2_end", iso(now + 72h)},
         {"council_date", iso(now + 96h)}}},
       {"groups",
        boost::json::array{
            {{"key", "A"}, {"name", "A"}, {"criteria_set", "m"}, {"units", {"U1", "U2"}}}}},
       {"assignments",
        boost::json::array{{{"username", "thamdinh"}, {"field", "1"}, {"unit", "U1"}},
                           {{"username", "other.td"}, {"field", "2"}}}}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto cj = created.json();
  std::int64_t foreign = 0;  // U2's file
  for (const auto& a : cj.at("groups").as_array()[0].at("assessments").as_array())
    if (a.at("unit").as_string() == "U2") foreign = a.at("assessment").as_int64();
  const auto f = std::to_string(foreign);
  const std::string campaign = std::to_string(cj.at("id").as_int64());

  const std::set<std::string> readers{"secretariat", "auditor"};

  // U2's evidence: an upload of U2's editor, a sealed version and a draft of U2's file.
  auto u2 = srv.client();
  ASSERT_EQ(u2.login("u2.canbo", test_password).status, 200u);
  std::string sealed_upload, draft_upload, foreign_upload;
  ASSERT_EQ(upload_file(u2, "a.pdf", pdf_bytes("a"), &sealed_upload).status, 204u);
  const auto evidence_path = "/api/v1/assessments/" + f + "/leaves/1.1/evidence";
  ASSERT_EQ(u2.post_json(evidence_path, {{"upload_id", sealed_upload}}).status, 201u);
  auto u2_head = srv.client();
  ASSERT_EQ(u2_head.login("u2.head", test_password).status, 200u);
  ASSERT_EQ(u2_head
                .post_json("/api/v1/assessments/" + f + "/events",
                           {{"event", "submit"}, {"confirm_missing_self_scores", true}})
                .status,
            200u);
  auto listed = u2.get(evidence_path).json();
  const auto& version = listed.at("versions").as_array().at(0);
  const auto version_id = std::to_string(version.at("id").as_int64());
  const auto file_id = std::to_string(version.at("files").as_array().at(0).at("id").as_int64());
  ASSERT_EQ(upload_file(u2, "b.pdf", pdf_bytes("b"), &foreign_upload).status, 204u);
  const auto upload_path = "/api/v1/uploads/" + foreign_upload;
  auth::actor setup;
  setup.username = "test-setup";
  auto token = srv.app().app().users.create_api_token(setup, 1, "probe", std::nullopt);
  ASSERT_TRUE(token);
  const auto token_path = "/api/v1/users/1/tokens/" + std::to_string(token->record.id);
  std::map<std::string, probe> matrix{
      {"GET /api/v1/me",
       {"/api/v1/me",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"POST /api/v1/auth/logout",
       {"/api/v1/auth/logout",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"PUT /api/v1/me/password",
       {"/api/v1/me/password",
        R"({"current_password":"wrong-wrong-wrong","new_password":"another-long-one"})",
        "application/json",
        {}}},
      // One's own preferences (issue 13): every role.
      {"GET /api/v1/me/preferences",
       {"/api/v1/me/preferences",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"PUT /api/v1/me/preferences",
       {"/api/v1/me/preferences",
        R"({"language":"vi"})",
        "application/json",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      // The desk lists only what the person may read; another unit's file as for its route.
      {"GET /api/v1/desk",
       {"/api/v1/desk",
        "",
        "",
        {"secretariat", "agency_editor", "agency_head", "appraiser", "council_member", "auditor"}}},
      {"GET /api/v1/desk/files/{id}", {"/api/v1/desk/files/" + f, "", "", readers}},
      {"GET /api/v1/users", {"/api/v1/users", "", "", {"admin", "secretariat", "auditor"}}},
      {"POST /api/v1/users",
       {"/api/v1/users",
        R"({"username":"x.y","role":"auditor","password":"mot-mat-khau-dai"})",
        "application/json",
        {"admin", "secretariat"}}},
      {"POST /api/v1/users/import",
       {"/api/v1/users/import",
        "username,role\nu9.x,nope\n",
        "text/csv",
        {"admin", "secretariat"}}},
      {"GET /api/v1/units",
       {"/api/v1/units",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"GET /api/v1/units/{code}",
       {"/api/v1/units/U2",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"POST /api/v1/units",
       {"/api/v1/units",
        R"({"code":"U2","name":"again"})",
        "application/json",
        {"admin", "secretariat"}}},
      {"POST /api/v1/units/import",
       {"/api/v1/units/import", "code,name\nU2,again\n", "text/csv", {"admin", "secretariat"}}},
      {"PATCH /api/v1/units/{code}",
       {"/api/v1/units/U2", R"({"name":"x"})", "application/json", {"admin", "secretariat"}}},
      {"GET /api/v1/users/{id}", {"/api/v1/users/1", "", "", {"admin", "secretariat", "auditor"}}},
      {"PATCH /api/v1/users/{id}",
       {"/api/v1/users/1", R"({"display_name":"x"})", "application/json", {"admin"}}},
      {"PUT /api/v1/users/{id}/password",
       {"/api/v1/users/1/password", R"({"password":"short"})", "application/json", {"admin"}}},
      {"GET /api/v1/users/{id}/tokens", {"/api/v1/users/1/tokens", "", "", {"admin"}}},
      {"POST /api/v1/users/{id}/tokens",
       {"/api/v1/users/1/tokens", R"({"name":"t"})", "application/json", {"admin"}}},
      {"DELETE /api/v1/users/{id}/tokens/{token_id}", {token_path, "", "", {"admin"}}},
      {"GET /api/v1/criteria-sets",
       {"/api/v1/criteria-sets",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"GET /api/v1/criteria-sets/{id}",
       {"/api/v1/criteria-sets/1",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"POST /api/v1/criteria-sets",
       {"/api/v1/criteria-sets", "#set-key: z\n", "text/csv", {"secretariat"}}},
      {"GET /api/v1/campaigns",
       {"/api/v1/campaigns",
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"GET /api/v1/campaigns/{id}",
       {"/api/v1/campaigns/" + campaign,
        "",
        "",
        {"admin", "secretariat", "agency_editor", "agency_head", "appraiser", "council_member",
         "auditor"}}},
      {"POST /api/v1/campaigns", {"/api/v1/campaigns", "{}", "application/json", {"secretariat"}}},
      {"PATCH /api/v1/campaigns/{id}",
       {"/api/v1/campaigns/" + campaign, R"({"name":"N"})", "application/json", {"secretariat"}}},
      {"POST /api/v1/campaigns/{id}/successor",
       {"/api/v1/campaigns/" + campaign + "/successor",
        R"({"criteria_sets":{}})",
        "application/json",
        {"secretariat"}}},
      // Before publication the figures are not the agencies' (issue 10).
      {"GET /api/v1/campaigns/{id}/ranking",
       {"/api/v1/campaigns/" + campaign + "/ranking",
        "",
        "",
        {"secretariat", "appraiser", "council_member", "auditor"}}},
      {"POST /api/v1/campaigns/{id}/scores",
       {"/api/v1/campaigns/" + campaign + "/scores", "U2,1.2,0.5\n", "text/csv", {"secretariat"}}},
      {"POST /api/v1/campaigns/{id}/publish",
       {"/api/v1/campaigns/" + campaign + "/publish",
        R"({"decision_number":"1","decision_date":"2025-01-01"})",
        "application/json",
        {"secretariat"}}},
      // Reports before publication: the council member sits on no campaign here.
      {"GET /api/v1/campaigns/{id}/reports/ranking",
       {"/api/v1/campaigns/" + campaign + "/reports/ranking", "", "", readers}},
      {"GET /api/v1/campaigns/{id}/reports/components",
       {"/api/v1/campaigns/" + campaign + "/reports/components", "", "", readers}},
      {"GET /api/v1/campaigns/{id}/reports/below-maximum",
       {"/api/v1/campaigns/" + campaign + "/reports/below-maximum", "", "", readers}},
      {"GET /api/v1/campaigns/{id}/reports/units/{unit_code}",
       {"/api/v1/campaigns/" + campaign + "/reports/units/U2", "", "", readers}},
      // This campaign names no predecessor: the readers pass the permission and council
      // checks and get 404 no_predecessor, the others 403 (readers are covered by
      // reports_api.year_over_year_puts_last_years_figures_beside_each_unit_or_its_origins).
      {"GET /api/v1/campaigns/{id}/reports/year-over-year",
       {"/api/v1/campaigns/" + campaign + "/reports/year-over-year", "", "", {}}},
      {"GET /api/v1/audit", {"/api/v1/audit", "", "", {"admin", "secretariat", "auditor"}}},
      {"GET /api/v1/audit.csv", {"/api/v1/audit.csv", "", "", {"admin", "secretariat", "auditor"}}},
      {"GET /api/v1/audit/checkpoints",
       {"/api/v1/audit/checkpoints", "", "", {"admin", "secretariat", "auditor"}}},
      {"GET /api/v1/audit/verify",
       {"/api/v1/audit/verify", "", "", {"admin", "secretariat", "auditor"}}},
      // Another unit's file: only roles that read everything.
      {"GET /api/v1/assessments/{id}", {"/api/v1/assessments/" + f, "", "", readers}},
      {"GET /api/v1/assessments/{id}/leaves/{code}/history",
       {"/api/v1/assessments/" + f + "/leaves/1.1/history", "", "", readers}},
      // The secretariat edits every file where the edit table lets it (not-evaluated
      // decisions); this edit it may not make is refused by stage, not by unit.
      {"PATCH /api/v1/assessments/{id}/leaves/{code}",
       {"/api/v1/assessments/" + f + "/leaves/2.1",
        R"({"self_score":"1","round1_score":"1"})",
        "application/json",
        {"secretariat"}}},
      {"PATCH /api/v1/assessments/{id}/leaves",
       {"/api/v1/assessments/" + f + "/leaves",
        R"({"leaves":[{"code":"2.1","self_score":"1","round1_score":"1"}]})",
        "application/json",
        {"secretariat"}}},
      {"POST /api/v1/assessments/{id}/score-import",
       {"/api/v1/assessments/" + f + "/score-import",
        "code,score\n2.1,1\n",
        "text/csv",
        {"secretariat"}}},
      {"POST /api/v1/assessments/{id}/events",
       {"/api/v1/assessments/" + f + "/events",
        R"({"event":"vote_approve"})",
        "application/json",
        {}}},
      // Evidence of another unit's file, and another user's upload.
      {"GET /api/v1/assessments/{id}/leaves/{code}/evidence", {evidence_path, "", "", readers}},
      {"POST /api/v1/assessments/{id}/leaves/{code}/evidence",
       {evidence_path, R"({"upload_id":")" + foreign_upload + R"("})", "application/json", {}}},
      {"DELETE /api/v1/assessments/{id}/leaves/{code}/evidence/{file}",
       {evidence_path + "/" + file_id, "", "", {}}},
      // Last year's work carried into a file: only that unit's agency users decide it; the
      // secretariat's request is refused by stage (409), as its leaf edits are.
      {"POST /api/v1/assessments/{id}/leaves/{code}/explanation/confirm",
       {"/api/v1/assessments/" + f + "/leaves/1.1/explanation/confirm", "", "", {"secretariat"}}},
      {"POST /api/v1/assessments/{id}/leaves/{code}/carried/{n}/confirm",
       {"/api/v1/assessments/" + f + "/leaves/1.1/carried/1/confirm", "", "", {}}},
      {"POST /api/v1/assessments/{id}/leaves/{code}/carried/{n}/discard",
       {"/api/v1/assessments/" + f + "/leaves/1.1/carried/1/discard", "", "", {}}},
      {"GET /api/v1/evidence/files/{id}/content",
       {"/api/v1/evidence/files/" + file_id + "/content", "", "", readers}},
      {"GET /api/v1/evidence/versions/{id}/archive",
       {"/api/v1/evidence/versions/" + version_id + "/archive", "", "", readers}},
      {"GET /api/v1/evidence/versions/{id}/statement",
       {"/api/v1/evidence/versions/" + version_id + "/statement", "", "", readers}},
      // Creating an upload is not about anyone else's object: agency users may.
      {"POST /api/v1/uploads", {"/api/v1/uploads", "", "", {"agency_editor", "agency_head"}}},
      {"GET /api/v1/uploads/{id}", {upload_path, "", "", {}}},
      {"HEAD /api/v1/uploads/{id}", {upload_path, "", "", {}}},
      {"PATCH /api/v1/uploads/{id}", {upload_path, "x", "application/offset+octet-stream", {}}},
      {"DELETE /api/v1/uploads/{id}", {upload_path, "", "", {}}},
  };

  std::map<std::string, https_client> clients;
  for (auto [name, role] : {std::pair{"admin", "admin"},
                            {"thuky", "secretariat"},
                            {"canbo", "agency_editor"},
                            {"head", "agency_head"},
                            {"thamdinh", "appraiser"},
                            {"hoidong", "council_member"},
                            {"thanhtra", "auditor"}}) {
    clients.emplace(role, srv.client());
    ASSERT_EQ(clients.at(role).login(name, test_password).status, 200u) << name;
  }
  int refusals = 0;
  for (const auto& r : srv.app().routes().routes()) {
    if (r.permission == auth::permission::public_access || r.pattern == "/api/v1/auth/login")
      continue;
    const std::string key = std::string{server::http::to_string(r.method)} + " " + r.pattern;
    auto it = matrix.find(key);
    if (it == matrix.end()) {
      ADD_FAILURE() << "the authorisation matrix has no row for " << key;
      continue;
    }
    for (auto& [role, client] : clients) {
      if (key == "POST /api/v1/auth/logout") continue;  // would end the session the other rows use
      std::map<std::string, std::string> headers{
          {"If-Match", "\"v0\""}, {"Tus-Resumable", "1.0.0"}, {"Upload-Offset", "0"}};
      if (!it->second.content_type.empty()) headers["Content-Type"] = it->second.content_type;
      auto reply = client.request(r.method, it->second.target, it->second.body, headers);
      const bool refused = reply.status == 403 || reply.status == 404;
      if (it->second.allowed.contains(role)) {
        EXPECT_FALSE(refused) << key << " as " << role << " was refused: " << reply.body;
      } else {
        EXPECT_TRUE(refused) << key << " as " << role << " got " << reply.status << ": "
                             << reply.body;
        ++refusals;
      }
      EXPECT_NE(reply.status, 401u) << key << " as " << role;
    }
  }
  EXPECT_GT(refusals, 60);
}

// Every read route × role against another unit's objects, before any publication and
// after one (issue 10): before, the figures of other units are for the secretariat,
// appraisers, the council and auditors; an agency sees its own file. After, an agency
// reads the published figures, and only those.
struct read_probe {
  std::string target;
  std::set<std::string> before, after;  // who reads it (not 403/404)
};

TEST(authorization, every_read_route_before_and_after_publication) {
  test_server srv;
  for (auto u : {"U1", "U2", "U3"}) srv.add_unit(u, std::string{"Đơn vị "} + u);
  srv.add_user("thuky", "secretariat");
  srv.add_user("u1.canbo", "agency_editor", "U1");
  srv.add_user("u1.head", "agency_head", "U1");
  srv.add_user("u2.head", "agency_head", "U2");
  srv.add_user("thamdinh", "appraiser");
  srv.add_user("thamdinh.u1", "appraiser");
  srv.add_user("hoidong", "council_member");
  srv.add_user("hoidong.other", "council_member");
  srv.add_user("thanhtra", "auditor");
  signed_in as{srv};
  import_set(as("thuky"), small_set);
  const auto t0 = srv.clock().now();
  auto created = as("thuky").post_json(
      "/api/v1/campaigns",
      campaign_body(
          "R", t0, {"U1", "U2", "U3"},
          {{"assignments", boost::json::array{{{"username", "thamdinh"}, {"field", "1"}},
                                              {{"username", "thamdinh"}, {"field", "2"}},
                                              {{"username", "thamdinh.u1"}, {"unit", "U1"}}}},
           {"council", {"hoidong"}}}));
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto campaign = std::to_string(created.json().at("id").as_int64());
  auto files = files_of(created.json());
  const auto u2 = "/api/v1/assessments/" + std::to_string(files["U2"]);
  // U2's file, with evidence, all the way to publication (U1 and U3 stay behind).
  std::string upload;
  ASSERT_EQ(upload_file(as("u2.head"), "a.pdf", pdf_bytes("a"), &upload).status, 204u);
  ASSERT_EQ(as("u2.head").post_json(u2 + "/leaves/1.1/evidence", {{"upload_id", upload}}).status,
            201u);
  for (auto code : {"1.1", "2.1", "2.2"})
    ASSERT_EQ(as("u2.head")
                  .send_json(verb::patch, u2 + "/leaves/" + code, {{"self_score", "1"}},
                             {{"If-Match", "\"v0\""}})
                  .status,
              200u);
  ASSERT_EQ(as("u2.head").post_json(u2 + "/events", {{"event", "submit"}}).status, 200u);
  auto listed = as("thuky").get(u2 + "/leaves/1.1/evidence").json();
  const auto version = std::to_string(listed.at("versions").as_array()[0].at("id").as_int64());
  const auto file_id = std::to_string(
      listed.at("versions").as_array()[0].at("files").as_array()[0].at("id").as_int64());
  for (auto code : {"1.1", "2.1", "2.2"})
    ASSERT_EQ(as("thamdinh")
                  .send_json(verb::patch, u2 + "/leaves/" + code, {{"round1_score", "0.5"}},
                             {{"If-Match", "\"v1\""}})
                  .status,
              200u);
  for (auto e : {"complete_round1", "complete_round2"})
    ASSERT_EQ(as("thamdinh").post_json(u2 + "/events", {{"event", e}}).status, 200u) << e;
  ASSERT_EQ(as("hoidong").post_json(u2 + "/events", {{"event", "vote_approve"}}).status, 200u);
  const auto token = as("admin").post_json("/api/v1/users/1/tokens", {{"name", "t"}});
  ASSERT_EQ(token.status, 201u);

  const std::set<std::string> everyone{"admin",   "thuky",         "u1.canbo",
                                       "u1.head", "thamdinh",      "thamdinh.u1",
                                       "hoidong", "hoidong.other", "thanhtra"};
  const std::set<std::string> user_readers{"admin", "thuky", "thanhtra"};
  // Another unit's file: the roles that read every file, its appraiser, its council.
  const std::set<std::string> file_readers{"thuky", "thanhtra", "thamdinh", "hoidong"};
  const std::set<std::string> figure_readers{"thuky",       "thanhtra", "thamdinh",
                                             "thamdinh.u1", "hoidong",  "hoidong.other"};
  const std::set<std::string> report_readers{"thuky", "thanhtra", "hoidong"};
  std::set<std::string> desk_readers = everyone;
  desk_readers.erase("admin");
  auto with = [](std::set<std::string> s, std::initializer_list<const char*> more) {
    for (auto m : more) s.insert(m);
    return s;
  };
  const std::map<std::string, read_probe> matrix{
      {"GET /api/v1/me", {"/api/v1/me", everyone, everyone}},
      {"GET /api/v1/users", {"/api/v1/users", user_readers, user_readers}},
      {"GET /api/v1/users/{id}", {"/api/v1/users/1", user_readers, user_readers}},
      {"GET /api/v1/users/{id}/tokens", {"/api/v1/users/1/tokens", {"admin"}, {"admin"}}},
      {"GET /api/v1/units", {"/api/v1/units", everyone, everyone}},
      {"GET /api/v1/units/{code}", {"/api/v1/units/U2", everyone, everyone}},
      {"GET /api/v1/criteria-sets", {"/api/v1/criteria-sets", everyone, everyone}},
      {"GET /api/v1/criteria-sets/{id}", {"/api/v1/criteria-sets/1", everyone, everyone}},
      {"GET /api/v1/campaigns", {"/api/v1/campaigns", everyone, everyone}},
      {"GET /api/v1/campaigns/{id}", {"/api/v1/campaigns/" + campaign, everyone, everyone}},
      {"GET /api/v1/campaigns/{id}/ranking",
       {"/api/v1/campaigns/" + campaign + "/ranking", figure_readers,
        with(figure_readers, {"u1.canbo", "u1.head"})}},
      {"GET /api/v1/assessments/{id}", {u2, file_readers, file_readers}},
      {"GET /api/v1/assessments/{id}/leaves/{code}/history",
       {u2 + "/leaves/1.1/history", file_readers, file_readers}},
      {"GET /api/v1/assessments/{id}/leaves/{code}/evidence",
       {u2 + "/leaves/1.1/evidence", file_readers, file_readers}},
      {"GET /api/v1/evidence/files/{id}/content",
       {"/api/v1/evidence/files/" + file_id + "/content", file_readers, file_readers}},
      {"GET /api/v1/evidence/versions/{id}/archive",
       {"/api/v1/evidence/versions/" + version + "/archive", file_readers, file_readers}},
      {"GET /api/v1/evidence/versions/{id}/statement",
       {"/api/v1/evidence/versions/" + version + "/statement", file_readers, file_readers}},
      {"GET /api/v1/uploads/{id}", {"/api/v1/uploads/" + upload, {}, {}}},
      {"HEAD /api/v1/uploads/{id}", {"/api/v1/uploads/" + upload, {}, {}}},
      // The desk lists only what each person may read (desk_api_test checks the lists).
      {"GET /api/v1/desk", {"/api/v1/desk", desk_readers, desk_readers}},
      {"GET /api/v1/desk/files/{id}",
       {"/api/v1/desk/files/" + std::to_string(files["U2"]), file_readers, file_readers}},
      {"GET /api/v1/me/preferences", {"/api/v1/me/preferences", everyone, everyone}},
      // The reports: the secretariat, auditors and this campaign's council, before and
      // after publication (the public routes are the public's; reports_api tests them).
      {"GET /api/v1/campaigns/{id}/reports/ranking",
       {"/api/v1/campaigns/" + campaign + "/reports/ranking", report_readers, report_readers}},
      {"GET /api/v1/campaigns/{id}/reports/components",
       {"/api/v1/campaigns/" + campaign + "/reports/components", report_readers, report_readers}},
      {"GET /api/v1/campaigns/{id}/reports/below-maximum",
       {"/api/v1/campaigns/" + campaign + "/reports/below-maximum", report_readers,
        report_readers}},
      {"GET /api/v1/campaigns/{id}/reports/units/{unit_code}",
       {"/api/v1/campaigns/" + campaign + "/reports/units/U2", report_readers, report_readers}},
      // No predecessor here: 404 no_predecessor for the readers too (reports_api reads it).
      {"GET /api/v1/campaigns/{id}/reports/year-over-year",
       {"/api/v1/campaigns/" + campaign + "/reports/year-over-year", {}, {}}},
      {"GET /api/v1/audit", {"/api/v1/audit", user_readers, user_readers}},
      {"GET /api/v1/audit.csv", {"/api/v1/audit.csv", user_readers, user_readers}},
      {"GET /api/v1/audit/checkpoints", {"/api/v1/audit/checkpoints", user_readers, user_readers}},
      {"GET /api/v1/audit/verify", {"/api/v1/audit/verify", user_readers, user_readers}},
  };
  for (const auto& name : everyone) as(name);
  auto check = [&](bool published) {
    for (const auto& r : srv.app().routes().routes()) {
      if ((r.method != verb::get && r.method != verb::head) ||
          r.permission == auth::permission::public_access)
        continue;
      const std::string key = std::string{server::http::to_string(r.method)} + " " + r.pattern;
      auto it = matrix.find(key);
      if (it == matrix.end()) {
        ADD_FAILURE() << "the read matrix has no row for " << key;
        continue;
      }
      const auto& readers = published ? it->second.after : it->second.before;
      for (const auto& name : everyone) {
        auto reply =
            as(name).request(r.method, it->second.target, "", {{"Tus-Resumable", "1.0.0"}});
        const bool refused = reply.status == 403 || reply.status == 404;
        const auto what = key + " as " + name + (published ? " after" : " before") +
                          " publication: " + std::to_string(reply.status) + " " +
                          reply.body.substr(0, 300);
        EXPECT_EQ(!refused, readers.contains(name)) << what;
        // What an agency reads of the ranking is the published files only.
        if (!refused && r.pattern == "/api/v1/campaigns/{id}/ranking" &&
            (name == "u1.canbo" || name == "u1.head")) {
          EXPECT_NE(reply.body.find("\"U2\""), std::string::npos) << what;
          EXPECT_EQ(reply.body.find("\"U3\""), std::string::npos) << what;
          EXPECT_EQ(reply.body.find("\"U1\""), std::string::npos) << what;
        }
      }
    }
  };
  check(false);
  auto published =
      as("thuky").post_json("/api/v1/campaigns/" + campaign + "/publish",
                            {{"decision_number", "12/QĐ-UBND"}, {"decision_date", "2024-12-31"}});
  ASSERT_EQ(published.status, 200u) << published.body;
  ASSERT_EQ(published.json().at("published").as_int64(), 1);
  check(true);
}

}  // namespace
}  // namespace parix::testing
