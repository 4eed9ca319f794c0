// Login throttling rules.
#include "auth/throttle.hpp"

#include <algorithm>
#include <cctype>

namespace parix::auth {
namespace {

using storage::from_millis;
using storage::to_millis;

bool forgotten(const storage::throttle_record& r, time_point now, const throttle_config& c) {
  const bool locked = r.locked_until && from_millis(*r.locked_until) > now;
  return !locked && now - from_millis(r.last_failure_at) >= c.forget_after;
}

}  // namespace

throttle_rule account_rule(const throttle_config& c) {
  return {c.slow_after, c.lock_after};
}

throttle_rule address_rule(const throttle_config& c) {
  return {c.address_slow_after, c.address_lock_after};
}

std::string account_key(std::string_view username) {
  std::string key = "user:";
  for (unsigned char ch : username) key.push_back(static_cast<char>(std::tolower(ch)));
  return key;
}

std::string address_key(std::string_view address) {
  return "addr:" + std::string{address};
}

std::optional<time_point> blocked_until(const std::optional<storage::throttle_record>& r,
                                        time_point now, const throttle_config& config,
                                        const throttle_rule& rule) {
  if (!r || forgotten(*r, now, config)) return std::nullopt;
  if (r->locked_until && from_millis(*r->locked_until) > now) return from_millis(*r->locked_until);
  if (r->failures < rule.slow_after || r->failures >= rule.lock_after) return std::nullopt;
  const int doublings = std::min<std::int64_t>(r->failures - rule.slow_after, 30);
  const auto delay =
      std::min<std::chrono::seconds>(config.base_delay * (1LL << doublings), config.max_delay);
  const auto allowed = from_millis(r->last_failure_at) + delay;
  return allowed > now ? std::optional{allowed} : std::nullopt;
}

storage::throttle_record after_failure(const std::optional<storage::throttle_record>& r,
                                       const std::string& key, time_point now,
                                       const throttle_config& config, const throttle_rule& rule) {
  storage::throttle_record next{key, 1, to_millis(now), std::nullopt};
  if (r && !forgotten(*r, now, config)) {
    next.failures = r->failures + 1;
    next.locked_until = r->locked_until;
  }
  // An expired lock starts a fresh count, so that one more mistake does not relock.
  if (next.locked_until && from_millis(*next.locked_until) <= now) {
    next.failures = 1;
    next.locked_until.reset();
  }
  if (next.failures >= rule.lock_after && !next.locked_until)
    next.locked_until = to_millis(now + config.lock_for);
  return next;
}

std::optional<storage::throttle_record> with_pending(
    const std::optional<storage::throttle_record>& r, const std::string& key, int pending,
    time_point now, const throttle_config& config, const throttle_rule& rule) {
  auto out = r;
  for (int i = 0; i < pending; ++i) out = after_failure(out, key, now, config, rule);
  return out;
}

}  // namespace parix::auth
