// Evidence test helpers.
#include "tests/support/evidence_support.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "storage/base64.hpp"
#include "storage/sha256.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {

using server::http::verb;

namespace {
std::span<const unsigned char> bytes_of(const std::string& s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}
}  // namespace

std::string sha256_hex(const std::string& bytes) {
  return storage::to_hex(storage::sha256(std::string_view{bytes}));
}
std::string sha256_base64(const std::string& bytes) {
  auto d = storage::sha256(std::string_view{bytes});
  return storage::to_base64(d);
}
std::string base64(const std::string& bytes) {
  return storage::to_base64(bytes_of(bytes));
}

namespace {

// One TLS connection to the server on loopback (the tests' self-signed certificate).
struct tls_connection {
  explicit tls_connection(unsigned short port) {
    ctx.set_verify_mode(boost::asio::ssl::verify_none);
    boost::beast::get_lowest_layer(stream).connect(
        {boost::asio::ip::make_address("127.0.0.1"), port});
    stream.handshake(boost::asio::ssl::stream_base::client);
  }
  boost::asio::io_context ioc;
  boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream{ioc, ctx};
};

}  // namespace

reply tus_create(https_client& c, const std::string& file_name, std::int64_t length,
                 const std::string& sha, const std::map<std::string, std::string>& extra) {
  std::string meta = "filename " + base64(file_name) + ",sha256 " + base64(sha);
  for (const auto& [k, v] : extra) meta += "," + k + " " + base64(v);
  return c.request(verb::post, "/api/v1/uploads", "",
                   {{"Tus-Resumable", "1.0.0"},
                    {"Upload-Length", std::to_string(length)},
                    {"Upload-Metadata", meta}});
}

reply tus_patch(https_client& c, const std::string& id, std::int64_t offset,
                const std::string& bytes, const std::optional<std::string>& checksum) {
  std::map<std::string, std::string> h{{"Tus-Resumable", "1.0.0"},
                                       {"Content-Type", "application/offset+octet-stream"},
                                       {"Upload-Offset", std::to_string(offset)}};
  if (checksum) h["Upload-Checksum"] = "sha256 " + *checksum;
  return c.request(verb::patch, "/api/v1/uploads/" + id, bytes, h);
}

reply tus_head(https_client& c, const std::string& id) {
  return c.request(verb::head, "/api/v1/uploads/" + id, "", {{"Tus-Resumable", "1.0.0"}});
}

std::string upload_id_of(const reply& created) {
  auto location = created.header("Location");
  return location.substr(location.rfind('/') + 1);
}

reply upload_file(https_client& c, const std::string& file_name, const std::string& bytes,
                  std::string* id) {
  auto created =
      tus_create(c, file_name, static_cast<std::int64_t>(bytes.size()), sha256_hex(bytes));
  EXPECT_EQ(created.status, 201u) << created.body;
  if (created.status != 201u) return created;
  *id = upload_id_of(created);
  return tus_patch(c, *id, 0, bytes);
}

