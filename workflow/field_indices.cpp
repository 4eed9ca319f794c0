// The exact mean of unit field indices, its rounding and its comparisons.
#include "workflow/field_indices.hpp"

#include <algorithm>

namespace parix::workflow {
namespace {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// ⌊n / d⌋ for d > 0 (cpp_int division truncates toward zero).
cpp_int floor_div(const cpp_int& n, const cpp_int& d) {
  cpp_int q = n / d;
  if (n % d != 0 && n < 0) --q;
  return q;
}

}  // namespace

void mean_index::add(const percentage& unit_index) {
  if (!unit_index.defined()) return;
  numerators_by_maximum_[unit_index.denominator()] += unit_index.numerator();
  ++units_;
}

cpp_rational mean_index::sum() const {
  cpp_rational total;
  for (const auto& [maximum, numerator] : numerators_by_maximum_)
    total += cpp_rational{cpp_int{numerator}, cpp_int{maximum}};
  return total;
}

std::string mean_index::to_string(int decimals) const {
  if (!defined()) return "";
  cpp_int pow = 1;
  for (int i = 0; i < decimals; ++i) pow *= 10;
  // mean × 100 × 10^d = sum × 100 × 10^d / units; half up: ⌊(2n + d) / 2d⌋.
  const cpp_rational scaled = sum() * 100 * pow / units_;
  const cpp_int n = boost::multiprecision::numerator(scaled);
  const cpp_int d = boost::multiprecision::denominator(scaled);  // > 0 by normalisation
  cpp_int q = floor_div(2 * n + d, 2 * d);
  const bool negative = q < 0;
  if (negative) q = -q;
  std::string digits = q.str();
  if (decimals > 0) {
    if (digits.size() <= static_cast<std::size_t>(decimals))
      digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
  }
  return (negative ? "-" : "") + digits;
}

bool mean_index::at_least(points threshold_percent) const {
  if (!defined()) return false;
  // sum / units × 100 ≥ t / scale
  return sum() * 100 * points::scale >= cpp_rational{cpp_int{threshold_percent.units()}} * units_;
}

std::strong_ordering mean_index::operator<=>(const mean_index& o) const {
  if (!defined() || !o.defined()) return defined() <=> o.defined();
  const cpp_rational l = sum() * o.units_;
  const cpp_rational r = o.sum() * units_;
  return l < r   ? std::strong_ordering::less
         : l > r ? std::strong_ordering::greater
                 : std::strong_ordering::equal;
}

std::vector<field_index> field_indices(std::span<const assessment_score> units) {
  std::vector<field_index> out;
  for (const auto& unit : units)
    for (const auto& field : unit.fields) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const field_index& f) { return f.code == field.code; });
      if (it == out.end()) it = out.insert(out.end(), field_index{field.code, {}});
      it->index.add(field.index());
    }
  return out;
}

}  // namespace parix::workflow
