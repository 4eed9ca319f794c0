// Units as a resource, and users created by the secretariat (issue 10): a province's
// secretariat sets up its units and users through the API alone, one by one or from the
// CSV files Excel writes, and hands out one-time passwords.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

class units_api : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_user("thuky", "secretariat");
    srv.add_user("thanhtra", "auditor");
  }
  reply csv(const std::string& who, const std::string& path, const std::string& body) {
    return as(who).request(verb::post, path, body, {{"Content-Type", "text/csv"}});
  }
  std::string code_of(const reply& r) { return std::string{r.json().at("code").as_string()}; }
  std::vector<std::string> audit_actions(const std::string& unit) {
    std::vector<std::string> out;
    const auto q = as("thanhtra").get("/api/v1/audit?unit=" + unit).json();
    for (const auto& e : q.at("entries").as_array()) out.emplace_back(e.at("action").as_string());
    return out;
  }

  test_server srv;
  signed_in as{srv};
};

TEST_F(units_api, the_secretariat_creates_reads_renames_and_disables_a_unit) {
  auto province = as("thuky").post_json(
      "/api/v1/units", {{"code", "DBN"}, {"name", "UBND tỉnh Điện Biên"}, {"kind", "province"}});
  ASSERT_EQ(province.status, 201u) << province.body;
  EXPECT_EQ(province.header("location"), "/api/v1/units/DBN");
  auto created = as("thuky").post_json(
      "/api/v1/units",
      {{"code", "SNV"}, {"name", "Sở Nội vụ"}, {"parent", "DBN"}, {"kind", "department"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.header("etag"), "\"v1\"");
  auto u = created.json();
  EXPECT_EQ(u.at("parent").as_string(), "DBN");
  EXPECT_EQ(u.at("kind").as_string(), "department");
  EXPECT_FALSE(u.at("disabled").as_bool());

  // Everyone reads units; nobody but the secretariat and the administrator changes them.
  auto list = as("thanhtra").get("/api/v1/units");
  ASSERT_EQ(list.status, 200u);
  EXPECT_EQ(list.json().at("units").as_array().size(), 2u);
  EXPECT_EQ(as("thanhtra").get("/api/v1/units/SNV").json().at("name").as_string(), "Sở Nội vụ");
  EXPECT_EQ(as("thanhtra").post_json("/api/v1/units", {{"code", "X"}, {"name", "x"}}).status, 403u);

  // A rename needs the current ETag; the code never changes.
  auto stale = as("thuky").send_json(verb::patch, "/api/v1/units/SNV", {{"name", "Sở NV"}},
                                     {{"If-Match", "\"v0\""}});
  EXPECT_EQ(stale.status, 412u);
  EXPECT_EQ(stale.json().at("current").at("name").as_string(), "Sở Nội vụ");
  auto recode = as("thuky").send_json(verb::patch, "/api/v1/units/SNV", {{"code", "SNV2"}},
                                      {{"If-Match", "\"v1\""}});
  EXPECT_EQ(recode.status, 400u);
  EXPECT_EQ(recode.json().at("field").as_string(), "code");
  auto renamed = as("thuky").send_json(verb::patch, "/api/v1/units/SNV",
                                       {{"name", "Sở Nội vụ tỉnh Điện Biên"}, {"disabled", true}},
                                       {{"If-Match", "\"v1\""}});
  ASSERT_EQ(renamed.status, 200u) << renamed.body;
  EXPECT_EQ(renamed.header("etag"), "\"v2\"");
  EXPECT_TRUE(renamed.json().at("disabled").as_bool());
  EXPECT_EQ(audit_actions("SNV"),
            (std::vector<std::string>{"unit.created", "unit.renamed", "unit.disabled"}));

  // A disabled unit takes no new users.
  auto user = as("thuky").post_json(
      "/api/v1/users", {{"username", "snv.canbo"}, {"role", "agency_editor"}, {"unit", "SNV"}});
  EXPECT_EQ(user.status, 422u);
  EXPECT_EQ(code_of(user), "unit_disabled");
}

TEST_F(units_api, bad_units_are_refused_each_with_its_own_code) {
  ASSERT_EQ(as("thuky").post_json("/api/v1/units", {{"code", "A"}, {"name", "A"}}).status, 201u);
  auto expect = [&](boost::json::object body, unsigned status, const std::string& code) {
    auto r = as("thuky").post_json("/api/v1/units", body);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(code_of(r), code) << r.body;
  };
  expect({{"code", "A"}, {"name", "again"}}, 409, "unit_exists");
  expect({{"code", "snv"}, {"name", "x"}}, 422, "invalid_unit_code");
  expect({{"code", "S NV"}, {"name", "x"}}, 422, "invalid_unit_code");
  expect({{"code", "B"}, {"name", "   "}}, 422, "invalid_unit_name");
  expect({{"code", "B"}, {"name", "x"}, {"kind", "ministry"}}, 422, "invalid_unit_kind");
  expect({{"code", "B"}, {"name", "x"}, {"parent", "NOPE"}}, 422, "unknown_parent_unit");
  ASSERT_EQ(as("thuky")
                .post_json("/api/v1/units", {{"code", "B"}, {"name", "B"}, {"parent", "A"}})
                .status,
            201u);
  auto cycle = as("thuky").send_json(verb::patch, "/api/v1/units/A", {{"parent", "B"}},
                                     {{"If-Match", "\"v1\""}});
  EXPECT_EQ(cycle.status, 422u);
  EXPECT_EQ(code_of(cycle), "unit_parent_cycle");
  EXPECT_EQ(as("thuky").get("/api/v1/units/NOPE").status, 404u);
}

TEST_F(units_api, a_csv_of_units_as_excel_writes_it_is_imported_whole) {
  // A byte order mark, semicolons, a quoted name with a semicolon, a parent defined on a
  // later line.
  const std::string file =
      "\xEF\xBB\xBF"
      "code;name;parent;kind\r\n"
      "SNV;Sở Nội vụ;DBN;department\r\n"
      "DBN;\"UBND tỉnh; Điện Biên\";;province\r\n"
      "HTG;UBND huyện Tuần Giáo;DBN;district\r\n";
  auto r = csv("thuky", "/api/v1/units/import", file);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("created").as_array().size(), 3u);
  EXPECT_EQ(as("thuky").get("/api/v1/units/DBN").json().at("name").as_string(),
            "UBND tỉnh; Điện Biên");
  EXPECT_EQ(as("thuky").get("/api/v1/units/HTG").json().at("parent").as_string(), "DBN");
  // The same file again changes nothing and says so.
  auto again = csv("thuky", "/api/v1/units/import", file);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("created").as_array().size(), 0u);
  EXPECT_EQ(again.json().at("unchanged").as_int64(), 3);
}

