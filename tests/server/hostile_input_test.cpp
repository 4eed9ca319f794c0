// Hostile and malformed HTTP (issue 11): trailers and chunk extensions within the
// limits before anything is authenticated, transfer codings and Host as RFC 9112 says,
// and an exception at any stage of a request answered with 500 while the server keeps
// serving.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <stdexcept>

#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

// The first response in raw bytes from the server.
struct raw_reply {
  unsigned status = 0;
  std::string head;
  std::string body;
};

raw_reply first_reply(const std::string& raw) {
  raw_reply r;
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0) return r;
  r.status = static_cast<unsigned>(std::stoi(raw.substr(9, 3)));
  const auto end = raw.find("\r\n\r\n");
  r.head = raw.substr(0, end);
  std::size_t length = 0;
  if (auto cl = r.head.find("Content-Length: "); cl != std::string::npos)
    length = std::stoul(r.head.substr(cl + 16));
  if (end != std::string::npos) r.body = raw.substr(end + 4, length);
  return r;
}

// Strict JSON (Boost.JSON refuses invalid UTF-8 unless told otherwise).
boost::json::object problem_of(const raw_reply& r) {
  return boost::json::parse(r.body).as_object();
}

std::string chunked_healthz(const std::string& after_last_chunk) {
  return "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n" +
         after_last_chunk;
}

// A chunked login whose chunks (and last chunk) follow the header as given.
std::string chunked_login(const std::string& chunks,
                          const std::string& transfer_encoding = "chunked") {
  return "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Transfer-Encoding: " +
         transfer_encoding + "\r\n\r\n" + chunks + "0\r\n\r\n";
}

// One chunk of body with its size line.
std::string chunk(const std::string& body, const std::string& extensions = "") {
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  return std::string{size} + extensions + "\r\n" + body + "\r\n";
}

TEST(hostile_input, a_trailer_longer_than_a_field_can_be_is_refused_and_the_server_lives_on) {
  // The issue's repro: Beast threw std::length_error for a field value over 65,535
  // bytes on a network thread, and the process ended.
  test_server srv;
  const auto r = first_reply(
      raw_exchange(srv.port(), chunked_healthz("X-T: " + std::string(70000, 't') + "\r\n\r\n")));
  EXPECT_EQ(r.status, 431u) << r.head;
  EXPECT_EQ(problem_of(r).at("code"), "bad_request");
  EXPECT_EQ(srv.client().get("/healthz").status, 200u) << "the server keeps serving";
}

TEST(hostile_input, trailers_count_against_the_header_limit) {
  test_server srv;
  // 60,000 bytes of trailer were accepted; the header limit is 16 KiB.
  auto r = first_reply(
      raw_exchange(srv.port(), chunked_healthz("X-T: " + std::string(60000, 't') + "\r\n\r\n")));
  EXPECT_EQ(r.status, 431u) << r.head;
  EXPECT_NE(problem_of(r).at("detail").as_string().find("trailer"), std::string::npos);
  // A small trailer is fine.
  r = first_reply(
      raw_exchange(srv.port(), chunked_healthz("X-T: small\r\nConnection: close\r\n\r\n")));
  EXPECT_EQ(r.status, 200u) << r.head;
}

TEST(hostile_input, a_huge_chunk_extension_is_refused_before_authentication) {
  test_server srv;
  const std::string body = R"({"username":"admin","password":"wrong password!"})";
  // Before: the server buffered the whole extension, then answered 401.
  const auto r = first_reply(
      raw_exchange(srv.port(), chunked_login(chunk(body, ";e=" + std::string(4 << 20, 'e')))));
  EXPECT_EQ(r.status, 431u) << r.head;
  EXPECT_NE(problem_of(r).at("detail").as_string().find("chunk"), std::string::npos);
  EXPECT_EQ(srv.client().get("/healthz").status, 200u);
}

TEST(hostile_input, chunk_extensions_count_together_against_the_header_limit) {
  test_server srv;
  // Each chunk line is short, but together their extensions exceed 16 KiB.
  std::string chunks;
  for (int i = 0; i < 100; ++i) chunks += chunk("a", ";e=" + std::string(400, 'e'));
  const auto r = first_reply(raw_exchange(srv.port(), chunked_login(chunks)));
  EXPECT_EQ(r.status, 431u) << r.head;
}

