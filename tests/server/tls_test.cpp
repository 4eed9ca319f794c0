// TLS policy: 1.2 and 1.3 only, strong suites only; testssl.sh finds nothing of
// medium severity or worse.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <fstream>

#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

// Tries a handshake with the given protocol bounds and cipher list; true if it succeeds.
bool handshake(unsigned short port, int min_version, int max_version, const char* ciphers,
               std::string* negotiated = nullptr) {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  SSL_CTX_set_security_level(ctx.native_handle(), 0);  // let the client offer weak things
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
  if (ciphers) SSL_CTX_set_cipher_list(ctx.native_handle(), ciphers);
  ssl::stream<asio::ip::tcp::socket> stream{ioc, ctx};
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  if (!ec && negotiated) *negotiated = SSL_get_cipher_name(stream.native_handle());
  return !ec;
}

TEST(tls, tls_1_3_and_1_2_with_strong_suites_are_accepted) {
  test_server srv;
  std::string cipher;
  EXPECT_TRUE(handshake(srv.port(), TLS1_3_VERSION, TLS1_3_VERSION, nullptr, &cipher));
  // The server's order (Mozilla's): AES-128-GCM first, although OpenSSL's client
  // offers AES-256-GCM first.
  EXPECT_EQ(cipher, "TLS_AES_128_GCM_SHA256");
  EXPECT_TRUE(handshake(srv.port(), TLS1_2_VERSION, TLS1_2_VERSION, nullptr, &cipher));
  EXPECT_NE(cipher.find("ECDHE"), std::string::npos) << cipher;
}

TEST(tls, tls_1_1_and_1_0_are_refused) {
  test_server srv;
  EXPECT_FALSE(handshake(srv.port(), TLS1_1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0"));
  EXPECT_FALSE(handshake(srv.port(), TLS1_VERSION, TLS1_VERSION, "ALL:@SECLEVEL=0"));
  EXPECT_EQ(srv.client().get("/healthz").status, 200u) << "the server keeps serving";
}

TEST(tls, a_weak_tls_1_2_suite_is_refused) {
  test_server srv;
  EXPECT_FALSE(handshake(srv.port(), TLS1_2_VERSION, TLS1_2_VERSION, "AES128-SHA"));
  EXPECT_FALSE(handshake(srv.port(), TLS1_2_VERSION, TLS1_2_VERSION,
                         "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA"));
  EXPECT_FALSE(handshake(srv.port(), TLS1_2_VERSION, TLS1_2_VERSION, "DES-CBC3-SHA"));
}

// A TLS 1.3 client on one connection: sends bytes, reads until the server ends it.
struct client_connection {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  ssl::stream<asio::ip::tcp::socket> stream{ioc, ctx};
  explicit client_connection(unsigned short port) {
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_3_VERSION);
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    stream.handshake(ssl::stream_base::client);
  }
  // Everything until the end; ec says how it ended (eof: the server's close_notify).
  std::string read_to_end(boost::system::error_code& ec) {
    std::string out;
    char buf[4096];
    for (;;) {
      const auto n = stream.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) return out;
    }
  }
};

TEST(tls, no_session_ticket_is_issued_in_tls_1_3) {
  // SSL_OP_NO_TICKET alone still lets TLS 1.3 send (stateful) tickets after the
  // handshake; docs/architecture.md promises none.
  test_server srv;
  client_connection c{srv.port()};
  asio::write(c.stream, asio::buffer(std::string{"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                                 "Connection: close\r\n\r\n"}));
  boost::system::error_code ec;
  const auto got = c.read_to_end(ec);  // post-handshake messages arrive before the answer
  ASSERT_NE(got.find("200 OK"), std::string::npos);
  SSL_SESSION* session = SSL_get1_session(c.stream.native_handle());
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(SSL_SESSION_is_resumable(session), 0) << "the server issued a session ticket";
  SSL_SESSION_free(session);
}

TEST(tls, close_notify_follows_a_clean_end_and_never_a_timeout) {
  test_server srv{[](server::config& c) { c.limits.idle_timeout = std::chrono::seconds{1}; }};
  {
    // The client asked to close: the server answers, then sends close_notify.
    client_connection c{srv.port()};
    asio::write(c.stream, asio::buffer(std::string{"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                                                   "Connection: close\r\n\r\n"}));
    boost::system::error_code ec;
    EXPECT_NE(c.read_to_end(ec).find("200 OK"), std::string::npos);
    EXPECT_EQ(ec, asio::error::eof) << ec.message();
  }
  {
    // Idle past the timeout: the server just closes (no close_notify, no waiting for one).
    client_connection c{srv.port()};
    boost::system::error_code ec;
    EXPECT_EQ(c.read_to_end(ec), "");
    EXPECT_EQ(ec, ssl::error::stream_truncated) << ec.message();
  }
}

TEST(tls, testssl_finds_nothing_of_medium_severity_or_worse) {
  test_server srv;
  temp_dir out;
  const auto json = (out / "testssl.json").string();
  // --ip one avoids DNS; --sneaky/--warnings batch keep it non-interactive. The
  // checks that need a network beyond loopback are off in this sandbox anyway.
  const auto cmd =
      "timeout 1100 testssl --quiet --warnings batch --color 0 --fast --ip one "
      "--severity MEDIUM --jsonfile " +
      json + " https://127.0.0.1:" + std::to_string(srv.port()) + " > " +
      (out / "testssl.log").string() + " 2>&1";
  auto r = run_command(cmd);
  std::ifstream in{json};
  ASSERT_TRUE(in.good()) << "testssl wrote no report (exit " << r.status << ")";
  std::stringstream ss;
  ss << in.rdbuf();
  auto findings = boost::json::parse(ss.str()).as_array();
  int serious = 0;
  for (const auto& f : findings) {
    const auto& o = f.as_object();
    std::string severity{o.at("severity").as_string()};
    std::string id{o.at("id").as_string()};
    // These two judge the throw-away self-signed test certificate, not the server:
    // a deployment installs a CA-issued certificate (docs/operations.md).
    if (id == "cert_chain_of_trust" || id == "cert_revocation") continue;
    if (severity == "MEDIUM" || severity == "HIGH" || severity == "CRITICAL") {
      ++serious;
      ADD_FAILURE() << o.at("id").as_string() << " " << severity << ": "
                    << o.at("finding").as_string();
    }
  }
  EXPECT_EQ(serious, 0);
}

}  // namespace
}  // namespace parix::testing
