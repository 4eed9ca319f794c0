// Connections: TLS handshake, reading requests within their timeouts and limits,
// handing them to the pipeline, writing responses, and closing; no exception leaves a
// connection or a network thread.
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
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/await_durable.hpp"
#include "server/dispatch.hpp"
#include "server/request_reader.hpp"
#include "server/routes/json_views.hpp"
#include "server/tls.hpp"

namespace parix::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
// Beast's TLS stream over a tcp_stream, whose timeouts and cancellation apply to every
// read and write the TLS layer makes; its flat_stream layer gathers the small buffers
// of an HTTP header into one TLS record.
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

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

void fail(const boost::system::error_code& ec, const char* what, const std::string& client) {
  if (expected_end(ec)) return;
  spdlog::debug("connection from {}: {}: {}", client, what, ec.message());
}

// Request ids: a random per-process prefix and a counter; unique and cheap.
class request_ids {
 public:
  request_ids() {
    unsigned char b[4];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
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
// 503 when the bodies in flight already hold limits.body_memory.
api_error no_memory_for_body() {
  api_error e{http::status::service_unavailable, "busy"};
  e.with_header(http::field::retry_after, "5");
  return e;
}

// How a request ended the connection's loop, and whether the TLS close may be polite.
enum class next {
  another,      // keep the connection for the next request
  close_clean,  // the exchange ended cleanly: close_notify, then close
  close_dirty,  // a timeout, a TLS or socket error, a peer gone: just close
};

// What the exception path needs to know of the request in progress.
struct in_flight {
  std::string request_id = "-";
  language lang = language::vi;
  unsigned version = 11;
  std::string path;
  bool answered = false;  // a response has started going out: no 500 after it
};

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
  void fault(http_server::stage s, std::string_view target) {
    if (server.faults_) server.faults_(s, target);
  }

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
      const bool clean = co_await run(stream, *conn, client);
      // close_notify both ways is polite after a clean end, and pointless (or a wait for
      // a peer that is gone) after a timeout, a TLS error or a peer that left.
      if (clean) {
        if constexpr (tls) {
          // A stopping server does not wait long for the peer's close_notify.
          lowest.expires_after(server.stopping_
                                   ? std::chrono::milliseconds{tls_shutdown_timeout_when_stopping}
                                   : std::chrono::milliseconds{tls_shutdown_timeout});
          co_await stream.async_shutdown(no_throw);
        } else {
          boost::system::error_code ignored;
          lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
      }
    } catch (const std::exception& e) {
      spdlog::error("connection from {} failed: {}", client, e.what());
    } catch (...) {
      spdlog::error("connection from {} failed: unknown exception", client);
    }
    conn->cancel = nullptr;
    lowest.close();
  }

