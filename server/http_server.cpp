// Connections: TLS handshake, reading requests within their timeouts and body
// limits, handing them to the pipeline, writing responses, and shutting down.
#include "server/http_server.hpp"

#include <openssl/rand.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <condition_variable>
#include <future>

#include "server/dispatch.hpp"
#include "server/routes/json_views.hpp"
#include "server/tls.hpp"
#include "server/tls_stream.hpp"

namespace parix::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);
using namespace asio::experimental::awaitable_operators;
constexpr std::chrono::seconds tls_shutdown_timeout{5};
constexpr std::chrono::milliseconds tls_shutdown_timeout_when_stopping{500};
constexpr std::chrono::seconds drain_timeout{3};
constexpr std::size_t drain_limit = 64 * 1024 * 1024;
// Pieces of streamed bodies (uploads, downloads): large enough that the hop to the
// worker pool costs little per byte, small enough to keep memory flat per connection
// (three pieces per upload: 6 MiB, or 3 MiB when several bodies stream at once).
// Measured in docs/benchmarks.md: 1 MiB gave 310 MB/s
// for one upload, 2 MiB 370 MB/s, 4 MiB no more.
// Page-aligned, so that the staging file can hand them to O_DIRECT without a copy; a
// 2 MiB piece is one transparent huge page where the kernel allows it, so that the
// O_DIRECT write pins one page instead of 512 (docs/benchmarks.md).
struct body_piece {
  explicit body_piece(std::size_t n) : bytes(static_cast<char*>(allocate(n)), std::free), size(n) {}
  char* data() const noexcept { return bytes.get(); }
  static void* allocate(std::size_t n) {
    constexpr std::size_t huge_page = 2 * 1024 * 1024;
    const bool huge = n % huge_page == 0;
    void* p = nullptr;
    if (::posix_memalign(&p, huge ? huge_page : 4096, n) != 0) throw std::bad_alloc{};
    if (huge) ::madvise(p, n, MADV_HUGEPAGE);  // a hint: refused is fine
    return p;
  }
  std::unique_ptr<char, void (*)(void*)> bytes;
  std::size_t size;
};
constexpr std::size_t stream_chunk_size = 2 * 1024 * 1024;

// Expected ends of a connection: the peer left, a timeout fired, shutdown cancelled
// the wait, or the peer closed TLS without close_notify (common and harmless for
// HTTP, where Content-Length frames every message). Anything else is worth a line.
bool expected_end(const boost::system::error_code& ec) {
  return ec == beast::http::error::end_of_stream || ec == asio::error::eof ||
         ec == beast::error::timeout || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == ssl::error::stream_truncated ||
         ec == asio::error::broken_pipe;
}

void fail(const boost::system::error_code& ec, const char* what, const std::string& client) {
  if (expected_end(ec)) return;
  spdlog::debug("connection from {}: {}: {}", client, what, ec.message());
}

// Request ids: a random per-process prefix and a counter; unique and cheap.
class request_ids {
 public:
  request_ids() {
    unsigned char b[4];
    RAND_bytes(b, sizeof b);
    prefix_ = fmt::format("{:02x}{:02x}{:02x}{:02x}", b[0], b[1], b[2], b[3]);
  }
  std::string next() { return fmt::format("{}-{:x}", prefix_, ++counter_); }

 private:
  std::string prefix_;
  std::atomic<std::uint64_t> counter_{0};
};

// A client-supplied X-Request-Id is kept when it is short and plain.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

api_error too_large(std::uint64_t limit) {
  return api_error{
      http::status::payload_too_large, "body_too_large", {{"limit", std::to_string(limit)}}};
}
api_error header_too_large() {
  return api_error{http::status::request_header_fields_too_large,
                   "bad_request",
                   {{"reason", "header too large"}}};
}
api_error bad_request(const boost::system::error_code& ec) {
  return api_error{http::status::bad_request, "bad_request", {{"reason", ec.message()}}};
}

}  // namespace

