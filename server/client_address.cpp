// The client address behind a trusted reverse proxy (X-Forwarded-For, read from the right).
#include "server/client_address.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace parix::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> canonical_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string{text}, ec);
  if (ec) return std::nullopt;
  return a.to_string();
}

std::string client_address(std::string_view peer, const request& req,
                           const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](std::string_view a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (trusted_proxies.empty() || !trusted(peer)) return std::string{peer};
  std::vector<std::string_view> hops;
  const auto [first, last] = req.equal_range("X-Forwarded-For");
  for (auto field = first; field != last; ++field) {
    std::string_view list = field->value();
    while (!list.empty()) {
      const auto comma = list.find(',');
      hops.push_back(trim(list.substr(0, comma)));
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto address = canonical_address(*it);
    if (!address) break;
    if (!trusted(*address)) return *address;
  }
  return std::string{peer};
}

}  // namespace parix::server
