// Who is on the other end of a request: the peer's address, or — only when the peer is
// a reverse proxy the configuration trusts — the client its X-Forwarded-For names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace parix::server {

// An IP address in its canonical text ("::ffff:10.0.0.1" stays as written by Asio,
// "010.0.0.1" is refused), or nullopt when text is not an IPv4 or IPv6 address. Pure.
std::optional<std::string> canonical_address(std::string_view text);

// The client's address for throttling and the audit log. peer is the TCP peer's
// address. When peer is one of trusted_proxies, the X-Forwarded-For fields (all of them,
// in order, comma-separated) are read from the right: each proxy appends the address it
// saw, so the rightmost entry that is not itself a trusted proxy is the first address no
// trusted party vouches beyond — the client. Entries that are not IP addresses end the
// walk (nothing left of them can be trusted) and peer is kept. Without trusted proxies,
// or from any other peer, X-Forwarded-For is ignored: anyone can send it. Pure.
std::string client_address(std::string_view peer, const request& req,
                           const std::vector<std::string>& trusted_proxies);

}  // namespace parix::server
