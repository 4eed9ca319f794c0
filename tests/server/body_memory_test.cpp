// The server-wide cap on memory held by bodies (issue 11, "memory under load"): many
// uploads at once under a low cap all arrive whole, none holds memory beyond the cap,
// and a body that cannot get memory in time is answered 503 with Retry-After.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fstream>
#include <thread>

#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t low_cap = 6 << 20;  // two uploads' pieces of 1 MiB, or one of 2 MiB

struct capped : ::testing::Test {
  void SetUp() override {
    srv.add_unit("U1", "Sở Một");
    srv.add_user("u1.editor", "agency_editor", "U1");
  }
  https_client login() {
    auto c = srv.client();
    EXPECT_EQ(c.login("u1.editor", test_password).status, 200u);
    return c;
  }
  test_server srv{[](server::config& c) {
    c.limits.body_memory = low_cap;
    c.limits.body_memory_wait = 1s;
  }};
};

std::string file_bytes(int i, std::size_t size) {
  std::string b = pdf_bytes("capped " + std::to_string(i));
  const std::size_t head = b.size();
  b.resize(size);
  for (std::size_t j = head; j < b.size(); ++j) b[j] = static_cast<char>((j * 131 + i) & 0xff);
  return b;
}

TEST_F(capped, many_uploads_at_once_arrive_whole_within_the_cap) {
  constexpr int uploads = 8;
  std::vector<std::string> bytes(uploads);
  std::vector<unsigned> final_status(uploads);
  std::vector<int> refused(uploads, 0);
  // Everyone signs in before the first byte of a file is sent: a sign-in is a body too,
  // and under the low cap it would wait for memory like the uploads (503 after 1 s on a
  // slow machine), which is not what this test is about.
  std::vector<https_client> clients;
  for (int i = 0; i < uploads; ++i) clients.push_back(login());
  std::vector<std::thread> senders;
  for (int i = 0; i < uploads; ++i) {
    bytes[i] = file_bytes(i, (3 << 20) + 1000 * i);
    senders.emplace_back([&, i] {
      auto& c = clients[i];
      const auto created =
          tus_create(c, "f" + std::to_string(i) + ".pdf",
                     static_cast<std::int64_t>(bytes[i].size()), sha256_hex(bytes[i]));
      ASSERT_EQ(created.status, 201u) << created.body;
      const auto id = upload_id_of(created);
      for (int attempt = 0; attempt < 200; ++attempt) {
        const auto r = tus_patch(c, id, 0, bytes[i]);
        final_status[i] = r.status;
        if (r.status != 503) break;
        // What a client is told: the body did not fit; come back later.
        EXPECT_EQ(r.header("retry-after"), "5");
        EXPECT_EQ(r.json().at("code"), "busy");
        ++refused[i];
        std::this_thread::sleep_for(50ms);
      }
    });
  }
  for (auto& t : senders) t.join();
  for (int i = 0; i < uploads; ++i) {
    EXPECT_EQ(final_status[i], 204u) << i;
    const auto sha = sha256_hex(bytes[i]);
    std::ifstream stored{srv.dir() / "blobs" / sha.substr(0, 2) / sha.substr(2), std::ios::binary};
    const std::string on_disk{std::istreambuf_iterator<char>{stored}, {}};
    EXPECT_TRUE(on_disk == bytes[i]) << i << ": the stored file differs from what was sent";
  }
  const auto& memory = srv.http().bodies();
  EXPECT_LE(memory.peak(), low_cap) << "bodies never held more than the cap";
  EXPECT_GT(memory.peak(), 0u);
  EXPECT_EQ(memory.in_use(), 0u) << "every lease was given back";
  EXPECT_EQ(srv.client().get("/healthz").status, 200u);
}

// A TLS connection that sends a request's beginning and keeps it open.
struct held_request {
  boost::asio::io_context ioc;
  boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream{ioc, ctx};
  held_request(unsigned short port, const std::string& start) {
    boost::beast::get_lowest_layer(stream).connect(
        {boost::asio::ip::make_address("127.0.0.1"), port});
    stream.handshake(boost::asio::ssl::stream_base::client);
    boost::asio::write(stream, boost::asio::buffer(start));
  }
};

TEST_F(capped, a_body_that_finds_no_memory_in_time_gets_503_with_retry_after) {
  auto c = login();
  const std::string token = *c.token();
  // An upload streams alone, with three 2 MiB pieces, and stalls: the cap is full.
  std::vector<std::unique_ptr<held_request>> holders;
  for (int i = 0; i < 1; ++i) {
    const auto created = tus_create(c, "h" + std::to_string(i) + ".pdf", 4 << 20, sha256_hex("x"));
    ASSERT_EQ(created.status, 201u);
    holders.push_back(std::make_unique<held_request>(
        srv.port(), "PATCH /api/v1/uploads/" + upload_id_of(created) +
                        " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token +
                        "\r\nTus-Resumable: 1.0.0\r\nContent-Type: "
                        "application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: " +
                        std::to_string(4 << 20) + "\r\n\r\n" + pdf_bytes()));
  }
  for (int i = 0; i < 200 && srv.http().bodies().in_use() < low_cap; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(srv.http().bodies().in_use(), low_cap);
  // A JSON body now waits, then gets 503 (a body-less request is served).
  EXPECT_EQ(srv.client().get("/healthz").status, 200u);
  const auto r = srv.client().post_json("/api/v1/auth/login",
                                        {{"username", "u1.editor"}, {"password", test_password}});
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.header("retry-after"), "5");
  EXPECT_EQ(r.json().at("code"), "busy");
  // Once the uploads go away, the same request is served.
  holders.clear();
  for (int i = 0; i < 300 && srv.http().bodies().in_use() > 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(
      srv.client()
          .post_json("/api/v1/auth/login", {{"username", "u1.editor"}, {"password", test_password}})
          .status,
      200u);
  EXPECT_LE(srv.http().bodies().peak(), low_cap);
}

}  // namespace
}  // namespace parix::testing
