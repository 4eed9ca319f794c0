// Parsing and validating the TOML configuration with toml++.
#include "server/config.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "server/client_address.hpp"

namespace parix::server {
namespace {

namespace fs = std::filesystem;

// Walks one TOML table, reading known keys and refusing any other.
class table_reader {
 public:
  table_reader(const toml::table& t, std::string prefix) : t_(t), prefix_(std::move(prefix)) {}
  ~table_reader() noexcept(false) {
    if (std::uncaught_exceptions()) return;
    for (const auto& [k, v] : t_)
      if (!seen_.contains(std::string{k.str()}))
        throw std::runtime_error("unknown configuration key: " + prefix_ + std::string{k.str()});
  }

  template <class T>
  void get(const char* key, T& out) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return;
    if constexpr (std::is_same_v<T, bool>) {
      out = require(n->value<bool>(), key, "a boolean");
    } else if constexpr (std::is_integral_v<T>) {
      auto v = require(n->value<std::int64_t>(), key, "an integer");
      if (v < 0 || static_cast<std::uint64_t>(v) > std::uint64_t{std::numeric_limits<T>::max()})
        throw std::runtime_error("configuration key " + prefix_ + key + " is out of range");
      out = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      out = require(n->value<std::string>(), key, "a string");
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      const toml::array* a = n->as_array();
      if (!a) throw std::runtime_error("configuration key " + prefix_ + key + " must be an array");
      out.clear();
      for (const auto& item : *a)
        out.push_back(require(item.value<std::string>(), key, "an array of strings"));
    } else if constexpr (std::is_same_v<T, fs::path>) {
      out = require(n->value<std::string>(), key, "a string (a path)");
    } else {
      auto v = require(n->value<std::int64_t>(), key, "an integer number of seconds");
      if (v <= 0) throw std::runtime_error("configuration key " + prefix_ + key + " must be > 0");
      out = std::chrono::duration_cast<T>(std::chrono::seconds{v});
    }
  }

  const toml::table* sub(const char* key) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return nullptr;
    if (!n->is_table())
      throw std::runtime_error("configuration key " + prefix_ + key + " must be a table");
    return n->as_table();
  }

 private:
  template <class V>
  V require(std::optional<V> v, const char* key, const char* what) {
    if (!v) throw std::runtime_error("configuration key " + prefix_ + key + " must be " + what);
    return *v;
  }

  const toml::table& t_;
  std::string prefix_;
  std::set<std::string> seen_;
};

fs::path under(const fs::path& base, const fs::path& p) {
  return p.empty() || p.is_absolute() ? p : base / p;
}

}  // namespace

config default_config(const fs::path& data_dir) {
  config c;
  c.data_dir = data_dir;
  resolve_defaults(c);
  return c;
}

// The most threads one limits.*_threads setting may ask for.
constexpr int max_threads = 1024;

void resolve_defaults(config& c) {
  if (c.database.empty()) c.database = c.data_dir / "parix.db";
  if (c.signing_key.empty()) c.signing_key = c.data_dir / "keys" / "signing-ed25519.pem";
  if (c.listen.certificate.empty()) c.listen.certificate = c.data_dir / "tls" / "server.crt";
  if (c.listen.private_key.empty()) c.listen.private_key = c.data_dir / "tls" / "server.key";
  if (c.evidence.blob_dir.empty()) c.evidence.blob_dir = c.data_dir / "blobs";
  if (c.evidence.upload_dir.empty()) c.evidence.upload_dir = c.data_dir / "uploads";
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  if (c.limits.network_threads <= 0) c.limits.network_threads = cores;
  // More workers than this thrash two cores (measured: tests/bench/http_bench.sh).
  if (c.limits.worker_threads <= 0) c.limits.worker_threads = std::max(4, 2 * cores);
  // These mostly wait, and each waiting one is a write the next group commit can carry
  // (measured: tests/bench/workflow_bench.sh, docs/benchmarks.md "Durable writes").
  if (c.limits.write_threads <= 0) c.limits.write_threads = std::max(16, 4 * cores);
  if (c.passwords.max_concurrent <= 0) c.passwords.max_concurrent = cores;
}

