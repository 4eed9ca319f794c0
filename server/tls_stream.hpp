// A TLS stream for Beast's HTTP code: tls_engine over a beast::tcp_stream, whose
// timeouts and cancellation apply to every read and write the TLS layer makes.
//
// It takes the place of asio::ssl::stream on the server (docs/architecture.md,
// "Streamed bodies"): one socket read brings every record the kernel holds, and one
// async_read_some hands out all of them that fit, instead of one record per operation.
// Server side only. As with Beast's HTTP/1 server, one operation at a time: the
// connection never reads and writes at once.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/async_base.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <utility>

#include "server/tls_engine.hpp"

namespace parix::server {

class tls_stream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;

  tls_stream(boost::asio::ip::tcp::socket&& socket, boost::asio::ssl::context& context)
      : next_(std::move(socket)), engine_(std::make_unique<tls_engine>(context.native_handle())) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }
  // The input buffer's memory now (0 before the first read).
  std::size_t buffer_capacity() const noexcept { return engine_->buffer_capacity(); }
  // Between requests: see tls_engine::release_idle_memory.
  void release_idle_memory() { engine_->release_idle_memory(); }

  template <class Token>
  auto async_handshake(Token&& token) {
    return start<void(boost::system::error_code)>([](tls_engine& e) { return e.handshake(); },
                                                  std::forward<Token>(token));
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return start<void(boost::system::error_code, std::size_t)>(
        [buffers](tls_engine& e) {
          return each_buffer<boost::asio::mutable_buffer>(
              buffers, [&](auto b) { return e.read(static_cast<char*>(b.data()), b.size()); });
        },
        std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return start<void(boost::system::error_code, std::size_t)>(
        [buffers](tls_engine& e) {
          const tls_engine::step taken = each_buffer<boost::asio::const_buffer>(
              buffers,
              [&](auto b) { return e.write(static_cast<const char*>(b.data()), b.size()); });
          if (tls_engine::step sent = e.end_write(); sent.error) return sent;
          return taken;
        },
        std::forward<Token>(token));
  }

  // Sends close_notify and waits for the peer's (bounded by the caller's timeout).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return start<void(boost::system::error_code)>([](tls_engine& e) { return e.shutdown(); },
                                                  std::forward<Token>(token));
  }

 private:
  // Every operation is the same loop: let the engine try; send what it wrote; when it
  // needs the peer's bytes, read them from the socket and try again.
  template <class Handler, class Attempt, bool with_bytes>
  class operation : public boost::beast::async_base<Handler, executor_type> {
   public:
    operation(Handler&& h, tls_stream& stream, Attempt attempt)
        : boost::beast::async_base<Handler, executor_type>(std::move(h), stream.get_executor()),
          stream_(stream),
          attempt_(std::move(attempt)) {
      try_once(false);
    }

    void operator()(boost::system::error_code ec, std::size_t n) {
      tls_engine& engine = *stream_.engine_;
      if (phase_ == phase::sending) {
        engine.consume_output();
        if (ec) {
          step_ = {tls_engine::need::nothing, ec, 0};  // nothing counts as sent
          return finish(true, ec);
        }
        return after_sending(true);
      }
      if (ec) return finish(true, engine.end_of_input(ec));
      engine.commit_input(n);
      try_once(true);
    }

   private:
    enum class phase { trying, sending, receiving };

    void try_once(bool continuation) {
      tls_engine& engine = *stream_.engine_;
      phase_ = phase::trying;
      step_ = attempt_(engine);
      if (engine.output_pending()) {
        phase_ = phase::sending;
        boost::asio::async_write(stream_.next_, engine.output(), std::move(*this));
        return;
      }
      after_sending(continuation);
    }

    void after_sending(bool continuation) {
      if (step_.next == tls_engine::need::input && !step_.error) {
        phase_ = phase::receiving;
        stream_.next_.async_read_some(stream_.engine_->input_space(), std::move(*this));
        return;
      }
      finish(continuation, step_.error);
    }

    void finish(bool continuation, boost::system::error_code ec) {
      const std::size_t n = step_.next == tls_engine::need::nothing ? step_.bytes : 0;
      if constexpr (with_bytes)
        this->complete(continuation, n > 0 ? boost::system::error_code{} : ec, n);
      else
        this->complete(continuation, ec);
    }

    tls_stream& stream_;
    Attempt attempt_;
    tls_engine::step step_{};
    phase phase_ = phase::trying;
  };

  // Feeds the buffers to one engine call each, in order, while each is taken whole.
  // A call that takes nothing (full, waiting for input, failed) ends the loop; its
  // result counts only when nothing was taken before it (an error shows again later).
  template <class Buffer, class Buffers, class Call>
  static tls_engine::step each_buffer(const Buffers& buffers, Call call) {
    tls_engine::step total{};
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const Buffer b = *it;
      if (b.size() == 0) continue;
      const tls_engine::step one = call(b);
      if (one.bytes == 0) return total.bytes > 0 ? total : one;
      total.bytes += one.bytes;
      if (one.bytes < b.size()) break;
    }
    return total;
  }

  template <class Signature, class Attempt, class Token>
  auto start(Attempt attempt, Token&& token) {
    constexpr bool with_bytes =
        std::is_same_v<Signature, void(boost::system::error_code, std::size_t)>;
    return boost::asio::async_initiate<Token, Signature>(
        [this](auto h, Attempt a) {
          operation<std::decay_t<decltype(h)>, Attempt, with_bytes>{std::move(h), *this,
                                                                    std::move(a)};
        },
        token, std::move(attempt));
  }

  next_layer_type next_;
  std::unique_ptr<tls_engine> engine_;  // stays put when the stream moves (its BIO points at it)
};

}  // namespace parix::server
