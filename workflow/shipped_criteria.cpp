// The compiled-in criteria sets.
#include "workflow/shipped_criteria.hpp"

namespace parix::workflow {
namespace {
constexpr shipped_criteria all[] = {
#include "workflow/criteria_sets.inc"
};
}  // namespace

std::span<const shipped_criteria> shipped_criteria_sets() {
  return all;
}

}  // namespace parix::workflow