config load_config(const fs::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("cannot read configuration " + file.string() + ": " +
                             std::string{e.description()});
  }
  config c;
  const fs::path base = fs::absolute(file).parent_path();
  {
    table_reader r{root, ""};
    r.get("data_dir", c.data_dir);
    r.get("database", c.database);
    r.get("signing_key", c.signing_key);
    r.get("database_readers", c.database_readers);
    if (auto t = r.sub("listen")) {
      table_reader l{*t, "listen."};
      l.get("address", c.listen.address);
      l.get("port", c.listen.port);
      l.get("plain_http", c.listen.plain_http);
      l.get("certificate", c.listen.certificate);
      l.get("private_key", c.listen.private_key);
      l.get("public_origin", c.listen.public_origin);
      l.get("trusted_proxies", c.listen.trusted_proxies);
    }
    if (auto t = r.sub("limits")) {
      table_reader l{*t, "limits."};
      l.get("network_threads", c.limits.network_threads);
      l.get("worker_threads", c.limits.worker_threads);
      l.get("write_threads", c.limits.write_threads);
      l.get("json_body_limit", c.limits.json_body_limit);
      l.get("header_limit", c.limits.header_limit);
      l.get("header_timeout", c.limits.header_timeout);
      l.get("idle_timeout", c.limits.idle_timeout);
      l.get("request_timeout", c.limits.request_timeout);
      l.get("shutdown_grace", c.limits.shutdown_grace);
      l.get("max_connections", c.limits.max_connections);
      l.get("body_memory", c.limits.body_memory);
      l.get("body_memory_wait", c.limits.body_memory_wait);
    }
    if (auto t = r.sub("log")) {
      table_reader l{*t, "log."};
      l.get("level", c.log.level);
      l.get("file", c.log.file);
      l.get("access_file", c.log.access_file);
    }
    if (auto t = r.sub("passwords")) {
      table_reader l{*t, "passwords."};
      l.get("memory_kib", c.passwords.memory_kib);
      l.get("iterations", c.passwords.iterations);
      l.get("max_concurrent", c.passwords.max_concurrent);
      l.get("min_length", c.passwords.min_length);
    }
    if (auto t = r.sub("sessions")) {
      table_reader l{*t, "sessions."};
      l.get("idle_timeout", c.sessions.idle_timeout);
      l.get("absolute_timeout", c.sessions.absolute_timeout);
    }
    if (auto t = r.sub("throttle")) {
      table_reader l{*t, "throttle."};
      l.get("slow_after", c.throttle.slow_after);
      l.get("lock_after", c.throttle.lock_after);
      l.get("address_slow_after", c.throttle.address_slow_after);
      l.get("address_lock_after", c.throttle.address_lock_after);
      l.get("lock_for", c.throttle.lock_for);
      l.get("forget_after", c.throttle.forget_after);
    }
    if (auto t = r.sub("evidence")) {
      table_reader l{*t, "evidence."};
      l.get("blob_dir", c.evidence.blob_dir);
      l.get("upload_dir", c.evidence.upload_dir);
      l.get("max_file_size", c.evidence.max_file_size);
      l.get("max_leaf_total", c.evidence.max_leaf_total);
      l.get("allowed_kinds", c.evidence.allowed_kinds);
      l.get("upload_expiry", c.evidence.upload_expiry);
      l.get("zip_max_entries", c.evidence.zip_max_entries);
      l.get("zip_max_depth", c.evidence.zip_max_depth);
      l.get("zip_max_total_size", c.evidence.zip_max_total_size);
      l.get("zip_max_ratio", c.evidence.zip_max_ratio);
    }
    if (auto t = r.sub("web")) {
      table_reader l{*t, "web."};
      l.get("root", c.web.root);
      c.web.required = t->contains("root");
      if (c.web.required && c.web.root.empty())
        throw std::runtime_error("configuration key web.root must name a folder");
    }
  }
  if (c.passwords.memory_kib < 19 * 1024 || c.passwords.iterations < 2)
    throw std::runtime_error(
        "passwords.memory_kib must be at least 19456 and passwords.iterations at least 2");
  if (c.passwords.min_length < 8) throw std::runtime_error("passwords.min_length must be >= 8");
  if (c.evidence.max_file_size == 0 || c.evidence.max_leaf_total < c.evidence.max_file_size)
    throw std::runtime_error(
        "evidence.max_file_size must be > 0 and evidence.max_leaf_total at least as large");
  static const std::set<std::string> kinds{"pdf", "doc", "docx", "xls", "xlsx",
                                           "odt", "ods", "jpeg", "png", "zip"};
  for (const auto& k : c.evidence.allowed_kinds)
    if (!kinds.contains(k))
      throw std::runtime_error("evidence.allowed_kinds: unknown kind \"" + k +
                               "\" (pdf, doc, docx, xls, xlsx, odt, ods, jpeg, png, zip)");
  // One upload's three 1 MiB pieces, or one JSON body at its limit, must fit.
  if (c.limits.body_memory < std::max<std::size_t>(3 * 1024 * 1024, c.limits.json_body_limit))
    throw std::runtime_error(
        "limits.body_memory must be at least 3 MiB (3145728) and at least limits.json_body_limit");
  for (auto& proxy : c.listen.trusted_proxies) {
    auto canonical = canonical_address(proxy);
    if (!canonical)
      throw std::runtime_error("listen.trusted_proxies: \"" + proxy + "\" is not an IP address");
    proxy = *canonical;
  }
  if (c.throttle.slow_after < 1 || c.throttle.lock_after <= c.throttle.slow_after ||
      c.throttle.address_slow_after < c.throttle.slow_after ||
      c.throttle.address_lock_after <= c.throttle.address_slow_after)
    throw std::runtime_error(
        "throttle: need 1 <= slow_after < lock_after, slow_after <= address_slow_after and "
        "address_slow_after < address_lock_after");
  if (c.evidence.zip_max_entries == 0 || c.evidence.zip_max_ratio == 0)
    throw std::runtime_error("evidence.zip_max_entries and evidence.zip_max_ratio must be > 0");
  // Each is a thread started at once: a mistyped count would exhaust the process's
  // threads at start-up with an unclear error.
  for (const auto& [name, n] : {std::pair{"network_threads", c.limits.network_threads},
                                {"worker_threads", c.limits.worker_threads},
                                {"write_threads", c.limits.write_threads}})
    if (n > max_threads)
      throw std::runtime_error("limits." + std::string{name} + " must be at most " +
                               std::to_string(max_threads) + " (0: the default)");
  c.data_dir = under(base, c.data_dir);
  c.database = under(base, c.database);
  c.signing_key = under(base, c.signing_key);
  c.listen.certificate = under(base, c.listen.certificate);
  c.listen.private_key = under(base, c.listen.private_key);
  c.log.file = under(base, c.log.file);
  c.log.access_file = under(base, c.log.access_file);
  c.evidence.blob_dir = under(base, c.evidence.blob_dir);
  c.evidence.upload_dir = under(base, c.evidence.upload_dir);
  if (c.web.required) c.web.root = under(base, c.web.root);
  resolve_defaults(c);
  return c;
}

}  // namespace parix::server
