// Sign-in attempts in flight, per throttle key.
#include "auth/login_reservations.hpp"

#include <utility>

namespace parix::auth {

login_reservations::ticket::ticket(ticket&& o) noexcept
    : owner_(std::exchange(o.owner_, nullptr)), keys_(std::move(o.keys_)) {}

login_reservations::ticket& login_reservations::ticket::operator=(ticket&& o) noexcept {
  if (this != &o) {
    release();
    owner_ = std::exchange(o.owner_, nullptr);
    keys_ = std::move(o.keys_);
  }
  return *this;
}

void login_reservations::ticket::release() noexcept {
  if (auto* owner = std::exchange(owner_, nullptr)) owner->give_back(keys_);
}

std::optional<login_reservations::ticket> login_reservations::try_take(
    const std::vector<std::string>& keys, const std::function<bool(const std::vector<int>&)>& admit,
    std::uint64_t* generation) {
  std::lock_guard lock{mutex_};
  std::vector<int> counts;
  counts.reserve(keys.size());
  for (const auto& k : keys) {
    auto it = pending_.find(k);
    counts.push_back(it == pending_.end() ? 0 : it->second);
  }
  if (generation) *generation = generation_;
  if (!admit(counts)) return std::nullopt;
  for (const auto& k : keys) ++pending_[k];
  ticket t;
  t.owner_ = this;
  t.keys_ = keys;
  return t;
}

bool login_reservations::wait_for_release(std::uint64_t generation,
                                          std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock{mutex_};
  return released_.wait_until(lock, deadline, [&] { return generation_ != generation; });
}

int login_reservations::pending(const std::string& key) const {
  std::lock_guard lock{mutex_};
  auto it = pending_.find(key);
  return it == pending_.end() ? 0 : it->second;
}

void login_reservations::give_back(const std::vector<std::string>& keys) noexcept {
  {
    std::lock_guard lock{mutex_};
    for (const auto& k : keys)
      if (auto it = pending_.find(k); it != pending_.end() && --it->second <= 0) pending_.erase(it);
    ++generation_;
  }
  released_.notify_all();
}

}  // namespace parix::auth
