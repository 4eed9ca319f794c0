// In-process test server.
#include "tests/support/test_server.hpp"

#include <gtest/gtest.h>

#include "server/cli/common.hpp"
#include "server/tls.hpp"
#include "storage/signing_key.hpp"
#include "storage/unit_records.hpp"

namespace parix::testing {

server::config test_config(const std::filesystem::path& dir) {
  server::config c = server::default_config(dir);
  c.listen.port = 0;
  c.limits.network_threads = 2;
  c.limits.worker_threads = 4;
  c.limits.shutdown_grace = std::chrono::seconds{10};
  c.log.file = dir / "logs" / "parix.log";
  c.log.access_file = dir / "logs" / "access.log";
  c.log.level = "debug";
  return c;
}

test_server::test_server(const std::function<void(server::config&)>& adjust,
                         server::http_server::fault_hook faults)
    : clock_(std::chrono::system_clock::now()) {
  start(dir_.path(), adjust, std::move(faults));
  add_user("admin", "admin");
}

test_server::test_server(const std::filesystem::path& data,
                         const std::function<void(server::config&)>& adjust)
    : clock_(std::chrono::system_clock::now()) {
  start(data, adjust, {});
}

void test_server::start(const std::filesystem::path& data,
                        const std::function<void(server::config&)>& adjust,
                        server::http_server::fault_hook faults) {
  cfg_ = test_config(data);
  if (adjust) adjust(cfg_);
  if (!std::filesystem::exists(cfg_.listen.certificate))
    server::write_self_signed_certificate(cfg_.listen.certificate, cfg_.listen.private_key);
  storage::signing_key::create_if_missing(cfg_.signing_key);
  server::cli::setup_logging(cfg_.log);
  app_ = std::make_unique<server::application>(cfg_, clock_);
  server_ = std::make_unique<server::http_server>(*app_);
  if (faults) server_->inject_faults_for_testing(std::move(faults));
  server_->start();
}

test_server::~test_server() {
  stop();
}

void test_server::stop() {
  if (server_) server_->stop();
  if (app_) app_->db().close();
}

std::int64_t test_server::add_unit(const std::string& code, const std::string& name) {
  return app_->db().write_result([&](storage::connection& c) {
    return storage::insert_unit(c, {0, code, name, storage::to_millis(clock_.now())});
  });
}

void test_server::add_user(const std::string& username, const std::string& role,
                           const std::optional<std::string>& unit) {
  auth::actor setup;
  setup.username = "test-setup";
  setup.role = auth::role::admin;
  auto r = app_->app().users.create(setup, {username, username, role, unit, test_password});
  ASSERT_TRUE(r) << "cannot create " << username << ": " << r.error().message();
}

}  // namespace parix::testing
