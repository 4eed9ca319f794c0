// Administration of users and their API tokens.
#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"

namespace parix::server {
namespace {

using auth::permission;

// Every placeholder a user error may need, so each problem text is complete.
message_args user_args(const request_context& ctx, std::string_view username, std::string_view role,
                       std::string_view unit) {
  return {{"username", std::string{username}},
          {"role", std::string{role}},
          {"unit", std::string{unit}},
          {"field", "unit"},
          {"min", std::to_string(ctx.app.hasher.config().min_length)},
          {"max", std::to_string(ctx.app.hasher.config().max_length)}};
}

response list_users(request_context& ctx) {
  boost::json::array out;
  for (const auto& v : ctx.app.users.list()) out.push_back(user_json(v));
  return json_response(ctx, {{"users", out}});
}

// Without a password the server makes a one-time password, answered here once (and
// never again): the user must replace it at first sign-in.
response create_user(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"username", "display_name", "role", "unit", "password"});
  auth::new_user u;
  u.username = required_string(body, "username");
  u.display_name = optional_string(body, "display_name").value_or("");
  u.role = required_string(body, "role");
  u.unit_code = optional_string(body, "unit");
  u.password = optional_string(body, "password").value_or("");
  if (body.contains("password") && u.password.empty())
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "password"},
                     {"expected", "a password, or no field at all for a one-time password"}},
                    {{"field", "password"}}};
  std::string one_time;
  auto r = ctx.app.users.create(ctx.who(), u, &one_time);
  if (!r) throw error_from(r.error(), user_args(ctx, u.username, u.role, u.unit_code.value_or("")));
  auto o = user_json(*r);
  if (!one_time.empty()) o["password"] = one_time;
  auto res = json_response(ctx, o, http::status::created, r->user.version);
  res.set(http::field::location, "/api/v1/users/" + std::to_string(r->user.id));
  return res;
}

// Many users from CSV, each with a one-time password answered here once.
response import_users(request_context& ctx) {
  require_csv(ctx);
  std::vector<storage::import_problem> problems;
  auto r = ctx.app.users.import_csv(ctx.who(), ctx.req.body(), &problems);
  if (!r && r.error() == auth::errc::invalid_import) throw import_refusal(r.error(), problems);
  if (!r) throw error_from(r.error(), user_args(ctx, "", "", ""));
  boost::json::array users;
  for (const auto& u : *r) {
    auto o = user_json(u.view);
    o["password"] = u.password;
    users.push_back(std::move(o));
  }
  return json_response(ctx, {{"created", users}}, http::status::created);
}

response get_user(request_context& ctx) {
  auto r = ctx.app.users.get(ctx.id_param("id"));
  if (!r) throw error_from(r.error());
  return json_response(ctx, user_json(*r), http::status::ok, r->user.version);
}

// A stale If-Match answers 412 with the current state, so the client can show
// what changed instead of silently overwriting it.
[[noreturn]] void throw_stale(request_context& ctx, std::int64_t id) {
  auto current = ctx.app.users.get(id);
  if (!current) throw error_from(current.error());
  api_error e{http::status::precondition_failed,
              "stale_version",
              {{"etag", etag_of(current->user.version)}},
              {{"current", user_json(*current)}}};
  e.with_header(http::field::etag, etag_of(current->user.version));
  throw e;
}

response update_user(request_context& ctx) {
  const auto id = ctx.id_param("id");
  const auto version = ctx.if_match_version();
  auto body = ctx.json();
  only_fields(body, {"display_name", "role", "unit", "disabled"});
  auth::user_changes changes;
  changes.display_name = optional_string(body, "display_name");
  changes.role = optional_string(body, "role");
  if (body.contains("unit")) changes.unit_code = optional_string(body, "unit");
  changes.disabled = optional_bool(body, "disabled");
  auto r = ctx.app.users.update(ctx.who(), id, version, changes);
  if (!r && r.error() == auth::errc::stale_version) throw_stale(ctx, id);
  if (!r)
    throw error_from(r.error(),
                     user_args(ctx, "", changes.role.value_or(""),
                               changes.unit_code && *changes.unit_code ? **changes.unit_code : ""));
  return json_response(ctx, user_json(*r), http::status::ok, r->user.version);
}

response set_password(request_context& ctx) {
  const auto id = ctx.id_param("id");
  auto body = ctx.json();
  only_fields(body, {"password"});
  auto r = ctx.app.users.set_password(ctx.who(), id, required_string(body, "password"));
  if (!r) throw error_from(r.error(), user_args(ctx, "", "", ""));
  return no_content(ctx);
}

response list_tokens(request_context& ctx) {
  auto r = ctx.app.users.list_api_tokens(ctx.id_param("id"));
  if (!r) throw error_from(r.error());
  boost::json::array out;
  for (const auto& t : *r) out.push_back(api_token_json(t));
  return json_response(ctx, {{"tokens", out}});
}

response create_token(request_context& ctx) {
  const auto id = ctx.id_param("id");
  auto body = ctx.json();
  only_fields(body, {"name", "expires_in_days"});
  const auto name = required_string(body, "name");
  if (name.empty() || name.size() > 200)
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "name"}, {"expected", "1–200 characters"}}};
  std::optional<auth::clock::time_point> expires;
  if (auto days = optional_integer(body, "expires_in_days")) {
    if (*days <= 0 || *days > 3650)
      throw api_error{http::status::bad_request,
                      "invalid_field",
                      {{"field", "expires_in_days"}, {"expected", "1–3650"}}};
    expires = ctx.app.clock.now() + std::chrono::days{*days};
  }
  auto r = ctx.app.users.create_api_token(ctx.who(), id, name, expires);
  if (!r) throw error_from(r.error());
  auto o = api_token_json(r->record);
  o["token"] = r->token;
  return json_response(ctx, o, http::status::created);
}

response revoke_token(request_context& ctx) {
  auto r = ctx.app.users.revoke_api_token(ctx.who(), ctx.id_param("id"), ctx.id_param("token_id"));
  if (!r) throw error_from(r.error());
  return no_content(ctx);
}

}  // namespace

void add_user_routes(router& r) {
  r.add({http::verb::get, "/api/v1/users", permission::read_users, list_users});
  r.add({http::verb::post, "/api/v1/users", permission::create_users, create_user});
  r.add({http::verb::post, "/api/v1/users/import", permission::create_users, import_users});
  r.add({http::verb::get, "/api/v1/users/{id}", permission::read_users, get_user});
  r.add({http::verb::patch, "/api/v1/users/{id}", permission::manage_users, update_user});
  r.add({http::verb::put, "/api/v1/users/{id}/password", permission::manage_users, set_password});
  r.add({http::verb::get, "/api/v1/users/{id}/tokens", permission::manage_users, list_tokens});
  r.add({http::verb::post, "/api/v1/users/{id}/tokens", permission::manage_users, create_token});
  r.add({http::verb::delete_, "/api/v1/users/{id}/tokens/{token_id}", permission::manage_users,
         revoke_token});
}

}  // namespace parix::server
