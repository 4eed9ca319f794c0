// Errors at the HTTP boundary: api_error carries a status and a stable problem code;
// to_problem() renders RFC 9457 application/problem+json in the client's language.
// Every domain error code is mapped to a status and problem code in one table here.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "server/http.hpp"
#include "server/messages.hpp"

namespace parix::server {

class api_error : public std::runtime_error {
 public:
  api_error(http::status s, std::string problem_code, message_args message = {},
            boost::json::object extra = {})
      : std::runtime_error(problem_code),
        status(s),
        code(std::move(problem_code)),
        args(std::move(message)),
        extensions(std::move(extra)) {}

  api_error& with_header(http::field f, std::string value) {
    headers.emplace_back(std::string{http::to_string(f)}, std::move(value));
    return *this;
  }
  api_error& with_header(std::string_view name, std::string value) {
    headers.emplace_back(std::string{name}, std::move(value));
    return *this;
  }

  http::status status;
  std::string code;
  message_args args;
  boost::json::object extensions;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The api_error for a domain error code (auth::errc, and later workflow::errc).
// An unmapped code becomes a 500 internal_error.
api_error error_from(const boost::system::error_code& ec, message_args args = {});

// A problem+json response. instance is the request path; request_id is echoed.
response to_problem(const api_error& e, language l, unsigned version, bool keep_alive,
                    std::string_view instance, std::string_view request_id);

}  // namespace parix::server
