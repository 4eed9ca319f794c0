// Fuzz target: the HTTP request path up to the handler, as the server runs it (issue 11):
// the bounded input buffer, Beast's parser driven by parse_until in a coroutine, the
// framing checks (Host, Transfer-Encoding), routing against the real route table, the
// body limits with chunk extensions and trailers counted, and the refusal each failure
// gets, rendered as problem+json. The input is one connection's bytes, handed out by an
// in-memory stream in pieces whose size the first byte picks (so that every parser
// state is also entered at a buffer boundary). Several requests per input (keep-alive).
//
// Checks beyond the sanitizers: every refusal renders as strict JSON (valid UTF-8), the
// input buffer never exceeds the header limit, and a parsed body never exceeds its limit.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/application.hpp"
#include "server/dispatch.hpp"
#include "server/request_reader.hpp"

namespace {

namespace asio = boost::asio;
using namespace parix::server;

constexpr std::size_t header_limit = 16 * 1024;  // the configuration's defaults
constexpr std::size_t json_body_limit = 1024 * 1024;

// One connection's bytes, read in pieces of `step`; writes are collected and dropped.
class memory_stream {
 public:
  using executor_type = asio::any_io_executor;
  memory_stream(executor_type ex, std::string_view in, std::size_t step)
      : ex_(std::move(ex)), in_(in), step_(step) {}
  executor_type get_executor() noexcept { return ex_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          const std::size_t n = asio::buffer_copy(b, asio::buffer(in_.substr(0, step_)));
          in_.remove_prefix(n);
          boost::system::error_code ec;
          if (n == 0 && asio::buffer_size(b) > 0) ec = asio::error::eof;
          asio::post(ex_, [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); });
        },
        token, buffers);
  }

 private:
  executor_type ex_;
  std::string_view in_;
  std::size_t step_;
};

const router& routes() {
  static const router table = [] {
    router r;
    add_health_routes(r);
    add_auth_routes(r);
    add_user_routes(r);
    add_criteria_routes(r);
    add_campaign_routes(r);
    add_assessment_routes(r);
    add_audit_routes(r);
    add_upload_routes(r);
    add_evidence_routes(r);
    r.freeze();
    return r;
  }();
  return table;
}

void check_problem(const api_error& e, std::string_view path) {
  const response res = to_problem(e, language::vi, 11, false, path, "fuzz");
  boost::system::error_code ec;
  boost::json::parse(res.body(), ec);  // strict: invalid UTF-8 is an error
  if (ec) std::abort();
}

asio::awaitable<void> serve(memory_stream& stream) {
  boost::beast::flat_buffer buffer = make_input_buffer(header_limit);
  for (int requests = 0; requests < 8; ++requests) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(boost::none);
    if (auto ec = co_await read_header(stream, buffer, parser)) {
      if (auto refusal = refusal_for(ec, read_phase::header, 0, nullptr))
        check_problem(*refusal, "");
      co_return;
    }
    if (buffer.size() > header_limit) std::abort();
    request& req = parser.get();
    if (auto refusal = check_framing(req)) {
      check_problem(*refusal, "");
      co_return;
    }
    routed route = route_request(routes(), req.method(), req.target());
    const std::string path = route.target ? std::string{route.target->path()} : std::string{};
    if (route.error) check_problem(*route.error, path);
    if (!route.error && route.match.found->stream) {
      // A streamed body (tus PATCH): read in pieces through a buffer_body parser.
      http::request_parser<http::buffer_body> body_parser{std::move(parser)};
      body_parser.body_limit(boost::none);
      chunk_counter chunks{std::nullopt, header_limit};
      chunks.install(body_parser);
      char piece[4096];
      for (;;) {
        body_parser.get().body().data = piece;
        body_parser.get().body().size = sizeof piece;
        auto ec = co_await read_rest(stream, buffer, body_parser);
        if (ec == http::error::need_buffer) continue;
        if (ec) {
          if (auto refusal = refusal_for(ec, read_phase::body, 0, &chunks))
            check_problem(*refusal, path);
          co_return;
        }
        break;
      }
      if (!body_parser.keep_alive()) co_return;
      continue;
    }
    const std::uint64_t limit = json_body_limit;
    parser.body_limit(limit);
    if (parser.content_length() && *parser.content_length() > limit) {
      check_problem(api_error{http::status::payload_too_large, "body_too_large"}, path);
      co_return;
    }
    chunk_counter chunks{limit, header_limit};
    chunks.install(parser);
    if (auto ec = co_await read_rest(stream, buffer, parser)) {
      if (auto refusal = refusal_for(ec, read_phase::body, limit, &chunks))
        check_problem(*refusal, path);
      co_return;
    }
    if (parser.get().body().size() > limit) std::abort();
    if (!parser.keep_alive()) co_return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the read size: 1 to 255 bytes, or 0 for 64 KiB.
  const std::size_t step = data[0] == 0 ? 65536 : data[0];
  asio::io_context ioc;
  memory_stream stream{
      ioc.get_executor(), {reinterpret_cast<const char*>(data + 1), size - 1}, step};
  asio::co_spawn(ioc, serve(stream), [](std::exception_ptr e) {
    if (e) std::abort();  // nothing may throw out of the request path
  });
  ioc.run();
  return 0;
}
