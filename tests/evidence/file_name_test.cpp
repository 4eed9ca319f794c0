// Evidence file names: NFC, path stripping, removal of unsafe characters, the length cap.
#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdint>
#include <string>

#include "evidence/formats/file_name.hpp"

namespace parix::evidence {
namespace {

bool is_valid_utf8(std::string_view s) {
  while (!s.empty()) {
    utf8proc_int32_t c = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                              static_cast<utf8proc_ssize_t>(s.size()), &c);
    if (n <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(file_name, keeps_a_precomposed_vietnamese_name_as_written) {
  EXPECT_EQ(safe_file_name("Báo cáo tổng hợp năm 2024.pdf"), "Báo cáo tổng hợp năm 2024.pdf");
  EXPECT_EQ(safe_file_name("Kế hoạch CCHC (bản cuối) - Sở Tư pháp.docx"),
            "Kế hoạch CCHC (bản cuối) - Sở Tư pháp.docx");
}

TEST(file_name, composes_decomposed_input_to_nfc) {
  // macOS writes names decomposed: e + circumflex + acute, d-stroke is a letter of its own.
  EXPECT_EQ(safe_file_name("Quye\u0302\u0301t"), "Quyết");
  EXPECT_EQ(safe_file_name("Quye\u0302\u0301t \u0111i\u0323nh.pdf"), "Quyết định.pdf");
  EXPECT_EQ(safe_file_name("Quye\u0302\u0301t"), safe_file_name("Quyết"));
}

TEST(file_name, a_slash_inside_a_document_number_becomes_an_underscore) {
  EXPECT_EQ(safe_file_name("Quyết định số 12/QĐ-UBND.pdf"), "Quyết định số 12_QĐ-UBND.pdf");
  EXPECT_EQ(safe_file_name("Công văn 345/STP-VP/2024.pdf"), "Công văn 345_STP-VP_2024.pdf");
}

TEST(file_name, a_path_keeps_only_its_last_component) {
  EXPECT_EQ(safe_file_name("C:\\Users\\An\\Desktop\\Báo cáo.docx"), "Báo cáo.docx");
  EXPECT_EQ(safe_file_name("/home/an/tai-lieu/Kế hoạch.pdf"), "Kế hoạch.pdf");
  EXPECT_EQ(safe_file_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(safe_file_name("./a.pdf"), "a.pdf");
  EXPECT_EQ(safe_file_name("..\\..\\boot.ini"), "boot.ini");
  EXPECT_EQ(safe_file_name("C:x.pdf"), "x.pdf");
}

TEST(file_name, removes_control_characters) {
  EXPECT_EQ(safe_file_name("a\x01"
                           "b\x7f"
                           "c\u009bd.pdf"),
            "abcd.pdf");
  EXPECT_EQ(safe_file_name(std::string("a\0b.pdf", 7)), "ab.pdf");
  EXPECT_EQ(safe_file_name("Báo\tcáo\r\nnăm.pdf"), "Báo cáo năm.pdf");
}

TEST(file_name, removes_bidi_overrides_so_an_executable_cannot_pose_as_a_pdf) {
  // "invoice\u202Efdp.exe" displays as "invoiceexe.pdf".
  EXPECT_EQ(safe_file_name("invoice\u202Efdp.exe"), "invoicefdp.exe");
  EXPECT_EQ(safe_file_name("\u2066a\u2067b\u2068c\u2069\u202Ad\u202Be\u202Cf\u202Dg.pdf"),
            "abcdefg.pdf");
  EXPECT_EQ(safe_file_name("\u200Ea\u200Fb\u061C.pdf"), "ab.pdf");
}

TEST(file_name, removes_zero_width_characters_and_the_byte_order_mark) {
  EXPECT_EQ(safe_file_name("\uFEFFBáo\u200B cáo\u200C\u200D\u2060.pdf"), "Báo cáo.pdf");
  // Removing a zero-width character between a letter and its mark lets them compose.
  EXPECT_EQ(safe_file_name("e\u200B\u0301.pdf"), "é.pdf");
}

TEST(file_name, removes_characters_windows_refuses) {
  EXPECT_EQ(safe_file_name("Báo cáo: \"đợt 1\" <bản cuối>?*|.pdf"), "Báo cáo đợt 1 bản cuối.pdf");
}

TEST(file_name, collapses_white_space_and_trims_spaces_and_dots) {
  EXPECT_EQ(safe_file_name("  Báo \t  cáo\u00A0\u3000năm.pdf  "), "Báo cáo năm.pdf");
  EXPECT_EQ(safe_file_name("...Báo cáo.pdf..."), "Báo cáo.pdf");
  EXPECT_EQ(safe_file_name(". . .x. . ."), "x");
  EXPECT_EQ(safe_file_name(".htaccess"), "htaccess");
}

TEST(file_name, refuses_names_with_nothing_usable_left) {
  for (std::string_view bad :
       {"", ".", "..", "   ", "...", "\u200B", "/", "C:\\", "<>", "\u202E\u202C", "./..", " . "})
    EXPECT_EQ(safe_file_name(bad), std::nullopt) << bad;
}

TEST(file_name, refuses_input_that_is_not_utf8) {
  for (std::string_view bad : {"\xC3\x28.pdf", "\xC0\xAF.pdf", "\xED\xA0\x80.pdf", "\x80.pdf",
                               "ab\xE1\xBA", "\xF5\x80\x80\x80", "\xFF"})
    EXPECT_EQ(safe_file_name(bad), std::nullopt) << bad;
}

TEST(file_name, cuts_a_long_name_to_200_bytes_keeping_the_extension) {
  std::string long_name = repeat("ế", 150) + ".pdf";  // 450 + 4 bytes
  auto cut = safe_file_name(long_name);
  ASSERT_TRUE(cut);
  EXPECT_LE(cut->size(), max_file_name_bytes);
  EXPECT_TRUE(cut->ends_with(".pdf"));
  EXPECT_TRUE(is_valid_utf8(*cut));
  EXPECT_EQ(*cut, repeat("ế", 65) + ".pdf");  // 195 + 4: a 66th letter would not fit

  auto plain = safe_file_name(repeat("a", 300));
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, repeat("a", 200));
}

TEST(file_name, cuts_between_letters_not_between_a_letter_and_its_marks) {
  // "ä̰": a precomposed ä (2 bytes) with a combining tilde below (2 bytes) that NFC
  // cannot compose: a 4-byte cluster. 196 bytes of room leaves exactly 49 clusters.
  std::string cluster = "\u00E4\u0330";
  auto cut = safe_file_name(repeat(cluster, 67) + ".pdf");
  ASSERT_TRUE(cut);
  EXPECT_EQ(*cut, repeat(cluster, 49) + ".pdf");

  // A name ending in a space is cut before it, not left with a trailing space.
  auto spaced = safe_file_name(repeat("ab ", 100) + ".docx");
  ASSERT_TRUE(spaced);
  EXPECT_LE(spaced->size(), max_file_name_bytes);
  EXPECT_TRUE(spaced->ends_with("ab.docx")) << *spaced;
}

TEST(file_name, cuts_a_single_huge_cluster_at_a_code_point) {
  std::string zalgo = "a" + repeat("\u0301", 150) + ".pdf";
  auto cut = safe_file_name(zalgo);
  ASSERT_TRUE(cut);
  EXPECT_LE(cut->size(), max_file_name_bytes);
  EXPECT_TRUE(cut->ends_with(".pdf"));
  EXPECT_TRUE(is_valid_utf8(*cut));
}

TEST(file_name, cleaning_twice_changes_nothing) {
  for (std::string_view raw : {"Quye\u0302\u0301t định số 12/QĐ-UBND.pdf", "  a  b  .pdf",
                               "C:\\x\\y\\Báo cáo.xlsx", "\u202Eabc.pdf", "...x..."}) {
    auto once = safe_file_name(raw);
    ASSERT_TRUE(once) << raw;
    EXPECT_EQ(safe_file_name(*once), once) << raw;
  }
}

TEST(file_name, never_crashes_and_never_returns_unsafe_text_for_random_bytes) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned char>(state >> 56);
  };
  // Bytes drawn mostly from the ASCII punctuation and the lead bytes of Vietnamese letters.
  constexpr std::string_view alphabet = "ab./\\:*?\"<>| \t.\x01\x7f";
  for (int i = 0; i < 3000; ++i) {
    std::string raw;
    int len = next() % 40;
    for (int k = 0; k < len; ++k) {
      unsigned char r = next();
      if (r < 128)
        raw.push_back(alphabet[r % alphabet.size()]);
      else if (r < 200)
        raw += "\u1EBF";  // ế
      else
        raw.push_back(static_cast<char>(r));  // often invalid UTF-8
    }
    auto name = safe_file_name(raw);
    if (!name) continue;
    EXPECT_FALSE(name->empty());
    EXPECT_LE(name->size(), max_file_name_bytes);
    EXPECT_TRUE(is_valid_utf8(*name));
    EXPECT_EQ(name->find_first_of("/\\:*?\"<>|\t\x01\x7f"), std::string::npos) << *name;
    EXPECT_NE(name->front(), ' ');
    EXPECT_NE(name->back(), '.');
  }
}

TEST(file_name, extension_is_lower_case_ascii_after_the_last_dot) {
  EXPECT_EQ(extension_of("Báo cáo.PDF"), "pdf");
  EXPECT_EQ(extension_of("a.tar.gz"), "gz");
  EXPECT_EQ(extension_of("Ảnh.JPEG"), "jpeg");
  EXPECT_EQ(extension_of("dir.v2/file"), "");
  EXPECT_EQ(extension_of(".htaccess"), "");
  EXPECT_EQ(extension_of("noext"), "");
  EXPECT_EQ(extension_of("file."), "");
  EXPECT_EQ(extension_of("Số 12. Báo cáo"), "");
  EXPECT_EQ(extension_of("x.tổng"), "");
  EXPECT_EQ(extension_of(""), "");
}

}  // namespace
}  // namespace parix::evidence
