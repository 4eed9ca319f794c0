// ZIP inspection: the central directory and local headers (read_zip_directory over
// memory) and the whole inspection (inspect_zip over the same bytes as a file). An
// archive inspect_zip accepts must have a readable directory listing as many entries.
#include <algorithm>
#include <cstdlib>

#include "evidence/formats/zip_directory.hpp"
#include "evidence/formats/zip_inspect.hpp"
#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parix::evidence;
  static parix::fuzz::input_file file;
  const auto input = parix::fuzz::bytes_of(data, size);
  zip_bytes bytes{size, [&](std::uint64_t offset, std::span<char> out) {
                    if (offset > size || out.size() > size - offset) std::abort();  // contract
                    std::copy_n(input.data() + offset, out.size(), out.data());
                    return true;
                  }};
  auto directory = read_zip_directory(bytes, 1000);
  zip_limits limits;
  limits.max_entries = 1000;
  limits.max_total_size = 8u << 20;  // a bomb stops here, in bounded time
  auto report = inspect_zip(file.write(input), limits);
  if (report && (!directory || directory.entries.size() != report.entries.size())) std::abort();
  return 0;
}
