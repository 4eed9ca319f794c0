// The read-ahead layer that sits under TLS, on real loopback sockets: the bytes come out
// whole and in order whatever the size of the reads, the end of the stream comes after
// the buffered bytes, an empty read takes nothing, and the buffer grows only for a peer
// that sends in bulk.
#include "server/read_ahead_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace parix::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using read_ahead = server::read_ahead_stream<boost::beast::tcp_stream>;

struct connection_pair {
  asio::io_context ioc;
  tcp::socket writer{ioc};
  std::optional<read_ahead> reader;

  connection_pair() {
    tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
    tcp::socket accepted{ioc};
    writer.connect(acceptor.local_endpoint());
    acceptor.accept(accepted);
    reader.emplace(std::move(accepted));
  }

  // Sends the bytes from another thread (a large write would block until they are
  // read), then closes the sending side.
  std::thread send_and_close(const std::string& bytes) {
    return std::thread([this, &bytes] {
      asio::write(writer, asio::buffer(bytes));
      writer.shutdown(tcp::socket::shutdown_send);
    });
  }

  // Reads with read_some calls of `piece` bytes until an error; returns what came.
  std::string read_all(std::size_t piece, boost::system::error_code& end) {
    std::string got;
    std::vector<char> buffer(piece);
    std::function<void()> next = [&] {
      reader->async_read_some(asio::buffer(buffer),
                              [&](boost::system::error_code ec, std::size_t n) {
                                got.append(buffer.data(), n);
                                if (ec) {
                                  end = ec;
                                  return;
                                }
                                next();
                              });
    };
    next();
    ioc.run();
    ioc.restart();
    return got;
  }

  std::string read_some(std::size_t piece, boost::system::error_code& ec) {
    std::string buffer(piece, '\0');
    std::size_t n = 0;
    reader->async_read_some(asio::buffer(buffer.data(), buffer.size()),
                            [&](boost::system::error_code e, std::size_t k) {
                              ec = e;
                              n = k;
                            });
    ioc.run();
    ioc.restart();
    buffer.resize(n);
    return buffer;
  }
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4093) & 0xff);
  return s;
}

TEST(read_ahead_stream, bytes_come_out_whole_and_in_order_whatever_the_read_size) {
  const std::pair<std::size_t, std::size_t> cases[] = {
      {1, 64 * 1024}, {1000, 1 << 20}, {17 * 1024, 3 << 20}, {300 * 1024, 3 << 20}};
  for (const auto& [piece, total] : cases) {
    connection_pair c;
    const std::string sent = pattern(total + 123);
    auto sender = c.send_and_close(sent);
    boost::system::error_code end;
    const std::string got = c.read_all(piece, end);
    sender.join();
    EXPECT_EQ(end, asio::error::eof) << "reads of " << piece;
    ASSERT_EQ(got.size(), sent.size()) << "reads of " << piece;
    EXPECT_TRUE(got == sent) << "reads of " << piece << ": bytes changed or out of order";
  }
}

TEST(read_ahead_stream, an_empty_read_takes_nothing) {
  connection_pair c;
  asio::write(c.writer, asio::buffer(std::string{"abc"}));
  boost::system::error_code ec;
  EXPECT_EQ(c.read_some(1, ec), "a");
  EXPECT_FALSE(ec);
  EXPECT_EQ(c.read_some(0, ec), "");
  EXPECT_FALSE(ec);
  EXPECT_EQ(c.read_some(10, ec), "bc");
  EXPECT_FALSE(ec);
}

TEST(read_ahead_stream, the_buffer_grows_for_a_bulk_sender_only) {
  connection_pair small;
  asio::write(small.writer, asio::buffer(std::string(200, 'x')));
  boost::system::error_code ec;
  EXPECT_EQ(small.read_some(4096, ec).size(), 200u);
  EXPECT_EQ(small.reader->buffer_capacity(), read_ahead::first_capacity);

  connection_pair bulk;
  const std::string sent = pattern(4 << 20);
  auto sender = bulk.send_and_close(sent);
  const std::string got = bulk.read_all(17 * 1024, ec);
  sender.join();
  EXPECT_TRUE(got == sent);
  EXPECT_EQ(bulk.reader->buffer_capacity(), read_ahead::bulk_capacity);
}

}  // namespace
}  // namespace parix::testing
