// Helpers the fuzz targets share (tests/fuzz/targets/*.cpp define only
// LLVMFuzzerTestOneInput): the input as a file, and a whole parix application in a
// throw-away folder with a campaign, units, users and their sessions, called through
// the route table exactly as the HTTP server calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auth/clock.hpp"
#include "server/application.hpp"
#include "server/http.hpp"

namespace parix::fuzz {

// The fuzz input as bytes.
inline std::string_view bytes_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// One reusable in-memory file (memfd) holding the current input; path() opens it by name
// for code that reads a path (libarchive, std::ifstream).
class input_file {
 public:
  input_file();
  ~input_file();
  // Replaces the content. Aborts on failure (the harness is broken, not the target).
  const std::filesystem::path& write(std::string_view content);
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// Splits input at the first occurrence of separator (the rest empty when absent).
std::pair<std::string_view, std::string_view> split(std::string_view input,
                                                    std::string_view separator);

// A running parix without its network layer: a data folder under /tmp, the 2024
// department criteria set, a campaign with two units (STP, whose file stays in
// self-assessment for edits and evidence, and STC, whose file events move along), and
// signed-in users, among them "khach", the one whose account the fuzzer may change.
// Built once per process (the first call of instance()); not thread-safe.
class fuzz_app {
 public:
  static fuzz_app& instance();
  ~fuzz_app();

  struct result {
    unsigned status = 0;
    std::string body;
  };
  // Routes and runs one request as `user` (a Bearer session token; "" for none) and
  // returns the answer. Aborts (a finding) when the answer is a 500: every bad input
  // must get a clear 4xx, and a 500 means a handler failed in a way nobody planned for.
  // For a route with a streamed body (tus PATCH) the body is fed to its sink. With
  // PARIX_FUZZ_VERBOSE set, each answer is printed to standard error.
  result call(server::http::verb method, const std::string& target, const std::string& user,
              const std::map<std::string, std::string>& headers, std::string body);

  server::application& app() { return *app_; }
  auth::manual_clock& clock() { return clock_; }
  std::int64_t campaign_id() const noexcept { return campaign_id_; }
  std::int64_t stp_assessment() const noexcept { return stp_assessment_; }
  std::int64_t stc_assessment() const noexcept { return stc_assessment_; }
  std::int64_t guest_id() const noexcept { return guest_id_; }
  const std::string& token(const std::string& user) const { return tokens_.at(user); }

 private:
  fuzz_app();
  std::filesystem::path dir_;
  auth::manual_clock clock_;
  std::unique_ptr<server::application> app_;
  std::map<std::string, std::string> tokens_;
  std::int64_t campaign_id_ = 0;
  std::int64_t stp_assessment_ = 0;
  std::int64_t stc_assessment_ = 0;
  std::int64_t guest_id_ = 0;
};

}  // namespace parix::fuzz