  // Reads and drops what the client is still sending after a refusal (briefly, up to a
  // cap): closing with unread bytes would reset the connection, and the client might
  // never see the answer it was sent (a tus client needs its 409 to resume). Returns
  // whether the client then closed cleanly.
  template <class Stream>
  asio::awaitable<next> drain(Stream& stream) {
    beast::get_lowest_layer(stream).expires_after(drain_timeout);
    std::array<char, 16384> scratch;
    for (std::size_t drained = 0; drained < drain_limit;) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), no_throw);
      if (ec) co_return ec == asio::error::eof ? next::close_clean : next::close_dirty;
      drained += n;
    }
    co_return next::close_dirty;
  }

  // Runs blocking work on the worker pool and resumes on the connection's thread. An
  // exception thrown there comes back here.
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
                                                            body_source& source,
                                                            std::vector<char>& chunk) {
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
  // the sink is told (finish(false)) so that it keeps what arrived.
  template <class Stream>
  asio::awaitable<next> stream_body(Stream& stream, beast::flat_buffer& buffer,
                                    http::request_parser<http::string_body>& parser, routed& route,
                                    const std::string& client, in_flight& now,
                                    std::chrono::steady_clock::time_point started) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    auto& lowest = beast::get_lowest_layer(stream);
    const std::string& request_id = now.request_id;
    const language lang = now.lang;
    // The header outlives the parser it is moved out of below (for the access log).
    const request req = parser.get();
    const std::string route_name = route.match.found->pattern;
    std::string user;
    auto send = [&](response res) -> asio::awaitable<next> {
      if (!req.keep_alive()) res.keep_alive(false);
      finish(res, request_id, tls);
      lowest.expires_after(limits().request_timeout);
      now.answered = true;
      auto [ec, n] = co_await http::async_write(stream, res, no_throw);
      log_access(request_id, user, client, req, route_name, res, started);
      if (ec) co_return next::close_dirty;
      co_return res.keep_alive() ? next::another : next::close_clean;
    };
    auto refuse = [&](response res) -> asio::awaitable<next> {
      res.keep_alive(false);
      if (co_await send(std::move(res)) == next::close_dirty) co_return next::close_dirty;
      co_return co_await drain(stream);
    };
    std::optional<response> refusal;
    std::unique_ptr<body_sink> sink = co_await on_workers([&] {
      fault(http_server::stage::handling, req.target());
      return begin_stream(app(), req, route, client, request_id, lang, user, refusal);
    });
    if (!sink) co_return co_await refuse(std::move(*refusal));
    // Three pieces: while the next piece is read, the worker pool hashes one and the
    // disk may still be writing the one before (a sink keeps a piece until its next
    // write returns), so that the network, the CPU and the disk work at the same time.
    // A reader running further ahead (four pieces, answers through a channel) measured
    // no faster: docs/benchmarks.md.
    // Several bodies at once keep both cores busy without long pieces: 1 MiB pieces
    // then halve the memory each holds (measured in docs/benchmarks.md). The pieces
    // count against limits.body_memory; when 2 MiB pieces do not fit, 1 MiB ones may.
    struct streaming {
      std::atomic<int>& count;
      explicit streaming(std::atomic<int>& c) : count(c) { ++count; }
      ~streaming() { --count; }
    } const counted{server.bodies_streaming_};
    std::size_t piece_size =
        server.bodies_streaming_ > 2 ? stream_chunk_size / 2 : stream_chunk_size;
    std::optional<body_memory::lease> memory = server.bodies_.try_take(3 * piece_size);
    if (!memory) {
      piece_size = stream_chunk_size / 2;
      memory = co_await server.bodies_.take(3 * piece_size, limits().body_memory_wait);
    }
    const request_info info{lang, req.version(), req.keep_alive(), std::string{req.target()},
                            request_id};
    if (!memory) {
      // Nothing was read: the upload's offset is unchanged, and the client resumes.
      co_await on_workers([&] { return guarded(info, [&] { return sink->finish(false); }); });
      co_return co_await refuse(to_problem(no_memory_for_body(), lang, req.version(), false,
                                           std::string{req.target()}, request_id));
    }
    if (boost::beast::iequals(req[http::field::expect], "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      co_await http::async_write(stream, cont, no_throw);
    }
    std::array<body_piece, 3> pieces{body_piece{piece_size}, body_piece{piece_size},
                                     body_piece{piece_size}};
    auto after = [&](std::size_t i) { return (i + 1) % pieces.size(); };
    using piece_read = std::pair<boost::system::error_code, std::size_t>;
    // With a Content-Length (what tus clients send) the body is read straight into the
    // piece, without the parser's copy; a chunked one goes through Beast's parser.
    const bool chunked = parser.chunked();
    std::uint64_t remaining = parser.content_length().value_or(0);
    http::request_parser<http::buffer_body> body_parser{std::move(parser)};
    body_parser.body_limit(boost::none);  // the sink knows the upload's length
    chunk_counter chunks{std::nullopt, limits().header_limit,
                         [&] { fault(http_server::stage::parsing, req.target()); }};
    chunks.install(body_parser);
    auto body_done = [&] { return chunked ? body_parser.is_done() : remaining == 0; };
    auto read_into = [&](body_piece& into) -> asio::awaitable<piece_read> {
      lowest.expires_after(limits().request_timeout);
      if (chunked) {
        body_parser.get().body().data = into.data();
        body_parser.get().body().size = into.size;
        auto ec = co_await read_rest(stream, buffer, body_parser);
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
        // Keep what arrived whole (the sink fsyncs it).
        co_await on_workers([&, got = got] {
          return guarded(info, [&] {
            if (got > 0) (void)sink->write({pieces[current].data(), got});
            return sink->finish(false);
          });
        });
        fail(ec, "read streamed body", client);
        // A framing error or a chunk line too large still gets its answer; a peer that
        // left or timed out does not.
        if (auto why = refusal_for(ec, read_phase::body, 0, &chunks))
          co_return co_await refuse(
              to_problem(*why, lang, req.version(), false, std::string{req.target()}, request_id));
        co_return next::close_dirty;
      }
      std::optional<response> early;
      piece_read following{};
      if (body_done()) {
        early = co_await take(pieces[current], got);
      } else {
        std::tie(following, early) =
            co_await (read_into(pieces[after(current)]) && take(pieces[current], got));
      }
      if (early) {
        co_await on_workers([&] { return guarded(info, [&] { return sink->finish(false); }); });
        co_return co_await refuse(std::move(*early));
      }
      if (body_done() && following.second == 0) break;
      current = after(current);
      std::tie(ec, got) = following;
    }
    response res =
        co_await on_workers([&] { return guarded(info, [&] { return sink->finish(true); }); });
    co_return co_await send(std::move(res));
  }

  // The connection: handshake, then one request after another until one ends it.
  // Returns whether it ended cleanly (close_notify is then worth sending). An exception
  // from any stage of a request is logged with the request id and answered with 500
  // when no response has started; the connection then closes.
  template <class Stream>
  asio::awaitable<bool> run(Stream& stream, http_server::connection& conn,
                            const std::string& client) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    auto& lowest = beast::get_lowest_layer(stream);
    if constexpr (tls) {
      lowest.expires_after(limits().header_timeout);
      auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, no_throw);
      if (ec) {
        fail(ec, "TLS handshake", client);
        co_return false;
      }
    }
    beast::flat_buffer buffer = make_input_buffer(limits().header_limit);
    for (;;) {
      in_flight now;
      next step = next::close_dirty;
      std::exception_ptr failure;
      try {
        step = co_await serve_request(stream, buffer, conn, client, now);
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) co_return co_await answer_failure(stream, client, now, failure);
      if (step != next::another) co_return step == next::close_clean;
    }
  }

  // After an exception: a line in the log with the request id, a 500 if the client has
  // not been answered yet, and the end of the connection (its state is unknown now).
  template <class Stream>
  asio::awaitable<bool> answer_failure(Stream& stream, const std::string& client,
                                       const in_flight& now, std::exception_ptr failure) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      spdlog::error("request {} from {}: unhandled exception: {}", now.request_id, client,
                    e.what());
    } catch (...) {
      spdlog::error("request {} from {}: unhandled exception", now.request_id, client);
    }
    if (now.answered) co_return false;
    response res = to_problem(api_error{http::status::internal_server_error, "internal_error"},
                              now.lang, now.version, false, now.path, now.request_id);
    finish(res, now.request_id, tls);
    beast::get_lowest_layer(stream).expires_after(limits().request_timeout);
    auto [ec, n] = co_await http::async_write(stream, res, no_throw);
    if (ec) co_return false;
    co_return co_await drain(stream) == next::close_clean;
  }

  // One request: waits for it, reads its header, routes it, reads its body, runs the
  // handler and writes the response.
  template <class Stream>
  asio::awaitable<next> serve_request(Stream& stream, beast::flat_buffer& buffer,
                                      http_server::connection& conn, const std::string& client,
                                      in_flight& now) {
    constexpr bool tls = std::is_same_v<Stream, tls_stream>;
    auto& lowest = beast::get_lowest_layer(stream);
    // Between requests the connection may idle up to idle_timeout; once a request
    // starts, its header must arrive within header_timeout (no slow loris).
    if (buffer.size() == 0) {
      if (server.stopping_) co_return next::close_clean;
      conn.idle = true;
      // An idle keep-alive connection holds no input buffer until its next request.
      buffer.shrink_to_fit();
      lowest.expires_after(limits().idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(
          buffer.prepare(std::min<std::size_t>(4096, buffer.max_size())), no_throw);
      conn.idle = false;
      if (ec) {
        fail(ec, "idle read", client);
        // The peer's close_notify (TLS) or FIN (plain) between requests is a clean end.
        co_return ec == asio::error::eof ? next::close_clean : next::close_dirty;
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
    const auto hec = co_await read_header(stream, buffer, parser);
    request& req = parser.get();
    now.request_id =
        acceptable_request_id(req["X-Request-Id"]) ? std::string{req["X-Request-Id"]} : ids.next();
    now.lang = negotiate_language(req[http::field::accept_language]);
    now.version = req.version() ? req.version() : 11;
    const std::string& request_id = now.request_id;
    const language lang = now.lang;
    auto reply_and_close = [&](api_error e) -> asio::awaitable<next> {
      response res = to_problem(e, lang, 11, false, now.path, request_id);
      finish(res, request_id, tls);
      log_access(request_id, "", client, req, "unmatched", res, started);
      lowest.expires_after(limits().header_timeout);
      now.answered = true;
      auto [ec, n] = co_await http::async_write(stream, res, no_throw);
      if (ec) co_return next::close_dirty;
      co_return co_await drain(stream);
    };
    if (hec) {
      fail(hec, "read header", client);
      if (auto refusal = refusal_for(hec, read_phase::header, 0, nullptr))
        co_return co_await reply_and_close(std::move(*refusal));
      co_return next::close_dirty;
    }
    if (auto refusal = check_framing(req)) co_return co_await reply_and_close(std::move(*refusal));

    routed route = route_request(server.app_.routes(), req.method(), req.target());
    if (route.target) now.path = route.target->path();
    fault(http_server::stage::routing, req.target());
    if (!route.error && route.match.found->stream)
      co_return co_await stream_body(stream, buffer, parser, route, client, now, started);
    const std::uint64_t limit = route.match.found && route.match.found->body_limit
                                    ? route.match.found->body_limit
                                    : limits().json_body_limit;
    parser.body_limit(limit);
    if (parser.content_length() && *parser.content_length() > limit)
      co_return co_await reply_and_close(too_large(limit));
    chunk_counter chunks{limit, limits().header_limit,
                         [&] { fault(http_server::stage::parsing, req.target()); }};
    chunks.install(parser);
    // The body's memory counts against limits.body_memory before a byte of it is read.
    std::optional<body_memory::lease> body_lease;
    if (const std::uint64_t need = parser.chunked() ? limit : parser.content_length().value_or(0);
        need > 0) {
      body_lease = co_await server.bodies_.take(need, limits().body_memory_wait);
      if (!body_lease) co_return co_await reply_and_close(no_memory_for_body());
    }
    if (boost::beast::iequals(req[http::field::expect], "100-continue") && !route.error) {
      http::response<http::empty_body> cont{http::status::continue_, 11};
      co_await http::async_write(stream, cont, no_throw);
    }
    lowest.expires_after(limits().request_timeout);
    if (const auto bec = co_await read_rest(stream, buffer, parser)) {
      fail(bec, "read body", client);
      if (auto refusal = refusal_for(bec, read_phase::body, limit, &chunks))
        co_return co_await reply_and_close(std::move(*refusal));
      co_return next::close_dirty;
    }

    std::string user;
    std::string route_name = route.match.found ? route.match.found->pattern : "unmatched";
    response res;
    std::unique_ptr<body_source> body_out;
    if (route.error) {
      res = to_problem(*route.error, lang, req.version(), req.keep_alive(), now.path, request_id);
    } else if (runs_inline(route)) {
      fault(http_server::stage::handling, req.target());
      res = handle_request(app(), req, route, client, request_id, lang, user);
    } else {
      // A 2xx means durable: the answer waits for its writes' sync, the worker does not.
      const bool defer = route.match.found->commits == commit_wait::by_connection;
      auto& pool = route.match.found->where == runs_on::write_workers ? server.write_workers_
                                                                      : server.workers_;
      auto [answer, unsynced] = co_await async_run_durable(
          pool.get_executor(), app().db, defer,
          [&] {
            fault(http_server::stage::handling, req.target());
            return handle_request(app(), req, route, client, request_id, lang, user, &body_out);
          },
          asio::use_awaitable);
      res = std::move(answer);
      if (unsynced) {
        const request_info info{lang, req.version(), req.keep_alive(), now.path, request_id};
        res = guarded(info, [failed = unsynced]() -> response { std::rethrow_exception(failed); });
      }
    }
    body_lease.reset();                            // the request's body is no longer needed
    if (!req.keep_alive()) res.keep_alive(false);  // the client said Connection: close
    finish(res, request_id, tls);
    // A download's pieces count against limits.body_memory too.
    std::vector<char> chunk;
    std::optional<body_memory::lease> chunk_lease;
    if (body_out && req.method() != http::verb::head) {
      chunk_lease = co_await server.bodies_.take(stream_chunk_size, limits().body_memory_wait);
      if (!chunk_lease) {
        body_out.reset();
        res = to_problem(no_memory_for_body(), lang, req.version(), false, now.path, request_id);
        finish(res, request_id, tls);
      } else {
        chunk.resize(stream_chunk_size);
      }
    }
    fault(http_server::stage::writing, req.target());
    now.answered = true;
    boost::system::error_code wec;
    if (req.method() == http::verb::head) {
      // The header only: what GET would send, without its body (RFC 9110 §9.3.2).
      http::response_serializer<http::string_body> sr{res};
      lowest.expires_after(limits().request_timeout);
      auto [ec, n] = co_await http::async_write_header(stream, sr, no_throw);
      wec = ec;
    } else if (body_out) {
      wec = co_await write_streamed(stream, res, *body_out, chunk);
    } else {
      lowest.expires_after(limits().request_timeout);
      auto [ec, n] = co_await http::async_write(stream, res, no_throw);
      wec = ec;
    }
    log_access(request_id, user, client, req, route_name, res, started);
    if (wec) {
      fail(wec, "write", client);
      co_return next::close_dirty;
    }
    co_return res.keep_alive() ? next::another : next::close_clean;
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
      write_workers_(static_cast<std::size_t>(app.cfg().limits.write_threads)),
      sweeper_(1),
      acceptor_(ioc_),
      sweep_timer_(ioc_),
      bodies_(app.cfg().limits.body_memory) {
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
    threads_.emplace_back([this, i] { run_network_thread(*contexts_[i]); });
  spdlog::info("parix listening on {}://{}:{}", tls_ ? "https" : "http", app_.cfg().listen.address,
               port_);
}

// A network thread. A handler that throws (none should: parsing runs inside the
// connections' coroutines, which catch) ends only its own connection, whose coroutine
// is destroyed as the exception unwinds; the thread logs it and goes on serving the
// others (Asio allows run() to be called again after a handler threw).
void http_server::run_network_thread(asio::io_context& context) {
  for (;;) {
    try {
      context.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("network thread: a handler threw: {}; serving on", e.what());
    } catch (...) {
      spdlog::error("network thread: a handler threw; serving on");
    }
  }
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
            std::lock_guard lock{connections_->mutex};
            connections_->open.insert(conn);
          }
          app_.metrics().connection_opened();
          // Lives as long as the connection's coroutine, however that ends (even when an
          // exception thrown in a handler destroyed it): the connection is then forgotten.
          struct open_connection {
            std::shared_ptr<registry> connections;
            std::shared_ptr<connection> conn;
            server::metrics& counters;
            ~open_connection() {
              conn->cancel = nullptr;
              counters.connection_closed();
              std::lock_guard lock{connections->mutex};
              connections->open.erase(conn);
            }
          };
          // Braces, not make_shared: clang 14 (the fuzzing build) has no parenthesised
          // aggregate initialisation.
          std::shared_ptr<open_connection> open{
              new open_connection{connections_, conn, app_.metrics()}};
          session_runner runner{*this, ids};
          auto ex = conn->home;
          if (tls_) {
            asio::co_spawn(
                ex,
                [runner, s = tls_stream{std::move(socket), *tls_}, conn, client,
                 open]() mutable -> asio::awaitable<void> {
                  session_runner r = runner;
                  co_await r.serve(std::move(s), conn, client);
                },
                asio::detached);
          } else {
            asio::co_spawn(
                ex,
                [runner, s = beast::tcp_stream{std::move(socket)}, conn, client,
                 open]() mutable -> asio::awaitable<void> {
                  session_runner r = runner;
                  co_await r.serve(std::move(s), conn, client);
                },
                asio::detached);
          }
        }
      },
      asio::detached);
}