TEST_F(units_api, a_unit_csv_with_bad_rows_imports_nothing_and_lists_every_one) {
  ASSERT_EQ(as("thuky").post_json("/api/v1/units", {{"code", "SNV"}, {"name", "Sở Nội vụ"}}).status,
            201u);
  auto r = csv("thuky", "/api/v1/units/import",
               "code,name,parent\n"
               "STP,Sở Tư pháp,\n"          // 2: fine
               "stc,Sở Tài chính,\n"        // 3: lower case
               "STP,Sở Tư pháp lần 2,\n"    // 4: twice in the file
               "SNV,Sở Nội vụ khác,\n"      // 5: exists with another name
               "HMN,,\n"                    // 6: no name
               "HTG,UBND Tuần Giáo,TINH\n"  // 7: unknown parent
               "A1,A,A2\nA2,B,A1\n"         // 8, 9: a cycle
               "X,Y\n");                    // 10: too few fields
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(code_of(r), "invalid_import");
  std::vector<std::string> seen;
  const auto refused = r.json();
  for (const auto& p : refused.at("problems").as_array())
    seen.push_back(std::to_string(p.at("line").as_int64()) + ":" +
                   std::string{p.at("problem").as_string()});
  EXPECT_EQ(seen, (std::vector<std::string>{"3:invalid_code", "4:duplicate_row", "5:unit_exists",
                                            "6:invalid_name", "7:unknown_parent", "8:parent_cycle",
                                            "9:parent_cycle", "10:bad_row"}));
  EXPECT_EQ(as("thuky").get("/api/v1/units/STP").status, 404u) << "nothing imported";
  EXPECT_EQ(as("thuky").get("/api/v1/units").json().at("units").as_array().size(), 1u);
}

