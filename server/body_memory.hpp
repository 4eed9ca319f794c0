// The server-wide budget for memory that request and response bodies hold: JSON
// bodies, the pieces of streamed uploads and downloads (issue 11, "memory under
// load"). Without it, 4,096 uploading connections could hold about 3 MiB each. A body
// that does not fit waits a little for others to finish; then the request is answered
// 503 with Retry-After, and the server never grows past the cap.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <optional>

namespace parix::server {

class body_memory {
 public:
  // Bytes held by one body until the lease is destroyed.
  class lease {
   public:
    lease() = default;
    lease(lease&& o) noexcept : owner_(o.owner_), bytes_(o.bytes_) { o.owner_ = nullptr; }
    lease& operator=(lease&& o) noexcept {
      if (this != &o) {
        release();
        owner_ = o.owner_;
        bytes_ = o.bytes_;
        o.owner_ = nullptr;
      }
      return *this;
    }
    ~lease() { release(); }
    std::size_t bytes() const noexcept { return owner_ ? bytes_ : 0; }

   private:
    friend class body_memory;
    lease(body_memory* owner, std::size_t bytes) : owner_(owner), bytes_(bytes) {}
    void release() noexcept;
    body_memory* owner_ = nullptr;
    std::size_t bytes_ = 0;
  };

  explicit body_memory(std::size_t cap) noexcept : cap_(cap) {}

  // n bytes now, or nothing when they would exceed the cap. Thread-safe.
  std::optional<lease> try_take(std::size_t n) noexcept;
  // n bytes, waiting up to `wait` for others to give theirs back (polling on the
  // calling coroutine's executor: waits are rare and short). Nothing when the wait ran
  // out. Thread-safe.
  boost::asio::awaitable<std::optional<lease>> take(std::size_t n,
                                                    std::chrono::steady_clock::duration wait);

  std::size_t cap() const noexcept { return cap_; }
  std::size_t in_use() const noexcept { return in_use_.load(); }
  // The most ever held at once (for the metrics and the tests).
  std::size_t peak() const noexcept { return peak_.load(); }
  // Requests refused for want of memory.
  std::uint64_t refused() const noexcept { return refused_.load(); }

 private:
  const std::size_t cap_;
  std::atomic<std::size_t> in_use_{0};
  std::atomic<std::size_t> peak_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace parix::server
