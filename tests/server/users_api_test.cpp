// User administration over HTTPS: validation, ETag/If-Match, role checks.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

class users_api : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("STP", "Sở Tư pháp");
    ASSERT_EQ(client.login("admin", test_password).status, 200u);
  }
  test_server srv;
  https_client client = srv.client();

  reply create(const boost::json::object& body) { return client.post_json("/api/v1/users", body); }
};

TEST_F(users_api, an_administrator_creates_an_agency_user_in_a_unit) {
  auto r = create({{"username", "stp.canbo"},
                   {"display_name", "Lò Văn Hùng"},
                   {"role", "agency_editor"},
                   {"unit", "STP"},
                   {"password", "mot-mat-khau-dai"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json().at("unit").as_string(), "STP");
  EXPECT_EQ(r.json().at("display_name").as_string(), "Lò Văn Hùng");
  EXPECT_EQ(r.header("etag"), "\"v1\"");
  EXPECT_EQ(r.header("location"), "/api/v1/users/" + std::to_string(r.json().at("id").as_int64()));
  auto listed = client.get("/api/v1/users");
  EXPECT_EQ(listed.json().at("users").as_array().size(), 2u);
}

TEST_F(users_api, invalid_users_are_refused_with_the_rule_named) {
  struct refusal {
    boost::json::object body;
    unsigned status;
    const char* code;
  };
  const refusal cases[] = {
      {{{"username", "Bad Name"}, {"role", "auditor"}, {"password", "mot-mat-khau-dai"}},
       422,
       "invalid_username"},
      {{{"username", "x.user"}, {"role", "emperor"}, {"password", "mot-mat-khau-dai"}},
       422,
       "invalid_role"},
      {{{"username", "x.user"}, {"role", "agency_head"}, {"password", "mot-mat-khau-dai"}},
       422,
       "unit_required"},
      {{{"username", "x.user"},
        {"role", "auditor"},
        {"unit", "STP"},
        {"password", "mot-mat-khau-dai"}},
       422,
       "unit_not_allowed"},
      {{{"username", "x.user"},
        {"role", "agency_head"},
        {"unit", "XYZ"},
        {"password", "mot-mat-khau-dai"}},
       422,
       "unknown_unit"},
      {{{"username", "x.user"}, {"role", "auditor"}, {"password", "short"}}, 422, "weak_password"},
      {{{"username", "x.user"}, {"role", "auditor"}, {"password", "my-x.user-pass"}},
       422,
       "weak_password"},
      {{{"username", "admin"}, {"role", "auditor"}, {"password", "mot-mat-khau-dai"}},
       409,
       "username_taken"},
  };
  for (const auto& c : cases) {
    auto r = create(c.body);
    EXPECT_EQ(r.status, c.status) << boost::json::serialize(c.body) << " → " << r.body;
    EXPECT_EQ(r.json().at("code").as_string(), c.code);
    EXPECT_EQ(r.json().at("detail").as_string().find('{'), std::string::npos)
        << "every placeholder filled: " << r.body;
  }
  EXPECT_EQ(client.get("/api/v1/users").json().at("users").as_array().size(), 1u);
}

TEST_F(users_api, a_stale_if_match_gets_412_with_the_current_state_and_loses_nothing) {
  auto created =
      create({{"username", "thanhtra"}, {"role", "auditor"}, {"password", "mot-mat-khau-dai"}});
  const auto path = "/api/v1/users/" + std::to_string(created.json().at("id").as_int64());
  const auto etag = created.header("etag");

  auto first =
      client.send_json(verb::patch, path, {{"display_name", "Thanh tra A"}}, {{"If-Match", etag}});
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(first.header("etag"), "\"v2\"");

  auto second =
      client.send_json(verb::patch, path, {{"display_name", "Thanh tra B"}}, {{"If-Match", etag}});
  EXPECT_EQ(second.status, 412u);
  EXPECT_EQ(second.json().at("code").as_string(), "stale_version");
  EXPECT_EQ(second.json().at("current").at("display_name").as_string(), "Thanh tra A");
  EXPECT_EQ(second.header("etag"), "\"v2\"");
  EXPECT_EQ(client.get(path).json().at("display_name").as_string(), "Thanh tra A");
}

TEST_F(users_api, a_write_without_if_match_is_428) {
  auto created =
      create({{"username", "thanhtra"}, {"role", "auditor"}, {"password", "mot-mat-khau-dai"}});
  const auto path = "/api/v1/users/" + std::to_string(created.json().at("id").as_int64());
  auto r = client.send_json(verb::patch, path, {{"display_name", "X"}});
  EXPECT_EQ(r.status, 428u);
  EXPECT_EQ(r.json().at("code").as_string(), "precondition_required");
}

TEST_F(users_api, ids_that_are_not_numbers_or_do_not_exist_are_404) {
  EXPECT_EQ(client.get("/api/v1/users/abc").status, 404u);
  EXPECT_EQ(client.get("/api/v1/users/-1").status, 404u);
  auto r = client.get("/api/v1/users/999");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json().at("code").as_string(), "user_not_found");
}

TEST_F(users_api, roles_without_the_permission_are_refused_403) {
  srv.add_user("thanhtra", "auditor");
  auto auditor = srv.client();
  ASSERT_EQ(auditor.login("thanhtra", test_password).status, 200u);
  EXPECT_EQ(auditor.get("/api/v1/users").status, 200u);  // auditors read
  auto r = auditor.post_json(
      "/api/v1/users",
      {{"username", "x.user"}, {"role", "auditor"}, {"password", "mot-mat-khau-dai"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.json().at("code").as_string(), "forbidden");
}

}  // namespace
}  // namespace parix::testing
