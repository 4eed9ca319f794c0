// The SQLite implementation of storage::database. Internal to storage/; callers use
// storage::open_sqlite().
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/sqlite_statement.hpp"
#include "storage/unique_fd.hpp"

namespace parix::storage::sqlite {

// One writer connection driven by one writer thread, which commits queued write
// transactions in groups, each inside its own SAVEPOINT so that a failing or refusing
// one rolls back alone; one syncer thread, which makes the write-ahead log durable
// (one fsync for every group committed since the last) while the writer already runs
// the next group; and a pool of reader connections.
class sqlite_database final : public database {
 public:
  explicit sqlite_database(const database_config& config);
  ~sqlite_database() override;

  void write(const std::function<void(connection&)>& work) override;
  void write_refusable(const std::function<void(connection&)>* settle,
                       const std::function<write_outcome(connection&)>& work) override;
  void when_durable(durability_ticket ticket,
                    std::function<void(std::exception_ptr)> done) override;
  void read(const std::function<void(connection&)>& work) override;
  bool ready() noexcept override;
  const database_stats& stats() const noexcept override { return stats_; }
  void close() override;

 private:
  struct write_job {
    const std::function<void(connection&)>* settle = nullptr;  // may be null
    const std::function<write_outcome(connection&)>* work = nullptr;
    std::exception_ptr failure;
    bool done = false;
    durability_ticket ticket = 0;  // set when its group committed
    // The waiting thread's own wake-up: a commit wakes only the threads whose jobs it
    // decided, not every thread waiting on a later group (each wake is a context switch).
    std::condition_variable decided;
  };

  void migrate();
  void writer_loop();
  // True when the group committed (each job may still have failed alone).
  bool commit_group(std::vector<write_job*>& group);
  void run_job(write_job& job);
  void syncer_loop();
  // fdatasync of the write-ahead log; null, or the failure::unsynced error.
  std::exception_ptr sync_log();

  database_config config_;
  std::unique_ptr<sqlite_connection> writer_;

  std::mutex write_mutex_;
  std::condition_variable write_wake_;
  std::deque<write_job*> write_queue_;
  bool closing_ = false;
  std::thread writer_thread_;

  // Under write_mutex_ too: what is committed, what is durable, who waits for what.
  durability_ticket committed_ = 0;
  durability_ticket synced_ = 0;
  std::exception_ptr sync_failure_;  // set once, for good
  std::multimap<durability_ticket, std::function<void(std::exception_ptr)>> waiting_;
  std::condition_variable sync_wake_;
  std::condition_variable sync_done_;
  bool syncer_stopping_ = false;
  std::thread syncer_thread_;
  unique_fd log_;  // the -wal file, opened by the syncer at its first sync

  std::mutex read_mutex_;
  std::condition_variable read_available_;
  std::vector<std::unique_ptr<sqlite_connection>> idle_readers_;
  int readers_out_ = 0;
  bool closed_ = false;

  database_stats stats_;
};

}  // namespace parix::storage::sqlite
