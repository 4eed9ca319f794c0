// Routes are data: method, path pattern, the permission required, the body limit
// and the handler, in one table frozen before serving. Matching is by path
// segments; "{name}" matches one segment and is handed to the handler.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auth/role.hpp"
#include "server/http.hpp"
#include "server/request_context.hpp"

namespace parix::server {

using handler = std::function<response(request_context&)>;

// A request body taken in pieces as it arrives (tus uploads), never whole in memory.
// Called on the worker pool, one call at a time. Each may throw api_error.
class body_sink {
 public:
  virtual ~body_sink() = default;
  // The next piece of the body. A response ends the request early (a refusal): the
  // server sends it and closes the connection without reading the rest. The sink may
  // keep using the bytes until the next write() or finish() returns (the server does
  // not reuse a piece before then).
  virtual std::optional<response> write(std::span<const char> bytes) = 0;
  // The body ended: whole (complete), or cut short when the connection was lost or
  // timed out (the response is then not sent).
  virtual response finish(bool complete) = 0;
};
// Called once the header is read and the request authorised; returns the sink the
// body goes to. Runs on the worker pool.
using stream_handler = std::function<std::unique_ptr<body_sink>(request_context&)>;

// Where a handler runs. Blocking work (SQLite, hashing) must not hold a network thread.
// write_workers: a pool of its own (limits.write_threads) for the hottest writes, whose
// thread waits for the single writer most of the time: each waiting thread is a write
// the next group commit can carry, so groups grow with that pool, and the workers stay
// free for reads, which a larger shared pool would slow (docs/benchmarks.md).
enum class runs_on { workers, network, write_workers };

// Who waits for the fsync that makes a handler's writes durable. in_handler: each write
// returns only once durable, holding its worker thread meanwhile. by_connection: the
// writes return once committed, the worker is free, and the connection waits for their
// sync before it sends the answer (a failed sync turns the answer into 503). Only for
// handlers whose one effect after their last write is the answer
// (storage::deferred_durability).
enum class commit_wait { in_handler, by_connection };

struct route {
  http::verb method;
  std::string pattern;
  auth::permission permission;
  handler handle;
  std::size_t body_limit = 0;  // 0: the JSON default from the configuration
  runs_on where = runs_on::workers;
  // Set for routes whose body is streamed to a body_sink instead of read whole.
  stream_handler stream = nullptr;
  commit_wait commits = commit_wait::in_handler;
};

class router {
 public:
  // Adds a route. Throws std::logic_error on a duplicate method and pattern, or after freeze().
  void add(route r);
  void freeze() noexcept { frozen_ = true; }
  // The route for GET and HEAD of a path no route matches (the web UI's files). At most
  // one; its pattern is only a name. Throws std::logic_error after freeze().
  void set_fallback(route r);
  const route* fallback() const noexcept { return fallback_ ? &*fallback_ : nullptr; }

  struct match {
    const route* found = nullptr;     // null: see allowed
    std::vector<http::verb> allowed;  // the path exists with these methods (for 405)
    route_params params;
  };
  // Thread-safe once frozen. path is the decoded-segment path of the request target.
  match find(http::verb method, const std::vector<std::string>& segments) const;
  const std::vector<route>& routes() const noexcept { return routes_; }

 private:
  struct compiled {
    std::vector<std::string> segments;  // "{id}" for a parameter
  };
  std::vector<route> routes_;
  std::vector<compiled> compiled_;
  std::optional<route> fallback_;
  bool frozen_ = false;
};

}  // namespace parix::server
