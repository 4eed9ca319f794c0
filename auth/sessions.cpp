// Login, authentication, logout and password change.
#include "auth/sessions.hpp"

#include <utility>
#include <vector>

#include "auth/token.hpp"
#include "storage/session_records.hpp"
#include "storage/unit_records.hpp"

namespace parix::auth {
namespace {

using storage::from_millis;
using storage::to_millis;

storage::audit_event login_event(std::string_view username, std::string_view role,
                                 const std::string& address, std::string action) {
  storage::audit_event e;
  e.actor = std::string{username};
  e.actor_role = std::string{role};
  e.client_address = address;
  e.action = std::move(action);
  e.entity = "user/" + std::string{username};
  return e;
}

actor actor_of(const user_view& v, credential via, std::int64_t credential_id,
               const std::string& address) {
  const auto& u = v.user;
  return actor{u.id,      u.username, u.display_name, parse_role(u.role).value_or(role::auditor),
               u.unit_id, via,        credential_id,  address,
               v};
}

}  // namespace

session_service::session_service(storage::database& db, password_hasher& hasher, const clock& clock,
                                 session_config sessions, throttle_config throttle)
    : db_(db), hasher_(hasher), clock_(clock), sessions_(sessions), throttle_(throttle) {
  auto h = hasher_.hash(new_secret());
  if (!h) throw std::runtime_error("cannot prepare the password hasher");
  dummy_hash_ = *h;
}

result<login_success> session_service::login(std::string_view username, std::string_view password,
                                             const std::string& client_address,
                                             std::chrono::seconds* retry_after) {
  const std::string user_key = account_key(username);
  const std::string addr_key = address_key(client_address);
  const throttle_rule by_account = account_rule(throttle_);
  const throttle_rule by_address = address_rule(throttle_);
  const std::vector<std::string> keys{user_key, addr_key};
  // An attempt held back only by others in flight waits for them as long as it would
  // wait for a hashing slot: with hashes in tens of milliseconds, parallel correct
  // sign-ins to one shared account all go through without the client noticing.
  const auto wait = hasher_.config().queue_timeout;
  const auto give_up = std::chrono::steady_clock::now() + wait;

  // 1. Check the stored failures and the attempts in flight in one step: the single
  // writer runs every check, and the in-flight counts are read and raised under one lock
  // inside it, so a burst of parallel guesses never gets more hashes than the rules
  // allow. A reservation is not a failure (it is kept apart, in memory: a reservation of
  // a process that died never outlives it), and it is given back only after the
  // attempt's outcome is written, so the checks never see neither.
  struct admission {
    std::optional<storage::user_record> user;
    std::optional<time_point> blocked;  // by stored failures
    std::optional<login_reservations::ticket> ticket;
    std::uint64_t generation = 0;
  };
  auto now = clock_.now();
  admission seen;
  for (;;) {
    now = clock_.now();
    seen = db_.write_result([&](storage::connection& c) {
      admission s;
      s.user = storage::find_user_by_name(c, username);
      const auto user_before = storage::find_throttle(c, user_key);
      const auto addr_before = storage::find_throttle(c, addr_key);
      auto by_user = blocked_until(user_before, now, throttle_, by_account);
      auto by_addr = blocked_until(addr_before, now, throttle_, by_address);
      if (by_user || by_addr) {
        s.blocked = std::max(by_user.value_or(now), by_addr.value_or(now));
        storage::append_audit(c,
                              login_event(username, s.user ? s.user->role : "unknown",
                                          client_address, "login.throttled"),
                              to_millis(now));
        return s;
      }
      auto admit = [&](const std::vector<int>& pending) {
        return !blocked_until(
                   with_pending(user_before, user_key, pending[0], now, throttle_, by_account), now,
                   throttle_, by_account) &&
               !blocked_until(
                   with_pending(addr_before, addr_key, pending[1], now, throttle_, by_address), now,
                   throttle_, by_address);
      };
      s.ticket = reservations_.try_take(keys, admit, &s.generation);
      return s;
    });
    if (seen.blocked || seen.ticket) break;
    if (!reservations_.wait_for_release(seen.generation, give_up)) break;
  }
  const std::string role_name = seen.user ? seen.user->role : "unknown";
  if (seen.blocked) {
    if (retry_after)
      *retry_after = std::max<std::chrono::seconds>(
          std::chrono::ceil<std::chrono::seconds>(*seen.blocked - now), std::chrono::seconds{1});
    return errc::login_throttled;
  }
  if (!seen.ticket) {  // still others in flight: not a failure, and not counted as one
    db_.write([&](storage::connection& c) {
      auto e = login_event(username, role_name, client_address, "login.deferred");
      e.reason = "other sign-ins to the account or address in flight";
      storage::append_audit(c, e, to_millis(now));
    });
    if (retry_after)
      *retry_after = std::max<std::chrono::seconds>(std::chrono::ceil<std::chrono::seconds>(wait),
                                                    std::chrono::seconds{1});
    return errc::login_in_progress;
  }

  // 2. The expensive part, outside any transaction. The reservation is given back
  // whatever happens (busy, an exception) when seen goes out of scope.
  auto matched = hasher_.verify(seen.user ? seen.user->password_hash : dummy_hash_, password);
  if (!matched) return matched.error();  // busy: the attempt was never judged
  const bool ok = seen.user && *matched && !seen.user->disabled;
  const auto done = clock_.now();

  // 3. Record the outcome, then give the reservation back (at return).
  if (!ok) {
    db_.write([&](storage::connection& c) {
      for (const auto& [key, rule] :
           {std::pair{user_key, by_account}, std::pair{addr_key, by_address}}) {
        const auto before = storage::find_throttle(c, key);
        const auto after = after_failure(before, key, done, throttle_, rule);
        storage::save_throttle(c, after);
        if (after.locked_until && !(before && before->locked_until == after.locked_until)) {
          auto e = login_event(username, role_name, client_address, "login.locked");
          e.entity = key;
          e.new_value = std::to_string(*after.locked_until);
          storage::append_audit(c, e, to_millis(done));
        }
      }
      auto e = login_event(username, role_name, client_address, "login.failed");
      if (seen.user && seen.user->disabled) e.reason = "account disabled";
      storage::append_audit(c, e, to_millis(done));
    });
    return errc::bad_credentials;
  }

  login_success out;
  out.token = new_secret();
  out.user = *seen.user;
  out.expires_at = now + sessions_.absolute_timeout;
  storage::session_record s;
  s.token_hash = token_hash(out.token);
  s.user_id = seen.user->id;
  s.created_at = s.last_seen_at = to_millis(now);
  s.expires_at = to_millis(out.expires_at);
  s.client_address = client_address;
  db_.write([&](storage::connection& c) {
    out.session_id = storage::insert_session(c, s);
    storage::clear_throttle(c, user_key);  // the address's count stays: other users' failures
    auto e = login_event(seen.user->username, role_name, client_address, "login.succeeded");
    e.new_value = "session/" + std::to_string(out.session_id);
    storage::append_audit(c, e, to_millis(now));
  });
  return out;
}

result<actor> session_service::authenticate(std::string_view token,
                                            const std::string& client_address) {
  const auto now = clock_.now();
  const auto hash = token_hash(token);
  const bool is_api_token = token.starts_with(api_token_prefix);

  struct found {
    std::optional<storage::user_record> user;
    std::int64_t credential_id = 0;
    bool valid = false;
    bool needs_touch = false;
    std::optional<std::string> unit_code;
  };
  auto f = db_.read_result([&](storage::connection& c) {
    found r;
    if (is_api_token) {
      auto t = storage::find_api_token(c, hash);
      if (!t || t->revoked_at || (t->expires_at && from_millis(*t->expires_at) <= now)) return r;
      r.credential_id = t->id;
      r.needs_touch =
          !t->last_used_at || now - from_millis(*t->last_used_at) >= sessions_.touch_interval;
      r.user = storage::find_user_by_id(c, t->user_id);
    } else {
      auto s = storage::find_session(c, hash);
      if (!s || s->ended_at) return r;
      const auto last_seen = from_millis(s->last_seen_at);
      if (now - last_seen >= sessions_.idle_timeout || from_millis(s->expires_at) <= now) return r;
      r.credential_id = s->id;
      r.needs_touch = now - last_seen >= sessions_.touch_interval;
      r.user = storage::find_user_by_id(c, s->user_id);
    }
    r.valid = r.user.has_value();
    if (r.valid && r.user->unit_id)
      if (auto unit = storage::find_unit_by_id(c, *r.user->unit_id)) r.unit_code = unit->code;
    return r;
  });
  if (!f.valid) return errc::unauthenticated;
  if (f.user->disabled) return errc::account_disabled;
  if (f.needs_touch) {
    db_.write([&](storage::connection& c) {
      if (is_api_token)
        storage::touch_api_token(c, f.credential_id, to_millis(now));
      else
        storage::touch_session(c, f.credential_id, to_millis(now));
    });
  }
  return actor_of(user_view{*f.user, f.unit_code},
                  is_api_token ? credential::api_token : credential::session, f.credential_id,
                  client_address);
}

void session_service::logout(const actor& a) {
  if (a.via != credential::session) return;
  const auto now = to_millis(clock_.now());
  db_.write([&](storage::connection& c) {
    storage::end_session(c, a.credential_id, now);
    auto e = audit_by(a, "logout", "user/" + a.username);
    e.old_value = "session/" + std::to_string(a.credential_id);
    storage::append_audit(c, e, now);
  });
}

result<void> session_service::change_password(const actor& a, std::string_view current,
                                              std::string_view replacement) {
  auto user = db_.read_result(
      [&](storage::connection& c) { return storage::find_user_by_id(c, a.user_id); });
  if (!user) return errc::user_not_found;
  auto matched = hasher_.verify(user->password_hash, current);
  if (!matched) return matched.error();
  if (!*matched) return errc::wrong_password;
  if (auto policy = hasher_.check_policy(user->username, replacement); !policy)
    return policy.error();
  auto hashed = hasher_.hash(replacement);
  if (!hashed) return hashed.error();

  const auto now = to_millis(clock_.now());
  bool stale = false;
  db_.write([&](storage::connection& c) {
    auto fresh = storage::find_user_by_id(c, a.user_id);
    if (!fresh || fresh->password_hash != user->password_hash) {
      stale = true;  // changed meanwhile by someone else: do not overwrite
      return;
    }
    fresh->password_hash = *hashed;
    fresh->must_change_password = false;  // a one-time password is used up
    fresh->updated_at = now;
    storage::update_user(c, *fresh);
    const auto ended = storage::end_user_sessions(c, a.user_id, now);
    auto e = audit_by(a, "user.password_changed", "user/" + a.username);
    e.reason = "own password; " + std::to_string(ended) + " sessions ended";
    storage::append_audit(c, e, now);
  });
  if (stale) return errc::stale_version;
  return {};
}

}  // namespace parix::auth
