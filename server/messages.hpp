// User-facing texts of every problem code, in Vietnamese (the default) and English.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parix::server {

enum class language { vi, en };

// Picks the language from an Accept-Language header (RFC 9110 §12.5.4): the
// highest-weighted of vi and en; Vietnamese when neither is asked for.
language negotiate_language(std::string_view accept_language) noexcept;
std::string_view tag(language l) noexcept;

using message_args = std::vector<std::pair<std::string, std::string>>;

struct localized {
  std::string title;
  std::string detail;
};

// The title and detail for a problem code with {placeholders} filled from args.
// An unknown code yields a generic text (and is caught by a test over the table).
localized message_for(std::string_view code, language l, const message_args& args);
// Whether the catalogue has texts for this code.
bool has_message(std::string_view code) noexcept;
// Every code of the catalogue, in its order (for the test that renders them all).
std::vector<std::string_view> message_codes();
// The {placeholders} of a code's detail text in one language, in order of appearance.
std::vector<std::string> placeholders(std::string_view code, language l);

}  // namespace parix::server
