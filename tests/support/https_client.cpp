// Test HTTPS client.
#include "tests/support/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace parix::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Every refusal any server test receives is checked here: a problem text with a
// placeholder left unfilled ("\"{score}\" is not a valid score") fails the test that got it.
void expect_complete_problem_text(const reply& r) {
  if (r.header("content-type").rfind("application/problem+json", 0) != 0) return;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) return;
  for (const char* key : {"title", "detail"}) {
    const auto* text = v.as_object().if_contains(key);
    if (!text || !text->is_string()) continue;
    const std::string_view t = text->as_string();
    for (auto open = t.find('{'); open != std::string_view::npos; open = t.find('{', open + 1)) {
      auto close = t.find('}', open);
      if (close == std::string_view::npos) break;
      auto name = t.substr(open + 1, close - open - 1);
      if (!name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == name.npos)
        ADD_FAILURE() << "a problem text with the placeholder {" << name
                      << "} left unfilled: " << r.body;
    }
  }
}

}  // namespace

boost::json::value reply::json() const {
  return boost::json::parse(body);
}

std::string reply::header(const std::string& name) const {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

struct https_client::impl {
  unsigned short port;
  bool tls;
  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_stream;
  std::unique_ptr<beast::tcp_stream> plain_stream;
  beast::flat_buffer buffer;

  void connect() {
    buffer.clear();
    tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
    if (tls) {
      ctx.set_verify_mode(asio::ssl::verify_none);  // the tests' own self-signed certificate
      tls_stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx);
      beast::get_lowest_layer(*tls_stream).connect(ep);
      SSL_set_tlsext_host_name(tls_stream->native_handle(), "localhost");
      tls_stream->handshake(asio::ssl::stream_base::client);
    } else {
      plain_stream = std::make_unique<beast::tcp_stream>(ioc);
      plain_stream->connect(ep);
    }
  }
  bool connected() const { return tls ? tls_stream != nullptr : plain_stream != nullptr; }
  void drop() {
    tls_stream.reset();
    plain_stream.reset();
  }

  template <class F>
  auto with_stream(F&& f) {
    if (tls) return f(*tls_stream);
    return f(*plain_stream);
  }
};

https_client::https_client(unsigned short port, bool tls) : impl_(std::make_unique<impl>()) {
  impl_->port = port;
  impl_->tls = tls;
}

https_client::~https_client() = default;
https_client::https_client(https_client&&) noexcept = default;
https_client& https_client::operator=(https_client&&) noexcept = default;

void https_client::close() {
  impl_->drop();
}

reply https_client::request(http::verb method, const std::string& target, const std::string& body,
                            const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  if (token_) req.set(http::field::authorization, "Bearer " + *token_);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    if (!impl_->connected()) impl_->connect();
    beast::error_code ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);           // rankings of large campaigns are big
    parser.skip(method == http::verb::head);  // a response to HEAD has no body
    impl_->with_stream([&](auto& s) {
      http::write(s, req, ec);
      if (!ec) http::read(s, impl_->buffer, parser, ec);
      return 0;
    });
    auto res = parser.release();
    if (ec) {
      impl_->drop();
      // A kept-alive connection the server closed meanwhile: try once on a new one.
      if (attempt == 0) continue;
      throw beast::system_error{ec};
    }
    reply r;
    r.status = res.result_int();
    for (const auto& f : res) {
      std::string name;
      for (char c : f.name_string())
        name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      auto& slot = r.headers[name];
      slot += (slot.empty() ? "" : "\n") + std::string{f.value()};
    }
    r.body = std::move(res.body());
    if (!res.keep_alive()) impl_->drop();
    expect_complete_problem_text(r);
    return r;
  }
}

reply https_client::send_json(http::verb method, const std::string& target,
                              const boost::json::value& body,
                              std::map<std::string, std::string> headers) {
  headers.emplace("Content-Type", "application/json");
  return request(method, target, boost::json::serialize(body), headers);
}

reply https_client::post_json(const std::string& target, const boost::json::value& body,
                              std::map<std::string, std::string> headers) {
  return send_json(http::verb::post, target, body, std::move(headers));
}

reply https_client::login(const std::string& username, const std::string& password) {
  token_.reset();
  auto r = post_json("/api/v1/auth/login", {{"username", username}, {"password", password}});
  if (r.status == 200) token_ = std::string{r.json().at("token").as_string()};
  return r;
}

}  // namespace parix::testing
