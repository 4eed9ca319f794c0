// The database as the upper modules use it: read transactions on a pool of
// connections, write transactions grouped into durable commits.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "storage/connection.hpp"
#include "storage/durability.hpp"

namespace parix::storage {

struct database_config {
  std::filesystem::path file;
  int readers = 4;
  std::chrono::milliseconds busy_timeout{5000};
  // How many queued write transactions one commit may carry (group commit).
  int max_group = 256;
  // Makes the write-ahead log durable: ::fdatasync unless set. Returns 0, or -1 with
  // errno. Tests set it to see what a failing disk does to waiting writes.
  std::function<int(int fd)> sync_log = nullptr;
};

// Commit latency buckets for /metrics, in seconds (upper bounds).
inline constexpr std::array<double, 8> commit_latency_buckets{0.0005, 0.001, 0.0025, 0.005,
                                                              0.01,   0.025, 0.05,   0.1};

struct database_stats {
  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> transactions{0};
  std::atomic<std::uint64_t> syncs{0};  // fsyncs of the write-ahead log
  std::atomic<std::uint64_t> commit_micros_sum{0};
  std::array<std::atomic<std::uint64_t>, commit_latency_buckets.size()> commit_buckets{};
};

// What a refusable write's work decided about its own changes.
enum class write_outcome { commit, roll_back };

// boost::system::result and the like: a value that may hold an error instead.
template <class R>
concept refusal_carrying = requires(const R& r) {
  { r.has_error() } -> std::convertible_to<bool>;
};

class database {
 public:
  virtual ~database() = default;

  // Runs work inside a write transaction. Returns once the transaction is committed
  // and its write-ahead log synced to disk, so a caller may acknowledge it; inside a
  // deferred_durability scope it returns once committed, and the scope's owner waits
  // for the sync (when_durable). Work from several threads may share one commit; if
  // work throws, only its own changes are rolled back and the exception is rethrown
  // here. Throws storage::error (failure::unsynced) once a sync has failed: nothing
  // is written after that. Thread-safe. Must not be called from inside another write
  // or read callback.
  virtual void write(const std::function<void(connection&)>& work) = 0;
  // As write, for work that may refuse: when work returns roll_back its changes are
  // undone (the other jobs of the group still commit). settle, when not null, runs
  // first in the same transaction and its changes commit whatever work decides: it is
  // for what is due regardless of the request (docs/architecture.md, "Refusals change
  // nothing"). Thread-safe.
  virtual void write_refusable(const std::function<void(connection&)>* settle,
                               const std::function<write_outcome(connection&)>& work) = 0;
  // Calls done once every write with this ticket or an earlier one is durable: with
  // null, or with the storage::error (failure::unsynced) of a failed sync, in which
  // case nothing from that ticket on is known to be on disk. Called on the calling
  // thread when that is already decided, else on the database's syncer thread (so
  // done must be quick: post it elsewhere), in ticket order. Thread-safe.
  virtual void when_durable(durability_ticket ticket,
                            std::function<void(std::exception_ptr)> done) = 0;
  // Runs work inside a read transaction (a consistent snapshot). It may see writes that
  // are committed but not yet durable (docs/architecture.md, "The single writer").
  // Thread-safe.
  virtual void read(const std::function<void(connection&)>& work) = 0;
  // True when a trivial query answers and no sync has failed (readiness probe). Never
  // throws.
  virtual bool ready() noexcept = 0;
  virtual const database_stats& stats() const noexcept = 0;
  // Finishes queued writes and closes every connection. Further calls throw.
  virtual void close() = 0;

  // Typed helpers over write/read that carry the callback's result out. A refusal
  // changes nothing: when work returns a result holding an error (auth::result,
  // workflow::result), everything it wrote is rolled back before the refusal is
  // returned. Work returning anything else commits unless it throws.
  template <class Work>
  auto write_result(Work&& work) -> std::invoke_result_t<Work, connection&> {
    return write_result_after(nullptr, std::forward<Work>(work));
  }
  // As write_result, but settle(connection&) runs first in the same transaction and its
  // changes commit even when work then refuses. The one use: the clock's moves that are
  // already due (an auto-submission at a passed deadline) are recorded by whichever
  // request touches the file first, and stay recorded when that request is refused.
  template <class Settle, class Work>
  auto write_result_after(Settle&& settle, Work&& work) -> std::invoke_result_t<Work, connection&> {
    using result = std::invoke_result_t<Work, connection&>;
    std::function<void(connection&)> settle_fn;
    if constexpr (!std::is_null_pointer_v<std::remove_cvref_t<Settle>>)
      settle_fn = [&](connection& c) { settle(c); };
    const std::function<void(connection&)>* settle_ptr = settle_fn ? &settle_fn : nullptr;
    if constexpr (std::is_void_v<result>) {
      std::function<write_outcome(connection&)> f = [&](connection& c) {
        work(c);
        return write_outcome::commit;
      };
      write_refusable(settle_ptr, f);
    } else {
      std::optional<result> out;
      std::function<write_outcome(connection&)> f = [&](connection& c) {
        out.emplace(work(c));
        if constexpr (refusal_carrying<result>)
          if (out->has_error()) return write_outcome::roll_back;
        return write_outcome::commit;
      };
      write_refusable(settle_ptr, f);
      return std::move(*out);
    }
  }
  template <class Work>
  auto read_result(Work&& work) -> std::invoke_result_t<Work, connection&> {
    using result = std::invoke_result_t<Work, connection&>;
    if constexpr (std::is_void_v<result>) {
      std::function<void(connection&)> f = [&](connection& c) { work(c); };
      read(f);
    } else {
      std::optional<result> out;
      std::function<void(connection&)> f = [&](connection& c) { out.emplace(work(c)); };
      read(f);
      return std::move(*out);
    }
  }
};

// Opens (creating if needed) the SQLite database, checks its settings and applies
// migrations. Throws storage::error when the file cannot be used, when WAL, the
// synchronous setting or foreign keys did not take, or when the database is newer
// than this binary.
std::unique_ptr<database> open_sqlite(const database_config& config);

// Milliseconds since the Unix epoch, the form times are stored in.
using millis = std::int64_t;
inline millis to_millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline std::chrono::system_clock::time_point from_millis(millis m) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{m}};
}

}  // namespace parix::storage
