// ISO 8601 parsing and formatting with fixed offsets.
#include "workflow/time_text.hpp"

#include <charconv>
#include <cstdio>

namespace parix::workflow {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, out);
  return ec == std::errc{} && end == s.data() + pos + n;
}

}  // namespace

std::optional<time_point> parse_iso_time(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec))
    return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    std::string frac{s.substr(start, std::min<std::size_t>(pos - start, 3))};
    frac.resize(3, '0');
    millis = std::stoi(frac);
  }
  std::chrono::minutes offset{0};
  if (pos < s.size() && s[pos] == 'Z' && pos + 1 == s.size()) {
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 14 || om > 59)
      return std::nullopt;
    offset = std::chrono::minutes{oh * 60 + om} * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                        std::chrono::day{unsigned(d)}};
  // The result counts nanoseconds in 64 bits, which span 1677-2262: a year outside them
  // overflowed (found by fuzzing json_routes: a round's end in the year 3477).
  if (y < 1700 || y > 2200) return std::nullopt;
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{sec} + std::chrono::milliseconds{millis} - offset;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                        std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::chrono::year_month_day date_in(time_point t, std::string_view zone) {
  const auto offset = zone_offset(zone).value_or(std::chrono::minutes{0});
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t + offset)};
}

std::optional<std::chrono::minutes> zone_offset(std::string_view zone) {
  if (zone == "Asia/Ho_Chi_Minh" || zone == "Asia/Saigon") return std::chrono::minutes{7 * 60};
  if (zone == "UTC" || zone == "Etc/UTC") return std::chrono::minutes{0};
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int h, m;
    if (digits(zone, 1, 2, h) && digits(zone, 4, 2, m) && h <= 14 && m <= 59)
      return std::chrono::minutes{h * 60 + m} * (zone[0] == '-' ? -1 : 1);
  }
  return std::nullopt;
}

std::string format_time(time_point t, std::string_view zone) {
  const auto offset = zone_offset(zone).value_or(std::chrono::minutes{0});
  const auto local = std::chrono::floor<std::chrono::seconds>(t) + offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{local - day};
  const auto off = offset.count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld%c%02lld:%02lld",
                int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()), off < 0 ? '-' : '+',
                static_cast<long long>(std::abs(off) / 60),
                static_cast<long long>(std::abs(off) % 60));
  return buf;
}

}  // namespace parix::workflow
