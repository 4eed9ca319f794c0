// Lower-case hexadecimal, the one text form of digests, ids and keys in parix (file names
// in the blob store, the audit chain, statements, manifests). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parix::storage {

// "00ff…": two lower-case digits per byte.
std::string to_hex(std::span<const unsigned char> bytes);
// The bytes of lower-case hex; nullopt for an odd length or any other character
// (upper case included: parix writes lower case only, so anything else was not ours).
std::optional<std::vector<unsigned char>> from_hex(std::string_view hex);
// True when every character is a lower-case hex digit (and for "").
bool is_lower_hex(std::string_view text) noexcept;

}  // namespace parix::storage
