// Errors raised by storage. Expected conditions (a username already taken) are
// answered by the record functions; this exception is for what a caller cannot fix.
#pragma once

#include <stdexcept>
#include <string>

namespace parix::storage {

enum class failure {
  constraint,  // a UNIQUE, CHECK or FOREIGN KEY rule refused the change
  busy,        // the database stayed locked past the busy timeout
  io,          // the disk failed or is full
  corrupt,     // the file is not a database, or is damaged
  schema,      // the database is newer than this binary, or a setting did not take
  other,
};

class error : public std::runtime_error {
 public:
  error(failure kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  failure kind() const noexcept { return kind_; }

 private:
  failure kind_;
};

}  // namespace parix::storage
