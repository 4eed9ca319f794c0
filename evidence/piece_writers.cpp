// A fixed set of threads taking queued piece writes in order.
#include "evidence/piece_writers.hpp"

#include <algorithm>
#include <cassert>

namespace parix::evidence {

piece_writers::piece_writers(std::size_t threads) {
  threads_.reserve(std::max<std::size_t>(threads, 1));
  try {
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
      threads_.emplace_back([this] { run(); });
  } catch (...) {
    {
      std::lock_guard lock{mutex_};
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
    throw;
  }
}

piece_writers::~piece_writers() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  assert(queue_.empty());
}

std::future<void> piece_writers::submit(std::function<void()> write) {
  std::packaged_task<void()> task{std::move(write)};
  auto done = task.get_future();
  {
    std::lock_guard lock{mutex_};
    assert(!stopping_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return done;
}

void piece_writers::run() {
  for (;;) {
    std::packaged_task<void()> task;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing is left to write
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();  // an exception goes into the task's future
  }
}

}  // namespace parix::evidence
