// Writing JSON text value by value.
#include "workflow/reports/json_writer.hpp"

#include <stdexcept>

namespace parix::workflow {

void json_writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!empty_.empty()) {
    if (!empty_.back()) out_ += ',';
    empty_.back() = false;
  }
}

json_writer& json_writer::begin_object() {
  before_value();
  out_ += '{';
  empty_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  if (empty_.empty()) throw std::logic_error("json_writer: end_object without begin");
  empty_.pop_back();
  out_ += '}';
  return *this;
}

json_writer& json_writer::begin_array() {
  before_value();
  out_ += '[';
  empty_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() {
  if (empty_.empty()) throw std::logic_error("json_writer: end_array without begin");
  empty_.pop_back();
  out_ += ']';
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  str(name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_writer& json_writer::str(std::string_view s) {
  before_value();
  static constexpr char hex[] = "0123456789abcdef";
  out_ += '"';
  // Runs that need no escape (nearly all text) are appended whole: a report of a million
  // rows spends its time here otherwise.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += static_cast<char>(c);
      continue;
    }
    // RFC 8259 section 7: control characters must be escaped.
    switch (c) {
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 15];
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
  return *this;
}

json_writer& json_writer::num(std::int64_t n) {
  before_value();
  out_ += std::to_string(n);
  return *this;
}

json_writer& json_writer::boolean(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace parix::workflow
