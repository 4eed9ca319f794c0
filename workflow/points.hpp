// Exact scores: a count of ten-thousandths of a point. Scores carry at most four
// decimals (0.3112, 1.4883); no binary floating point touches them anywhere.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parix::workflow {

class points {
 public:
  static constexpr std::int64_t scale = 10'000;

  constexpr points() = default;
  static constexpr points from_units(std::int64_t ten_thousandths) {
    return points{ten_thousandths};
  }
  static constexpr points whole(std::int64_t n) { return points{n * scale}; }

  enum class parse_error { empty, not_a_number, too_many_decimals, negative, too_large };
  // Parses "24", "0.25", "1.4883" (a point, not a comma; at most four decimals).
  // Negative values only when allow_negative (whole-file adjustments).
  static std::optional<points> parse(std::string_view text, parse_error* why = nullptr,
                                     bool allow_negative = false);

  constexpr std::int64_t units() const noexcept { return units_; }
  // "24", "0.25", "-8.9": no trailing zeros.
  std::string to_string() const;

  constexpr auto operator<=>(const points&) const = default;
  // Sums and differences are checked: twelve whole digits per score leave room for
  // hundreds of thousands of them, so an overflow means a defect upstream, and it must
  // stop the request (std::overflow_error) rather than wrap into a wrong total.
  constexpr points operator+(points o) const { return points{checked(units_, o.units_, false)}; }
  constexpr points operator-(points o) const { return points{checked(units_, o.units_, true)}; }
  constexpr points& operator+=(points o) {
    units_ = checked(units_, o.units_, false);
    return *this;
  }

 private:
  constexpr explicit points(std::int64_t u) : units_(u) {}
  static constexpr std::int64_t checked(std::int64_t a, std::int64_t b, bool subtract) {
    std::int64_t r = 0;
    if (subtract ? __builtin_sub_overflow(a, b, &r) : __builtin_add_overflow(a, b, &r))
      throw std::overflow_error("points: sum out of range");
    return r;
  }
  std::int64_t units_ = 0;
};

// achieved / maximum × 100 %, kept exactly as a fraction.
class percentage {
 public:
  percentage(points achieved, points maximum) : num_(achieved.units()), den_(maximum.units()) {}
  // Exact comparison with a threshold given in points-like percent ("85", "72.5").
  bool at_least(points threshold_percent) const;
  // Two decimals, rounded half up: 97.5 / 98 → "99.49".
  std::string to_string(int decimals = 2) const;
  bool defined() const noexcept { return den_ > 0; }
  // num/den of the underlying ratio (achieved units, maximum units).
  std::int64_t numerator() const noexcept { return num_; }
  std::int64_t denominator() const noexcept { return den_; }
  // A total order, so that sorting is defined: an undefined index (no applicable
  // maximum, every leaf not evaluated) is below every defined one (last in a ranking),
  // and undefined indices are equal to each other.
  std::strong_ordering operator<=>(const percentage& o) const;
  bool operator==(const percentage& o) const { return (*this <=> o) == 0; }

 private:
  std::int64_t num_;
  std::int64_t den_;
};

}  // namespace parix::workflow
