// JSON shapes of users and tokens.
#include "server/routes/json_views.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace parix::server {

std::string iso_utc(storage::millis at) {
  const auto tp = storage::from_millis(at);
  const auto secs = std::chrono::floor<std::chrono::seconds>(tp);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(secs)),
                     static_cast<int>(at - storage::to_millis(secs)));
}

boost::json::object user_json(const auth::user_view& v) {
  boost::json::object o;
  o["id"] = v.user.id;
  o["username"] = v.user.username;
  o["display_name"] = v.user.display_name;
  o["role"] = v.user.role;
  o["unit"] = v.unit_code ? boost::json::value(*v.unit_code) : boost::json::value(nullptr);
  o["disabled"] = v.user.disabled;
  o["must_change_password"] = v.user.must_change_password;
  o["version"] = v.user.version;
  o["created_at"] = iso_utc(v.user.created_at);
  o["updated_at"] = iso_utc(v.user.updated_at);
  return o;
}

boost::json::object unit_json(const auth::unit_view& v) {
  auto opt = [](const std::optional<std::string>& s) {
    return s ? boost::json::value(*s) : boost::json::value(nullptr);
  };
  return {{"code", v.unit.code},
          {"name", v.unit.name},
          {"parent", opt(v.parent_code)},
          {"kind", opt(v.unit.kind)},
          {"disabled", v.unit.disabled},
          {"formed_from", boost::json::array(v.formed_from.begin(), v.formed_from.end())},
          {"version", v.unit.version},
          {"created_at", iso_utc(v.unit.created_at)},
          {"updated_at", iso_utc(v.unit.updated_at)}};
}

boost::json::object api_token_json(const storage::api_token_record& t) {
  auto opt = [](const std::optional<storage::millis>& m) {
    return m ? boost::json::value(iso_utc(*m)) : boost::json::value(nullptr);
  };
  return {{"id", t.id},
          {"name", t.name},
          {"created_at", iso_utc(t.created_at)},
          {"expires_at", opt(t.expires_at)},
          {"last_used_at", opt(t.last_used_at)},
          {"revoked_at", opt(t.revoked_at)}};
}

}  // namespace parix::server

namespace parix::server {

void require_csv(const request_context& ctx) {
  if (!ctx.req[http::field::content_type].starts_with("text/csv"))
    throw api_error{
        http::status::unsupported_media_type, "unsupported_media_type", {{"expected", "text/csv"}}};
}

api_error import_refusal(const boost::system::error_code& ec,
                         const std::vector<storage::import_problem>& problems) {
  auto e = error_from(ec, {{"count", std::to_string(problems.size())}});
  boost::json::array list;
  for (const auto& p : problems)
    list.push_back({{"line", p.line}, {"problem", p.problem}, {"detail", p.detail}});
  e.extensions["problems"] = std::move(list);
  return e;
}

}  // namespace parix::server
