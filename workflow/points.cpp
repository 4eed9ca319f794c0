// Parsing, formatting and exact comparison of points and percentages.
#include "workflow/points.hpp"

namespace parix::workflow {
namespace {

// Products of two scores overflow 64 bits; GCC's 128-bit integer holds them exactly.
__extension__ typedef __int128 i128;

// Formats value / 10^decimals, dropping trailing zeros when trim is set.
std::string fixed(i128 scaled, int decimals, bool trim) {
  const bool negative = scaled < 0;
  if (negative) scaled = -scaled;
  i128 pow = 1;
  for (int i = 0; i < decimals; ++i) pow *= 10;
  auto whole = static_cast<std::uint64_t>(scaled / pow);
  auto frac = static_cast<std::uint64_t>(scaled % pow);
  std::string out = (negative ? "-" : "") + std::to_string(whole);
  if (decimals > 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, static_cast<std::size_t>(decimals) - digits.size(), '0');
    if (trim)
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (!digits.empty()) out += "." + digits;
  }
  return out;
}

}  // namespace

std::optional<points> points::parse(std::string_view text, parse_error* why, bool allow_negative) {
  auto fail = [&](parse_error e) -> std::optional<points> {
    if (why) *why = e;
    return std::nullopt;
  };
  if (text.empty()) return fail(parse_error::empty);
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty()))
    return fail(parse_error::not_a_number);
  for (char c : whole)
    if (c < '0' || c > '9') return fail(parse_error::not_a_number);
  for (char c : frac)
    if (c < '0' || c > '9') return fail(parse_error::not_a_number);
  if (frac.size() > 4) return fail(parse_error::too_many_decimals);
  if (whole.size() > 12) return fail(parse_error::too_large);
  std::int64_t units = 0;
  for (char c : whole) units = units * 10 + (c - '0');
  units *= scale;
  std::int64_t f = 0;
  for (std::size_t i = 0; i < 4; ++i) f = f * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  units += f;
  if (negative && units != 0 && !allow_negative) return fail(parse_error::negative);
  return points{negative ? -units : units};
}

std::string points::to_string() const {
  return fixed(units_, 4, true);
}

bool percentage::at_least(points threshold) const {
  // num/den × 100 ≥ t/scale  ⇔  num × 100 × scale ≥ t × den   (den > 0)
  if (den_ <= 0) return false;
  return i128{num_} * 100 * points::scale >= i128{threshold.units()} * den_;
}

std::string percentage::to_string(int decimals) const {
  if (den_ <= 0) return "";
  i128 pow = 1;
  for (int i = 0; i < decimals; ++i) pow *= 10;
  // round half up of num × 100 × 10^d / den
  const i128 n = i128{num_} * 100 * pow;
  // Round half up: floor((2n + den) / 2den). C++ division truncates toward zero, so
  // step down for a negative quotient (a penalty above the points achieved).
  const i128 a = 2 * n + den_, b = 2 * i128{den_};
  const i128 q = a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
  return fixed(q, decimals, false);
}

std::strong_ordering percentage::operator<=>(const percentage& o) const {
  if (!defined() || !o.defined()) {
    if (defined() == o.defined()) return std::strong_ordering::equal;
    return defined() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  const i128 l = i128{num_} * o.den_;
  const i128 r = i128{o.num_} * den_;
  return l < r   ? std::strong_ordering::less
         : l > r ? std::strong_ordering::greater
                 : std::strong_ordering::equal;
}

}  // namespace parix::workflow
