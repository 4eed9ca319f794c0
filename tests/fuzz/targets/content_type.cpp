// Content detection (magic bytes, the OLE2 directory, ZIP-based formats) and the upload
// verdict. Byte 0 picks the name the user gave, the rest is the file.
#include <array>
#include <cstdlib>

#include "evidence/formats/content_type.hpp"
#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parix::evidence;
  static parix::fuzz::input_file file;
  if (size < 1) return 0;
  static constexpr std::array<const char*, 6> names{"Báo cáo.doc",   "Bảng.xls", "a.pdf",
                                                    "Kế hoạch.docx", "",         "x.zip"};
  const auto& path = file.write(parix::fuzz::bytes_of(data + 1, size - 1));
  const std::string name = names[data[0] % names.size()];
  auto d = detect(path, name);
  if (d.error) std::abort();  // the file is there: an error would be ours
  auto verdict = check_upload(path, name, upload_rules{});
  if (verdict.kind.has_value() == verdict.refusal.has_value()) std::abort();
  return 0;
}
