// Units: list, read, create, change (rename, re-parent, kind, disable) and import from CSV.
#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"

namespace parix::server {
namespace {

using auth::permission;

// Every placeholder a unit error may need, so each problem text is complete.
message_args unit_args(std::string_view code, const std::optional<std::string>& parent,
                       const std::optional<std::string>& kind, std::string origin = "") {
  return {{"code", std::string{code}}, {"unit", std::string{code}},
          {"field", "code"},           {"parent", parent.value_or("")},
          {"kind", kind.value_or("")}, {"origin", std::move(origin)}};
}

// "formed_from": a list of unit codes (the units this one was formed from).
std::optional<std::vector<std::string>> formed_from(const boost::json::object& body) {
  auto it = body.find("formed_from");
  if (it == body.end()) return std::nullopt;
  std::vector<std::string> out;
  if (it->value().is_array())
    for (const auto& v : it->value().as_array()) {
      if (!v.is_string()) {
        out.clear();
        break;
      }
      out.emplace_back(v.as_string());
    }
  if (!it->value().is_array() || out.size() != it->value().as_array().size())
    throw invalid_field("formed_from", "a list of unit codes");
  return out;
}

response list_units(request_context& ctx) {
  boost::json::array out;
  for (const auto& u : ctx.app.units.list()) out.push_back(unit_json(u));
  return json_response(ctx, {{"units", out}});
}

response get_unit(request_context& ctx) {
  const std::string code{ctx.param("code")};
  auto r = ctx.app.units.get(code);
  if (!r) throw error_from(r.error(), unit_args(code, std::nullopt, std::nullopt));
  return json_response(ctx, unit_json(*r), http::status::ok, r->unit.version);
}

response create_unit(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"code", "name", "parent", "kind", "formed_from"});
  auth::new_unit u{required_string(body, "code"), required_string(body, "name"),
                   optional_string(body, "parent"), optional_string(body, "kind"),
                   formed_from(body).value_or(std::vector<std::string>{})};
  std::string bad_origin;
  auto r = ctx.app.units.create(ctx.who(), u, &bad_origin);
  if (!r) throw error_from(r.error(), unit_args(u.code, u.parent, u.kind, bad_origin));
  auto res = json_response(ctx, unit_json(*r), http::status::created, r->unit.version);
  res.set(http::field::location, "/api/v1/units/" + r->unit.code);
  return res;
}

response update_unit(request_context& ctx) {
  const std::string code{ctx.param("code")};
  const auto version = ctx.if_match_version();
  auto body = ctx.json();
  if (body.contains("code"))
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "code"}, {"expected", "absent: a unit's code never changes"}},
                    {{"field", "code"}}};
  only_fields(body, {"name", "parent", "kind", "disabled", "formed_from"});
  auth::unit_changes changes;
  changes.name = optional_string(body, "name");
  if (body.contains("parent")) changes.parent = optional_string(body, "parent");
  if (body.contains("kind")) changes.kind = optional_string(body, "kind");
  changes.disabled = optional_bool(body, "disabled");
  changes.formed_from = formed_from(body);
  std::string bad_origin;
  auto r = ctx.app.units.update(ctx.who(), code, version, changes, &bad_origin);
  if (!r && r.error() == auth::errc::stale_version) {
    // 412 with the current state, so the client can show what changed.
    auto current = ctx.app.units.get(code);
    if (!current) throw error_from(current.error(), unit_args(code, std::nullopt, std::nullopt));
    api_error e{http::status::precondition_failed,
                "stale_version",
                {{"etag", etag_of(current->unit.version)}},
                {{"current", unit_json(*current)}}};
    e.with_header(http::field::etag, etag_of(current->unit.version));
    throw e;
  }
  if (!r)
    throw error_from(r.error(), unit_args(code, changes.parent ? *changes.parent : std::nullopt,
                                          changes.kind ? *changes.kind : std::nullopt, bad_origin));
  return json_response(ctx, unit_json(*r), http::status::ok, r->unit.version);
}

response import_units(request_context& ctx) {
  require_csv(ctx);
  std::vector<storage::import_problem> problems;
  auto r = ctx.app.units.import_csv(ctx.who(), ctx.req.body(), &problems);
  if (!r) throw import_refusal(r.error(), problems);
  boost::json::array created;
  for (const auto& u : r->created) created.push_back(unit_json(u));
  return json_response(ctx, {{"created", created}, {"unchanged", r->unchanged}});
}

}  // namespace

void add_unit_routes(router& r) {
  // Every role reads the units: their names are what rankings and files show.
  r.add({http::verb::get, "/api/v1/units", permission::read_units, list_units});
  r.add({http::verb::post, "/api/v1/units", permission::manage_units, create_unit});
  r.add({http::verb::post, "/api/v1/units/import", permission::manage_units, import_units});
  r.add({http::verb::get, "/api/v1/units/{code}", permission::read_units, get_unit});
  r.add({http::verb::patch, "/api/v1/units/{code}", permission::manage_units, update_unit});
}

}  // namespace parix::server
