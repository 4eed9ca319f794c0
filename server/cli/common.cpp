// Shared command-line helpers.
#include "server/cli/common.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace parix::server::cli {

void add_location_options(po::options_description& d) {
  const char* env = std::getenv("PARIX_DATA");
  d.add_options()("config,c", po::value<std::string>(), "configuration file (TOML)")(
      "data,d", po::value<std::string>()->default_value(env && *env ? env : "var"),
      "data folder (default $PARIX_DATA, else ./var)");
}

std::optional<std::filesystem::path> config_file(const po::variables_map& vm) {
  if (vm.count("config")) return std::filesystem::path{vm["config"].as<std::string>()};
  const std::filesystem::path file =
      std::filesystem::path{vm["data"].as<std::string>()} / "parix.toml";
  if (std::filesystem::exists(file)) return file;
  return std::nullopt;
}

config locate_config(const po::variables_map& vm) {
  if (auto file = config_file(vm)) return load_config(*file);
  return default_config(vm["data"].as<std::string>());
}

void setup_logging(const log_config& c) {
  auto make = [](const std::string& name, const std::filesystem::path& file) {
    spdlog::drop(name);
    std::shared_ptr<spdlog::logger> logger;
    if (file.empty()) {
      logger = spdlog::stderr_logger_mt(name);
    } else {
      std::filesystem::create_directories(file.parent_path());
      logger = spdlog::basic_logger_mt(name, file.string());
    }
    return logger;
  };
  auto main_logger = make("parix", c.file);
  main_logger->set_level(spdlog::level::from_str(c.level));
  main_logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(main_logger);
  auto access = make("access", c.access_file);
  access->set_pattern("%v");
  // One flush a second, not one write per request: the access log is on the hot
  // path. http_server::stop() flushes what is left.
  access->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds{1});
}

std::optional<std::string> read_secret(const char* env_name, const std::string& prompt) {
  if (const char* v = std::getenv(env_name); v && *v) return std::string{v};
  const bool tty = ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!got || line.empty()) return std::nullopt;
  return line;
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void print_import_problems(const std::string& file,
                           const std::vector<storage::import_problem>& problems) {
  std::cerr << file << ": " << problems.size() << " rows refused; nothing was imported\n";
  for (const auto& p : problems)
    std::cerr << file << ":" << p.line << ": " << p.problem << ": " << p.detail << "\n";
}

auth::actor cli_actor() {
  auth::actor a;
  const char* user = std::getenv("USER");
  a.username = std::string{"cli:"} + (user && *user ? user : "unknown");
  a.role = auth::role::admin;
  a.client_address = "local";
  return a;
}

bool parse(const std::vector<std::string>& args, const po::options_description& d,
           const po::positional_options_description& p, po::variables_map& vm, const char* usage) {
  try {
    po::store(po::command_line_parser(args).options(d).positional(p).run(), vm);
    if (vm.count("help")) {
      std::cout << usage << "\n" << d << "\n";
      return false;
    }
    po::notify(vm);
    return true;
  } catch (const po::error& e) {
    std::cerr << "parix: " << e.what() << "\n" << usage << "\n" << d << "\n";
    return false;
  }
}

}  // namespace parix::server::cli