struct http_server::connection {
  // The connection's network thread (its io_context runs on that one thread, so its
  // executor serialises the connection's handlers).
  asio::any_io_executor home;
  std::function<void()> cancel;  // run on home only; cleared when the connection ends
  bool idle = false;             // waiting for a request's first byte (home only)
};

// One connection's coroutine and the parts of the server it needs.
struct session_runner {
  http_server& server;
  request_ids& ids;

  services& app() { return server.app_.app(); }
  const limits_config& limits() { return server.app_.cfg().limits; }

  void finish(response& res, const std::string& request_id, bool tls) {
    res.set("X-Content-Type-Options", "nosniff");
    if (tls) res.set(http::field::strict_transport_security, "max-age=63072000; includeSubDomains");
    res.set("X-Request-Id", request_id);
    if (!res.has_content_length() && res.body().size() == 0) res.prepare_payload();
    if (res.find(http::field::cache_control) == res.end())
      res.set(http::field::cache_control, "no-store");
    if (server.stopping_) res.keep_alive(false);
  }

  void log_access(const std::string& request_id, const std::string& user, const std::string& client,
                  const request& req, const std::string& route, const response& res,
                  std::chrono::steady_clock::time_point started) {
    const auto took = std::chrono::steady_clock::now() - started;
    auto target = req.target();
    auto path = target.substr(0, target.find('?'));
    app().metrics.record_request(route, std::string{req.method_string()}, res.result_int(), took);
    spdlog::get("access")->info(
        "{} rid={} user={} ip={} method={} path=\"{}\" status={} bytes={} ms={:.3f}",
        iso_utc(storage::to_millis(std::chrono::system_clock::now())), request_id,
        user.empty() ? "-" : user, client, std::string{req.method_string()}, std::string{path},
        res.result_int(), res.body().size(),
        std::chrono::duration<double, std::milli>(took).count());
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream stream, std::shared_ptr<http_server::connection> conn,
                              std::string client) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    auto& lowest = beast::get_lowest_layer(stream);
    conn->cancel = [&lowest] { lowest.cancel(); };
    try {
      co_await run(stream, *conn, client);
      if constexpr (tls) {
        // close_notify both ways is polite, but a stopping server does not wait long for it.
        lowest.expires_after(server.stopping_
                                 ? std::chrono::milliseconds{tls_shutdown_timeout_when_stopping}
                                 : std::chrono::milliseconds{tls_shutdown_timeout});
        co_await stream.async_shutdown(no_throw);
      } else {
        boost::system::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
      }
    } catch (const std::exception& e) {
      spdlog::error("connection from {} failed: {}", client, e.what());
    }
    conn->cancel = nullptr;
  }

  // Reads and drops what the client is still sending after a refusal (briefly, up to a
  // cap): closing with unread bytes would reset the connection, and the client might
  // never see the answer it was sent (a tus client needs its 409 to resume).
  template <class Stream>
  asio::awaitable<void> drain(Stream& stream) {
    beast::get_lowest_layer(stream).expires_after(drain_timeout);
    std::array<char, 16384> scratch;
    for (std::size_t drained = 0; drained < drain_limit;) {
      auto r_drain = co_await stream.async_read_some(asio::buffer(scratch), no_throw);
      if (std::get<0>(r_drain)) break;
      drained += std::get<1>(r_drain);
    }
  }

  // Runs blocking work on the worker pool and resumes on the connection's thread.
  template <class F>
  auto on_workers(F f) -> asio::awaitable<decltype(f())> {
    co_return co_await asio::co_spawn(
        server.workers_.get_executor(), [&]() -> asio::awaitable<decltype(f())> { co_return f(); },
        asio::use_awaitable);
  }

  // Writes a response whose body comes from a body_source in pieces: the header first,
  // then each piece as the worker pool reads it (a download never sits whole in memory).
  template <class Stream>
  asio::awaitable<boost::system::error_code> write_streamed(Stream& stream, const response& head,
                                                            body_source& source) {
    auto& lowest = beast::get_lowest_layer(stream);
    http::response<http::buffer_body> res{head.result(), head.version()};
    for (const auto& field : head.base()) res.set(field.name_string(), field.value());
    res.keep_alive(head.keep_alive());
    res.body().data = nullptr;
    res.body().more = true;
    http::response_serializer<http::buffer_body> sr{res};
    lowest.expires_after(limits().request_timeout);
    auto [hec, hn] = co_await http::async_write_header(stream, sr, no_throw);
    if (hec) co_return hec;
    std::vector<char> chunk(stream_chunk_size);
    for (;;) {
      const std::size_t n = co_await on_workers([&] { return source.read(chunk); });
      res.body().data = n ? chunk.data() : nullptr;
      res.body().size = n;
      res.body().more = n > 0;
      lowest.expires_after(limits().request_timeout);
      auto [ec, written] = co_await http::async_write(stream, sr, no_throw);
      if (ec == http::error::need_buffer) continue;
      if (ec) co_return ec;
      if (sr.is_done()) co_return boost::system::error_code{};
      if (n == 0) co_return make_error_code(http::error::partial_message);  // source ran short
    }
  }

  // A request whose body goes to the route's body_sink piece by piece (tus PATCH). The
  // wait for each piece is bounded by request_timeout, not the whole body: a large
  // upload over a slow line is fine, a stalled one is not. When the connection is cut,
  // the sink is told (finish(false)) so that it keeps what arrived. Returns whether the
  // connection may carry another request.
  template <class Stream>
  asio::awaitable<bool> stream_body(Stream& stream, beast::flat_buffer& buffer,
                                    http::request_parser<http::string_body>& parser, routed& route,
                                    const std::string& client, const std::string& request_id,
                                    language lang, std::chrono::steady_clock::time_point started) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    auto& lowest = beast::get_lowest_layer(stream);
    // The header outlives the parser it is moved out of below (for the access log).
    const request req = parser.get();
    const std::string route_name = route.match.found->pattern;
    std::string user;
    std::optional<response> refusal;
    std::unique_ptr<body_sink> sink = co_await on_workers(
        [&] { return begin_stream(app(), req, route, client, request_id, lang, user, refusal); });
    auto send = [&](response res) -> asio::awaitable<bool> {
      if (!req.keep_alive()) res.keep_alive(false);
      finish(res, request_id, tls);
      lowest.expires_after(limits().request_timeout);
      auto [ec, n] = co_await http::async_write(stream, res, no_throw);
      log_access(request_id, user, client, req, route_name, res, started);
      co_return !ec && res.keep_alive();
    };
    if (!sink) {
      refusal->keep_alive(false);
      co_await send(std::move(*refusal));
      co_await drain(stream);
      co_return false;
    }
    if (boost::beast::iequals(req[http::field::expect], "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      co_await http::async_write(stream, cont, no_throw);
    }
    const request_info info{lang, req.version(), req.keep_alive(), std::string{req.target()},
                            request_id};
    // Three pieces: while the next piece is read, the worker pool hashes one and the
    // disk may still be writing the one before (a sink keeps a piece until its next
    // write returns), so that the network, the CPU and the disk work at the same time.
    // A reader running further ahead (four pieces, answers through a channel) measured
    // no faster: docs/benchmarks.md.
    // Several bodies at once keep both cores busy without long pieces: 1 MiB pieces
    // then halve the memory each holds (measured in docs/benchmarks.md).
    struct streaming {
      std::atomic<int>& count;
      explicit streaming(std::atomic<int>& c) : count(c) { ++count; }
      ~streaming() { --count; }
    } const counted{server.bodies_streaming_};
    const std::size_t piece_size =
        server.bodies_streaming_ > 2 ? stream_chunk_size / 2 : stream_chunk_size;
    std::array<body_piece, 3> pieces{body_piece{piece_size}, body_piece{piece_size},
                                     body_piece{piece_size}};
    auto after = [&](std::size_t i) { return (i + 1) % pieces.size(); };
    using piece_read = std::pair<boost::system::error_code, std::size_t>;
    // With a Content-Length (what tus clients send) the body is read straight into the
    // piece, without the parser's copy; a chunked body goes through Beast's parser.
    const bool chunked = parser.chunked();
    std::uint64_t remaining = parser.content_length().value_or(0);
    http::request_parser<http::buffer_body> body_parser{std::move(parser)};
    body_parser.body_limit(boost::none);  // the sink knows the upload's length
    auto body_done = [&] { return chunked ? body_parser.is_done() : remaining == 0; };
    auto read_into = [&](body_piece& into) -> asio::awaitable<piece_read> {
      lowest.expires_after(limits().request_timeout);
      if (chunked) {
        body_parser.get().body().data = into.data();
        body_parser.get().body().size = into.size;
        auto [ec, n] = co_await http::async_read(stream, buffer, body_parser, no_throw);
        if (ec == http::error::need_buffer) ec = {};
        co_return piece_read{ec, into.size - body_parser.get().body().size};
      }
      // Bytes that arrived with the header first, then the rest from the stream.
      std::size_t got = asio::buffer_copy(
          asio::buffer(into.data(), std::min<std::uint64_t>(into.size, remaining)), buffer.data());
      buffer.consume(got);
      const auto want = std::min<std::uint64_t>(into.size - got, remaining - got);
      boost::system::error_code ec;
      if (want > 0) {
        auto [read_ec, n] =
            co_await asio::async_read(stream, asio::buffer(into.data() + got, want), no_throw);
        ec = read_ec;
        got += n;
      }
      remaining -= got;
      co_return piece_read{ec, got};
    };
    // A refusal from the sink (as problem+json), or nothing.
    auto take = [&](const body_piece& from,
                    std::size_t got) -> asio::awaitable<std::optional<response>> {
      co_return co_await on_workers([&] {
        std::optional<response> out;
        if (got == 0) return out;
        response r = guarded(info, [&] {
          out = sink->write({from.data(), got});
          return response{};
        });
        if (!out && r.result() != http::status::ok) out = std::move(r);
        return out;
      });
    };
    std::size_t current = 0;
    auto [ec, got] = co_await read_into(pieces[current]);
    for (;;) {
      if (ec) {
        // Keep what arrived whole (the sink fsyncs it); nobody is left to answer.
        co_await on_workers([&, got = got] {
          return guarded(info, [&] {
            if (got > 0) (void)sink->write({pieces[current].data(), got});
            return sink->finish(false);
          });
        });
        fail(ec, "read streamed body", client);
        co_return false;
      }
      std::optional<response> early;
      piece_read next{};
      if (body_done()) {
        early = co_await take(pieces[current], got);
      } else {
        std::tie(next, early) =
            co_await (read_into(pieces[after(current)]) && take(pieces[current], got));
      }
      if (early) {
        co_await on_workers([&] { return guarded(info, [&] { return sink->finish(false); }); });
        early->keep_alive(false);
        co_await send(std::move(*early));
        co_await drain(stream);
        co_return false;
      }
      if (body_done() && next.second == 0) break;
      current = after(current);
      std::tie(ec, got) = next;
    }
    response res =
        co_await on_workers([&] { return guarded(info, [&] { return sink->finish(true); }); });
    co_return co_await send(std::move(res));
  }

  template <class Stream>
  asio::awaitable<void> run(Stream& stream, http_server::connection& conn,
                            const std::string& client) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    auto& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    if constexpr (tls) {
      lowest.expires_after(limits().header_timeout);
      auto r_ec = co_await stream.async_handshake(no_throw);
      auto ec = std::get<0>(r_ec);
      if (ec) {
        fail(ec, "TLS handshake", client);
        co_return;
      }
    }
    for (;;) {
      // Between requests the connection may idle up to idle_timeout; once a request
      // starts, its header must arrive within header_timeout (no slow loris).
      if (buffer.size() == 0) {
        if (server.stopping_) co_return;
        conn.idle = true;
        // A keep-alive connection may idle for long: its TLS buffers go back to their
        // smallest until the next request (an upload or download grows them again).
        if constexpr (tls) stream.release_idle_memory();
        lowest.expires_after(limits().idle_timeout);
        auto r_ec = co_await stream.async_read_some(buffer.prepare(4096), no_throw);
        auto ec = std::get<0>(r_ec);
        auto n = std::get<1>(r_ec);
        conn.idle = false;
        if (ec) {
          fail(ec, "idle read", client);
          co_return;
        }
        buffer.commit(n);
      }
      const auto started = std::chrono::steady_clock::now();
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits().header_limit));
      // The body limit depends on the route, known only after the header: no limit
      // while the header is read, the route's limit before the body is.
      parser.body_limit(boost::none);
      lowest.expires_after(limits().header_timeout);
      auto r_hec = co_await http::async_read_header(stream, buffer, parser, no_throw);
      auto hec = std::get<0>(r_hec);
      request& req = parser.get();
      const std::string request_id = acceptable_request_id(req["X-Request-Id"])
                                         ? std::string{req["X-Request-Id"]}
                                         : ids.next();
      const language lang = negotiate_language(req[http::field::accept_language]);
      auto reply_and_close = [&](api_error e) -> asio::awaitable<void> {
        response res = to_problem(e, lang, 11, false, "", request_id);
        finish(res, request_id, tls);
        log_access(request_id, "", client, req, "unmatched", res, started);
        lowest.expires_after(limits().header_timeout);
        co_await http::async_write(stream, res, no_throw);
        co_await drain(stream);
      };
      if (hec) {
        // GCC 12 miscompiles string literals inside a co_await expression, so each
        // refusal is built first and awaited after.
        std::optional<api_error> refusal;
        if (hec == http::error::header_limit)
          refusal = header_too_large();
        else if (!expected_end(hec) && hec != http::error::partial_message)
          refusal = bad_request(hec);
        if (refusal) co_await reply_and_close(std::move(*refusal));
        fail(hec, "read header", client);
        co_return;
      }

      routed route = route_request(server.app_.routes(), req.method(), req.target());
      if (!route.error && route.match.found->stream) {
        const bool keep =
            co_await stream_body(stream, buffer, parser, route, client, request_id, lang, started);
        if (!keep) co_return;
        continue;
      }
      const std::uint64_t limit = route.match.found && route.match.found->body_limit
                                      ? route.match.found->body_limit
                                      : limits().json_body_limit;
      parser.body_limit(limit);
      if (parser.content_length() && *parser.content_length() > limit) {
        co_await reply_and_close(too_large(limit));
        co_return;
      }
      if (boost::beast::iequals(req[http::field::expect], "100-continue") && !route.error) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        co_await http::async_write(stream, cont, no_throw);
      }
      lowest.expires_after(limits().request_timeout);
      auto r_bec = co_await http::async_read(stream, buffer, parser, no_throw);
      auto bec = std::get<0>(r_bec);
      if (bec) {
        std::optional<api_error> refusal;
        if (bec == http::error::body_limit)
          refusal = too_large(limit);
        else if (!expected_end(bec))
          refusal = bad_request(bec);
        if (refusal) co_await reply_and_close(std::move(*refusal));
        fail(bec, "read body", client);
        co_return;
      }

      std::string user;
      std::string route_name = route.match.found ? route.match.found->pattern : "unmatched";
      response res;
      std::unique_ptr<body_source> body_out;
      if (route.error) {
        res = to_problem(*route.error, lang, req.version(), req.keep_alive(),
                         route.target ? std::string_view{route.target->path()} : "", request_id);
      } else if (runs_inline(route)) {
        res = handle_request(app(), req, route, client, request_id, lang, user);
      } else {
        res = co_await asio::co_spawn(
            server.workers_.get_executor(),
            [&]() -> asio::awaitable<response> {
              co_return handle_request(app(), req, route, client, request_id, lang, user,
                                       &body_out);
            },
            asio::use_awaitable);
      }
      if (!req.keep_alive()) res.keep_alive(false);  // the client said Connection: close
      finish(res, request_id, tls);
      boost::system::error_code wec;
      if (req.method() == http::verb::head) {
        // The header only: what GET would send, without its body (RFC 9110 §9.3.2).
        http::response_serializer<http::string_body> sr{res};
        lowest.expires_after(limits().request_timeout);
        auto r_head = co_await http::async_write_header(stream, sr, no_throw);
        wec = std::get<0>(r_head);
      } else if (body_out) {
        wec = co_await write_streamed(stream, res, *body_out);
      } else {
        lowest.expires_after(limits().request_timeout);
        auto r_wec = co_await http::async_write(stream, res, no_throw);
        wec = std::get<0>(r_wec);
      }
      log_access(request_id, user, client, req, route_name, res, started);
      if (wec) {
        fail(wec, "write", client);
        co_return;
      }
      if (!res.keep_alive()) co_return;
    }
  }
};

