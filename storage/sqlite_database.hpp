// The SQLite implementation of storage::database. Internal to storage/; callers use
// storage::open_sqlite().
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/sqlite_statement.hpp"

namespace parix::storage::sqlite {

// One writer connection driven by one writer thread, which commits queued write
// transactions in groups (one fsync for many), each inside its own SAVEPOINT so
// that a failing or refusing one rolls back alone; and a pool of reader connections.
class sqlite_database final : public database {
 public:
  explicit sqlite_database(const database_config& config);
  ~sqlite_database() override;

  void write(const std::function<void(connection&)>& work) override;
  void write_refusable(const std::function<void(connection&)>* settle,
                       const std::function<write_outcome(connection&)>& work) override;
  void read(const std::function<void(connection&)>& work) override;
  bool ready() noexcept override;
  const database_stats& stats() const noexcept override { return stats_; }
  void close() override;

 private:
  struct write_job {
    const std::function<void(connection&)>* settle;  // may be null
    const std::function<write_outcome(connection&)>* work;
    std::exception_ptr failure;
    bool done = false;
  };

  void migrate();
  void writer_loop();
  void commit_group(std::vector<write_job*>& group);
  void run_job(write_job& job);

  database_config config_;
  std::unique_ptr<sqlite_connection> writer_;

  std::mutex write_mutex_;
  std::condition_variable write_wake_;
  std::condition_variable write_done_;
  std::deque<write_job*> write_queue_;
  bool closing_ = false;
  std::thread writer_thread_;

  std::mutex read_mutex_;
  std::condition_variable read_available_;
  std::vector<std::unique_ptr<sqlite_connection>> idle_readers_;
  int readers_out_ = 0;
  bool closed_ = false;

  database_stats stats_;
};

}  // namespace parix::storage::sqlite
