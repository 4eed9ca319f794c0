// The configuration file: the documented example loads, and mistakes are refused by name.
#include <gtest/gtest.h>

#include <fstream>

#include "server/config.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

server::config load_text(const temp_dir& d, const std::string& text) {
  std::ofstream{d / "parix.toml"} << text;
  return server::load_config(d / "parix.toml");
}

std::string error_of(const temp_dir& d, const std::string& text) {
  try {
    load_text(d, text);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(config, the_documented_example_loads_with_the_defaults) {
  auto c = server::load_config(std::string{PARIX_SOURCE_DIR} + "/deploy/parix.example.toml");
  const server::config defaults;
  EXPECT_EQ(c.listen.port, 8443);
  EXPECT_FALSE(c.listen.plain_http);
  EXPECT_EQ(c.limits.json_body_limit, defaults.limits.json_body_limit);
  EXPECT_EQ(c.limits.header_timeout, std::chrono::seconds{10});
  EXPECT_EQ(c.limits.idle_timeout, std::chrono::seconds{60});
  EXPECT_EQ(c.sessions.idle_timeout, std::chrono::minutes{30});
  EXPECT_EQ(c.sessions.absolute_timeout, std::chrono::hours{12});
  EXPECT_EQ(c.passwords.memory_kib, 19456u);
  EXPECT_EQ(c.throttle.lock_after, defaults.throttle.lock_after);
  EXPECT_EQ(c.database.filename(), "parix.db");
}

TEST(config, relative_paths_are_taken_from_the_file_folder) {
  temp_dir d;
  auto c = load_text(d, "data_dir = \"data\"\n");
  EXPECT_EQ(c.database, d.path() / "data" / "parix.db");
  EXPECT_EQ(c.listen.certificate, d.path() / "data" / "tls" / "server.crt");
}

TEST(config, an_unknown_key_is_refused_by_name) {
  temp_dir d;
  EXPECT_NE(error_of(d, "[listen]\nprot = 1\n").find("listen.prot"), std::string::npos);
  EXPECT_NE(error_of(d, "colour = \"blue\"\n").find("colour"), std::string::npos);
}

TEST(config, a_wrong_type_or_value_is_refused_by_name) {
  temp_dir d;
  EXPECT_NE(error_of(d, "[listen]\nport = \"8443\"\n").find("listen.port"), std::string::npos);
  EXPECT_NE(error_of(d, "[listen]\nport = 70000\n").find("listen.port"), std::string::npos);
  EXPECT_NE(error_of(d, "[limits]\nheader_timeout = 0\n").find("limits.header_timeout"),
            std::string::npos);
  EXPECT_NE(error_of(d, "[passwords]\nmemory_kib = 1024\n").find("memory_kib"), std::string::npos);
  EXPECT_NE(error_of(d, "listen = 5\n").find("listen"), std::string::npos);
  EXPECT_NE(error_of(d, "[listen\n").find("cannot read configuration"), std::string::npos);
}

// The score edits' pool is sized for waiting on the writer, not for the cores.
TEST(config, write_threads_default_to_at_least_sixteen_and_can_be_set) {
  temp_dir d;
  EXPECT_GE(load_text(d, "").limits.write_threads, 16);
  EXPECT_EQ(load_text(d, "[limits]\nwrite_threads = 3\n").limits.write_threads, 3);
  EXPECT_NE(error_of(d, "[limits]\nwrite_threads = \"many\"\n").find("limits.write_threads"),
            std::string::npos);
  EXPECT_NE(error_of(d, "[limits]\nwrite_threads = 100000\n").find("limits.write_threads"),
            std::string::npos);
  EXPECT_NE(error_of(d, "[limits]\nworker_threads = 5000\n").find("limits.worker_threads"),
            std::string::npos);
  EXPECT_EQ(load_text(d, "[limits]\nwrite_threads = 1024\n").limits.write_threads, 1024);
}

}  // namespace
}  // namespace parix::testing
