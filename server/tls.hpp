// The TLS configuration: TLS 1.2 and 1.3 only, Mozilla "intermediate" cipher suites
// in the server's order, groups X25519, P-256, P-384.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>

namespace parix::server {

// Throws std::runtime_error when the certificate or key cannot be loaded or do not match.
boost::asio::ssl::context make_tls_context(const std::filesystem::path& certificate,
                                           const std::filesystem::path& private_key);

// Writes a self-signed certificate (EC P-256, SAN localhost and 127.0.0.1, valid for
// `days`) and its key (mode 0600). Used by parix init and by the tests.
void write_self_signed_certificate(const std::filesystem::path& certificate,
                                   const std::filesystem::path& private_key, int days = 397);

}  // namespace parix::server