void tus_patch_cut(unsigned short port, const std::string& token, const std::string& id,
                   std::int64_t offset, const std::string& bytes, std::int64_t content_length) {
  namespace asio = boost::asio;
  tls_connection conn{port};
  auto& s = conn.stream;
  std::string head = "PATCH /api/v1/uploads/" + id +
                     " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token +
                     "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                     "Upload-Offset: " +
                     std::to_string(offset) +
                     "\r\nContent-Length: " + std::to_string(content_length) + "\r\n\r\n";
  asio::write(s, asio::buffer(head));
  asio::write(s, asio::buffer(bytes));
  // Vanish without a word (no close_notify): what a dropped mobile connection looks
  // like. The FIN follows the bytes; then wait (30 s at most) until the server, having
  // kept what arrived, closes its side, so the caller sees the upload as it is left.
  auto& socket = boost::beast::get_lowest_layer(s).socket();
  socket.shutdown(asio::ip::tcp::socket::shutdown_send);
  const timeval limit{30, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  char sink[4096];
  while (::recv(socket.native_handle(), sink, sizeof sink, 0) > 0) {
  }
  socket.close();
}

std::string raw_exchange(unsigned short port, const std::string& requests) {
  namespace asio = boost::asio;
  tls_connection conn{port};
  auto& s = conn.stream;
  asio::write(s, asio::buffer(requests));
  std::string out;
  char buf[4096];
  for (;;) {
    boost::system::error_code ec;
    auto n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

std::string pdf_bytes(const std::string& text) {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text + "\n%%EOF\n";
}

std::string png_bytes() {
  return std::string{"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16} + std::string(32, '\1');
}

std::string make_zip(const std::vector<zip_entry>& entries) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a{archive_write_new(),
                                                            archive_write_free};
  archive_write_set_format_zip(a.get());
  std::vector<char> out(64 << 20);
  std::size_t used = 0;
  if (archive_write_open_memory(a.get(), out.data(), out.size(), &used) != ARCHIVE_OK)
    throw std::runtime_error("archive_write_open_memory");
  for (const auto& e : entries) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> en{archive_entry_new(),
                                                                     archive_entry_free};
    archive_entry_set_pathname(en.get(), e.path.c_str());
    if (e.symlink) {
      archive_entry_set_filetype(en.get(), AE_IFLNK);
      archive_entry_set_symlink(en.get(), e.content.c_str());
      archive_entry_set_perm(en.get(), 0777);
      archive_write_header(a.get(), en.get());
    } else {
      archive_entry_set_filetype(en.get(), AE_IFREG);
      archive_entry_set_perm(en.get(), 0644);
      archive_entry_set_size(en.get(), static_cast<la_int64_t>(e.content.size()));
      archive_write_header(a.get(), en.get());
      archive_write_data(a.get(), e.content.data(), e.content.size());
    }
  }
  archive_write_close(a.get());
  return std::string(out.data(), used);
}

server_process::server_process(const std::filesystem::path& dir, bool init,
                               const std::string& extra_config)
    : data_(dir / "data") {
  const std::string bin = PARIX_BINARY;
  if (init) {
    auto r = run_command("PARIX_ADMIN_PASSWORD=ChiSoCCHC-2024 " + bin + " init --data " +
                         data_.string() + " >/dev/null && " + bin + " demo --data " +
                         data_.string() + " >/dev/null");
    if (r.status != 0) throw std::runtime_error("parix init/demo failed: " + r.output);
  }
  if (!extra_config.empty()) std::ofstream{data_ / "parix.toml", std::ios::app} << extra_config;
  const auto log = dir / "serve.log";
  std::filesystem::remove(log);
  pid_ = ::fork();
  if (pid_ == 0) {
    const std::string data = data_.string();
    if (!std::freopen(log.c_str(), "w", stdout) || ::dup2(::fileno(stdout), 2) < 0) std::_Exit(126);
    // Under AddressSanitizer freed memory waits in a quarantine of up to 256 MiB before
    // it is reused, which would make every measurement of the server's memory measure
    // the quarantine instead. Keep it small in the child; detection stays on.
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string options = std::string{asan ? asan : ""} + (asan ? ":" : "") +
                                "quarantine_size_mb=4:thread_local_quarantine_size_kb=64";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
    ::execl(bin.c_str(), bin.c_str(), "serve", "--data", data.c_str(), "--port", "0",
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream in{log};
    std::stringstream ss;
    ss << in.rdbuf();
    const auto text = ss.str();
    auto at = text.find("serving at https://");
    if (at != std::string::npos) {
      auto colon = text.find(':', text.find("//", at) + 2);
      auto end = text.find_first_not_of("0123456789", colon + 1);
      if (colon != std::string::npos && end != std::string::npos && end > colon + 1) {
        port_ = static_cast<unsigned short>(std::stoi(text.substr(colon + 1, end - colon - 1)));
        return;
      }
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("parix serve exited: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_hard();
  throw std::runtime_error("parix serve did not start within 60 s");
}

server_process::~server_process() {
  stop();
}

namespace {
long status_kib(pid_t pid, const std::string& key) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}
}  // namespace

long server_process::peak_rss_kib() const {
  return status_kib(pid_, "VmHWM");
}
long server_process::rss_kib() const {
  return status_kib(pid_, "VmRSS");
}

void server_process::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void server_process::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace parix::testing
