// User and API-token administration.
#include "auth/users.hpp"

#include <algorithm>
#include <map>

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

// Checks the role/unit pairing and resolves the unit code to an id. A user is not put
// into a disabled unit (one that already has the user keeps it).
result<std::optional<std::int64_t>> resolve_unit(storage::connection& c, std::string_view role_name,
                                                 const std::optional<std::string>& unit_code,
                                                 bool refuse_disabled = true) {
  auto r = parse_role(role_name);
  if (!r) return errc::invalid_role;
  if (needs_unit(*r) && !unit_code) return errc::unit_required;
  if (!needs_unit(*r) && unit_code) return errc::unit_not_allowed;
  if (!unit_code) return std::optional<std::int64_t>{};
  auto unit = storage::find_unit_by_code(c, *unit_code);
  if (!unit) return errc::unknown_unit;
  if (unit->disabled && refuse_disabled) return errc::unit_disabled;
  return std::optional{unit->id};
}

// Administrators create every role; the secretariat every role but administrator, so
// that setting up a campaign's users never needs the keys to the whole system.
bool may_grant(role by, role granted) {
  if (by == role::admin) return true;
  return by == role::secretariat && granted != role::admin;
}

// A one-time password that passes the policy (a short username could, by chance,
// appear inside one).
std::string policy_one_time_password(const password_hasher& hasher, std::string_view username) {
  for (;;) {
    auto p = one_time_password();
    if (hasher.check_policy(username, p)) return p;
  }
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

result<user_view> user_service::create(const actor& by, const new_user& u,
                                       std::string* one_time) {
  if (!valid_username(u.username)) return errc::invalid_username;
  auto granted = parse_role(u.role);
  if (!granted) return errc::invalid_role;
  if (!may_grant(by.role, *granted)) return errc::role_not_grantable;
  const bool generated = u.password.empty() && one_time;
  const std::string password =
      generated ? policy_one_time_password(hasher_, u.username) : u.password;
  if (auto policy = hasher_.check_policy(u.username, password); !policy) return policy.error();
  auto hashed = hasher_.hash(password);
  if (!hashed) return hashed.error();

  const auto now = to_millis(clock_.now());
  auto created = db_.write_result([&](storage::connection& c) -> result<user_view> {
    auto unit_id = resolve_unit(c, u.role, u.unit_code);
    if (!unit_id) return unit_id.error();
    if (storage::find_user_by_name(c, u.username)) return errc::username_taken;
    storage::user_record r;
    r.username = u.username;
    r.display_name = u.display_name.empty() ? u.username : u.display_name;
    r.role = u.role;
    r.unit_id = *unit_id;
    r.password_hash = *hashed;
    r.must_change_password = generated;
    r.created_at = r.updated_at = now;
    r.id = storage::insert_user(c, r);
    user_view v{r, u.unit_code};
    auto e = audit_by(by, "user.created", entity_of(u.username));
    e.new_value = placement(v);
    if (generated) e.reason = "one-time password";
    storage::append_audit(c, e, now);
    return v;
  });
  if (created && generated) *one_time = password;
  return created;
}

result<std::vector<imported_user>> user_service::import_csv(
    const actor& by, std::string_view csv, std::vector<storage::import_problem>* problems) {
  std::vector<storage::import_problem> found;
  auto problem = [&](int line, std::string what, std::string detail) {
    found.push_back({line, std::move(what), std::move(detail)});
  };
  auto refuse = [&]() -> result<std::vector<imported_user>> {
    std::ranges::stable_sort(found, {}, &storage::import_problem::line);
    if (problems) *problems = std::move(found);
    return errc::invalid_import;
  };
  const auto table =
      storage::read_csv_table(csv, {"username", "role"}, {"display_name", "unit"}, found);

  struct row {
    int line;
    new_user user;
  };
  std::vector<row> rows;
  std::map<std::string, int> first_line;
  for (const auto& rec : table.rows) {
    new_user u{table.field(rec, "username"), table.field(rec, "display_name"),
               table.field(rec, "role"), std::nullopt, ""};
    if (auto unit = table.field(rec, "unit"); !unit.empty()) u.unit_code = unit;
    auto granted = parse_role(u.role);
    if (!valid_username(u.username))
      problem(rec.line, "invalid_username",
              "\"" + u.username + "\" is not a username (3-64 of a-z, 0-9, '.', '_', '-')");
    else if (auto it = first_line.find(u.username); it != first_line.end())
      problem(rec.line, "duplicate_row",
              "user " + u.username + " is already on line " + std::to_string(it->second));
    else if (!granted)
      problem(rec.line, "invalid_role", "there is no role \"" + u.role + "\"");
    else if (!may_grant(by.role, *granted))
      problem(rec.line, "role_not_grantable", "the role " + u.role + " is not yours to grant");
    else if (needs_unit(*granted) && !u.unit_code)
      problem(rec.line, "unit_required", "the role " + u.role + " needs a unit");
    else if (!needs_unit(*granted) && u.unit_code)
      problem(rec.line, "unit_not_allowed", "the role " + u.role + " has no unit");
    else {
      first_line[u.username] = rec.line;
      rows.push_back({rec.line, std::move(u)});
    }
  }
  if (rows.empty() && found.empty()) problem(1, "empty_file", "the file has no users");

  // What only the database knows, checked before any password is hashed.
  auto check = [&](storage::connection& c) {
    for (const auto& r : rows) {
      if (storage::find_user_by_name(c, r.user.username))
        problem(r.line, "username_taken", "the username " + r.user.username + " is taken");
      else if (auto unit = resolve_unit(c, r.user.role, r.user.unit_code); !unit)
        problem(r.line, unit.error() == errc::unit_disabled ? "unit_disabled" : "unknown_unit",
                unit.error() == errc::unit_disabled
                    ? "the unit " + r.user.unit_code.value_or("") + " is disabled"
                    : "there is no unit " + r.user.unit_code.value_or(""));
    }
  };
  db_.read_result(check);
  if (!found.empty()) return refuse();

  std::vector<imported_user> out;
  std::vector<std::string> hashes;
  for (const auto& r : rows) {
    auto password = policy_one_time_password(hasher_, r.user.username);
    auto hashed = hasher_.hash(password);
    if (!hashed) return hashed.error();
    out.push_back({user_view{{}, r.user.unit_code}, std::move(password)});
    hashes.push_back(std::move(*hashed));
  }
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<std::vector<imported_user>> {
    check(c);  // again: someone may have taken a name meanwhile
    if (!found.empty()) return refuse();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& u = rows[i].user;
      storage::user_record r;
      r.username = u.username;
      r.display_name = u.display_name.empty() ? u.username : u.display_name;
      r.role = u.role;
      r.unit_id = *resolve_unit(c, u.role, u.unit_code);
      r.password_hash = hashes[i];
      r.must_change_password = true;
      r.created_at = r.updated_at = now;
      r.id = storage::insert_user(c, r);
      out[i].view.user = r;
      auto e = audit_by(by, "user.created", entity_of(u.username));
      e.new_value = placement(out[i].view);
      e.reason = "CSV import, line " + std::to_string(rows[i].line) + "; one-time password";
      storage::append_audit(c, e, now);
    }
    return out;
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
    auto unit_id = resolve_unit(c, next.role, unit_code, unit_code != before.unit_code);
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
    u->must_change_password = false;  // chosen by an administrator, not generated
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
