// Routing, authentication, CSRF, permissions and error mapping for one request.
#include "server/dispatch.hpp"

#include <spdlog/spdlog.h>
#include <boost/url/parse.hpp>

#include "storage/error.hpp"

namespace parix::server {
namespace {

std::string allow_list(const std::vector<http::verb>& verbs) {
  std::string out;
  for (auto v : verbs) {
    if (!out.empty()) out += ", ";
    out += std::string{http::to_string(v)};
  }
  return out;
}

// The token from "Authorization: Bearer …", or from the session cookie.
struct presented {
  std::string token;
  bool from_cookie = false;
};

std::optional<presented> credentials_of(const request& req) {
  auto authz = req[http::field::authorization];
  if (authz.size() > 7 && boost::beast::iequals(authz.substr(0, 7), "Bearer ")) {
    auto token = authz.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (!token.empty()) return presented{std::string{token}, false};
  }
  for (auto it = req.find(http::field::cookie);
       it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view cookies = it->value();
    while (!cookies.empty()) {
      auto semi = cookies.find(';');
      auto pair = cookies.substr(0, semi);
      cookies = semi == std::string_view::npos ? std::string_view{} : cookies.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == session_cookie &&
          eq + 1 < pair.size())
        return presented{std::string{pair.substr(eq + 1)}, true};
    }
  }
  return std::nullopt;
}

bool unsafe(http::verb v) {
  return v != http::verb::get && v != http::verb::head && v != http::verb::options;
}

// CSRF defence for cookie-authenticated writes: the browser's Origin must be ours.
// SameSite=Strict already keeps the cookie off cross-site requests; this is the
// second lock for browsers that do not honour it.
void check_origin(const services& app, const request& req) {
  const std::string expected = app.cfg.listen.public_origin.empty()
                                   ? "https://" + std::string{req[http::field::host]}
                                   : app.cfg.listen.public_origin;
  auto origin = req[http::field::origin];
  if (origin.empty() || origin != expected)
    throw api_error{http::status::forbidden, "csrf_rejected", {{"origin", expected}}};
}

}  // namespace

routed route_request(const router& r, http::verb method, std::string_view target) {
  routed out;
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    out.error = api_error{http::status::bad_request, "bad_request", {{"reason", "request target"}}};
    return out;
  }
  out.target = *parsed;
  for (auto seg : out.target->segments()) out.segments.push_back(seg);
  out.match = r.find(method, out.segments);
  if (out.match.found) return out;
  const std::string path{out.target->path()};
  if (out.match.allowed.empty()) {
    out.error = api_error{http::status::not_found, "not_found", {{"path", path}}};
  } else {
    const std::string allow = allow_list(out.match.allowed);
    out.error = api_error{
        http::status::method_not_allowed,
        "method_not_allowed",
        {{"path", path}, {"method", std::string{http::to_string(method)}}, {"allow", allow}}};
    out.error->with_header(http::field::allow, allow);
  }
  return out;
}

bool runs_inline(const routed& r) noexcept {
  return r.match.found && r.match.found->where == runs_on::network &&
         r.match.found->permission == auth::permission::public_access;
}

namespace {

// Authentication, CSRF and the route's permission. Throws api_error.
void authorize(services& app, const request& req, const route& rt, request_context& ctx,
               std::string& user) {
  if (rt.permission == auth::permission::public_access) return;
  auto creds = credentials_of(req);
  if (!creds) throw api_error{http::status::unauthorized, "unauthenticated"};
  auto a = app.sessions.authenticate(creds->token, ctx.client_address);
  if (!a) throw error_from(a.error());
  ctx.actor = std::move(*a);
  user = ctx.actor->username;
  if (creds->from_cookie && unsafe(req.method())) check_origin(app, req);
  if (!auth::has_permission(ctx.actor->role, rt.permission))
    throw api_error{http::status::forbidden,
                    "forbidden",
                    {{"role", std::string{auth::to_string(ctx.actor->role)}},
                     {"permission", std::string{auth::to_string(rt.permission)}}}};
  // A one-time password is replaced before anything else: only the routes every
  // signed-in user has (their profile, sign-out, the password change) stay open.
  if (ctx.actor->profile.user.must_change_password &&
      rt.permission != auth::permission::authenticated)
    throw error_from(auth::errc::password_change_required);
}

request_context context_for(services& app, const request& req, routed& routing,
                            const std::string& client_address, const std::string& request_id,
                            language lang) {
  return {req,
          *routing.target,
          std::move(routing.match.params),
          request_id,
          client_address,
          lang,
          std::nullopt,
          app};
}

}  // namespace

response guarded(const request_info& info, const std::function<response()>& work) {
  try {
    return work();
  } catch (api_error& e) {
    if (e.status == http::status::unauthorized)
      e.with_header(http::field::www_authenticate, "Bearer realm=\"parix\"");
    return to_problem(e, info.lang, info.version, info.keep_alive, info.path, info.request_id);
  } catch (const storage::error& e) {
    spdlog::error("request {}: storage error: {}", info.request_id, e.what());
    api_error problem{http::status::internal_server_error, "internal_error"};
    if (e.kind() == storage::failure::busy)
      problem = api_error{http::status::service_unavailable, "busy"};
    else if (e.kind() == storage::failure::unsynced)
      problem = api_error{http::status::service_unavailable, "storage_failed"};
    else if (e.kind() == storage::failure::full)
      problem = api_error{http::status::insufficient_storage, "storage_full"};
    return to_problem(problem, info.lang, info.version, false, info.path, info.request_id);
  } catch (const std::exception& e) {
    spdlog::error("request {}: unhandled exception: {}", info.request_id, e.what());
    return to_problem(api_error{http::status::internal_server_error, "internal_error"}, info.lang,
                      info.version, false, info.path, info.request_id);
  }
}

response handle_request(services& app, const request& req, routed& routing,
                        const std::string& client_address, const std::string& request_id,
                        language lang, std::string& user, std::unique_ptr<body_source>* body_out) {
  const route& rt = *routing.match.found;
  request_context ctx = context_for(app, req, routing, client_address, request_id, lang);
  const request_info info{lang, req.version(), req.keep_alive(), ctx.target.path(), request_id};
  return guarded(info, [&] {
    authorize(app, req, rt, ctx, user);
    response res = rt.handle(ctx);
    if (ctx.actor && user.empty()) user = ctx.actor->username;
    if (body_out) *body_out = std::move(ctx.body_out);
    return res;
  });
}

std::unique_ptr<body_sink> begin_stream(services& app, const request& req, routed& routing,
                                        const std::string& client_address,
                                        const std::string& request_id, language lang,
                                        std::string& user, std::optional<response>& refusal) {
  const route& rt = *routing.match.found;
  request_context ctx = context_for(app, req, routing, client_address, request_id, lang);
  const request_info info{lang, req.version(), false, ctx.target.path(), request_id};
  std::unique_ptr<body_sink> sink;
  response res = guarded(info, [&] {
    authorize(app, req, rt, ctx, user);
    sink = rt.stream(ctx);
    return response{};
  });
  if (!sink) refusal = std::move(res);
  return sink;
}

}  // namespace parix::server
