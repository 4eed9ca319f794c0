// Reading one HTTP/1.1 request off a stream within its limits: the header, the body
// (whole or piece by piece), chunk extensions and trailers, and the framing rules a
// server must enforce (Host, Transfer-Encoding). Parsing runs inside the caller's
// coroutine, never inside an Asio handler, so whatever Beast's parser throws reaches
// the connection's try/catch instead of a network thread's run() (issue 11, item 1).
//
// Memory per message is bounded before anything is authenticated (issue 11, item 2):
// the input buffer never holds more than header_limit bytes, so no request line, field,
// chunk header with its extensions or trailer block can be larger; a trailer block
// longer than that is refused like a header that is too large (431); chunk extensions
// count against the route's body limit and, together, against header_limit.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <functional>
#include <optional>

#include "server/http.hpp"
#include "server/problem.hpp"

namespace parix::server {

// The connection's input buffer: at most header_limit bytes (see above).
inline boost::beast::flat_buffer make_input_buffer(std::size_t header_limit) {
  return boost::beast::flat_buffer{header_limit};
}

// What a request's header must satisfy before its body is read, beyond what Beast
// checks: HTTP/1.1 needs exactly one Host (RFC 9112 §3.2: 400); chunked is the only
// transfer coding we decode (RFC 9112 §6.1: 501 for any other, "gzip, chunked" too).
std::optional<api_error> check_framing(const request& req);

// Counts a chunked body's framing while it is parsed: every chunk's extensions count
// against the body limit (with the chunk data) and, all together, against the header
// limit. Install it on each parser that reads the body (Beast does not carry callbacks
// over when a parser is converted to another body type); it must outlive the parser.
class chunk_counter {
 public:
  // body_limit: none for a streamed body (its sink knows the length).
  chunk_counter(std::optional<std::uint64_t> body_limit, std::uint64_t extension_limit,
                std::function<void()> on_chunk = {})
      : body_limit_(body_limit),
        extension_limit_(extension_limit),
        on_chunk_(std::move(on_chunk)) {}

  template <class Parser>
  void install(Parser& parser) {
    parser.on_chunk_header(callback_);
  }
  // Whether the body was refused because its extensions together exceed extension_limit
  // (431) rather than its data and extensions the body limit (413).
  bool extensions_too_large() const noexcept { return extensions_too_large_; }

 private:
  void count(std::uint64_t size, std::string_view extensions, boost::system::error_code& ec) {
    if (on_chunk_) on_chunk_();  // a test hook may throw here, inside Beast's parser
    extensions_ += extensions.size();
    data_ += size;
    if (extensions_ > extension_limit_) {
      extensions_too_large_ = true;
      ec = http::error::body_limit;
    } else if (body_limit_ && data_ + extensions_ > *body_limit_) {
      ec = http::error::body_limit;
    }
  }

  std::optional<std::uint64_t> body_limit_;
  std::uint64_t extension_limit_;
  std::function<void()> on_chunk_;
  std::uint64_t extensions_ = 0;
  std::uint64_t data_ = 0;
  bool extensions_too_large_ = false;
  std::function<void(std::uint64_t, std::string_view, boost::system::error_code&)> callback_ =
      [this](std::uint64_t size, std::string_view ext, boost::system::error_code& ec) {
        count(size, ext, ec);
      };
};

// Reads from stream into buffer and feeds the parser until done(parser) holds or an
// error: what Beast's http::async_read does, except that Parser::put runs here, in
// the calling coroutine. The errors are Beast's (header_limit, body_limit,
// need_buffer for a buffer_body whose buffer is full, buffer_overflow when the
// bounded input buffer is full and the parser still needs more, end_of_stream when
// the peer left before a byte) or the stream's.
template <class Stream, class Parser, class Done>
boost::asio::awaitable<boost::system::error_code> parse_until(Stream& stream,
                                                              boost::beast::flat_buffer& buffer,
                                                              Parser& parser, Done done) {
  namespace asio = boost::asio;
  for (;;) {
    if (done(parser)) co_return boost::system::error_code{};
    if (buffer.size() > 0) {
      boost::system::error_code ec;
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (!ec) continue;
      if (ec != http::error::need_more) co_return ec;
    }
    const std::size_t room = boost::beast::read_size(buffer, 65536);
    if (room == 0) co_return http::error::buffer_overflow;
    auto [ec, n] =
        co_await stream.async_read_some(buffer.prepare(room), asio::as_tuple(asio::use_awaitable));
    buffer.commit(n);
    if (ec == asio::error::eof) {
      if (!parser.got_some()) co_return http::error::end_of_stream;
      boost::system::error_code eof_ec;
      parser.put_eof(eof_ec);
      if (eof_ec) co_return eof_ec;
      continue;
    }
    if (ec) co_return ec;
  }
}

template <class Stream, class Parser>
boost::asio::awaitable<boost::system::error_code> read_header(Stream& stream,
                                                              boost::beast::flat_buffer& buffer,
                                                              Parser& parser) {
  return parse_until(stream, buffer, parser, [](const auto& p) { return p.is_header_done(); });
}

template <class Stream, class Parser>
boost::asio::awaitable<boost::system::error_code> read_rest(Stream& stream,
                                                            boost::beast::flat_buffer& buffer,
                                                            Parser& parser) {
  return parse_until(stream, buffer, parser, [](const auto& p) { return p.is_done(); });
}

// Where a read failed, for the answer it gets.
enum class read_phase { header, body };

// The refusal a failed read gets, or nothing when nobody is left to answer (the peer
// left, a timeout, the server stopping). body_limit is the route's.
std::optional<api_error> refusal_for(const boost::system::error_code& ec, read_phase phase,
                                     std::uint64_t body_limit, const chunk_counter* chunks);

// Whether a read error is an expected end of a connection (the peer left, a timeout,
// shutdown cancelled the wait, a TLS peer left without close_notify).
bool expected_end(const boost::system::error_code& ec);

}  // namespace parix::server
