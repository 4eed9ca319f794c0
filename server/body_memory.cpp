// The body memory budget: an atomic count, and a short polling wait.
#include "server/body_memory.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parix::server {

void body_memory::lease::release() noexcept {
  if (owner_) owner_->in_use_.fetch_sub(bytes_);
  owner_ = nullptr;
}

std::optional<body_memory::lease> body_memory::try_take(std::size_t n) noexcept {
  std::size_t now = in_use_.load();
  do {
    if (n > cap_ || now > cap_ - n) return std::nullopt;
  } while (!in_use_.compare_exchange_weak(now, now + n));
  std::size_t peak = peak_.load();
  while (now + n > peak && !peak_.compare_exchange_weak(peak, now + n)) {
  }
  return lease{this, n};
}

boost::asio::awaitable<std::optional<body_memory::lease>> body_memory::take(
    std::size_t n, std::chrono::steady_clock::duration wait) {
  constexpr std::chrono::milliseconds poll{20};
  const auto deadline = std::chrono::steady_clock::now() + wait;
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
  for (;;) {
    if (auto got = try_take(n)) co_return got;
    if (std::chrono::steady_clock::now() >= deadline) break;
    timer.expires_after(poll);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) break;  // cancelled: the connection is closing
  }
  refused_.fetch_add(1);
  co_return std::nullopt;
}

}  // namespace parix::server
