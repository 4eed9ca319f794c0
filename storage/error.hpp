// Errors raised by storage. Expected conditions (a username already taken) are
// answered by the record functions; this exception is for what a caller cannot fix.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

namespace parix::storage {

enum class failure {
  constraint,  // a UNIQUE, CHECK or FOREIGN KEY rule refused the change
  busy,        // the database stayed locked past the busy timeout
  io,          // the disk failed
  full,        // the disk or a quota is full: nothing past that point was kept
  corrupt,     // the file is not a database, or is damaged
  schema,      // the database is newer than this binary, or a setting did not take
  unsynced,    // the disk did not confirm a commit: nothing is written until a restart
  other,
};

// The failure an errno from a file system call stands for.
inline failure failure_of_errno(int err) noexcept {
  return err == ENOSPC || err == EDQUOT || err == EFBIG ? failure::full : failure::io;
}

class error : public std::runtime_error {
 public:
  error(failure kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  failure kind() const noexcept { return kind_; }

 private:
  failure kind_;
};

}  // namespace parix::storage
