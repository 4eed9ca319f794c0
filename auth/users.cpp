// User and API-token administration.
#include "auth/users.hpp"

#include "auth/token.hpp"
#include "storage/error.hpp"
#include "storage/unit_records.hpp"

namespace parix::auth {
namespace {

using storage::to_millis;

std::string entity_of(std::string_view username) {
  return "user/" + std::string{username};
}

// The user's role and unit as one audit value, e.g. "agency_head@SNV".
std::string placement(const user_view& v) {
  return v.user.role + (v.unit_code ? "@" + *v.unit_code : "");
}

user_view view_of(storage::connection& c, storage::user_record u) {
  user_view v{std::move(u), std::nullopt};
  if (v.user.unit_id)
    if (auto unit = storage::find_unit_by_id(c, *v.user.unit_id)) v.unit_code = unit->code;
  return v;
}

// Checks the role/unit pairing and resolves the unit code to an id.
result<std::optional<std::int64_t>> resolve_unit(storage::connection& c, std::string_view role_name,
                                                 const std::optional<std::string>& unit_code) {
  auto r = parse_role(role_name);
  if (!r) return errc::invalid_role;
  if (needs_unit(*r) && !unit_code) return errc::unit_required;
  if (!needs_unit(*r) && unit_code) return errc::unit_not_allowed;
  if (!unit_code) return std::optional<std::int64_t>{};
  auto unit = storage::find_unit_by_code(c, *unit_code);
  if (!unit) return errc::unknown_unit;
  return std::optional{unit->id};
}

}  // namespace

bool valid_username(std::string_view s) noexcept {
  if (s.size() < 3 || s.size() > 64) return false;
  auto alnum = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); };
  if (!alnum(s.front())) return false;
  for (char ch : s)
    if (!alnum(ch) && ch != '.' && ch != '_' && ch != '-') return false;
  return true;
}

user_service::user_service(storage::database& db, password_hasher& hasher, const clock& clock)
    : db_(db), hasher_(hasher), clock_(clock) {}

result<user_view> user_service::create(const actor& by, const new_user& u) {
  if (!valid_username(u.username)) return errc::invalid_username;
  if (!parse_role(u.role)) return errc::invalid_role;
  if (auto policy = hasher_.check_policy(u.username, u.password); !policy) return policy.error();
  auto hashed = hasher_.hash(u.password);
  if (!hashed) return hashed.error();

  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<user_view> {
    auto unit_id = resolve_unit(c, u.role, u.unit_code);
    if (!unit_id) return unit_id.error();
    if (storage::find_user_by_name(c, u.username)) return errc::username_taken;
    storage::user_record r;
    r.username = u.username;
    r.display_name = u.display_name.empty() ? u.username : u.display_name;
    r.role = u.role;
    r.unit_id = *unit_id;
    r.password_hash = *hashed;
    r.created_at = r.updated_at = now;
    r.id = storage::insert_user(c, r);
    user_view v{r, u.unit_code};
    auto e = audit_by(by, "user.created", entity_of(u.username));
    e.new_value = placement(v);
    storage::append_audit(c, e, now);
    return v;
  });
}

result<user_view> user_service::update(const actor& by, std::int64_t id,
                                       std::int64_t expected_version, const user_changes& changes) {
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<user_view> {
    auto current = storage::find_user_by_id(c, id);
    if (!current) return errc::user_not_found;
    if (current->version != expected_version) return errc::stale_version;
    const user_view before = view_of(c, *current);
    storage::user_record next = *current;
    if (changes.display_name) next.display_name = *changes.display_name;
    if (changes.role) next.role = *changes.role;
    if (changes.disabled) next.disabled = *changes.disabled;
    const auto unit_code = changes.unit_code ? *changes.unit_code : before.unit_code;
    auto unit_id = resolve_unit(c, next.role, unit_code);
    if (!unit_id) return unit_id.error();
    next.unit_id = *unit_id;
    next.updated_at = now;
    if (!storage::update_user(c, next)) return errc::stale_version;
    next.version += 1;
    user_view after{next, unit_code};

    auto audit = [&](std::string action, std::string old_value, std::string new_value) {
      auto e = audit_by(by, std::move(action), entity_of(next.username));
      e.old_value = std::move(old_value);
      e.new_value = std::move(new_value);
      storage::append_audit(c, e, now);
    };
    if (placement(before) != placement(after))
      audit("user.role_changed", placement(before), placement(after));
    if (before.user.display_name != next.display_name)
      audit("user.renamed", before.user.display_name, next.display_name);
    if (before.user.disabled != next.disabled) {
      audit(next.disabled ? "user.disabled" : "user.enabled", before.user.disabled ? "1" : "0",
            next.disabled ? "1" : "0");
      if (next.disabled) storage::end_user_sessions(c, id, now);
    }
    return after;
  });
}

