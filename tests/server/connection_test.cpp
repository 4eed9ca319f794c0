// Connection behaviour: keep-alive, slow clients cut off, graceful shutdown, plain HTTP.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

// A raw TLS connection for sending bytes at the pace a test wants.
struct raw_tls {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  ssl::stream<asio::ip::tcp::socket> stream{ioc, ctx};

  explicit raw_tls(unsigned short port) {
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    stream.handshake(ssl::stream_base::client);
  }
  void send(const std::string& bytes) { asio::write(stream, asio::buffer(bytes)); }
  // Reads until the server closes; returns what arrived.
  std::string read_all() {
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
      auto n = stream.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  }
};

TEST(connection, keeps_alive_across_requests) {
  test_server srv;
  auto client = srv.client();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(client.get("/healthz").status, 200u);
  auto metrics = client.get("/metrics");
  EXPECT_NE(metrics.body.find("parix_open_connections 1\n"), std::string::npos) << metrics.body;
}

TEST(connection, a_slow_header_is_cut_off_without_holding_the_server) {
  test_server srv{[](server::config& c) { c.limits.header_timeout = std::chrono::seconds{1}; }};
  raw_tls slow{srv.port()};
  slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  const auto started = std::chrono::steady_clock::now();
  // Meanwhile others are served.
  EXPECT_EQ(srv.client().get("/healthz").status, 200u);
  auto got = slow.read_all();  // returns when the server closes the connection
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LT(waited, std::chrono::seconds{5});
  EXPECT_EQ(got.find("200 OK"), std::string::npos);
}

TEST(connection, an_idle_keep_alive_connection_is_closed_after_the_idle_timeout) {
  test_server srv{[](server::config& c) { c.limits.idle_timeout = std::chrono::seconds{1}; }};
  raw_tls idle{srv.port()};
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto started = std::chrono::steady_clock::now();
  auto got = idle.read_all();
  EXPECT_NE(got.find("200 OK"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{5});
}

TEST(connection, graceful_shutdown_completes_a_request_in_flight) {
  test_server srv;
  raw_tls in_flight{srv.port()};
  const std::string body = R"({"username":"admin","password":"correct-horse-battery"})";
  // The header and half the body are sent; the request is in flight when stop begins.
  in_flight.send(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
  auto idle = srv.client();
  ASSERT_EQ(idle.get("/healthz").status, 200u);  // an idle keep-alive connection

  // The server has parsed the header once it holds memory for the body.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (srv.http().bodies().in_use() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  ASSERT_GT(srv.http().bodies().in_use(), 0u) << "the server never started reading the body";
  auto stopping = std::async(std::launch::async, [&] { srv.stop(); });
  EXPECT_EQ(stopping.wait_for(std::chrono::milliseconds{300}), std::future_status::timeout)
      << "stop waits for the request in flight";
  in_flight.send(body.substr(10));
  auto got = in_flight.read_all();
  EXPECT_NE(got.find("HTTP/1.1 200 OK"), std::string::npos) << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos);
  EXPECT_NE(got.find("\"token\""), std::string::npos);
  EXPECT_EQ(stopping.wait_for(std::chrono::seconds{10}), std::future_status::ready);
  EXPECT_THROW(srv.client().get("/healthz"), std::exception) << "no longer accepting";
}

TEST(connection, plain_http_works_only_when_configured) {
  test_server srv{[](server::config& c) { c.listen.plain_http = true; }};
  https_client plain{srv.port(), false};
  auto r = plain.get("/healthz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("strict-transport-security"), "") << "HSTS only over TLS";
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

}  // namespace
}  // namespace parix::testing
