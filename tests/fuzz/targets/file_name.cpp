// Evidence file names: safe_file_name's promises (valid UTF-8, no '/', no control
// characters, at most max_file_name_bytes, and a second pass changes nothing) and
// extension_of's (1–16 lower-case ASCII letters or digits, or nothing).
#include <cstdlib>

#include "evidence/formats/file_name.hpp"
#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parix::evidence;
  const auto input = parix::fuzz::bytes_of(data, size);
  const std::string ext = extension_of(input);
  if (ext.size() > 16) std::abort();
  for (char c : ext)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) std::abort();
  auto name = safe_file_name(input);
  if (!name) return 0;
  if (name->empty() || name->size() > max_file_name_bytes) std::abort();
  for (unsigned char c : *name)
    if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') std::abort();
  auto again = safe_file_name(*name);
  if (!again || *again != *name) std::abort();
  return 0;
}
