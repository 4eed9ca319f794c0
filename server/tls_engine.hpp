// The server side of one TLS connection, without any I/O of its own: OpenSSL reads
// the peer's records from an input buffer the caller fills from the socket, and writes
// its records into an output buffer the caller sends.
//
// Asio's SSL engine does the same through a BIO pair, but it asks the socket for one
// record at a time and copies every record twice before OpenSSL sees it. Here OpenSSL
// reads straight from the buffer the socket filled (one recvmsg brings up to 256 KiB),
// and one read can decrypt every record that arrived. Measured in docs/benchmarks.md
// (evidence uploads).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <vector>

namespace parix::server {

class tls_engine {
 public:
  static constexpr std::size_t first_capacity = 17 * 1024;  // one TLS record
  static constexpr std::size_t bulk_capacity = 256 * 1024;
  // A write encrypts at most this much before the records are sent.
  static constexpr std::size_t output_batch = 256 * 1024;

  // What an operation needs before it can go on.
  enum class need { nothing, input };
  struct step {
    need next = need::nothing;
    boost::system::error_code error;
    std::size_t bytes = 0;  // application bytes read or taken for writing
  };

  explicit tls_engine(SSL_CTX* context);
  ~tls_engine();
  tls_engine(const tls_engine&) = delete;
  tls_engine& operator=(const tls_engine&) = delete;

  step handshake();
  // Decrypts as many buffered records as fit into [data, data + size).
  step read(char* data, std::size_t size);
  // Takes up to what fits in the output batch. Small pieces (Beast hands out an HTTP
  // header as one buffer per field) are gathered into one record until end_write();
  // larger ones are encrypted at once.
  step write(const char* data, std::size_t size);
  step end_write();
  step shutdown();

  // Room for the next read from the socket; the bytes not yet taken stay in front of
  // it. The buffer grows to bulk_capacity once a read fills it.
  boost::asio::mutable_buffer input_space();
  void commit_input(std::size_t n);
  // What the socket gave when it ended without the peer's close_notify: truncation.
  boost::system::error_code end_of_input(const boost::system::error_code& socket_error) const;

  bool output_pending() const noexcept { return !output_.empty(); }
  boost::asio::const_buffer output() const noexcept { return {output_.data(), output_.size()}; }
  std::size_t output_room() const noexcept {
    return output_.size() < output_batch ? output_batch - output_.size() : 0;
  }
  void consume_output() noexcept { output_.clear(); }

  // The input buffer's memory now (0 before the first read).
  std::size_t buffer_capacity() const noexcept { return capacity_; }
  // Gives back buffers grown by bulk transfers (256 KiB in, as much out) when nothing
  // waits in them, so that an idle connection holds little; the next read starts again
  // at one record.
  void release_idle_memory() noexcept;

 private:
  static int bio_read(BIO* bio, char* out, int size);
  static int bio_write(BIO* bio, const char* in, int size);
  static long bio_ctrl(BIO* bio, int command, long number, void* pointer);

  step failed(int result);
  step encrypt(const char* data, std::size_t size);

  SSL* ssl_;
  std::unique_ptr<char[]> input_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;  // [begin_, end_) arrived and is not yet taken by OpenSSL
  std::size_t end_ = 0;
  bool bulk_ = false;  // a socket read once filled the buffer: the peer sends in bulk
  std::vector<char> output_;
  std::vector<char> gathered_;  // small plaintext pieces waiting for end_write()
};

}  // namespace parix::server