// Deadlines and window close times are also enforced lazily on every access to a
// file; this loop makes them happen on time even when nobody looks, and makes the moves
// that seal evidence, which a request leaves to it (wake_sweep). It runs on a thread of
// its own: sealing a deadline's files takes minutes for gigabytes of drafts, and when the
// requests that found them due built the archives on the workers, every route (uploads
// included) waited for them (docs/benchmarks.md, deadline day).
void http_server::sweep_loop_start() {
  app_.app().assessments.on_move_left_to_sweep([this] { wake_sweep(); });
  asio::co_spawn(
      ioc_,
      [this]() -> asio::awaitable<void> {
        while (!stopping_) {
          if (!sweep_wanted_.exchange(false)) {
            sweep_timer_.expires_after(std::chrono::seconds{15});
            co_await sweep_timer_.async_wait(no_throw);  // cut short by a wake
            if (stopping_) co_return;
            sweep_wanted_ = false;  // this sweep covers the wake that ended the wait
          }
          try {
            const auto started = std::chrono::steady_clock::now();
            const int moved = co_await asio::co_spawn(
                sweeper_.get_executor(),
                [this]() -> asio::awaitable<int> {
                  if (faults_) faults_(stage::sweeping, "");
                  co_return app_.tick();
                },
                asio::use_awaitable);
            // The time matters to operators: at a deadline it includes sealing the
            // files' evidence, which can take minutes for gigabytes of drafts.
            if (moved > 0)
              spdlog::info("deadline sweep: {} assessments moved by the clock in {:.1f} s", moved,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                               .count());
          } catch (const std::exception& e) {
            spdlog::error("deadline sweep failed: {}", e.what());
          }
        }
      },
      asio::detached);
}

