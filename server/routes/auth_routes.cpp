// Sign-in, sign-out, the signed-in user and their password.
#include <fmt/format.h>

#include "server/application.hpp"
#include "server/client_address.hpp"
#include "server/dispatch.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"

namespace parix::server {
namespace {

using auth::permission;

// Session cookie per RFC 6265bis: __Host- binds it to this origin, path / and Secure.
std::string session_cookie_value(const std::string& token, std::chrono::seconds max_age) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict", session_cookie,
                     token, max_age.count());
}

message_args password_rules(const request_context& ctx) {
  return {{"min", std::to_string(ctx.app.hasher.config().min_length)},
          {"max", std::to_string(ctx.app.hasher.config().max_length)}};
}

response login(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"username", "password"});
  const auto username = required_string(body, "username");
  const auto password = required_string(body, "password");
  std::chrono::seconds retry_after{0};
  // Throttling counts per client: behind a trusted proxy, the one it names.
  ctx.client_address =
      client_address(ctx.client_address, ctx.req, ctx.app.cfg.listen.trusted_proxies);
  auto r = ctx.app.sessions.login(username, password, ctx.client_address, &retry_after);
  if (!r) {
    auto e = error_from(r.error(), {{"seconds", std::to_string(retry_after.count())}});
    if (r.error() == auth::errc::login_throttled || r.error() == auth::errc::login_in_progress) {
      e.with_header(http::field::retry_after, std::to_string(retry_after.count()));
      e.extensions["retry_after"] = retry_after.count();
    }
    throw e;
  }
  auto view = ctx.app.users.get(r->user.id);
  boost::json::object out{{"token", r->token},
                          {"expires_at", iso_utc(storage::to_millis(r->expires_at))},
                          {"idle_timeout_seconds", ctx.app.sessions.config().idle_timeout.count()},
                          {"user", view ? boost::json::value(user_json(*view)) : nullptr}};
  auto res = json_response(ctx, out);
  res.set(http::field::set_cookie,
          session_cookie_value(r->token, ctx.app.sessions.config().absolute_timeout));
  return res;
}

response logout(request_context& ctx) {
  ctx.app.sessions.logout(ctx.who());
  auto res = no_content(ctx);
  res.set(http::field::set_cookie, session_cookie_value("", std::chrono::seconds{0}));
  return res;
}

response me(request_context& ctx) {
  const auto& profile = ctx.who().profile;
  auto o = user_json(profile);
  o["credential"] = ctx.who().via == auth::credential::api_token ? "api_token" : "session";
  return json_response(ctx, o, http::status::ok, profile.user.version);
}

response change_password(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"current_password", "new_password"});
  const auto current = required_string(body, "current_password");
  const auto replacement = required_string(body, "new_password");
  auto r = ctx.app.sessions.change_password(ctx.who(), current, replacement);
  if (!r) {
    auto args = password_rules(ctx);
    args.emplace_back("etag", etag_of(ctx.who().profile.user.version));
    throw error_from(r.error(), args);
  }
  auto res = no_content(ctx);
  res.set(http::field::set_cookie, session_cookie_value("", std::chrono::seconds{0}));
  return res;
}

}  // namespace

void add_auth_routes(router& r) {
  r.add({http::verb::post, "/api/v1/auth/login", permission::public_access, login});
  r.add({http::verb::post, "/api/v1/auth/logout", permission::authenticated, logout});
  r.add({http::verb::get, "/api/v1/me", permission::authenticated, me});
  r.add({http::verb::put, "/api/v1/me/password", permission::authenticated, change_password});
}

}  // namespace parix::server
