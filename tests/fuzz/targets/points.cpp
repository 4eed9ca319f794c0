// Exact points: parse, then format and parse again must give the same value. Byte 0
// says whether negative values are allowed.
#include <cstdlib>

#include "tests/fuzz/support/fuzz_support.hpp"
#include "workflow/points.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using parix::workflow::points;
  if (size < 1) return 0;
  const bool negative = data[0] & 1;
  auto p = points::parse(parix::fuzz::bytes_of(data + 1, size - 1), nullptr, negative);
  if (!p) return 0;
  const std::string text = p->to_string();
  auto again = points::parse(text, nullptr, negative);
  if (!again || *again != *p) std::abort();
  parix::workflow::percentage(*p, points::whole(100)).to_string();
  return 0;
}
