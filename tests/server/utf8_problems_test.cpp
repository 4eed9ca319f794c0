// Every answer is valid UTF-8 JSON, whatever bytes a client percent-encodes into a path
// (issue 11, item 7: "GET /api/v1/nope%FF" echoed the raw byte 0xFF).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

// Boost.JSON's parser refuses invalid UTF-8 unless told otherwise: a strict parser.
void expect_strict_json(const reply& r, const std::string& what) {
  if (r.header("content-type").find("json") == std::string::npos) return;
  boost::system::error_code ec;
  boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << what << " → " << r.status << ": " << ec.message() << "\n" << r.body;
}

// Bytes that are not UTF-8: a lone continuation, a lead without its continuation, an
// overlong form, a surrogate and a value above U+10FFFF.
const std::vector<std::string> bad_segments = {"%FF",    "x%80y",     "%C3",
                                               "%C0%AF", "%ED%A0%80", "%F4%90%80%80"};

TEST(utf8_problems, an_unknown_path_with_invalid_utf8_is_answered_in_valid_json) {
  test_server srv;
  auto c = srv.client();
  for (const auto& bad : bad_segments) {
    const auto r = c.get("/api/v1/nope" + bad, {{"Accept-Language", "en"}});
    EXPECT_EQ(r.status, 404u);
    expect_strict_json(r, bad);
    const auto j = boost::json::parse(r.body).as_object();
    EXPECT_NE(j.at("instance").as_string().find("\xEF\xBF\xBD"), std::string::npos)
        << "the undecodable byte is replaced by U+FFFD";
  }
  // Valid Vietnamese in a path stays as it is.
  const auto r = c.get("/api/v1/nope%E1%BB%87");  // ệ
  expect_strict_json(r, "ệ");
  EXPECT_NE(r.body.find("nope\xE1\xBB\x87"), std::string::npos) << r.body;
}

TEST(utf8_problems, invalid_utf8_in_every_path_parameter_of_every_route_gets_valid_json) {
  test_server srv;
  auto admin = srv.client();
  ASSERT_EQ(admin.login("admin", test_password).status, 200u);
  auto anonymous = srv.client();
  int checked = 0;
  for (const auto& route : srv.app().routes().routes()) {
    if (route.pattern.find('{') == std::string::npos) continue;
    for (const auto& bad : bad_segments) {
      // Every {param} segment becomes the bad bytes.
      std::string target;
      std::size_t i = 0;
      while (i < route.pattern.size()) {
        const auto open = route.pattern.find('{', i);
        if (open == std::string::npos) {
          target += route.pattern.substr(i);
          break;
        }
        target += route.pattern.substr(i, open - i) + bad;
        i = route.pattern.find('}', open) + 1;
      }
      const std::string what = std::string{server::http::to_string(route.method)} + " " + target;
      for (auto* c : {&admin, &anonymous}) {
        const auto r = c->request(route.method, target, "{}",
                                  {{"Content-Type", "application/json"},
                                   {"Tus-Resumable", "1.0.0"},
                                   {"Upload-Offset", "0"}});
        EXPECT_GE(r.status, 400u) << what;
        if (route.method != verb::head) expect_strict_json(r, what);  // HEAD: no body
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace parix::testing
