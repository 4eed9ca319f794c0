// The HTTPS server: an acceptor, one coroutine per connection on one network thread,
// a worker pool for blocking work, timeouts, and graceful shutdown.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "server/application.hpp"
#include "server/body_memory.hpp"

namespace parix::server {

class http_server {
 public:
  // Binds the listening socket (port 0 picks a free one) and loads the TLS
  // certificate unless plain HTTP is configured. Throws on failure.
  explicit http_server(application& app);
  ~http_server();

  // Starts the network threads; returns at once.
  void start();
  // Serves until SIGTERM or SIGINT, then shuts down gracefully.
  void run_until_signal();
  // Graceful shutdown: stop accepting, let requests in flight finish (up to the
  // configured grace), close idle connections, then stop the threads. Idempotent.
  void stop();

  unsigned short port() const noexcept { return port_; }
  // The budget of memory held by bodies (limits.body_memory).
  const body_memory& bodies() const noexcept { return bodies_; }

  // The stages of a request, for inject_faults_for_testing.
  enum class stage { parsing, routing, handling, writing, sweeping };
  using fault_hook = std::function<void(stage, std::string_view target)>;
  // Test-only: hook runs at each stage of every request (parsing: inside Beast's parser,
  // at each chunk header of a chunked body; routing: after routing; handling: where the
  // handler runs; writing: before the response is written), so that a test can throw
  // there and check that the server answers 500 and keeps serving; sweeping: on the
  // sweep's thread before each sweep (target empty), so that a test can hold the sweep.
  // Nothing in the configuration or on the network sets it. Call before start().
  void inject_faults_for_testing(fault_hook hook) { faults_ = std::move(hook); }

  struct connection;  // a live connection, for shutdown and the connection count

 private:
  static void run_network_thread(boost::asio::io_context& context);
  void accept_loop_start();
  void sweep_loop_start();
  // Asks the sweep to run now (a request left a due move to it). Never blocks.
  void wake_sweep();
  void begin_shutdown();

  // One io_context per network thread, each run by its own thread: a connection lives on
  // one of them, so its reads and handlers never hop between threads (with one shared
  // context, every TLS record woke the other thread: docs/benchmarks.md). The first
  // also holds the acceptor and the sweep timer.
  boost::asio::io_context& next_context();

  application& app_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::atomic<std::size_t> next_ = 0;
  boost::asio::io_context& ioc_;
  boost::asio::thread_pool workers_;
  boost::asio::thread_pool write_workers_;  // routes that runs_on::write_workers
  boost::asio::thread_pool sweeper_;        // the clock's moves and their sealing, off the workers
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::vector<std::thread> threads_;
  boost::asio::steady_timer sweep_timer_;
  std::atomic<bool> sweep_wanted_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> bodies_streaming_{0};  // requests whose body is read in pieces now
  std::atomic<bool> stopped_{false};
  body_memory bodies_;
  fault_hook faults_;

  // Live connections, shared with each connection's coroutine: its frame removes itself
  // when destroyed, even when an exception unwound it or the server is already gone.
  struct registry {
    std::mutex mutex;
    std::set<std::shared_ptr<connection>> open;
  };
  std::shared_ptr<registry> connections_ = std::make_shared<registry>();

  friend struct session_runner;
};

}  // namespace parix::server
