// Helpers for evidence tests: tus uploads through the HTTPS client, a PATCH cut off
// half way, small files of each kind, ZIPs built with libarchive, and the parix binary
// run as a separate server process (for RSS and kill -9).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/https_client.hpp"

namespace parix::testing {

std::string sha256_hex(const std::string& bytes);
std::string sha256_base64(const std::string& bytes);
std::string base64(const std::string& bytes);

// POST /api/v1/uploads for a file of `length` bytes; returns the reply (201 with Location).
reply tus_create(https_client& c, const std::string& file_name, std::int64_t length,
                 const std::string& sha256_hex_or_b64,
                 const std::map<std::string, std::string>& extra_metadata = {});
// PATCH bytes at offset; checksum (base64 SHA-256 of bytes) when given.
reply tus_patch(https_client& c, const std::string& id, std::int64_t offset,
                const std::string& bytes, const std::optional<std::string>& checksum = {});
reply tus_head(https_client& c, const std::string& id);
// The id in a creation reply's Location.
std::string upload_id_of(const reply& created);
// Creates and sends a whole file in one PATCH; returns the PATCH reply and sets *id.
reply upload_file(https_client& c, const std::string& file_name, const std::string& bytes,
                  std::string* id);

// Sends a PATCH that announces content_length bytes but only sends `bytes`, then
// closes the connection (a client cut off mid-upload). Returns once the server has
// closed its side too (it has then recorded what arrived).
void tus_patch_cut(unsigned short port, const std::string& token, const std::string& id,
                   std::int64_t offset, const std::string& bytes, std::int64_t content_length);

// Sends raw request bytes over one TLS connection and returns every byte the server
// sends back until it closes (end the last request with "Connection: close").
std::string raw_exchange(unsigned short port, const std::string& requests);

// Small but real files of each kind (enough for content detection).
std::string pdf_bytes(const std::string& text = "parix");
std::string png_bytes();

struct zip_entry {
  std::string path;
  std::string content;
  bool symlink = false;  // content is the target
};
// A ZIP (deflated) with the given entries, as bytes.
std::string make_zip(const std::vector<zip_entry>& entries);

// The parix binary serving a data folder as a child process.
class server_process {
 public:
  // Runs `parix init` and `parix demo` in dir/data (when init), appends extra_config to
  // its parix.toml, then serves on a free port.
  explicit server_process(const std::filesystem::path& dir, bool init = true,
                          const std::string& extra_config = "");
  ~server_process();
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Peak resident memory (VmHWM) and current (VmRSS) in KiB.
  long peak_rss_kib() const;
  long rss_kib() const;
  // kill -9, and wait for it.
  void kill_hard();
  // SIGTERM and wait.
  void stop();
  const std::filesystem::path& data() const { return data_; }

 private:
  std::filesystem::path data_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

}  // namespace parix::testing