result<user_view> user_service::set_password(const actor& by, std::int64_t id,
                                             std::string_view password) {
  auto current = get(id);
  if (!current) return current.error();
  if (auto policy = hasher_.check_policy(current->user.username, password); !policy)
    return policy.error();
  auto hashed = hasher_.hash(password);
  if (!hashed) return hashed.error();
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<user_view> {
    auto u = storage::find_user_by_id(c, id);
    if (!u) return errc::user_not_found;
    u->password_hash = *hashed;
    u->updated_at = now;
    storage::update_user(c, *u);
    u->version += 1;
    const auto ended = storage::end_user_sessions(c, id, now);
    auto e = audit_by(by, "user.password_set", entity_of(u->username));
    e.reason = "set by " + by.username + "; " + std::to_string(ended) + " sessions ended";
    storage::append_audit(c, e, now);
    return view_of(c, *u);
  });
}

result<user_view> user_service::get(std::int64_t id) {
  return db_.read_result([&](storage::connection& c) -> result<user_view> {
    auto u = storage::find_user_by_id(c, id);
    if (!u) return errc::user_not_found;
    return view_of(c, *u);
  });
}

result<user_view> user_service::get_by_name(std::string_view username) {
  return db_.read_result([&](storage::connection& c) -> result<user_view> {
    auto u = storage::find_user_by_name(c, username);
    if (!u) return errc::user_not_found;
    return view_of(c, *u);
  });
}

std::vector<user_view> user_service::list() {
  return db_.read_result([&](storage::connection& c) {
    std::vector<user_view> out;
    for (auto& u : storage::list_users(c)) out.push_back(view_of(c, std::move(u)));
    return out;
  });
}

result<new_api_token> user_service::create_api_token(const actor& by, std::int64_t user_id,
                                                     const std::string& name,
                                                     std::optional<clock::time_point> expires_at) {
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<new_api_token> {
    auto u = storage::find_user_by_id(c, user_id);
    if (!u) return errc::user_not_found;
    new_api_token t;
    t.token = std::string{api_token_prefix} + new_secret();
    t.record.token_hash = token_hash(t.token);
    t.record.user_id = user_id;
    t.record.name = name;
    t.record.created_at = now;
    if (expires_at) t.record.expires_at = to_millis(*expires_at);
    t.record.id = storage::insert_api_token(c, t.record);
    auto e = audit_by(by, "api_token.created", entity_of(u->username));
    e.new_value = "api_token/" + std::to_string(t.record.id) + " " + name;
    storage::append_audit(c, e, now);
    return t;
  });
}

result<std::vector<storage::api_token_record>> user_service::list_api_tokens(std::int64_t user_id) {
  return db_.read_result(
      [&](storage::connection& c) -> result<std::vector<storage::api_token_record>> {
        if (!storage::find_user_by_id(c, user_id)) return errc::user_not_found;
        return storage::list_api_tokens(c, user_id);
      });
}

result<void> user_service::revoke_api_token(const actor& by, std::int64_t user_id,
                                            std::int64_t token_id) {
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<void> {
    auto t = storage::find_api_token_by_id(c, token_id);
    if (!t || t->user_id != user_id) return errc::token_not_found;
    auto u = storage::find_user_by_id(c, user_id);
    if (!storage::revoke_api_token(c, token_id, now)) return {};  // already revoked
    auto e = audit_by(by, "api_token.revoked", entity_of(u ? u->username : "?"));
    e.old_value = "api_token/" + std::to_string(token_id) + " " + t->name;
    storage::append_audit(c, e, now);
    return {};
  });
}

}  // namespace parix::auth
