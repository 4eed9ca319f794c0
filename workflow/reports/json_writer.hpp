// JSON text written straight into a string, value by value (RFC 8259). Reports over
// 12,000 files run to tens of megabytes; a boost::json tree of them would hold several
// times that in small allocations, where this holds the text only. Strings must be
// valid UTF-8 (everything parix stores is validated on the way in). Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parix::workflow {

class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  // The next member's name (inside an object).
  json_writer& key(std::string_view name);

  json_writer& str(std::string_view s);
  json_writer& num(std::int64_t n);
  json_writer& boolean(bool b);
  json_writer& null();
  // The string, or null when there is none.
  json_writer& opt(const std::optional<std::string>& s) { return s ? str(*s) : null(); }

 private:
  void before_value();
  std::string& out_;
  std::vector<bool> empty_;  // per open object or array: nothing in it yet
  bool after_key_ = false;
};

}  // namespace parix::workflow
