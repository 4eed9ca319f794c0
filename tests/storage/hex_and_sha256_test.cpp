// Lower-case hex, the one text form of digests, and the SHA-256 stream's copies.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "storage/hex.hpp"
#include "storage/sha256.hpp"

namespace parix::storage {
namespace {

std::span<const unsigned char> bytes_of(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

TEST(hex, encodes_lower_case_and_decodes_back) {
  const std::array<unsigned char, 4> b{0x00, 0x9f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(b), "009fa0ff");
  EXPECT_EQ(to_hex(std::span<const unsigned char>{}), "");
  EXPECT_EQ(from_hex("009fa0ff"), (std::vector<unsigned char>{0x00, 0x9f, 0xa0, 0xff}));
  EXPECT_EQ(from_hex(""), std::vector<unsigned char>{});
}

TEST(hex, refuses_odd_lengths_upper_case_and_other_characters) {
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("AB"));
  EXPECT_FALSE(from_hex("0g"));
  EXPECT_FALSE(from_hex("0 "));
  EXPECT_TRUE(is_lower_hex("0123456789abcdef"));
  EXPECT_FALSE(is_lower_hex("0123456789abcdeF"));
}

TEST(sha256_stream, hashes_in_pieces_like_at_once) {
  sha256_stream s;
  s.update(bytes_of("hello "));
  s.update(std::span<const char>{"world", 5});
  EXPECT_EQ(to_hex(s.finish()), to_hex(sha256("hello world")));
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
}

TEST(sha256_stream, a_copy_and_a_peek_leave_the_running_state_alone) {
  sha256_stream s;
  s.update(bytes_of("hello "));
  sha256_stream before = s;  // the state to go back to
  EXPECT_EQ(s.peek(), sha256("hello "));
  s.update(bytes_of("world"));
  EXPECT_EQ(s.peek(), sha256("hello world"));
  before.update(bytes_of("there"));
  EXPECT_EQ(before.finish(), sha256("hello there"));
  s = sha256_stream{};  // a fresh start by assignment
  s.update(bytes_of("abc"));
  EXPECT_EQ(s.finish(), sha256("abc"));
}

}  // namespace
}  // namespace parix::storage
