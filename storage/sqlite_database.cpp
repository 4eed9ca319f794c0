// SQLite database: start-up checks, migrations, group commit, reader pool.
#include "storage/sqlite_database.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include "storage/migrations.hpp"

namespace parix::storage::sqlite {
namespace {

constexpr std::string_view select_schema_version =
    "SELECT coalesce(max(version), 0) FROM schema_version";
constexpr std::string_view insert_schema_version =
    "INSERT INTO schema_version(version, name, applied_at) VALUES (?, ?, ?)";

std::int64_t now_millis() {
  return to_millis(std::chrono::system_clock::now());
}

}  // namespace

std::unique_ptr<database> open_sqlite_impl(const database_config& config) {
  return std::make_unique<sqlite_database>(config);
}

sqlite_database::sqlite_database(const database_config& config) : config_(config) {
  const auto file = config_.file.string();
  const int timeout = static_cast<int>(config_.busy_timeout.count());
  writer_ = std::make_unique<sqlite_connection>(
      open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, timeout));
  migrate();
  // The writer's commits are not synced by SQLite: the syncer makes them durable
  // (fdatasync of the -wal file) while the writer goes on, and a write is acknowledged
  // only after that. SQLite still syncs the log before a checkpoint copies it into the
  // database file, and the database file after (pragma.html#pragma_synchronous), so
  // nothing reaches the main file before it is durable in the log.
  writer_->exec_script("PRAGMA synchronous=NORMAL");
  std::int64_t level = -1;
  writer_->query("PRAGMA synchronous", {}, [&](const row& r) { level = r.integer(0); });
  if (level != 1)
    throw error(failure::schema, "PRAGMA synchronous=NORMAL did not take on the writer");
  for (int i = 0; i < config_.readers; ++i) {
    auto reader = std::make_unique<sqlite_connection>(open(file, SQLITE_OPEN_READWRITE, timeout));
    reader->exec_script("PRAGMA query_only=1");
    idle_readers_.push_back(std::move(reader));
  }
  writer_thread_ = std::thread([this] { writer_loop(); });
  syncer_thread_ = std::thread([this] { syncer_loop(); });
}

sqlite_database::~sqlite_database() {
  try {
    close();
  } catch (...) {
    // Destructors do not throw; close() already reported through the log of its caller.
  }
}

