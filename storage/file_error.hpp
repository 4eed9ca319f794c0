// The storage::error for a failed file system call, the same everywhere files are
// written: "what path: reason", failure::full for a full disk or quota, else io.
#pragma once

#include <cstring>
#include <filesystem>
#include <string>

#include "storage/error.hpp"

namespace parix::storage {

[[noreturn]] inline void throw_file_error(const std::string& what,
                                          const std::filesystem::path& path, int err) {
  throw error(failure_of_errno(err), what + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace parix::storage
