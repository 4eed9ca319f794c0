// Waiting for a durability ticket without holding a thread: the database's syncer
// completes the wait on the waiting coroutine's own executor.
#pragma once

#include <exception>
#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "storage/database.hpp"

namespace parix::server {

// Completes once every write up to ticket is durable, or with the failed sync's
// storage::error as its exception_ptr (use_awaitable throws it). The completion runs on the
// handler's associated executor (never on the syncer thread).
template <class Token>
auto async_durable(storage::database& db, storage::durability_ticket ticket, Token&& token) {
  return boost::asio::async_initiate<Token, void(std::exception_ptr)>(
      [&db, ticket](auto completion) {
        using completion_type = decltype(completion);
        auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(completion));
        // std::function needs a copyable callable; the completion handler is move-only.
        auto shared = std::make_shared<completion_type>(std::move(completion));
        db.when_durable(ticket, [shared, work = std::move(work)](std::exception_ptr outcome) {
          auto ex = work.get_executor();
          boost::asio::post(ex, [shared, outcome] { std::move (*shared)(outcome); });
        });
      },
      token);
}

}  // namespace parix::server
