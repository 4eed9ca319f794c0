// Framing checks and the answers to failed reads.
#include "server/request_reader.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace parix::server {

std::optional<api_error> check_framing(const request& req) {
  const auto hosts = req.count(http::field::host);
  if ((req.version() >= 11 && hosts == 0) || hosts > 1)
    return api_error{
        http::status::bad_request,
        "bad_request",
        {{"reason", hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host field"}}};
  for (auto it = req.find(http::field::transfer_encoding);
       it != req.end() && it->name() == http::field::transfer_encoding; ++it) {
    for (auto coding : http::token_list{it->value()}) {
      if (!boost::beast::iequals(coding, "chunked")) {
        std::string name{coding.substr(0, 32)};
        for (char& c : name)
          if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '?';
        return api_error{
            http::status::not_implemented, "transfer_coding_unsupported", {{"coding", name}}};
      }
    }
  }
  return std::nullopt;
}

bool expected_end(const boost::system::error_code& ec) {
  namespace asio = boost::asio;
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == boost::beast::error::timeout || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated ||
         ec == asio::error::broken_pipe;
}

std::optional<api_error> refusal_for(const boost::system::error_code& ec, read_phase phase,
                                     std::uint64_t body_limit, const chunk_counter* chunks) {
  using s = http::status;
  if (ec == http::error::header_limit)
    return api_error{
        s::request_header_fields_too_large,
        "bad_request",
        {{"reason", phase == read_phase::header ? "header too large" : "trailer too large"}}};
  if (ec == http::error::buffer_overflow)
    // The bounded input buffer filled up: a header line (header_limit error first) or,
    // in the body, a chunk header with its extensions or the trailer block.
    return phase == read_phase::header
               ? api_error{s::request_header_fields_too_large,
                           "bad_request",
                           {{"reason", "header too large"}}}
               : api_error{s::request_header_fields_too_large,
                           "bad_request",
                           {{"reason", "chunk header or trailer too large"}}};
  if (ec == http::error::body_limit) {
    if (chunks && chunks->extensions_too_large())
      return api_error{s::request_header_fields_too_large,
                       "bad_request",
                       {{"reason", "chunk extensions too large"}}};
    return api_error{
        s::payload_too_large, "body_too_large", {{"limit", std::to_string(body_limit)}}};
  }
  if (expected_end(ec) || ec == http::error::partial_message) return std::nullopt;
  return api_error{s::bad_request, "bad_request", {{"reason", ec.message()}}};
}

}  // namespace parix::server
