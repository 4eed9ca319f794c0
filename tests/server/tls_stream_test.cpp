// The server's TLS stream, on real loopback sockets against Asio's own TLS client: the
// bytes come out whole and in order whatever the size of the reads, several buffers go
// out as one write, the peer's close_notify is the end of the stream and its absence a
// truncation, timeouts and bad handshakes end the stream with an error, and the input
// buffer grows only for a peer that sends in bulk.
#include "server/tls_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "server/tls.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using server::tls_engine;

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4093) & 0xff);
  return s;
}

// A server-side tls_stream and a connected client socket; the client runs in its own
// thread with its own io_context (its blocking calls would otherwise wait for the server).
struct connection_pair {
  temp_dir dir;
  asio::io_context ioc;
  std::optional<ssl::context> server_context;
  std::optional<server::tls_stream> server;
  asio::io_context client_ioc;
  ssl::context client_context{ssl::context::tls_client};
  ssl::stream<tcp::socket> client{client_ioc, client_context};

  connection_pair() {
    server::write_self_signed_certificate(dir / "cert.pem", dir / "key.pem");
    server_context.emplace(server::make_tls_context(dir / "cert.pem", dir / "key.pem"));
    tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
    tcp::socket accepted{ioc};
    client.next_layer().connect(acceptor.local_endpoint());
    acceptor.accept(accepted);
    server.emplace(std::move(accepted), *server_context);
  }

  // Runs the server's side of one operation to its end.
  template <class Start>
  boost::system::error_code run(Start start, std::size_t* n = nullptr) {
    boost::system::error_code result = asio::error::would_block;
    start([&](boost::system::error_code ec, std::size_t k = 0) {
      result = ec;
      if (n) *n = k;
    });
    ioc.run();
    ioc.restart();
    return result;
  }

  boost::system::error_code handshake_with(std::function<void()> client_side) {
    std::thread peer(std::move(client_side));
    const auto ec = run([&](auto done) { server->async_handshake(done); });
    peer.join();
    return ec;
  }

  void handshake() {
    std::thread peer([this] { client.handshake(ssl::stream_base::client); });
    ASSERT_FALSE(run([&](auto done) { server->async_handshake(done); }));
    peer.join();
  }

  // Reads with read_some calls of `piece` bytes until an error; returns what came.
  std::string read_all(std::size_t piece, boost::system::error_code& end) {
    std::string got;
    std::vector<char> buffer(piece);
    for (;;) {
      std::size_t n = 0;
      const auto ec =
          run([&](auto done) { server->async_read_some(asio::buffer(buffer), done); }, &n);
      got.append(buffer.data(), n);
      if (ec) {
        end = ec;
        return got;
      }
    }
  }

  std::string read_some(std::size_t piece, boost::system::error_code& ec) {
    std::string buffer(piece, '\0');
    std::size_t n = 0;
    ec = run([&](auto done) { server->async_read_some(asio::buffer(buffer.data(), piece), done); },
             &n);
    buffer.resize(n);
    return buffer;
  }
};

TEST(tls_stream, bytes_come_out_whole_and_in_order_whatever_the_read_size) {
  const std::pair<std::size_t, std::size_t> cases[] = {
      {1, 64 * 1024}, {1000, 1 << 20}, {17 * 1024, 3 << 20}, {2 << 20, 5 << 20}};
  for (const auto& [piece, total] : cases) {
    connection_pair c;
    c.handshake();
    const std::string sent = pattern(total + 123);
    // The client sends, then close_notify, and waits for the server's.
    std::thread peer([&] {
      asio::write(c.client, asio::buffer(sent));
      boost::system::error_code ignored;
      c.client.shutdown(ignored);
    });
    boost::system::error_code end;
    const std::string got = c.read_all(piece, end);
    EXPECT_EQ(end, asio::error::eof) << "reads of " << piece << ": " << end.message();
    EXPECT_FALSE(c.run([&](auto done) { c.server->async_shutdown(done); }));
    peer.join();
    ASSERT_EQ(got.size(), sent.size()) << "reads of " << piece;
    EXPECT_TRUE(got == sent) << "reads of " << piece << ": bytes changed or out of order";
  }
}

TEST(tls_stream, several_buffers_go_out_whole_and_in_order) {
  connection_pair c;
  c.handshake();
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 3145728\r\n\r\n";
  const std::string body = pattern(3 << 20);
  const std::string tail = "end";
  std::string received(head.size() + body.size() + tail.size(), '\0');
  std::thread peer([&] { asio::read(c.client, asio::buffer(received)); });
  std::size_t n = 0;
  const std::array<asio::const_buffer, 3> buffers{asio::buffer(head), asio::buffer(body),
                                                  asio::buffer(tail)};
  const auto ec = c.run([&](auto done) { asio::async_write(*c.server, buffers, done); }, &n);
  peer.join();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(n, received.size());
  EXPECT_TRUE(received == head + body + tail);
}

