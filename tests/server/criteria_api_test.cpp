// Criteria sets over HTTPS: import from CSV, every problem reported, the tree.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "tests/support/test_server.hpp"
#include "workflow/shipped_criteria.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

class criteria_api : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_user("thuky", "secretariat");
    ASSERT_EQ(client.login("thuky", test_password).status, 200u);
  }
  reply import(const std::string& csv) {
    return client.request(verb::post, "/api/v1/criteria-sets", csv, {{"Content-Type", "text/csv"}});
  }
  test_server srv;
  https_client client = srv.client();
};

TEST_F(criteria_api, the_shipped_2024_sets_import_and_read_back_as_trees) {
  for (const auto& s : workflow::shipped_criteria_sets()) {
    auto r = import(std::string{s.csv});
    ASSERT_EQ(r.status, 201u) << r.body.substr(0, 400);
  }
  auto list = client.get("/api/v1/criteria-sets").json().at("criteria_sets").as_array();
  ASSERT_EQ(list.size(), 2u);
  auto tree = client.get("/api/v1/criteria-sets/" + std::to_string(list[0].at("id").as_int64()));
  ASSERT_EQ(tree.status, 200u);
  auto j = tree.json();
  EXPECT_EQ(j.at("key").as_string(), "2024-departments");
  EXPECT_EQ(j.at("summary").at("survey_total").as_string(), "19");
  EXPECT_EQ(j.at("summary").at("sub_criteria").as_int64(), 99);
  const auto& field1 = j.at("children").as_array()[0];
  EXPECT_EQ(field1.at("code").as_string(), "1");
  EXPECT_EQ(field1.at("max").as_string(), "24");
  const auto& leaf = field1.at("children").as_array()[0].at("children").as_array()[0];
  EXPECT_EQ(leaf.at("code").as_string(), "1.1.1");
  EXPECT_EQ(leaf.at("max").as_string(), "0.5");
  EXPECT_EQ(leaf.at("method").as_string(), "self");
  EXPECT_TRUE(leaf.at("children").as_array().empty());
}

TEST_F(criteria_api, an_invalid_file_is_refused_with_every_problem_and_nothing_stored) {
  auto r = import(
      "#set-key: x\n#set-name: X\ncode,title,max,method,bonus\n1,A,2,,\n1.1,,1,self,\n"
      "1.1,C,0.12345,self,\n3.1,D,1,self,\n");
  ASSERT_EQ(r.status, 422u);
  auto j = r.json();
  EXPECT_EQ(j.at("code").as_string(), "invalid_criteria");
  std::set<std::string> seen;
  for (const auto& p : j.at("problems").as_array())
    seen.insert(std::string{p.at("problem").as_string()} + "@" +
                std::to_string(p.at("line").as_int64()));
  EXPECT_TRUE(seen.contains("empty_title@5")) << r.body;
  EXPECT_TRUE(seen.contains("duplicate_code@6")) << r.body;
  EXPECT_TRUE(seen.contains("missing_parent@7")) << r.body;
  EXPECT_TRUE(client.get("/api/v1/criteria-sets").json().at("criteria_sets").as_array().empty());
}

TEST_F(criteria_api, a_set_cannot_be_replaced_and_only_the_secretariat_imports) {
  const std::string csv = "#set-key: x\n#set-name: X\n#total: 1\ncode,title,max,method,bonus\n1,A,1,self,\n";
  EXPECT_EQ(import(csv).status, 201u);
  auto again = import(csv);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.json().at("code").as_string(), "criteria_set_exists");
  srv.add_user("thamdinh", "appraiser");
  auto appraiser = srv.client();
  ASSERT_EQ(appraiser.login("thamdinh", test_password).status, 200u);
  EXPECT_EQ(appraiser.get("/api/v1/criteria-sets").status, 200u);
  EXPECT_EQ(
      appraiser.request(verb::post, "/api/v1/criteria-sets", csv, {{"Content-Type", "text/csv"}})
          .status,
      403u);
  EXPECT_EQ(client.post_json("/api/v1/criteria-sets", {{"csv", csv}}).status, 415u);
}

}  // namespace
}  // namespace parix::testing