void http_server::wake_sweep() {
  if (sweep_wanted_.exchange(true)) return;  // a wake is already on its way
  // The loop and the timer live on ioc_'s one thread: a wait that starts after this
  // cancel sees sweep_wanted_ first.
  asio::post(ioc_, [this] { sweep_timer_.cancel(); });
}

void http_server::begin_shutdown() {
  if (stopping_.exchange(true)) return;
  asio::post(ioc_, [this] { sweep_timer_.cancel(); });
  spdlog::info("shutting down: no new connections; finishing requests in flight");
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  std::lock_guard lock{connections_->mutex};
  for (const auto& conn : connections_->open)
    asio::post(conn->home, [conn] {
      if (conn->idle && conn->cancel) conn->cancel();
    });
}

void http_server::stop() {
  if (stopped_.exchange(true)) return;
  begin_shutdown();
  auto open = [this] {
    std::lock_guard lock{connections_->mutex};
    return connections_->open.size();
  };
  const auto deadline = std::chrono::steady_clock::now() + app_.cfg().limits.shutdown_grace;
  while (open() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (open() > 0) {
    spdlog::warn("shutdown grace over: closing {} connections", open());
    std::lock_guard lock{connections_->mutex};
    for (const auto& conn : connections_->open)
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
  write_workers_.join();
  sweeper_.join();  // a sweep under way finishes its file moves first
  // No request runs any more; the application may outlive this server.
  app_.app().assessments.on_move_left_to_sweep({});
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
