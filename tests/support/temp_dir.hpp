// A fresh temporary folder per test, removed afterwards.
#pragma once

#include <filesystem>

namespace parix::testing {

class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& p) const { return path_ / p; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command; returns its exit status and captures standard output.
struct command_result {
  int status = -1;
  std::string output;
};
command_result run_command(const std::string& command);

}  // namespace parix::testing
