// The threads that write upload pieces to disk, started once with the upload service
// instead of one thread per piece. A piece's O_DIRECT write waits for the device, so it
// runs here while the request's worker hashes the next piece (docs/benchmarks.md).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace parix::evidence {

class piece_writers {
 public:
  // Starts `threads` threads (at least one). Throws std::system_error when it cannot.
  explicit piece_writers(std::size_t threads);
  // Runs what is still queued, then joins the threads.
  ~piece_writers();
  piece_writers(const piece_writers&) = delete;
  piece_writers& operator=(const piece_writers&) = delete;

  // Queues a write; the future holds its exception, if any. Writes run in the order
  // they were submitted, several at once when there are several threads: a caller that
  // needs one write after another waits for the first before submitting the second.
  // Thread-safe.
  std::future<void> submit(std::function<void()> write);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: they start once the rest is constructed
};

}  // namespace parix::evidence
