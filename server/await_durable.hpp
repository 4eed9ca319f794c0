// Running a request's blocking work on the worker pool and waiting for the durability of
// its writes without holding a thread: the worker hands the wait to the database's
// syncer, and the syncer completes it on the waiting coroutine's own executor.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "storage/database.hpp"
#include "storage/durability.hpp"

namespace parix::server {

// Runs work() on pool. With defer, work runs inside a storage::deferred_durability scope:
// its writes return at commit, and the operation completes once the last of them is
// durable. The result comes back to the handler's associated executor in one hand-off
// (straight from the worker, or from the syncer), not two (worker, then syncer), since
// every hand-off is a context switch.
// Completion: (work's exception or null, work's result, the failed sync's storage::error
// or null). With use_awaitable the first is thrown and the other two are returned.
template <class Executor, class Work, class Token>
auto async_run_durable(const Executor& pool, storage::database& db, bool defer, Work work,
                       Token&& token) {
  using result = std::invoke_result_t<Work&>;
  return boost::asio::async_initiate<Token, void(std::exception_ptr, result, std::exception_ptr)>(
      [&db, pool, defer](auto completion, Work job) {
        using completion_type = decltype(completion);
        using home_guard =
            boost::asio::executor_work_guard<boost::asio::associated_executor_t<completion_type>>;
        // Everything the worker and then perhaps the syncer need, shared because
        // std::function (the syncer's callback) needs a copyable callable.
        struct state {
          state(completion_type c, home_guard h) : completion(std::move(c)), home(std::move(h)) {}
          completion_type completion;
          home_guard home;
          std::exception_ptr failed;
          result value{};
        };
        auto guard = boost::asio::make_work_guard(boost::asio::get_associated_executor(completion));
        auto shared = std::make_shared<state>(std::move(completion), std::move(guard));
        boost::asio::post(pool, [shared, &db, defer, job = std::move(job)]() mutable {
          std::optional<storage::durability_ticket> ticket;
          try {
            std::optional<storage::deferred_durability> scope;
            if (defer) scope.emplace();
            shared->value = job();
            if (scope) ticket = scope->ticket();
          } catch (...) {
            shared->failed = std::current_exception();
          }
          auto answer = [shared](std::exception_ptr unsynced) {
            boost::asio::post(shared->home.get_executor(), [shared, unsynced] {
              std::move(shared->completion)(shared->failed, std::move(shared->value), unsynced);
            });
          };
          if (ticket)
            db.when_durable(*ticket, std::move(answer));
          else
            answer(nullptr);
        });
      },
      token, std::move(work));
}

}  // namespace parix::server
