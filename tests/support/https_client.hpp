// A small synchronous HTTPS client for tests, speaking to the real server over
// loopback with Beast and OpenSSL. One connection, kept alive between requests.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "server/http.hpp"

namespace parix::testing {

struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by "\n"
  std::string body;

  boost::json::value json() const;  // throws if the body is not JSON
  std::string header(const std::string& name) const;
};

class https_client {
 public:
  // tls=false speaks plain HTTP (for a server configured that way).
  explicit https_client(unsigned short port, bool tls = true);
  ~https_client();
  https_client(https_client&&) noexcept;
  https_client& operator=(https_client&&) noexcept;

  // Sends one request; reconnects when the server closed the connection.
  // Headers given here are added to the default ones (Host, and Authorization when
  // a token is set).
  reply request(server::http::verb method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {});
  reply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request(server::http::verb::get, target, "", headers);
  }
  // JSON body with Content-Type application/json.
  reply post_json(const std::string& target, const boost::json::value& body,
                  std::map<std::string, std::string> headers = {});
  reply send_json(server::http::verb method, const std::string& target,
                  const boost::json::value& body, std::map<std::string, std::string> headers = {});

  // Logs in and keeps the bearer token for later requests. Returns the reply.
  reply login(const std::string& username, const std::string& password);
  void set_token(std::optional<std::string> token) { token_ = std::move(token); }
  const std::optional<std::string>& token() const { return token_; }
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::optional<std::string> token_;
};

}  // namespace parix::testing