TEST(hostile_input, chunk_extensions_count_against_the_body_limit) {
  test_server srv{[](server::config& c) { c.limits.json_body_limit = 4096; }};
  // 3,000 bytes of data and 1,500 of extensions: within the header limit, over the body's.
  std::string chunks;
  for (int i = 0; i < 3; ++i)
    chunks += chunk(std::string(1000, ' '), ";e=" + std::string(500, 'e'));
  const auto r = first_reply(raw_exchange(srv.port(), chunked_login(chunks)));
  EXPECT_EQ(r.status, 413u) << r.head;
  EXPECT_EQ(problem_of(r).at("code"), "body_too_large");
}

TEST(hostile_input, a_transfer_coding_other_than_chunked_gets_501_and_nothing_is_applied) {
  test_server srv;
  const std::string body = R"({"username":"admin","password":"correct-horse-battery"})";
  const auto r = first_reply(raw_exchange(srv.port(), chunked_login(chunk(body), "gzip, chunked")));
  EXPECT_EQ(r.status, 501u) << r.head;
  const auto p = problem_of(r);
  EXPECT_EQ(p.at("code"), "transfer_coding_unsupported");
  EXPECT_NE(p.at("detail").as_string().find("gzip"), std::string::npos);
  EXPECT_EQ(r.head.find("token"), std::string::npos);
  EXPECT_EQ(r.body.find("token"), std::string::npos) << "the login was not run";
}

TEST(hostile_input, http_1_1_needs_exactly_one_host) {
  test_server srv;
  auto r = first_reply(raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(r.status, 400u) << r.head;
  EXPECT_NE(problem_of(r).at("detail").as_string().find("Host"), std::string::npos);
  r = first_reply(raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
  EXPECT_EQ(r.status, 400u) << r.head;
  // HTTP/1.0 has no Host requirement.
  r = first_reply(raw_exchange(srv.port(), "GET /healthz HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(r.status, 200u) << r.head;
}

// Throws at one named stage for requests whose target asks for it ("?fail=routing").
server::http_server::fault_hook fail_at_requested_stage() {
  return [](server::http_server::stage s, std::string_view target) {
    static constexpr const char* names[] = {"parsing", "routing", "handling", "writing",
                                            "sweeping"};
    const std::string wanted = std::string{"fail="} + names[static_cast<int>(s)];
    if (target.find(wanted) != std::string_view::npos)
      throw std::runtime_error("injected failure at " + wanted);
  };
}

TEST(hostile_input, an_exception_at_any_stage_gets_500_and_the_server_keeps_serving) {
  test_server srv{{}, fail_at_requested_stage()};
  for (const std::string stage : {"parsing", "routing", "handling", "writing"}) {
    SCOPED_TRACE(stage);
    // Chunked, so that the parser's chunk callback runs (the parse stage).
    const auto raw =
        raw_exchange(srv.port(), "GET /healthz?fail=" + stage +
                                     " HTTP/1.1\r\nHost: x\r\nX-Request-Id: boom-" + stage +
                                     "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"
                                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = first_reply(raw);
    EXPECT_EQ(r.status, 500u) << r.head;
    const auto p = problem_of(r);
    EXPECT_EQ(p.at("code"), "internal_error");
    EXPECT_EQ(std::string{p.at("request_id").as_string()}, "boom-" + stage);
    EXPECT_NE(r.head.find("Connection: close"), std::string::npos);
    EXPECT_EQ(raw.find("HTTP/1.1 200"), std::string::npos)
        << "the connection closed after the failure; the pipelined request was not served";
    EXPECT_EQ(srv.client().get("/healthz").status, 200u) << "the server keeps serving";
  }
  // The log names the request.
  srv.stop();
  std::ifstream log{srv.cfg().log.file};
  const std::string text{std::istreambuf_iterator<char>{log}, {}};
  EXPECT_NE(text.find("request boom-writing"), std::string::npos);
  EXPECT_NE(text.find("injected failure at fail=parsing"), std::string::npos);
}

TEST(hostile_input, an_exception_in_an_authenticated_handler_on_the_workers_gets_500) {
  test_server srv{{}, fail_at_requested_stage()};
  auto c = srv.client();
  ASSERT_EQ(c.login("admin", test_password).status, 200u);
  auto r = c.get("/api/v1/me?fail=handling");
  EXPECT_EQ(r.status, 500u) << r.body;
  EXPECT_EQ(r.json().at("code"), "internal_error");
  EXPECT_EQ(c.get("/api/v1/me").status, 200u);
}

}  // namespace
}  // namespace parix::testing
