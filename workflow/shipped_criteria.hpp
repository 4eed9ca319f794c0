// The criteria sets shipped with parix (workflow/criteria_sets/*.csv), compiled into
// the binary so that `parix demo` and `parix criteria import --shipped` need no files.
#pragma once

#include <span>
#include <string_view>

namespace parix::workflow {

struct shipped_criteria {
  std::string_view file;  // e.g. "2024-departments.csv"
  std::string_view csv;
};

std::span<const shipped_criteria> shipped_criteria_sets();

}  // namespace parix::workflow
