// Sign-in attempts in flight: counted per throttle key while their password is hashed,
// kept apart from the failures in login_throttle (issue 11 follow-up). A reservation is
// not a failure: a correct password in flight must never make another sign-in look like
// a wrong one. Kept in memory on purpose: an attempt cut short by the process's death
// was never judged, so its reservation dies with the process and never outlives a
// restart; and a waiting attempt can sleep on a condition variable until one ends.
// Assumes one serving process per data folder, as the single writer thread does.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace parix::auth {

class login_reservations {
 public:
  // One attempt's reservations; given back when destroyed (or by release()).
  class ticket {
   public:
    ticket() = default;
    ticket(ticket&& o) noexcept;
    ticket& operator=(ticket&& o) noexcept;
    ticket(const ticket&) = delete;
    ticket& operator=(const ticket&) = delete;
    ~ticket() { release(); }
    void release() noexcept;
    explicit operator bool() const noexcept { return owner_ != nullptr; }

   private:
    friend class login_reservations;
    login_reservations* owner_ = nullptr;
    std::vector<std::string> keys_;
  };

  // Decides with admit, given the attempts in flight under each of keys (in the same
  // order), and when it says yes counts one more under each key, all under one lock.
  // Returns the ticket, or nullopt when refused; *generation is then the release count
  // to hand to wait_for_release. Thread-safe; admit must not call back into this object.
  std::optional<ticket> try_take(const std::vector<std::string>& keys,
                                 const std::function<bool(const std::vector<int>&)>& admit,
                                 std::uint64_t* generation);

  // Waits until any reservation is given back after generation was read, or until
  // deadline. Returns false at the deadline. Thread-safe.
  bool wait_for_release(std::uint64_t generation, std::chrono::steady_clock::time_point deadline);

  // Attempts in flight under key. Thread-safe.
  int pending(const std::string& key) const;

 private:
  void give_back(const std::vector<std::string>& keys) noexcept;

  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::map<std::string, int, std::less<>> pending_;
  std::uint64_t generation_ = 0;  // reservations given back so far
};

}  // namespace parix::auth