TEST(tls_stream, small_buffers_go_out_as_one_record) {
  // Beast hands out an HTTP header as one buffer per field; one record per buffer would
  // cost a client one read per field and 22 bytes of TLS overhead each.
  connection_pair c;
  c.handshake();
  std::vector<std::string> fields;
  for (int i = 0; i < 40; ++i) fields.push_back("X-Field-" + std::to_string(i) + ": value\r\n");
  std::vector<asio::const_buffer> buffers;
  std::string all;
  for (const auto& f : fields) {
    buffers.push_back(asio::buffer(f));
    all += f;
  }
  std::size_t n = 0;
  EXPECT_FALSE(c.run([&](auto done) { c.server->async_write_some(buffers, done); }, &n));
  EXPECT_EQ(n, all.size());
  std::string first(all.size(), '\0');
  first.resize(c.client.read_some(asio::buffer(first)));  // one read: one record
  EXPECT_EQ(first, all);
}

TEST(tls_stream, a_peer_that_leaves_without_close_notify_has_truncated_the_stream) {
  connection_pair c;
  c.handshake();
  asio::write(c.client, asio::buffer(std::string{"abc"}));
  // A FIN without close_notify (close() could reset: the server's session tickets are
  // still unread on this side).
  c.client.next_layer().shutdown(tcp::socket::shutdown_send);
  boost::system::error_code end;
  EXPECT_EQ(c.read_all(100, end), "abc");
  EXPECT_EQ(end, ssl::error::stream_truncated) << end.message();
}

TEST(tls_stream, an_empty_read_takes_nothing) {
  connection_pair c;
  c.handshake();
  asio::write(c.client, asio::buffer(std::string{"abc"}));
  boost::system::error_code ec;
  EXPECT_EQ(c.read_some(1, ec), "a");
  EXPECT_FALSE(ec);
  EXPECT_EQ(c.read_some(0, ec), "");
  EXPECT_FALSE(ec);
  EXPECT_EQ(c.read_some(10, ec), "bc");
  EXPECT_FALSE(ec);
}

TEST(tls_stream, a_silent_peer_meets_the_timeout) {
  connection_pair c;
  c.handshake();
  c.server->next_layer().expires_after(std::chrono::milliseconds{100});
  boost::system::error_code ec;
  EXPECT_EQ(c.read_some(10, ec), "");
  EXPECT_EQ(ec, boost::beast::error::timeout) << ec.message();
}

TEST(tls_stream, plain_http_on_the_tls_port_fails_the_handshake) {
  connection_pair c;
  const auto ec = c.handshake_with([&] {
    asio::write(c.client.next_layer(), asio::buffer(std::string{"GET / HTTP/1.1\r\n\r\n"}));
  });
  ASSERT_TRUE(ec);
  EXPECT_EQ(ec.category(), asio::error::get_ssl_category()) << ec.message();
}

TEST(tls_stream, a_forged_record_after_the_handshake_ends_the_stream_with_an_error) {
  // Application data whose authentication tag does not match: refused, not decrypted
  // into the caller's buffer, and the server's own alert does not hide the error.
  connection_pair c;
  c.handshake();
  asio::write(c.client, asio::buffer(std::string{"before"}));
  std::string forged{"\x17\x03\x03\x00\x30", 5};
  forged += std::string(0x30, '\x5a');
  asio::write(c.client.next_layer(), asio::buffer(forged));
  boost::system::error_code end;
  EXPECT_EQ(c.read_all(100, end), "before");
  ASSERT_TRUE(end);
  EXPECT_EQ(end.category(), asio::error::get_ssl_category()) << end.message();
}

TEST(tls_stream, the_buffer_grows_for_a_bulk_sender_only) {
  connection_pair small;
  small.handshake();
  asio::write(small.client, asio::buffer(std::string(200, 'x')));
  boost::system::error_code ec;
  EXPECT_EQ(small.read_some(4096, ec).size(), 200u);
  EXPECT_EQ(small.server->buffer_capacity(), tls_engine::first_capacity);

  connection_pair bulk;
  bulk.handshake();
  const std::string sent = pattern(8 << 20);
  std::thread peer([&] {
    asio::write(bulk.client, asio::buffer(sent));
    bulk.client.next_layer().shutdown(tcp::socket::shutdown_send);
  });
  const std::string got = bulk.read_all(1 << 20, ec);
  peer.join();
  EXPECT_TRUE(got == sent);
  EXPECT_EQ(bulk.server->buffer_capacity(), tls_engine::bulk_capacity);
  // Idle between requests, the connection gives the large buffer back.
  bulk.server->release_idle_memory();
  EXPECT_EQ(bulk.server->buffer_capacity(), 0u);
}

TEST(tls_stream, an_idle_connection_gives_its_large_buffer_back_and_reads_on) {
  connection_pair c;
  c.handshake();
  const std::string first = pattern(4 << 20);
  std::thread peer([&] { asio::write(c.client, asio::buffer(first)); });
  std::string got(first.size(), '\0');
  std::size_t n = 0;
  EXPECT_FALSE(c.run([&](auto done) { asio::async_read(*c.server, asio::buffer(got), done); }, &n));
  peer.join();
  EXPECT_TRUE(got == first);
  EXPECT_EQ(c.server->buffer_capacity(), tls_engine::bulk_capacity);
  c.server->release_idle_memory();
  EXPECT_EQ(c.server->buffer_capacity(), 0u);
  asio::write(c.client, asio::buffer(std::string{"next request"}));
  boost::system::error_code ec;
  EXPECT_EQ(c.read_some(100, ec), "next request");
  EXPECT_FALSE(ec);
  EXPECT_EQ(c.server->buffer_capacity(), tls_engine::first_capacity);
}

}  // namespace
}  // namespace parix::testing
