// What a route handler sees of one request: the message, its parsed target and
// path parameters, the authenticated actor, the language, and the services.
#pragma once

#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/actor.hpp"
#include "server/http.hpp"
#include "server/messages.hpp"

namespace parix::server {

struct services;

// Bytes a handler answers with after the response header, read in pieces on the
// worker pool (a download), never whole in memory. Not thread-safe.
class body_source {
 public:
  virtual ~body_source() = default;
  // Fills out with the next bytes; returns how many (0 only at the end). Blocking.
  virtual std::size_t read(std::span<char> out) = 0;
};

using route_params = std::vector<std::pair<std::string_view, std::string>>;

struct request_context {
  const request& req;
  boost::urls::url_view target;
  route_params params;
  std::string request_id;
  std::string client_address;
  language lang = language::vi;
  std::optional<auth::actor> actor;
  services& app;
  // Set by a handler whose body is streamed (its response's Content-Length says how long).
  std::unique_ptr<body_source> body_out = nullptr;

  // The path parameter {name}; empty if the route has none of that name.
  std::string_view param(std::string_view name) const;
  // {name} as a positive integer id; a 404 not_found api_error otherwise.
  std::int64_t id_param(std::string_view name) const;
  // A query parameter, if present.
  std::optional<std::string> query(std::string_view name) const;
  // The signed-in actor; only routes that are not public call it.
  const auth::actor& who() const;
  // The body as a JSON object. 415 unless Content-Type is application/json, 400
  // malformed_json on a syntax error or invalid UTF-8, 400 invalid_field if the top
  // level is not an object.
  boost::json::object json() const;
  // The version named by If-Match ("v7" → 7). 428 precondition_required when absent,
  // 412 stale_version when it names no version at all.
  std::int64_t if_match_version() const;
};

// Typed reads of JSON fields; each throws a 400 api_error naming the field.
std::string required_string(const boost::json::object& o, std::string_view key);
std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key);
std::optional<bool> optional_bool(const boost::json::object& o, std::string_view key);
std::optional<std::int64_t> optional_integer(const boost::json::object& o, std::string_view key);
// Refuses any key not in allowed, so a typo is not silently ignored.
void only_fields(const boost::json::object& o, std::initializer_list<std::string_view> allowed);
// The same for the query string's parameters (400 unknown_field).
void only_query_parameters(const request_context& ctx,
                           std::initializer_list<std::string_view> allowed);
// The 400 invalid_field api_error for a field or query parameter and what it must be.
class api_error;
api_error invalid_field(std::string_view name, std::string_view expected);

// A 200 (or given status) JSON response; an ETag "v<version>" when version is set.
response json_response(const request_context& ctx, const boost::json::value& body,
                       http::status status = http::status::ok,
                       std::optional<std::int64_t> version = std::nullopt);
response no_content(const request_context& ctx);
std::string etag_of(std::int64_t version);

}  // namespace parix::server
