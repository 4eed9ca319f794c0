// The server's clock, injected wherever time decides something (session expiry,
// lockouts, deadlines) so that tests move time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace parix::auth {

class clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~clock() = default;
  // Thread-safe.
  virtual time_point now() const = 0;
};

class system_clock final : public clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

// A clock that stands still until told to move. Thread-safe.
class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start) : now_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point{time_point::duration{now_.load()}}; }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }
  void set(time_point t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> now_;
};

// The shared system clock.
const clock& default_clock();

}  // namespace parix::auth