void sqlite_database::migrate() {
  writer_->exec_script(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT");
  std::int64_t current = 0;
  writer_->query(select_schema_version, {}, [&](const row& r) { current = r.integer(0); });
  if (current > latest_schema_version())
    throw error(failure::schema, "the database has schema version " + std::to_string(current) +
                                     ", newer than this binary knows (" +
                                     std::to_string(latest_schema_version()) +
                                     "); use a newer parix");
  // Foreign keys are off while migrations run, so that a migration may rebuild a table
  // that others refer to (SQLite's documented procedure for changing a constraint,
  // https://sqlite.org/lang_altertable.html#otheralter); each migration must leave
  // every reference intact, which foreign_key_check confirms before its commit.
  writer_->exec_script("PRAGMA foreign_keys=OFF");
  try {
    for (const migration& m : known_migrations()) {
      if (m.version <= current) continue;
      writer_->exec_script("BEGIN IMMEDIATE");
      try {
        writer_->exec_script(std::string{m.sql});
        std::string broken;
        writer_->query("PRAGMA foreign_key_check", {}, [&](const row& r) {
          if (broken.empty()) broken = r.text(0);
        });
        if (!broken.empty())
          throw error(failure::schema, "migration " + std::string{m.name} +
                                           " left a dangling reference in " + broken);
        writer_->execute(insert_schema_version, {std::int64_t{m.version}, m.name, now_millis()});
        writer_->exec_script("COMMIT");
      } catch (...) {
        writer_->exec_script("ROLLBACK");
        throw;
      }
    }
  } catch (...) {
    writer_->exec_script("PRAGMA foreign_keys=ON");
    throw;
  }
  writer_->exec_script("PRAGMA foreign_keys=ON");
}

void sqlite_database::write(const std::function<void(connection&)>& work) {
  const std::function<write_outcome(connection&)> keep = [&](connection& c) {
    work(c);
    return write_outcome::commit;
  };
  write_refusable(nullptr, keep);
}

void sqlite_database::write_refusable(const std::function<void(connection&)>* settle,
                                      const std::function<write_outcome(connection&)>& work) {
  write_job job;
  job.settle = settle;
  job.work = &work;
  deferred_durability* const deferred = deferred_durability::current();
  {
    std::unique_lock lock{write_mutex_};
    if (closing_) throw error(failure::other, "the database is closed");
    if (sync_failure_) std::rethrow_exception(sync_failure_);
    write_queue_.push_back(&job);
    write_wake_.notify_one();
    job.decided.wait(lock, [&] { return job.done; });
    if (job.failure) std::rethrow_exception(job.failure);
    if (deferred) {
      deferred->note(job.ticket);
      return;
    }
    sync_done_.wait(lock, [&] { return synced_ >= job.ticket || sync_failure_; });
    if (synced_ < job.ticket) std::rethrow_exception(sync_failure_);
  }
}

void sqlite_database::when_durable(durability_ticket ticket,
                                   std::function<void(std::exception_ptr)> done) {
  std::exception_ptr outcome;
  {
    std::lock_guard lock{write_mutex_};
    if (ticket > committed_)
      throw std::logic_error("when_durable: ticket " + std::to_string(ticket) +
                             " was never handed out");
    if (synced_ < ticket && !sync_failure_) {
      waiting_.emplace(ticket, std::move(done));
      return;
    }
    if (synced_ < ticket) outcome = sync_failure_;
  }
  done(outcome);
}

void sqlite_database::writer_loop() {
  std::vector<write_job*> group;
  for (;;) {
    {
      std::unique_lock lock{write_mutex_};
      write_wake_.wait(lock, [&] { return closing_ || !write_queue_.empty(); });
      if (write_queue_.empty()) return;  // closing, and every queued job is done
      while (!write_queue_.empty() && static_cast<int>(group.size()) < config_.max_group) {
        group.push_back(write_queue_.front());
        write_queue_.pop_front();
      }
    }
    const bool committed = commit_group(group);
    {
      std::lock_guard lock{write_mutex_};
      if (committed) ++committed_;
      // Notified under the lock: once it is released, a waiter may see done, return and
      // take its job (and the condition variable in it) off its stack.
      for (write_job* job : group) {
        job->ticket = committed_;
        job->done = true;
        job->decided.notify_one();
      }
    }
    if (committed) sync_wake_.notify_one();
    group.clear();
  }
}

bool sqlite_database::commit_group(std::vector<write_job*>& group) {
  const auto started = std::chrono::steady_clock::now();
  try {
    writer_->execute("BEGIN IMMEDIATE");
  } catch (...) {
    for (write_job* job : group) job->failure = std::current_exception();
    return false;
  }
  for (write_job* job : group) {
    try {
      writer_->execute("SAVEPOINT job");
      run_job(*job);
      writer_->execute("RELEASE job");
    } catch (...) {
      job->failure = std::current_exception();
      try {
        writer_->exec_script("ROLLBACK TO job");
        writer_->exec_script("RELEASE job");
      } catch (...) {
        // The savepoint itself failed: nothing in this group can be trusted.
        for (write_job* j : group) j->failure = std::current_exception();
        try {
          writer_->exec_script("ROLLBACK");
        } catch (...) {
        }
        return false;
      }
    }
  }
  try {
    writer_->execute("COMMIT");
  } catch (...) {
    for (write_job* job : group) job->failure = std::current_exception();
    try {
      writer_->exec_script("ROLLBACK");
    } catch (...) {
    }
    return false;
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  stats_.commits.fetch_add(1, std::memory_order_relaxed);
  stats_.transactions.fetch_add(group.size(), std::memory_order_relaxed);
  stats_.commit_micros_sum.fetch_add(micros, std::memory_order_relaxed);
  for (std::size_t i = 0; i < commit_latency_buckets.size(); ++i)
    if (micros <= commit_latency_buckets[i] * 1e6)
      stats_.commit_buckets[i].fetch_add(1, std::memory_order_relaxed);
  return true;
}

// Inside the job's savepoint: settle, then the work in a savepoint of its own when there
// is something settled to keep, undone when the work refuses.
void sqlite_database::run_job(write_job& job) {
  if (job.settle) {
    (*job.settle)(*writer_);
    writer_->execute("SAVEPOINT work");
    if ((*job.work)(*writer_) == write_outcome::roll_back) writer_->execute("ROLLBACK TO work");
    writer_->execute("RELEASE work");
    return;
  }
  if ((*job.work)(*writer_) == write_outcome::roll_back) writer_->execute("ROLLBACK TO job");
}

void sqlite_database::syncer_loop() {
  for (;;) {
    std::unique_lock lock{write_mutex_};
    sync_wake_.wait(lock,
                    [&] { return syncer_stopping_ || (committed_ > synced_ && !sync_failure_); });
    if (committed_ <= synced_ || sync_failure_) return;  // stopping, nothing left to sync
    // Every group committed so far is in the log's page cache: one fsync covers them all.
    const durability_ticket target = committed_;
    lock.unlock();
    std::exception_ptr failed = sync_log();
    lock.lock();
    // After a failed fsync the kernel may have dropped the dirty pages and report the
    // next fsync clean: nothing written since the last good sync is known to be on disk,
    // so every waiting write fails and no write is taken any more.
    if (failed)
      sync_failure_ = failed;
    else
      synced_ = target;
    auto last = failed ? waiting_.end() : waiting_.upper_bound(target);
    std::vector<std::function<void(std::exception_ptr)>> decided;
    for (auto it = waiting_.begin(); it != last; ++it) decided.push_back(std::move(it->second));
    waiting_.erase(waiting_.begin(), last);
    lock.unlock();
    sync_done_.notify_all();
    for (auto& done : decided) done(failed);
  }
}

std::exception_ptr sqlite_database::sync_log() {
  auto unsynced = [](const std::string& what, int err) {
    return std::make_exception_ptr(
        error(failure::unsynced, "the disk did not confirm a commit (" + what + ": " +
                                     std::strerror(err) + "); no write is taken until a restart"));
  };
  const std::filesystem::path log_file = config_.file.string() + "-wal";
  if (!log_) {
    // The log exists once a group committed, and stays while the writer's connection is
    // open (SQLite removes it only when the last connection closes). Its directory entry
    // is made durable once, as SQLite does at a log's first sync.
    log_ = open_retrying(log_file, O_RDWR);
    if (!log_) return unsynced("open " + log_file.string(), errno);
    try {
      fsync_dir(log_file.parent_path());
    } catch (const std::exception& e) {
      return std::make_exception_ptr(error(failure::unsynced, e.what()));
    }
  }
  int rc = 0;
  do rc = config_.sync_log ? config_.sync_log(log_.get()) : ::fdatasync(log_.get());
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return unsynced("fdatasync " + log_file.string(), errno);
  stats_.syncs.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void sqlite_database::read(const std::function<void(connection&)>& work) {
  std::unique_ptr<sqlite_connection> reader;
  {
    std::unique_lock lock{read_mutex_};
    read_available_.wait(lock, [&] { return closed_ || !idle_readers_.empty(); });
    if (closed_) throw error(failure::other, "the database is closed");
    reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    ++readers_out_;
  }
  auto give_back = [&] {
    std::lock_guard lock{read_mutex_};
    idle_readers_.push_back(std::move(reader));
    --readers_out_;
    read_available_.notify_all();
  };
  try {
    reader->execute("BEGIN");
    work(*reader);
    reader->execute("COMMIT");
  } catch (...) {
    try {
      reader->exec_script("ROLLBACK");
    } catch (...) {
    }
    give_back();
    throw;
  }
  give_back();
}

bool sqlite_database::ready() noexcept {
  {
    std::lock_guard lock{write_mutex_};
    if (sync_failure_) return false;
  }
  try {
    std::int64_t one = 0;
    read(
        [&](connection& c) { c.query("SELECT 1", {}, [&](const row& r) { one = r.integer(0); }); });
    return one == 1;
  } catch (...) {
    return false;
  }
}

void sqlite_database::close() {
  {
    std::lock_guard lock{write_mutex_};
    if (closing_ && !writer_thread_.joinable()) return;
    closing_ = true;
  }
  write_wake_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  // The writer is done: the syncer makes the last groups durable, then stops.
  {
    std::lock_guard lock{write_mutex_};
    syncer_stopping_ = true;
  }
  sync_wake_.notify_all();
  if (syncer_thread_.joinable()) syncer_thread_.join();
  {
    std::unique_lock lock{read_mutex_};
    read_available_.wait(lock, [&] { return readers_out_ == 0; });
    closed_ = true;
    idle_readers_.clear();
  }
  read_available_.notify_all();
  // Checkpoint the WAL into the main file so that a closed database is one file.
  if (writer_) {
    sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                              nullptr);
    writer_.reset();
  }
  log_.close();
}

}  // namespace parix::storage::sqlite
