// Standard base64 (RFC 4648 §4, with padding), for signatures in JSON documents.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parix::storage {

// Pure; thread-safe.
std::string to_base64(std::span<const unsigned char> bytes);
// nullopt when text is not padded standard base64. Pure; thread-safe.
std::optional<std::vector<unsigned char>> from_base64(std::string_view text);

}  // namespace parix::storage
