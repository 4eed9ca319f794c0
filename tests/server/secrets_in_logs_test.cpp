// No password, token or key reaches a log: a canary password is used everywhere a
// password can go, then every log file and the access log are searched for it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

std::string read_all_logs(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in{entry.path()};
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

TEST(secrets, no_password_or_token_appears_in_any_log) {
  const std::string canary = "Canary-7f3a9-Password";
  std::string token;
  std::filesystem::path logs;
  std::string all;
  {
    test_server srv;
    logs = srv.dir() / "logs";
    auto client = srv.client();
    // Each request must reach the code that handles the canary: a refusal for another
    // reason (a wrong route, a missing field) would leave nothing to find in the logs.
    EXPECT_EQ(client.login("admin", canary).status, 401u);  // a failure with the canary
    auto ok = client.login("admin", test_password);
    ASSERT_EQ(ok.status, 200u) << ok.body;
    token = std::string{ok.json().at("token").as_string()};
    auto created = client.post_json(
        "/api/v1/users", {{"username", "canary.user"}, {"role", "auditor"}, {"password", canary}});
    EXPECT_EQ(created.status, 201u) << created.body;
    auto changed =
        client.send_json(verb::put, "/api/v1/me/password",
                         {{"current_password", test_password}, {"new_password", canary + "-new"}});
    EXPECT_EQ(changed.status, 204u) << changed.body;
    auto malformed = client.request(
        verb::post, "/api/v1/auth/login", "{\"username\":\"admin\",\"password\":\"" + canary + "\"",
        {{"Content-Type", "application/json"}});  // malformed, with the canary inside
    EXPECT_EQ(malformed.status, 400u) << malformed.body;
    auto t = srv.client();
    t.set_token(canary);  // a bogus bearer token
    EXPECT_EQ(t.get("/api/v1/me").status, 401u);
    srv.stop();
    // The database is no log, but check it does not hold the password in clear either;
    // the dump must have worked (sqlite3 is installed by deploy/install-deps.sh).
    auto db = run_command("sqlite3 " + srv.cfg().database.string() + " .dump");
    ASSERT_EQ(db.status, 0) << "sqlite3 .dump failed: " << db.output;
    ASSERT_NE(db.output.find("canary.user"), std::string::npos) << "the user was created";
    EXPECT_EQ(db.output.find(canary), std::string::npos);
    EXPECT_EQ(db.output.find(token), std::string::npos) << "sessions are stored as hashes";
    all = read_all_logs(logs);
  }
  ASSERT_NE(all.find("/api/v1/auth/login"), std::string::npos) << "the access log was written";
  EXPECT_EQ(all.find(canary), std::string::npos);
  EXPECT_EQ(all.find(token), std::string::npos);
  EXPECT_EQ(all.find("correct-horse-battery"), std::string::npos);
}

}  // namespace
}  // namespace parix::testing
