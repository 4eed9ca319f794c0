// The client address behind a trusted reverse proxy (X-Forwarded-For read from the right).
#include "server/client_address.hpp"

#include <gtest/gtest.h>

namespace parix::server {
namespace {

request with_forwarded(std::initializer_list<std::string> fields) {
  request req{http::verb::post, "/api/v1/auth/login", 11};
  for (const auto& f : fields) req.insert("X-Forwarded-For", f);
  return req;
}

TEST(client_address, is_the_peer_when_no_proxy_is_trusted) {
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"203.0.113.7"}), {}), "10.0.0.5");
}

TEST(client_address, is_the_peer_when_the_peer_is_not_a_trusted_proxy) {
  EXPECT_EQ(client_address("198.51.100.1", with_forwarded({"203.0.113.7"}), {"10.0.0.5"}),
            "198.51.100.1");
}

TEST(client_address, is_the_rightmost_untrusted_hop_behind_a_trusted_proxy) {
  const std::vector<std::string> proxies{"10.0.0.5", "10.0.0.6"};
  // A client may write anything on the left; only what trusted proxies appended counts.
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"1.2.3.4, 203.0.113.7"}), proxies),
            "203.0.113.7");
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"203.0.113.7", "10.0.0.6"}), proxies),
            "203.0.113.7");
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"2001:db8::1"}), proxies), "2001:db8::1");
}

TEST(client_address, falls_back_to_the_peer_on_garbage_or_no_header) {
  const std::vector<std::string> proxies{"10.0.0.5"};
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({}), proxies), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"unknown"}), proxies), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"203.0.113.7, <script>"}), proxies),
            "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", with_forwarded({"10.0.0.5"}), proxies), "10.0.0.5");
}

TEST(client_address, canonical_address_accepts_only_ip_addresses) {
  EXPECT_EQ(canonical_address("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(canonical_address("2001:DB8::1"), "2001:db8::1");
  EXPECT_EQ(canonical_address("localhost"), std::nullopt);
  EXPECT_EQ(canonical_address(""), std::nullopt);
}

}  // namespace
}  // namespace parix::server
