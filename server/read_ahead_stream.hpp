// A stream layer under TLS that reads from the socket in large gulps.
//
// Asio's SSL engine asks its next layer for at most one TLS record (17 KiB) at a time,
// so a 1 GiB upload costs some 61 000 recvmsg calls, each with its share of TCP
// acknowledgement work. This layer reads as much as the kernel has, up to its buffer,
// and hands it out record by record from memory. The buffer starts at one record and
// grows to 256 KiB the first time a read fills it, so that idle connections and small
// requests keep little memory. Measured in docs/benchmarks.md (evidence uploads).
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/async_base.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <utility>

namespace parix::server {

template <class NextLayer>
class read_ahead_stream {
 public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;
  // asio::ssl::stream wants these; Beast's stream keeps them for its friends only.
  using lowest_layer_type = typename NextLayer::socket_type;
  static constexpr std::size_t first_capacity = 17 * 1024;  // one TLS record
  static constexpr std::size_t bulk_capacity = 256 * 1024;

  template <class... Args>
  explicit read_ahead_stream(Args&&... args) : next_(std::forward<Args>(args)...) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }
  lowest_layer_type& lowest_layer() noexcept { return next_.socket(); }
  // The memory it holds now (0 before the first read).
  std::size_t buffer_capacity() const noexcept { return capacity_; }

  template <class MutableBuffers, class ReadToken>
  auto async_read_some(const MutableBuffers& buffers, ReadToken&& token) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        [this](auto h, const MutableBuffers& b) {
          read_some_op<std::decay_t<decltype(h)>, MutableBuffers>{std::move(h), *this, b};
        },
        token, buffers);
  }

  template <class ConstBuffers, class WriteToken>
  auto async_write_some(const ConstBuffers& buffers, WriteToken&& token) {
    return next_.async_write_some(buffers, std::forward<WriteToken>(token));
  }

 private:
  template <class Handler, class MutableBuffers>
  class read_some_op : public boost::beast::async_base<Handler, executor_type> {
   public:
    read_some_op(Handler&& h, read_ahead_stream& s, const MutableBuffers& b)
        : boost::beast::async_base<Handler, executor_type>(std::move(h), s.get_executor()),
          stream_(s),
          buffers_(b) {
      // Buffered bytes (or an empty read) complete without touching the socket, but
      // never inside the initiating call: the handler is posted.
      if (stream_.begin_ != stream_.end_ || boost::asio::buffer_size(buffers_) == 0) {
        this->complete(false, boost::system::error_code{}, stream_.take(buffers_));
        return;
      }
      stream_.make_room();
      stream_.next_.async_read_some(boost::asio::buffer(stream_.storage_.get(), stream_.capacity_),
                                    std::move(*this));
    }

    void operator()(boost::system::error_code ec, std::size_t n) {
      stream_.begin_ = 0;
      stream_.end_ = n;
      stream_.bulk_ = stream_.bulk_ || n == stream_.capacity_;
      const std::size_t taken = stream_.take(buffers_);
      this->complete_now(taken > 0 ? boost::system::error_code{} : ec, taken);
    }

   private:
    read_ahead_stream& stream_;
    MutableBuffers buffers_;
  };

  // Called with the buffer empty.
  void make_room() {
    const std::size_t wanted = bulk_ ? bulk_capacity : first_capacity;
    if (capacity_ == wanted) return;
    storage_.reset(new char[wanted]);
    capacity_ = wanted;
  }

  template <class MutableBuffers>
  std::size_t take(const MutableBuffers& buffers) {
    const std::size_t n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(storage_.get() + begin_, end_ - begin_));
    begin_ += n;
    return n;
  }

  NextLayer next_;
  std::unique_ptr<char[]> storage_;
  std::size_t capacity_ = 0;
  bool bulk_ = false;  // a read once filled the buffer: the peer sends in bulk
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace parix::server
