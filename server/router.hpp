// Routes are data: method, path pattern, the permission required, the body limit
// and the handler, in one table frozen before serving. Matching is by path
// segments; "{name}" matches one segment and is handed to the handler.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/role.hpp"
#include "server/http.hpp"
#include "server/request_context.hpp"

namespace parix::server {

using handler = std::function<response(request_context&)>;

// Where a handler runs. Blocking work (SQLite, hashing) must not hold a network thread.
enum class runs_on { workers, network };

struct route {
  http::verb method;
  std::string pattern;
  auth::permission permission;
  handler handle;
  std::size_t body_limit = 0;  // 0: the JSON default from the configuration
  runs_on where = runs_on::workers;
};

class router {
 public:
  // Adds a route. Throws std::logic_error on a duplicate method and pattern, or after freeze().
  void add(route r);
  void freeze() noexcept { frozen_ = true; }

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
  bool frozen_ = false;
};

}  // namespace parix::server
