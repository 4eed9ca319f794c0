// The one table from domain error codes to HTTP, and problem+json rendering.
#include "server/problem.hpp"

#include <boost/json/serialize.hpp>

#include "auth/errc.hpp"

namespace parix::server {
namespace {

struct mapping {
  const boost::system::error_category* category;
  int value;
  http::status status;
  std::string_view code;
};

const mapping& lookup(const boost::system::error_code& ec) {
  using auth::errc;
  using s = http::status;
  static const boost::system::error_category& a = auth::auth_category();
  static const mapping table[] = {
      {&a, int(errc::bad_credentials), s::unauthorized, "bad_credentials"},
      {&a, int(errc::login_throttled), s::too_many_requests, "login_throttled"},
      {&a, int(errc::account_disabled), s::forbidden, "account_disabled"},
      {&a, int(errc::unauthenticated), s::unauthorized, "unauthenticated"},
      {&a, int(errc::forbidden), s::forbidden, "forbidden"},
      {&a, int(errc::weak_password), s::unprocessable_entity, "weak_password"},
      {&a, int(errc::wrong_password), s::forbidden, "wrong_password"},
      {&a, int(errc::username_taken), s::conflict, "username_taken"},
      {&a, int(errc::invalid_username), s::unprocessable_entity, "invalid_username"},
      {&a, int(errc::invalid_role), s::unprocessable_entity, "invalid_role"},
      {&a, int(errc::unit_required), s::unprocessable_entity, "unit_required"},
      {&a, int(errc::unit_not_allowed), s::unprocessable_entity, "unit_not_allowed"},
      {&a, int(errc::unknown_unit), s::unprocessable_entity, "unknown_unit"},
      {&a, int(errc::user_not_found), s::not_found, "user_not_found"},
      {&a, int(errc::token_not_found), s::not_found, "token_not_found"},
      {&a, int(errc::stale_version), s::precondition_failed, "stale_version"},
      {&a, int(errc::busy), s::service_unavailable, "busy"},
  };
  static const mapping unmapped{nullptr, 0, s::internal_server_error, "internal_error"};
  for (const mapping& m : table)
    if (*m.category == ec.category() && m.value == ec.value()) return m;
  return unmapped;
}

}  // namespace

api_error error_from(const boost::system::error_code& ec, message_args args) {
  const mapping& m = lookup(ec);
  return api_error{m.status, std::string{m.code}, std::move(args)};
}

response to_problem(const api_error& e, language l, unsigned version, bool keep_alive,
                    std::string_view instance, std::string_view request_id) {
  message_args args = e.args;
  args.emplace_back("request_id", std::string{request_id});
  const localized text = message_for(e.code, l, args);
  boost::json::object body;
  body["type"] = "urn:parix:problem:" + e.code;
  body["title"] = text.title;
  body["status"] = static_cast<int>(e.status);
  body["detail"] = text.detail;
  body["code"] = e.code;
  body["instance"] = instance;
  body["request_id"] = request_id;
  for (const auto& [k, v] : e.extensions) body[k] = v;

  response res{e.status, version};
  res.set(http::field::content_type, "application/problem+json; charset=utf-8");
  res.set(http::field::content_language, tag(l));
  for (const auto& [f, v] : e.headers) res.set(f, v);
  res.keep_alive(keep_alive);
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

}  // namespace parix::server
