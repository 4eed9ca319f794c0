// The request pipeline between the connection and the handlers: route, authenticate,
// check CSRF and permission, run the handler, turn every failure into problem+json.
// Synchronous; the connection decides which thread runs it.
#pragma once

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
response handle_request(services& app, const request& req, routed& route,
                        const std::string& client_address, const std::string& request_id,
                        language lang, std::string& user);

// Whether handle_request may run on a network thread for this route.
bool runs_inline(const routed& r) noexcept;

inline constexpr std::string_view session_cookie = "__Host-parix_session";

}  // namespace parix::server
