// OpenSSL over two memory buffers, through a BIO that reads and writes them in place.
#include "server/tls_engine.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>

namespace parix::server {
namespace {

namespace ssl_errors = boost::asio::ssl::error;

BIO_METHOD* make_buffer_bio_method(int (*read)(BIO*, char*, int),
                                   int (*write)(BIO*, const char*, int),
                                   long (*ctrl)(BIO*, int, long, void*)) {
  BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parix buffers");
  if (!method || BIO_meth_set_read(method, read) != 1 || BIO_meth_set_write(method, write) != 1 ||
      BIO_meth_set_ctrl(method, ctrl) != 1)
    throw std::runtime_error("cannot create the TLS buffer BIO");
  return method;
}

boost::system::error_code ssl_error(unsigned long code) {
  if (code == 0) return ssl_errors::unspecified_system_error;
  return {static_cast<int>(code), boost::asio::error::get_ssl_category()};
}

}  // namespace

tls_engine::tls_engine(SSL_CTX* context) : ssl_(SSL_new(context)) {
  // One method for the whole process, made on first use (thread-safe static).
  static BIO_METHOD* const method = make_buffer_bio_method(bio_read, bio_write, bio_ctrl);
  if (!ssl_) throw std::bad_alloc{};
  BIO* bio = BIO_new(method);
  if (!bio) {
    SSL_free(ssl_);
    throw std::bad_alloc{};
  }
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // one reference, owned by ssl_ from here on
  // Let OpenSSL take whole buffered records per call; idle connections give their
  // record buffers back (as Asio's engine does).
  SSL_set_read_ahead(ssl_, 1);
  SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
  SSL_set_accept_state(ssl_);
}

tls_engine::~tls_engine() {
  SSL_free(ssl_);
}

int tls_engine::bio_read(BIO* bio, char* out, int size) {
  auto& self = *static_cast<tls_engine*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const std::size_t n =
      std::min<std::size_t>(static_cast<std::size_t>(size), self.end_ - self.begin_);
  if (n == 0) {
    BIO_set_retry_read(bio);
    return -1;
  }
  std::memcpy(out, self.input_.get() + self.begin_, n);
  self.begin_ += n;
  return static_cast<int>(n);
}

int tls_engine::bio_write(BIO* bio, const char* in, int size) {
  auto& self = *static_cast<tls_engine*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  self.output_.insert(self.output_.end(), in, in + size);
  return size;
}

long tls_engine::bio_ctrl(BIO*, int command, long, void*) {
  // Writes land in memory at once, so a flush has nothing to do; nothing else is asked
  // of a plain source/sink BIO.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

tls_engine::step tls_engine::failed(int result) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      return {need::input, {}, 0};
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      return {need::nothing, boost::asio::error::eof, 0};
    case SSL_ERROR_SSL:
    case SSL_ERROR_SYSCALL: {
      const auto error = ssl_error(ERR_get_error());
      ERR_clear_error();
      return {need::nothing, error, 0};
    }
    default:  // WANT_WRITE and the rest cannot happen with memory buffers
      return {need::nothing, ssl_errors::unexpected_result, 0};
  }
}

tls_engine::step tls_engine::handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  return result == 1 ? step{} : failed(result);
}

tls_engine::step tls_engine::read(char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t total = 0;
  while (total < size) {
    std::size_t got = 0;
    const int result = SSL_read_ex(ssl_, data + total, size - total, &got);
    if (result == 1) {
      total += got;
      continue;
    }
    // Bytes already read are handed out first; an error shows again on the next call.
    if (total > 0) break;
    return failed(result);
  }
  return {need::nothing, {}, total};
}

tls_engine::step tls_engine::write(const char* data, std::size_t size) {
  constexpr std::size_t record = 16 * 1024;
  if (gathered_.size() + size <= record) {
    gathered_.insert(gathered_.end(), data, data + size);
    return {need::nothing, {}, size};
  }
  if (step sent = end_write(); sent.error) return sent;
  return encrypt(data, std::min(size, output_room()));
}

tls_engine::step tls_engine::end_write() {
  if (gathered_.empty()) return {};
  step sent = encrypt(gathered_.data(), gathered_.size());
  if (sent.error) return sent;
  gathered_.clear();
  return {};
}

tls_engine::step tls_engine::encrypt(const char* data, std::size_t size) {
  if (size == 0) return {};
  ERR_clear_error();
  std::size_t written = 0;
  const int result = SSL_write_ex(ssl_, data, size, &written);
  if (result == 1) return {need::nothing, {}, written};
  // Only a renegotiation could make a write wait for the peer, and it is off
  // (SSL_OP_NO_RENEGOTIATION); TLS 1.3 key updates are answered on reads.
  step refused = failed(result);
  if (refused.next == need::input) return {need::nothing, ssl_errors::unexpected_result, 0};
  return refused;
}

tls_engine::step tls_engine::shutdown() {
  ERR_clear_error();
  const int result = SSL_shutdown(ssl_);
  if (result == 1) return {};
  if (result == 0) return {need::input, {}, 0};  // close_notify sent; wait for the peer's
  return failed(result);
}

boost::asio::mutable_buffer tls_engine::input_space() {
  if (begin_ == end_) begin_ = end_ = 0;
  const std::size_t wanted = bulk_ ? bulk_capacity : first_capacity;
  if (capacity_ < wanted) {
    auto grown = std::make_unique<char[]>(wanted);
    if (end_ > begin_) std::memcpy(grown.get(), input_.get() + begin_, end_ - begin_);
    input_ = std::move(grown);
    capacity_ = wanted;
    end_ -= begin_;
    begin_ = 0;
  } else if (capacity_ - end_ < first_capacity && begin_ > 0) {
    // Less than a record of room left: move the part of a record already here to the front.
    std::memmove(input_.get(), input_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  return {input_.get() + end_, capacity_ - end_};
}

void tls_engine::commit_input(std::size_t n) {
  bulk_ = bulk_ || end_ + n == capacity_;
  end_ += n;
}

void tls_engine::release_idle_memory() noexcept {
  if (begin_ == end_ && capacity_ > first_capacity) {
    input_.reset();
    capacity_ = begin_ = end_ = 0;
    bulk_ = false;
  }
  if (output_.empty() && output_.capacity() > first_capacity) std::vector<char>{}.swap(output_);
}

boost::system::error_code tls_engine::end_of_input(
    const boost::system::error_code& socket_error) const {
  if (socket_error != boost::asio::error::eof) return socket_error;
  if ((SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) == 0) return ssl_errors::stream_truncated;
  return socket_error;
}

}  // namespace parix::server
