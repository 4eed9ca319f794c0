// Per-field component indices across the units of one group, as the province's reports
// print them ("field 6 average 72.43 %"): the arithmetic mean of each unit's own field
// index, kept as an exact rational. Pure functions; no I/O.
//
// Why a mean of indices and not the pooled ratio Σ achieved / Σ maximum: a unit whose
// maximum in a field dropped (not-evaluated leaves) must weigh as one unit, like every
// other, not by its points. The two agree when every unit has the same maximum.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "workflow/points.hpp"
#include "workflow/scoring.hpp"

namespace parix::workflow {

// The exact mean of unit indices. Each index is a ratio of two int64 counts, so the sum
// of a few dozen of them with different denominators overflows any fixed-width integer;
// an arbitrary-precision rational (Boost.Multiprecision, header-only) keeps it exact.
// A value type: copies are independent; not safe to mutate from two threads at once.
class mean_index {
 public:
  // Adds one unit's index. An undefined index (applicable maximum 0: the whole field is
  // not evaluated for that unit) is skipped: the unit has no index to average.
  void add(const percentage& unit_index);

  // How many units the mean is over; defined() when at least one.
  int units() const noexcept { return units_; }
  bool defined() const noexcept { return units_ > 0; }

  // The mean in percent with `decimals` decimals, rounded half up (toward +∞ at an
  // exact half), e.g. "72.43"; "" when undefined.
  std::string to_string(int decimals = 2) const;

  // Exact comparison with a threshold in percent ("85"); false when undefined.
  bool at_least(points threshold_percent) const;

  // Exact order of the means; an undefined mean orders below every defined one.
  std::strong_ordering operator<=>(const mean_index& o) const;
  bool operator==(const mean_index& o) const { return (*this <=> o) == 0; }

 private:
  // Σ achieved/maximum (a fraction, not × 100), kept as numerator sums per maximum:
  // a field's maximum takes few values across units (it drops only by not-evaluated
  // leaves), so adding stays integer work and the rational sum is formed once.
  boost::multiprecision::cpp_rational sum() const;
  std::map<std::int64_t, std::int64_t> numerators_by_maximum_;
  int units_ = 0;
};

struct field_index {
  std::string code;  // the field code, "6"
  mean_index index;
};

// One entry per field code, in the order the fields first appear in `units` (all units
// of one group share a criteria set, so this is the set's order). Thread-safe.
std::vector<field_index> field_indices(std::span<const assessment_score> units);

}  // namespace parix::workflow
