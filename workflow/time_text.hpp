// Times as people write them: ISO 8601 with an offset ("2025-03-31T17:00:00+07:00"),
// and campaign time zones. Stored times are UTC.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace parix::workflow {

using time_point = std::chrono::system_clock::time_point;

// "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; nullopt for anything else (an offset is
// required: a deadline without one is ambiguous).
std::optional<time_point> parse_iso_time(std::string_view text);

// The UTC offset of a campaign time zone: "Asia/Ho_Chi_Minh" (+07:00, no daylight
// saving), "UTC", or a fixed "+HH:MM"/"-HH:MM". nullopt for other names.
std::optional<std::chrono::minutes> zone_offset(std::string_view zone);

// A calendar date "YYYY-MM-DD" (an official document's or decision's date); nullopt for
// anything else, "2025-02-30" and "hôm qua" included.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

// The calendar date at t in the given zone (UTC when the zone is unknown).
std::chrono::year_month_day date_in(time_point t, std::string_view zone);

// "2025-03-31T17:00:00+07:00" in the given zone (UTC when the zone is unknown).
std::string format_time(time_point t, std::string_view zone);

}  // namespace parix::workflow