http_server::http_server(application& app)
    : app_(app),
      contexts_([&] {
        std::vector<std::unique_ptr<asio::io_context>> out;
        for (int i = 0; i < std::max(1, app.cfg().limits.network_threads); ++i)
          out.push_back(std::make_unique<asio::io_context>(1));
        return out;
      }()),
      ioc_(*contexts_.front()),
      workers_(static_cast<std::size_t>(app.cfg().limits.worker_threads)),
      acceptor_(ioc_),
      sweep_timer_(ioc_) {
  const auto& listen = app.cfg().listen;
  if (listen.plain_http)
    spdlog::warn(
        "serving plain HTTP on {}:{}: only do this behind a reverse proxy that terminates TLS",
        listen.address, listen.port);
  else
    tls_.emplace(make_tls_context(listen.certificate, listen.private_key));
  tcp::endpoint endpoint{asio::ip::make_address(listen.address), listen.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  if (!spdlog::get("access")) spdlog::stderr_logger_mt("access");
}

asio::io_context& http_server::next_context() {
  return *contexts_[next_++ % contexts_.size()];
}

http_server::~http_server() {
  stop();
}

void http_server::start() {
  accept_loop_start();
  sweep_loop_start();
  for (auto& c : contexts_) guards_.push_back(asio::make_work_guard(*c));
  for (std::size_t i = 0; i < contexts_.size(); ++i)
    threads_.emplace_back([this, i] { contexts_[i]->run(); });
  spdlog::info("parix listening on {}://{}:{}", tls_ ? "https" : "http", app_.cfg().listen.address,
               port_);
}

void http_server::accept_loop_start() {
  static request_ids ids;
  asio::co_spawn(
      acceptor_.get_executor(),
      [this]() -> asio::awaitable<void> {
        for (;;) {
          // Each network context runs on one thread: its executor is already a strand.
          const asio::any_io_executor home = next_context().get_executor();
          auto r_ec = co_await acceptor_.async_accept(home, no_throw);
          auto ec = std::get<0>(r_ec);
          auto socket = std::move(std::get<1>(r_ec));
          if (ec) {
            if (stopping_ || ec == asio::error::operation_aborted) co_return;
            spdlog::warn("accept failed: {}", ec.message());
            continue;
          }
          boost::system::error_code aec;
          auto remote = socket.remote_endpoint(aec);
          std::string client = aec ? "unknown" : remote.address().to_string();
          if (app_.metrics().open_connections() >= app_.cfg().limits.max_connections) {
            spdlog::warn("refusing connection from {}: {} connections open", client,
                         app_.metrics().open_connections());
            continue;  // the socket closes as it goes out of scope
          }
          auto conn = std::make_shared<connection>();
          conn->home = socket.get_executor();
          {
            std::lock_guard lock{connections_mutex_};
            connections_.insert(conn);
          }
          app_.metrics().connection_opened();
          auto done = [this, conn](std::exception_ptr) {
            app_.metrics().connection_closed();
            std::lock_guard lock{connections_mutex_};
            connections_.erase(conn);
          };
          session_runner runner{*this, ids};
          auto ex = conn->home;
          if (tls_) {
            asio::co_spawn(
                ex,
                [runner, s = tls_stream{std::move(socket), *tls_}, conn,
                 client]() mutable -> asio::awaitable<void> {
                  session_runner r = runner;
                  co_await r.serve(std::move(s), conn, client);
                },
                done);
          } else {
            asio::co_spawn(
                ex,
                [runner, s = beast::tcp_stream{std::move(socket)}, conn,
                 client]() mutable -> asio::awaitable<void> {
                  session_runner r = runner;
                  co_await r.serve(std::move(s), conn, client);
                },
                done);
          }
        }
      },
      asio::detached);
}

// Deadlines and window close times are also enforced lazily on every access to a
// file; this loop makes them happen on time even when nobody looks.
void http_server::sweep_loop_start() {
  asio::co_spawn(
      ioc_,
      [this]() -> asio::awaitable<void> {
        while (!stopping_) {
          sweep_timer_.expires_after(std::chrono::seconds{15});
          auto r_wait = co_await sweep_timer_.async_wait(no_throw);
          if (std::get<0>(r_wait) || stopping_) co_return;
          try {
            const int moved = co_await asio::co_spawn(
                workers_.get_executor(),
                [this]() -> asio::awaitable<int> { co_return app_.tick(); }, asio::use_awaitable);
            if (moved > 0) spdlog::info("deadline sweep: {} assessments moved by the clock", moved);
          } catch (const std::exception& e) {
            spdlog::error("deadline sweep failed: {}", e.what());
          }
        }
      },
      asio::detached);
}

void http_server::begin_shutdown() {
  if (stopping_.exchange(true)) return;
  asio::post(ioc_, [this] { sweep_timer_.cancel(); });
  spdlog::info("shutting down: no new connections; finishing requests in flight");
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  std::lock_guard lock{connections_mutex_};
  for (const auto& conn : connections_)
    asio::post(conn->home, [conn] {
      if (conn->idle && conn->cancel) conn->cancel();
    });
}

void http_server::stop() {
  if (stopped_.exchange(true)) return;
  begin_shutdown();
  auto open = [this] {
    std::lock_guard lock{connections_mutex_};
    return connections_.size();
  };
  const auto deadline = std::chrono::steady_clock::now() + app_.cfg().limits.shutdown_grace;
  while (open() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (open() > 0) {
    spdlog::warn("shutdown grace over: closing {} connections", open());
    std::lock_guard lock{connections_mutex_};
    for (const auto& conn : connections_)
      asio::post(conn->home, [conn] {
        if (conn->cancel) conn->cancel();
      });
  }
  const auto hard_deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (open() > 0 && std::chrono::steady_clock::now() < hard_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  guards_.clear();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  workers_.join();
  spdlog::info("stopped");
  if (auto access = spdlog::get("access")) access->flush();
  spdlog::default_logger()->flush();
}

void http_server::run_until_signal() {
  asio::io_context signal_ioc;
  asio::signal_set signals{signal_ioc, SIGINT, SIGTERM};
  signals.async_wait(
      [](const boost::system::error_code&, int sig) { spdlog::info("received signal {}", sig); });
  start();
  signal_ioc.run();
  stop();
}

}  // namespace parix::server
