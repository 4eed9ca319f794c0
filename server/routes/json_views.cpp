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
  o["version"] = v.user.version;
  o["created_at"] = iso_utc(v.user.created_at);
  o["updated_at"] = iso_utc(v.user.updated_at);
  return o;
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
