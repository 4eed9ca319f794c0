// The database connection as the rest of parix sees it: parameterised SQL with
// rows handed to a callback. SQLite implements it today; PostgreSQL can later.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parix::storage {

struct blob_view {
  std::span<const unsigned char> bytes;
};

// A bound parameter. Text and blobs are views: the caller keeps them alive for the call.
using value = std::variant<std::nullptr_t, std::int64_t, std::string_view, blob_view>;

// Maps optional values to NULL.
inline value nullable(const std::optional<std::string>& s) {
  return s ? value{std::string_view{*s}} : value{nullptr};
}
inline value nullable(const std::optional<std::int64_t>& i) {
  return i ? value{*i} : value{nullptr};
}

// One result row, valid only inside the callback that receives it.
class row {
 public:
  virtual ~row() = default;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::vector<unsigned char> blob(int column) const = 0;

  std::optional<std::int64_t> optional_integer(int column) const {
    return is_null(column) ? std::nullopt : std::optional{integer(column)};
  }
  std::optional<std::string> optional_text(int column) const {
    return is_null(column) ? std::nullopt : std::optional{text(column)};
  }
};

// A connection inside a read or write transaction handed out by storage::database.
// Not thread-safe: it belongs to the callback it was passed to. Every method
// throws storage::error on failure.
class connection {
 public:
  virtual ~connection() = default;

  // Runs a statement; returns the number of rows it changed.
  virtual std::int64_t execute(std::string_view sql, std::span<const value> params) = 0;
  // Runs a query and calls each_row for every row, in order.
  virtual void query(std::string_view sql, std::span<const value> params,
                     const std::function<void(const row&)>& each_row) = 0;
  virtual std::int64_t last_insert_id() = 0;

  std::int64_t execute(std::string_view sql, std::initializer_list<value> params = {}) {
    return execute(sql, std::span{params.begin(), params.size()});
  }
  void query(std::string_view sql, std::initializer_list<value> params,
             const std::function<void(const row&)>& each_row) {
    query(sql, std::span{params.begin(), params.size()}, each_row);
  }

  // The first row mapped by map, or nullopt when there is none.
  template <class Map>
  auto query_one(std::string_view sql, std::initializer_list<value> params, Map&& map)
      -> std::optional<std::invoke_result_t<Map, const row&>> {
    std::optional<std::invoke_result_t<Map, const row&>> result;
    query(sql, params, [&](const row& r) {
      if (!result) result.emplace(map(r));
    });
    return result;
  }
};

}  // namespace parix::storage
