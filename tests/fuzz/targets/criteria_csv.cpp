// The criteria CSV importer (parse_criteria_csv): any text gets a verdict (a set or a
// list of problems), never a crash or a sanitizer report.
#include "tests/fuzz/support/fuzz_support.hpp"
#include "workflow/criteria.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto r = parix::workflow::parse_criteria_csv(parix::fuzz::bytes_of(data, size));
  (void)r;
  return 0;
}
