// Every route × every role against an object the role must not touch: another
// unit's file, a field the appraiser is not assigned, a campaign the council member
// does not sit on. Refused means 403 or 404. A route missing from the matrix fails.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <set>

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
  ASSERT_EQ(
      thuky
          .request(
              verb::post, "/api/v1/criteria-sets",
              "#set-key: m\n#set-name: M\ncode,title,max,method,bonus\n1,A,2,,\n1.1,B,1,self,\n"
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
  ASSERT_EQ(u2_head.post_json("/api/v1/assessments/" + f + "/events", {{"event", "submit"}}).status,
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
        {"admin"}}},
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
      {"GET /api/v1/campaigns/{id}/ranking",
       {"/api/v1/campaigns/" + campaign + "/ranking",
        "",
        "",
        {"secretariat", "agency_editor", "agency_head", "appraiser", "council_member", "auditor"}}},
      {"POST /api/v1/campaigns/{id}/scores",
       {"/api/v1/campaigns/" + campaign + "/scores", "U2,1.2,0.5\n", "text/csv", {"secretariat"}}},
      {"POST /api/v1/campaigns/{id}/publish",
       {"/api/v1/campaigns/" + campaign + "/publish",
        R"({"decision_number":"1","decision_date":"2025-01-01"})",
        "application/json",
        {"secretariat"}}},
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
      {"PATCH /api/v1/assessments/{id}/leaves/{code}",
       {"/api/v1/assessments/" + f + "/leaves/2.1",
        R"({"self_score":"1","round1_score":"1"})",
        "application/json",
        {}}},
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

}  // namespace
}  // namespace parix::testing
