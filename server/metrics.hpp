// Request and connection counters, rendered in the Prometheus text format (0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "storage/database.hpp"

namespace parix::server {

class metrics {
 public:
  // Thread-safe. route is the matched pattern ("unmatched" when none matched).
  void record_request(std::string_view route, std::string_view method, unsigned status,
                      std::chrono::steady_clock::duration took);
  void connection_opened() noexcept { open_connections_.fetch_add(1); }
  void connection_closed() noexcept { open_connections_.fetch_sub(1); }
  std::int64_t open_connections() const noexcept { return open_connections_.load(); }

  // The whole exposition, including the database's commit statistics.
  std::string render(const storage::database_stats& db) const;

 private:
  static constexpr std::array<double, 12> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,   0.25,   0.5,   1,    2.5,   10};
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
  std::array<std::uint64_t, buckets.size()> latency_buckets_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::atomic<std::int64_t> open_connections_{0};
};

}  // namespace parix::server
