// Random secrets for sessions and API tokens, and the hash under which they are stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parix::auth {

// API tokens carry this prefix so that a leaked one is recognisable (and so that
// authenticate() knows which table to look in).
inline constexpr std::string_view api_token_prefix = "pxt_";

// 256 random bits from OpenSSL's CSPRNG, base64url without padding (43 characters).
// Thread-safe; throws std::runtime_error if the CSPRNG fails.
std::string new_secret();
// A password the server makes for a new user and shows once (a one-time password):
// four groups of five letters and digits without look-alikes (0/o, 1/l/i), e.g.
// "k7pqz-4mztw-x9abd-c3dex", about 100 random bits, easy to read out over the phone.
// Thread-safe; throws std::runtime_error if the CSPRNG fails.
std::string one_time_password();
// SHA-256 of the token text: what the database stores and looks up.
std::vector<unsigned char> token_hash(std::string_view token);

}  // namespace parix::auth
