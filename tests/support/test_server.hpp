// The real parix server started in-process on a free loopback port, with a
// throw-away data folder, certificate and database, and a manual clock.
#pragma once

#include <functional>
#include <memory>

#include "auth/clock.hpp"
#include "server/application.hpp"
#include "server/http_server.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {

inline constexpr const char* test_password = "correct-horse-battery";

class test_server {
 public:
  // adjust may change the configuration before the server starts (timeouts, plain HTTP);
  // faults, when given, is installed with http_server::inject_faults_for_testing.
  explicit test_server(const std::function<void(server::config&)>& adjust = {},
                       server::http_server::fault_hook faults = {});
  // Serves data, a folder that `parix init` or an earlier server made, instead of a fresh
  // one: its users and records are kept (no admin is added). For restarts after a crash.
  explicit test_server(const std::filesystem::path& data,
                       const std::function<void(server::config&)>& adjust = {});
  ~test_server();

  unsigned short port() const { return server_->port(); }
  https_client client() const { return https_client{port(), !cfg_.listen.plain_http}; }
  server::application& app() { return *app_; }
  server::http_server& http() { return *server_; }
  auth::manual_clock& clock() { return clock_; }
  const server::config& cfg() const { return cfg_; }
  const temp_dir& dir() const { return dir_; }  // the fresh folder (unused when given data)
  // Stops the server gracefully (also done by the destructor).
  void stop();

  // Creates a unit and a user with test_password directly through the services.
  std::int64_t add_unit(const std::string& code, const std::string& name);
  void add_user(const std::string& username, const std::string& role,
                const std::optional<std::string>& unit = std::nullopt);

 private:
  void start(const std::filesystem::path& data, const std::function<void(server::config&)>& adjust,
             server::http_server::fault_hook faults);

  temp_dir dir_;
  server::config cfg_;
  auth::manual_clock clock_;
  std::unique_ptr<server::application> app_;
  std::unique_ptr<server::http_server> server_;
};

// A test configuration for a data folder: port 0, cheap-but-valid Argon2id settings,
// logs in files under dir.
server::config test_config(const std::filesystem::path& dir);

}  // namespace parix::testing
