// Prometheus text exposition.
#include "server/metrics.hpp"

#include <fmt/format.h>

namespace parix::server {
namespace {

// Label values escape backslash, quote and newline (Prometheus exposition format).
std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void metrics::record_request(std::string_view route, std::string_view method, unsigned status,
                             std::chrono::steady_clock::duration took) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard lock{mutex_};
  ++requests_[{std::string{route}, std::string{method}, status}];
  for (std::size_t i = 0; i < buckets.size(); ++i)
    if (seconds <= buckets[i]) ++latency_buckets_[i];
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string metrics::render(const storage::database_stats& db) const {
  std::string out;
  {
    std::lock_guard lock{mutex_};
    out += "# HELP parix_http_requests_total HTTP requests by route, method and status.\n";
    out += "# TYPE parix_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out +=
          fmt::format("parix_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                      escape(route), method, status, count);
    }
    out +=
        "# HELP parix_http_request_duration_seconds Time from a request's last byte to its "
        "response.\n";
    out += "# TYPE parix_http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < buckets.size(); ++i)
      out += fmt::format("parix_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", buckets[i],
                         latency_buckets_[i]);
    out += fmt::format("parix_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n",
                       latency_count_);
    out += fmt::format("parix_http_request_duration_seconds_sum {}\n", latency_sum_);
    out += fmt::format("parix_http_request_duration_seconds_count {}\n", latency_count_);
  }
  out += "# HELP parix_open_connections Client connections now open.\n";
  out += "# TYPE parix_open_connections gauge\n";
  out += fmt::format("parix_open_connections {}\n", open_connections_.load());

  out += "# HELP parix_db_commits_total Database commits (each may carry several transactions).\n";
  out += "# TYPE parix_db_commits_total counter\n";
  out += fmt::format("parix_db_commits_total {}\n", db.commits.load());
  out += "# HELP parix_db_transactions_total Write transactions committed.\n";
  out += "# TYPE parix_db_transactions_total counter\n";
  out += fmt::format("parix_db_transactions_total {}\n", db.transactions.load());
  out +=
      "# HELP parix_db_syncs_total fsyncs of the write-ahead log (each makes every commit "
      "before it durable).\n";
  out += "# TYPE parix_db_syncs_total counter\n";
  out += fmt::format("parix_db_syncs_total {}\n", db.syncs.load());
  out +=
      "# HELP parix_db_commit_duration_seconds Time to run and commit one group (its fsync "
      "follows on the syncer).\n";
  out += "# TYPE parix_db_commit_duration_seconds histogram\n";
  for (std::size_t i = 0; i < storage::commit_latency_buckets.size(); ++i)
    out += fmt::format("parix_db_commit_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                       storage::commit_latency_buckets[i], db.commit_buckets[i].load());
  out +=
      fmt::format("parix_db_commit_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", db.commits.load());
  out += fmt::format("parix_db_commit_duration_seconds_sum {}\n",
                     static_cast<double>(db.commit_micros_sum.load()) / 1e6);
  out += fmt::format("parix_db_commit_duration_seconds_count {}\n", db.commits.load());
  return out;
}

}  // namespace parix::server
