// Base64 for signatures in statement documents: standard alphabet, padding, strict.
#include <gtest/gtest.h>

#include "storage/base64.hpp"

namespace parix::storage {
namespace {

std::vector<unsigned char> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(base64, encodes_with_padding_and_decodes_back) {
  EXPECT_EQ(to_base64(bytes("")), "");
  EXPECT_EQ(to_base64(bytes("f")), "Zg==");
  EXPECT_EQ(to_base64(bytes("fo")), "Zm8=");
  EXPECT_EQ(to_base64(bytes("foo")), "Zm9v");
  EXPECT_EQ(to_base64(bytes("Quyết")), "UXV54bq/dA==");
  for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    EXPECT_EQ(from_base64(to_base64(bytes(s))), bytes(s)) << s;
}

TEST(base64, refuses_what_is_not_strict_standard_base64) {
  EXPECT_FALSE(from_base64("Zg"));    // no padding
  EXPECT_FALSE(from_base64("Zg=a"));  // padding in the middle
  EXPECT_FALSE(from_base64(" Zg="));  // whitespace
  EXPECT_FALSE(from_base64("Zh=="));  // stray bits after the last byte
  EXPECT_FALSE(from_base64("Zm9-"));  // URL-safe alphabet
  EXPECT_TRUE(from_base64("Zm9v"));
}

}  // namespace
}  // namespace parix::storage
