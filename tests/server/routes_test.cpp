// The route table against docs/openapi.yaml, and deny-by-default authorisation.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "evidence/errc.hpp"
#include "server/problem.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/errc.hpp"

namespace parix::testing {
namespace {

// "path method" pairs declared in the OpenAPI document: paths are the two-space
// indented keys under "paths:", methods the four-space indented keys below them.
std::set<std::string> documented_operations() {
  std::ifstream in{std::string{PARIX_SOURCE_DIR} + "/docs/openapi.yaml"};
  std::set<std::string> ops;
  std::string line, path;
  bool in_paths = false;
  static const std::regex path_re{R"(^  (/[^:]*):\s*$)"};
  static const std::regex method_re{R"(^    (get|put|post|patch|delete|head|options):\s*$)"};
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("paths:", 0) == 0)
      in_paths = true;
    else if (!line.empty() && line[0] != ' ' && line[0] != '#')
      in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_re))
      path = m[1];
    else if (std::regex_match(line, m, method_re))
      ops.insert(path + " " + std::string{m[1]});
  }
  return ops;
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(routes, every_route_is_described_in_the_openapi_document) {
  test_server srv;
  const auto documented = documented_operations();
  ASSERT_FALSE(documented.empty());
  std::set<std::string> served;
  for (const auto& r : srv.app().routes().routes()) {
    const auto op = r.pattern + " " + lower(server::http::to_string(r.method));
    served.insert(op);
    EXPECT_TRUE(documented.contains(op)) << "docs/openapi.yaml lacks " << op;
  }
  for (const auto& op : documented)
    EXPECT_TRUE(served.contains(op))
        << "docs/openapi.yaml describes a route the server lacks: " << op;
}

TEST(routes, every_route_refuses_anonymous_requests_unless_declared_public) {
  test_server srv;
  auto client = srv.client();
  int checked = 0;
  for (const auto& r : srv.app().routes().routes()) {
    std::string target = std::regex_replace(r.pattern, std::regex{R"(\{[^}]+\})"}, "1");
    auto reply = client.request(r.method, target, "{}", {{"Content-Type", "application/json"}});
    if (r.permission == auth::permission::public_access) {
      EXPECT_NE(reply.status, 401u) << target;
      continue;
    }
    ++checked;
    EXPECT_EQ(reply.status, 401u) << server::http::to_string(r.method) << " " << target;
    if (r.method == server::http::verb::head)  // the header only, as HEAD asks
      EXPECT_TRUE(reply.body.empty());
    else
      EXPECT_EQ(reply.json().at("code").as_string(), "unauthenticated");
  }
  EXPECT_GT(checked, 5);
}

TEST(routes, every_problem_code_in_the_mapping_has_texts_in_both_languages) {
  for (const char* code : {"not_found",
                           "method_not_allowed",
                           "body_too_large",
                           "malformed_json",
                           "invalid_field",
                           "missing_field",
                           "unknown_field",
                           "unauthenticated",
                           "forbidden",
                           "csrf_rejected",
                           "bad_credentials",
                           "login_throttled",
                           "account_disabled",
                           "weak_password",
                           "wrong_password",
                           "username_taken",
                           "invalid_username",
                           "invalid_role",
                           "unit_required",
                           "unit_not_allowed",
                           "unknown_unit",
                           "user_not_found",
                           "token_not_found",
                           "stale_version",
                           "precondition_required",
                           "busy",
                           "storage_full",
                           "storage_failed",
                           "not_ready",
                           "internal_error"})
    EXPECT_TRUE(server::has_message(code)) << code;
  for (int e = 1; e <= static_cast<int>(auth::errc::last); ++e) {
    auto err = server::error_from(auth::make_error_code(static_cast<auth::errc>(e)));
    EXPECT_NE(err.code, "internal_error") << "auth::errc " << e << " is not mapped";
    EXPECT_TRUE(server::has_message(err.code)) << err.code;
  }
  for (int e = 1; e <= static_cast<int>(workflow::errc::last); ++e) {
    auto err = server::error_from(workflow::make_error_code(static_cast<workflow::errc>(e)));
    EXPECT_NE(err.code, "internal_error") << "workflow::errc " << e << " is not mapped";
    EXPECT_TRUE(server::has_message(err.code)) << err.code;
  }
  for (int e = 1; e <= static_cast<int>(evidence::errc::last); ++e) {
    auto err = server::error_from(evidence::make_error_code(static_cast<evidence::errc>(e)));
    EXPECT_NE(err.code, "internal_error") << "evidence::errc " << e << " is not mapped";
    EXPECT_TRUE(server::has_message(err.code)) << err.code;
  }
}

}  // namespace
}  // namespace parix::testing
