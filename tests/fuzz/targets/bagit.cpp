// BagIt verification: byte 0 = even reads the rest as a ZIP bag (bagit::read_zip, then
// validate); odd splits it at "\n--\n" into bagit.txt, bag-info.txt,
// manifest-sha256.txt, tagmanifest-sha256.txt and payload paths, one per line, whose
// content is their own path, and validates that set of files.
#include <stdexcept>

#include "evidence/formats/bagit.hpp"
#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bagit = parix::evidence::bagit;
  static parix::fuzz::input_file file;
  if (size < 1) return 0;
  std::string_view rest = parix::fuzz::bytes_of(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    try {
      bagit::validate(bagit::read_zip(file.write(rest)));
    } catch (const std::runtime_error&) {
      // Not a ZIP: read_zip's documented answer.
    }
    return 0;
  }
  std::vector<bagit::bag_file> files;
  auto add = [&](std::string path, std::string_view content) {
    bagit::digest_stream d;
    d.update({reinterpret_cast<const unsigned char*>(content.data()), content.size()});
    files.push_back({std::move(path), content.size(), d.finish(), std::string{content}});
  };
  for (const char* tag :
       {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"}) {
    auto [part, next] = parix::fuzz::split(rest, "\n--\n");
    add(tag, part);
    rest = next;
  }
  while (!rest.empty()) {
    auto [line, next] = parix::fuzz::split(rest, "\n");
    if (!line.empty()) add(std::string{line}, line);
    rest = next;
  }
  auto report = bagit::validate(files);
  for (const auto& p : report.problems) (void)bagit::to_string(p);
  return 0;
}
