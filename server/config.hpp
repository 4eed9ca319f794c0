// The typed configuration of a parix server, read once from one TOML file
// (deploy/parix.example.toml documents every key) and passed through constructors.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "auth/password.hpp"
#include "auth/sessions.hpp"
#include "auth/throttle.hpp"
#include "evidence/evidence_config.hpp"

namespace parix::server {

struct listen_config {
  std::string address = "127.0.0.1";
  unsigned short port = 8443;
  // TLS unless explicitly turned off for a deployment behind a TLS-terminating proxy.
  bool plain_http = false;
  std::filesystem::path certificate;  // PEM chain
  std::filesystem::path private_key;  // PEM
  // The public origin checked against Origin on cookie-authenticated writes;
  // empty means "https://" + the request's Host header.
  std::string public_origin;
  // Addresses of reverse proxies whose X-Forwarded-For names the client (login
  // throttling and its audit entries); empty: X-Forwarded-For is ignored.
  std::vector<std::string> trusted_proxies;
};

struct limits_config {
  int network_threads = 0;  // 0: one per core
  int worker_threads = 0;   // 0: two per core, at least 4 (SQLite and Argon2id block)
  // Threads for the score edits (runs_on::write_workers), which spend most of their time
  // waiting for the single writer to commit them; 0: four per core, at least 16.
  int write_threads = 0;
  std::size_t json_body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds request_timeout{120};
  std::chrono::seconds shutdown_grace{30};
  int max_connections = 4096;
  // Server-wide cap on memory held by request and response bodies (JSON bodies, upload
  // and download pieces); a body beyond it waits up to body_memory_wait, then gets 503.
  std::size_t body_memory = 256 * 1024 * 1024;
  std::chrono::seconds body_memory_wait{5};
};

struct log_config {
  std::string level = "info";
  std::filesystem::path file;         // empty: standard error
  std::filesystem::path access_file;  // empty: standard error
};

// The web UI (web/, built into web/dist): served at "/" when its folder exists.
struct web_config {
  // The built files; relative paths are taken from the working directory when not
  // given in a file. Default "web/dist": the quickstart runs from the repository.
  std::filesystem::path root = "web/dist";
  bool required = false;  // set in the file: a missing folder stops the server
};

struct config {
  std::filesystem::path data_dir = "var";
  std::filesystem::path database;     // default: data_dir/parix.db
  std::filesystem::path signing_key;  // default: data_dir/keys/signing-ed25519.pem
  listen_config listen;
  limits_config limits;
  log_config log;
  auth::password_config passwords;
  auth::session_config sessions;
  auth::throttle_config throttle;
  evidence::evidence_config evidence;
  web_config web;
  int database_readers = 4;
  // Not read from the file: how the database's write-ahead log is synced
  // (storage::database_config::sync_log). Tests set it to play a failing disk.
  std::function<int(int fd)> database_sync_log = nullptr;
};

// Reads a TOML file. Relative paths in it are taken relative to the file's folder.
// Throws std::runtime_error naming the key on an unknown key, a wrong type or an
// out-of-range value.
config load_config(const std::filesystem::path& file);
// The defaults for a data folder, as parix init writes them.
config default_config(const std::filesystem::path& data_dir);
// Fills the derived defaults (database and key paths under data_dir, thread counts).
void resolve_defaults(config& c);

}  // namespace parix::server