TEST_F(units_api, the_secretariat_creates_users_with_one_time_passwords) {
  ASSERT_EQ(
      as("thuky").post_json("/api/v1/units", {{"code", "STP"}, {"name", "Sở Tư pháp"}}).status,
      201u);
  auto created = as("thuky").post_json("/api/v1/users", {{"username", "stp.canbo"},
                                                         {"display_name", "Cán bộ STP"},
                                                         {"role", "agency_editor"},
                                                         {"unit", "STP"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto j = created.json();
  const std::string password{j.at("password").as_string()};
  EXPECT_EQ(password.size(), 23u);
  EXPECT_TRUE(j.at("must_change_password").as_bool());
  // Shown once: never again.
  const auto id = std::to_string(j.at("id").as_int64());
  EXPECT_FALSE(as("thuky").get("/api/v1/users/" + id).json().as_object().contains("password"));
  EXPECT_EQ(as("thuky").get("/api/v1/users/" + id).body.find(password), std::string::npos);

  // The user signs in with it and must choose a password before anything else.
  auto user = srv.client();
  ASSERT_EQ(user.login("stp.canbo", password).status, 200u);
  EXPECT_TRUE(user.get("/api/v1/me").json().at("must_change_password").as_bool());
  auto blocked = user.get("/api/v1/campaigns");
  EXPECT_EQ(blocked.status, 403u);
  EXPECT_EQ(code_of(blocked), "password_change_required");
  ASSERT_EQ(user.send_json(verb::put, "/api/v1/me/password",
                           {{"current_password", password}, {"new_password", "mat-khau-cua-toi"}})
                .status,
            204u);
  ASSERT_EQ(user.login("stp.canbo", "mat-khau-cua-toi").status, 200u);
  EXPECT_EQ(user.get("/api/v1/campaigns").status, 200u);
  EXPECT_FALSE(user.get("/api/v1/me").json().at("must_change_password").as_bool());

  // The secretariat grants every role but administrator.
  auto admin =
      as("thuky").post_json("/api/v1/users", {{"username", "new.admin"}, {"role", "admin"}});
  EXPECT_EQ(admin.status, 403u);
  EXPECT_EQ(code_of(admin), "role_not_grantable");
  auto unknown = as("thuky").post_json(
      "/api/v1/users", {{"username", "x.y"}, {"role", "agency_head"}, {"unit", "XYZ-1"}});
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(code_of(unknown), "unknown_unit");
  EXPECT_NE(unknown.json().at("detail").as_string().find("XYZ-1"), std::string::npos);
}

TEST_F(units_api, users_are_imported_from_csv_with_one_time_passwords_or_not_at_all) {
  ASSERT_EQ(csv("thuky", "/api/v1/units/import", "code,name\nSTP,Sở Tư pháp\nHTG,UBND Tuần Giáo\n")
                .status,
            200u);
  auto bad = csv("thuky", "/api/v1/users/import",
                 "username,display_name,role,unit\n"
                 "stp.canbo,Cán bộ,agency_editor,STP\n"   // 2: fine
                 "thuky,Trùng,secretariat,\n"             // 3: taken
                 "htg.head,Chủ tịch,agency_head,HTX\n"    // 4: no such unit
                 "x.admin,Quản trị,admin,\n"              // 5: not the secretariat's to grant
                 "stp.canbo,Lần hai,agency_editor,STP\n"  // 6: twice
                 "thamdinh,Thẩm định,appraiser,STP\n"     // 7: appraisers have no unit
                 "Bad Name,x,auditor,\n");                // 8: not a username
  ASSERT_EQ(bad.status, 422u) << bad.body;
  std::vector<std::string> seen;
  const auto refused = bad.json();
  for (const auto& p : refused.at("problems").as_array())
    seen.push_back(std::to_string(p.at("line").as_int64()) + ":" +
                   std::string{p.at("problem").as_string()});
  EXPECT_EQ(seen, (std::vector<std::string>{"3:username_taken", "4:unknown_unit",
                                            "5:role_not_grantable", "6:duplicate_row",
                                            "7:unit_not_allowed", "8:invalid_username"}));
  EXPECT_EQ(as("thuky").get("/api/v1/users").body.find("stp.canbo"), std::string::npos);

  auto ok = csv("thuky", "/api/v1/users/import",
                "\xEF\xBB\xBFusername;display_name;role;unit\r\n"
                "stp.canbo;\"Lò Văn Hùng; cán bộ\";agency_editor;STP\r\n"
                "htg.chutich;Lường Văn Thắng;agency_head;HTG\r\n"
                "thamdinh.tp;Trần Văn An;appraiser;\r\n");
  ASSERT_EQ(ok.status, 201u) << ok.body;
  const auto answer = ok.json();
  const auto& created = answer.at("created").as_array();
  ASSERT_EQ(created.size(), 3u);
  EXPECT_EQ(created[0].at("display_name").as_string(), "Lò Văn Hùng; cán bộ");
  EXPECT_EQ(created[1].at("unit").as_string(), "HTG");
  for (const auto& u : created) {
    auto c = srv.client();
    EXPECT_EQ(c.login(std::string{u.at("username").as_string()},
                      std::string{u.at("password").as_string()})
                  .status,
              200u);
  }
}

}  // namespace
}  // namespace parix::testing
