// The request pipeline between the connection and the handlers: route, authenticate,
// check CSRF and permission, run the handler, turn every failure into problem+json.
// Synchronous; the connection decides which thread runs it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/url/url_view.hpp>

#include "server/application.hpp"
#include "server/http.hpp"
#include "server/problem.hpp"
#include "server/router.hpp"

namespace parix::server {

// The outcome of routing a request line, known before its body is read.
struct routed {
  std::optional<boost::urls::url_view> target;  // views the request's target string
  std::vector<std::string> segments;            // decoded path segments
  router::match match;
  std::optional<api_error> error;  // 400 bad target, 404, 405
};

// Thread-safe. target must outlive the result.
routed route_request(const router& r, http::verb method, std::string_view target);

// Runs a request whose route was found. Blocking (authentication reads the database);
// call it on a worker thread unless the route is public and runs_on::network.
// user is set to the authenticated username for the access log.
// body_out, when given, receives the handler's streamed body (a download), if any.
response handle_request(services& app, const request& req, routed& route,
                        const std::string& client_address, const std::string& request_id,
                        language lang, std::string& user,
                        std::unique_ptr<body_source>* body_out = nullptr);

// For a route with a stream handler: authenticates and authorises, then asks the route
// for its body sink. On a refusal returns null and sets refusal (problem+json).
std::unique_ptr<body_sink> begin_stream(services& app, const request& req, routed& route,
                                        const std::string& client_address,
                                        const std::string& request_id, language lang,
                                        std::string& user, std::optional<response>& refusal);

// What a problem response needs to know of its request.
struct request_info {
  language lang;
  unsigned version;
  bool keep_alive;
  std::string path;
  std::string request_id;
};
// Runs work; any exception becomes problem+json (api_error as it says, a storage
// failure 503/500, anything else 500 with the request id), logged without secrets.
response guarded(const request_info& info, const std::function<response()>& work);

// Whether handle_request may run on a network thread for this route.
bool runs_inline(const routed& r) noexcept;

inline constexpr std::string_view session_cookie = "__Host-parix_session";

}  // namespace parix::server
