// Request helpers: parameters, JSON bodies, If-Match, JSON responses.
#include "server/request_context.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "server/problem.hpp"

namespace parix::server {
namespace {

api_error invalid(std::string_view key, std::string_view expected) {
  return api_error{http::status::bad_request,
                   "invalid_field",
                   {{"field", std::string{key}}, {"expected", std::string{expected}}},
                   {{"field", key}}};
}

}  // namespace

std::string_view request_context::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::int64_t request_context::id_param(std::string_view name) const {
  auto text = param(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    throw api_error{http::status::not_found, "not_found", {{"path", std::string{target.path()}}}};
  return id;
}

std::optional<std::string> request_context::query(std::string_view name) const {
  auto query_params = target.params();
  auto it = query_params.find(name);
  if (it == query_params.end()) return std::nullopt;
  return std::string{(*it).value};
}

const auth::actor& request_context::who() const {
  if (!actor) throw api_error{http::status::unauthorized, "unauthenticated"};
  return *actor;
}

boost::json::object request_context::json() const {
  auto type = req[http::field::content_type];
  auto media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!boost::beast::iequals(media, "application/json"))
    throw api_error{http::status::unsupported_media_type,
                    "unsupported_media_type",
                    {{"expected", "application/json"}}};
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  boost::json::parser p{{}, options};
  std::size_t consumed = p.write(req.body(), ec);
  if (ec)
    throw api_error{http::status::bad_request,
                    "malformed_json",
                    {{"offset", std::to_string(consumed)}, {"reason", ec.message()}}};
  boost::json::value v = p.release();
  if (!v.is_object()) throw invalid("/", "object");
  return std::move(v.as_object());
}

std::int64_t request_context::if_match_version() const {
  auto header = req[http::field::if_match];
  if (header.empty()) throw api_error{http::status::precondition_required, "precondition_required"};
  std::string_view v = header;
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 4 && v.front() == '"' && v.back() == '"' && v[1] == 'v') {
    std::int64_t version = 0;
    auto digits = v.substr(2, v.size() - 3);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (ec == std::errc{} && end == digits.data() + digits.size()) return version;
  }
  return -1;  // matches no version: the handler answers 412 with the current state
}

std::string required_string(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null())
    throw api_error{http::status::bad_request,
                    "missing_field",
                    {{"field", std::string{key}}},
                    {{"field", key}}};
  if (!it->value().is_string()) throw invalid(key, "string");
  return std::string{it->value().as_string()};
}

std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) throw invalid(key, "string");
  return std::string{it->value().as_string()};
}

std::optional<bool> optional_bool(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_bool()) throw invalid(key, "boolean");
  return it->value().as_bool();
}

std::optional<std::int64_t> optional_integer(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= INT64_MAX)
    return static_cast<std::int64_t>(it->value().as_uint64());
  throw invalid(key, "integer");
}

api_error invalid_field(std::string_view name, std::string_view expected) {
  return invalid(name, expected);
}

void only_fields(const boost::json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o)
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end())
      throw api_error{http::status::bad_request,
                      "unknown_field",
                      {{"field", std::string{kv.key()}}},
                      {{"field", kv.key()}}};
}

void only_query_parameters(const request_context& ctx,
                           std::initializer_list<std::string_view> allowed) {
  for (const auto& p : ctx.target.params())
    if (std::find(allowed.begin(), allowed.end(), p.key) == allowed.end())
      throw api_error{http::status::bad_request,
                      "unknown_field",
                      {{"field", std::string{p.key}}},
                      {{"field", p.key}}};
}

std::string etag_of(std::int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

response json_response(const request_context& ctx, const boost::json::value& body,
                       http::status status, std::optional<std::int64_t> version) {
  response res{status, ctx.req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  if (version) res.set(http::field::etag, etag_of(*version));
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

response no_content(const request_context& ctx) {
  response res{http::status::no_content, ctx.req.version()};
  res.prepare_payload();
  return res;
}

}  // namespace parix::server
