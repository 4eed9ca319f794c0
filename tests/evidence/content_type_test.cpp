// Deciding an upload's kind by its content, and refusing what does not match its name.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "evidence/formats/content_type.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::evidence {
namespace {

using parix::testing::temp_dir;
using namespace std::string_literals;

void write_file(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good());
}

struct zip_item {
  std::string path{};
  std::string data{};
  bool stored = false;  // ODF wants its "mimetype" entry uncompressed
};

// A ZIP written with libarchive, entries in the order given.
void write_zip(const std::filesystem::path& p, const std::vector<zip_item>& items) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                            &archive_write_free);
  ASSERT_EQ(archive_write_set_format_zip(a.get()), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a.get(), p.c_str()), ARCHIVE_OK);
  for (const zip_item& item : items) {
    // Compression is chosen per entry (ODF wants "mimetype" stored).
    ASSERT_EQ(item.stored ? archive_write_zip_set_compression_store(a.get())
                          : archive_write_zip_set_compression_deflate(a.get()),
              ARCHIVE_OK);
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                    &archive_entry_free);
    archive_entry_set_pathname_utf8(e.get(), item.path.c_str());
    bool dir = item.path.ends_with("/");
    archive_entry_set_filetype(e.get(), dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e.get(), dir ? 0755 : 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(item.data.size()));
    ASSERT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
    if (!item.data.empty()) {
      ASSERT_EQ(archive_write_data(a.get(), item.data.data(), item.data.size()),
                static_cast<la_ssize_t>(item.data.size()));
    }
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
}

const std::string pdf_bytes =
    "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const std::string png_bytes =
    "\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89"s;
const std::string jpeg_bytes = "\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9"s;

void put_le16(std::string& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<char>(v & 0xFF);
  b[at + 1] = static_cast<char>(v >> 8);
}
void put_le32(std::string& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

struct cfb_entry {
  std::string name{};
  int type = 0;  // 1 storage, 2 stream, 5 root
  std::uint32_t left = 0xFFFFFFFF, right = 0xFFFFFFFF, child = 0xFFFFFFFF;
};

// A minimal compound file ([MS-CFB] version 3): header, one FAT sector (sector 0), one
// directory sector (sector 1) holding up to four entries.
std::string compound_file(const std::vector<cfb_entry>& entries) {
  std::string b(512 * 3, '\0');
  b.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  put_le16(b, 0x18, 0x3E);
  put_le16(b, 0x1A, 3);
  put_le16(b, 0x1C, 0xFFFE);
  put_le16(b, 0x1E, 9);
  put_le16(b, 0x20, 6);
  put_le32(b, 0x2C, 1);  // one FAT sector
  put_le32(b, 0x30, 1);  // the directory starts at sector 1
  put_le32(b, 0x38, 4096);
  put_le32(b, 0x3C, 0xFFFFFFFE);
  put_le32(b, 0x44, 0xFFFFFFFE);
  put_le32(b, 0x4C, 0);  // DIFAT[0]: the FAT is sector 0
  for (std::size_t i = 1; i < 109; ++i) put_le32(b, 0x4C + i * 4, 0xFFFFFFFF);
  const std::size_t fat = 512, dir = 1024;
  put_le32(b, fat + 0, 0xFFFFFFFD);  // sector 0: FAT
  put_le32(b, fat + 4, 0xFFFFFFFE);  // sector 1: end of the directory chain
  for (std::size_t i = 2; i < 128; ++i) put_le32(b, fat + i * 4, 0xFFFFFFFF);
  for (std::size_t i = 0; i < entries.size() && i < 4; ++i) {
    std::size_t at = dir + i * 128;
    const cfb_entry& e = entries[i];
    for (std::size_t k = 0; k < e.name.size(); ++k) put_le16(b, at + 2 * k, e.name[k]);
    put_le16(b, at + 0x40, static_cast<std::uint16_t>((e.name.size() + 1) * 2));
    b[at + 0x42] = static_cast<char>(e.type);
    put_le32(b, at + 0x44, e.left);
    put_le32(b, at + 0x48, e.right);
    put_le32(b, at + 0x4C, e.child);
  }
  return b;
}

std::string ole2_with_root_streams(const std::string& first, const std::string& second = {}) {
  std::vector<cfb_entry> entries{{"Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1}, {first, 2}};
  if (!second.empty()) {
    entries[1].right = 2;
    entries.push_back({second, 2});
  }
  return compound_file(entries);
}

class content_type : public ::testing::Test {
 protected:
  std::filesystem::path file(std::string_view name, std::string_view bytes) {
    auto p = dir_ / std::string(name);
    write_file(p, bytes);
    return p;
  }
  std::filesystem::path zip(std::string_view name, const std::vector<zip_item>& items) {
    auto p = dir_ / std::string(name);
    write_zip(p, items);
    return p;
  }
  upload_check check(const std::filesystem::path& p, std::string_view user_name,
                     const upload_rules& rules = {}) {
    return check_upload(p, user_name, rules);
  }
  temp_dir dir_;
};

TEST_F(content_type, names_mime_types_and_extensions_of_every_kind) {
  EXPECT_EQ(mime_type(evidence_kind::pdf), "application/pdf");
  EXPECT_EQ(mime_type(evidence_kind::doc), "application/msword");
  EXPECT_EQ(mime_type(evidence_kind::docx),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(mime_type(evidence_kind::xls), "application/vnd.ms-excel");
  EXPECT_EQ(mime_type(evidence_kind::xlsx),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(mime_type(evidence_kind::odt), "application/vnd.oasis.opendocument.text");
  EXPECT_EQ(mime_type(evidence_kind::ods), "application/vnd.oasis.opendocument.spreadsheet");
  EXPECT_EQ(mime_type(evidence_kind::jpeg), "image/jpeg");
  EXPECT_EQ(mime_type(evidence_kind::png), "image/png");
  EXPECT_EQ(mime_type(evidence_kind::zip), "application/zip");
  for (evidence_kind k : all_evidence_kinds) {
    EXPECT_EQ(parse_evidence_kind(to_string(k)), k);
    EXPECT_FALSE(extensions(k).empty());
  }
  auto jpeg = extensions(evidence_kind::jpeg);
  EXPECT_EQ(std::vector<std::string_view>(jpeg.begin(), jpeg.end()),
            (std::vector<std::string_view>{"jpg", "jpeg"}));
  EXPECT_EQ(parse_evidence_kind("PDF"), std::nullopt);
  EXPECT_EQ(parse_evidence_kind("exe"), std::nullopt);
}

TEST_F(content_type, accepts_a_pdf_named_pdf) {
  auto r = check(file("a", pdf_bytes), "Báo cáo.PDF");
  ASSERT_TRUE(r) << r.refusal->detail;
  EXPECT_EQ(*r.kind, evidence_kind::pdf);
  EXPECT_FALSE(r.refusal);
}

TEST_F(content_type, finds_the_pdf_header_within_the_first_1024_bytes_only) {
  EXPECT_EQ(detect(file("late", std::string(1000, ' ') + pdf_bytes)).kind, evidence_kind::pdf);
  EXPECT_EQ(detect(file("too-late", std::string(1024, ' ') + pdf_bytes)).kind, std::nullopt);
  EXPECT_EQ(detect(file("no-version", "%PDF-x")).kind, std::nullopt);
}

TEST_F(content_type, recognises_png_and_jpeg_by_their_signatures) {
  EXPECT_EQ(check(file("p", png_bytes), "Ảnh chụp.png").kind, evidence_kind::png);
  EXPECT_EQ(check(file("j", jpeg_bytes), "scan.jpg").kind, evidence_kind::jpeg);
  EXPECT_EQ(check(file("j", jpeg_bytes), "scan.JPEG").kind, evidence_kind::jpeg);
}

TEST_F(content_type, refuses_html_renamed_pdf_as_a_type_not_allowed) {
  auto r = check(file("h", "<!DOCTYPE html><html><body>Quyết định</body></html>"), "qd.pdf");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, upload_refusal_code::type_not_allowed);
  EXPECT_NE(r.refusal->detail.find("HTML"), std::string::npos) << r.refusal->detail;
  EXPECT_EQ(to_string(r.refusal->code), "type_not_allowed");
}

TEST_F(content_type, refuses_executables_text_and_empty_files) {
  auto exe = check(file("e", "MZ\x90\0\x03\0\0\0"s), "hoso.pdf");
  ASSERT_FALSE(exe);
  EXPECT_EQ(exe.refusal->code, upload_refusal_code::type_not_allowed);
  EXPECT_NE(exe.refusal->detail.find("Windows executable"), std::string::npos);
  auto elf = check(file("elf",
                        "\x7f"
                        "ELF\x02\x01\x01\0"s),
                   "a.docx");
  EXPECT_EQ(elf.refusal->code, upload_refusal_code::type_not_allowed);
  auto text = check(file("t", "Báo cáo\nnăm 2024\n"), "a.pdf");
  EXPECT_EQ(text.refusal->code, upload_refusal_code::type_not_allowed);
  EXPECT_NE(text.refusal->detail.find("plain text"), std::string::npos);
  auto empty = check(file("0", ""), "a.pdf");
  EXPECT_EQ(empty.refusal->code, upload_refusal_code::type_not_allowed);
  EXPECT_NE(empty.refusal->detail.find("empty"), std::string::npos);
}

TEST_F(content_type, refuses_a_pdf_named_docx_as_an_extension_mismatch) {
  auto r = check(file("a", pdf_bytes), "Báo cáo.docx");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, upload_refusal_code::extension_mismatch);
  EXPECT_NE(r.refusal->detail.find(".docx"), std::string::npos) << r.refusal->detail;
  EXPECT_NE(r.refusal->detail.find(".pdf"), std::string::npos) << r.refusal->detail;
  EXPECT_EQ(check(file("j", jpeg_bytes), "scan.png").refusal->code,
            upload_refusal_code::extension_mismatch);
}

TEST_F(content_type, refuses_a_name_without_an_extension) {
  auto r = check(file("a", pdf_bytes), "Báo cáo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, upload_refusal_code::extension_mismatch);
  EXPECT_NE(r.refusal->detail.find("no extension"), std::string::npos);
}

TEST_F(content_type, refuses_a_kind_the_configuration_does_not_enable) {
  upload_rules only_pdf{{evidence_kind::pdf}};
  EXPECT_TRUE(check(file("a", pdf_bytes), "a.pdf", only_pdf));
  auto r = check(file("p", png_bytes), "a.png", only_pdf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, upload_refusal_code::type_not_enabled);
  // What the content is matters before what it is called.
  EXPECT_EQ(check(file("p", png_bytes), "a.pdf", only_pdf).refusal->code,
            upload_refusal_code::type_not_enabled);
}

TEST_F(content_type, refuses_a_file_it_cannot_read_as_unreadable) {
  auto r = check(dir_ / "missing", "a.pdf");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, upload_refusal_code::unreadable);
  EXPECT_TRUE(detect(dir_.path()).error);
}

TEST_F(content_type, tells_a_docx_by_its_content_types_and_word_folder) {
  auto p = zip("d", {{"[Content_Types].xml", "<Types/>"},
                     {"_rels/.rels", "<Relationships/>"},
                     {"word/document.xml", "<w:document/>"}});
  EXPECT_EQ(check(p, "Kế hoạch.docx").kind, evidence_kind::docx);
  EXPECT_EQ(check(p, "Kế hoạch.zip").refusal->code, upload_refusal_code::extension_mismatch);
  EXPECT_EQ(check(p, "Kế hoạch.doc").refusal->code, upload_refusal_code::extension_mismatch);
}

TEST_F(content_type, tells_an_xlsx_by_its_xl_folder) {
  auto p = zip("x", {{"[Content_Types].xml", "<Types/>"}, {"xl/workbook.xml", "<workbook/>"}});
  EXPECT_EQ(check(p, "Bảng điểm.xlsx").kind, evidence_kind::xlsx);
}

TEST_F(content_type, refuses_office_files_with_macros_and_presentations) {
  auto docm = zip("m", {{"[Content_Types].xml", "<Types/>"},
                        {"word/document.xml", "<w:document/>"},
                        {"word/vbaProject.bin", "VBA"}});
  auto r = check(docm, "a.docx");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.refusal->code, upload_refusal_code::type_not_allowed);
  EXPECT_NE(r.refusal->detail.find("macros"), std::string::npos);
  auto pptx = zip("p", {{"[Content_Types].xml", "<Types/>"}, {"ppt/presentation.xml", "<p/>"}});
  EXPECT_EQ(check(pptx, "a.pptx").refusal->code, upload_refusal_code::type_not_allowed);
}

TEST_F(content_type, tells_odt_and_ods_by_their_first_stored_mimetype_entry) {
  auto odt = zip("o", {{"mimetype", "application/vnd.oasis.opendocument.text", true},
                       {"content.xml", "<office:document-content/>"},
                       {"META-INF/manifest.xml", "<manifest/>"}});
  EXPECT_EQ(check(odt, "Báo cáo.odt").kind, evidence_kind::odt);
  auto ods = zip("s", {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", true},
                       {"content.xml", "<office:document-content/>"}});
  EXPECT_EQ(check(ods, "Bảng.ods").kind, evidence_kind::ods);
  auto odp = zip("q", {{"mimetype", "application/vnd.oasis.opendocument.presentation", true}});
  EXPECT_EQ(check(odp, "a.odp").refusal->code, upload_refusal_code::type_not_allowed);
  // "mimetype" must come first: elsewhere it is an ordinary file of a plain zip.
  auto late = zip("l", {{"content.xml", "<x/>"},
                        {"mimetype", "application/vnd.oasis.opendocument.text", true}});
  EXPECT_EQ(detect(late).kind, evidence_kind::zip);
}

TEST_F(content_type, takes_any_other_zip_as_a_zip) {
  auto p = zip("z", {{"Báo cáo/", ""}, {"Báo cáo/a.pdf", pdf_bytes}});
  EXPECT_EQ(check(p, "Hồ sơ.zip").kind, evidence_kind::zip);
  EXPECT_EQ(detect(file("empty", "PK\x05\x06"s + std::string(18, '\0'))).kind, evidence_kind::zip);
  // A ZIP whose central directory is missing still starts like one; inspect_zip
  // refuses it later.
  EXPECT_EQ(detect(file("broken", "PK\x03\x04garbage"s)).kind, evidence_kind::zip);
}

TEST_F(content_type, tells_word_from_excel_by_the_ole2_directory) {
  auto doc = file("d", ole2_with_root_streams("1Table", "WordDocument"));
  EXPECT_EQ(check(doc, "Tờ trình.doc").kind, evidence_kind::doc);
  EXPECT_EQ(check(doc, "Tờ trình.xls").refusal->code, upload_refusal_code::extension_mismatch);
  auto xls = file("x", ole2_with_root_streams("Workbook"));
  EXPECT_EQ(check(xls, "Bảng.xls").kind, evidence_kind::xls);
  EXPECT_EQ(check(xls, "Bảng.doc").refusal->code, upload_refusal_code::extension_mismatch);
  auto excel95 = file("b", ole2_with_root_streams("Book"));
  EXPECT_EQ(detect(excel95).kind, evidence_kind::xls);
}

TEST_F(content_type, ignores_a_word_stream_embedded_in_a_sub_storage) {
  // Root → Workbook (right sibling: the storage "MBD0001", whose child is WordDocument).
  auto p = file("x", compound_file({{"Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1},
                                    {"Workbook", 2, 0xFFFFFFFF, 2},
                                    {"MBD0001", 1, 0xFFFFFFFF, 0xFFFFFFFF, 3},
                                    {"WordDocument", 2}}));
  EXPECT_EQ(detect(p).kind, evidence_kind::xls);
}

TEST_F(content_type, refuses_other_compound_files) {
  auto ppt = check(file("p", ole2_with_root_streams("PowerPoint Document")), "a.doc");
  ASSERT_FALSE(ppt);
  EXPECT_EQ(ppt.refusal->code, upload_refusal_code::type_not_allowed);
  EXPECT_NE(ppt.refusal->detail.find("PowerPoint"), std::string::npos);
  auto msi = check(file("m", ole2_with_root_streams("\x01SummaryInformation")), "setup.xls");
  EXPECT_EQ(msi.refusal->code, upload_refusal_code::type_not_allowed);
}

TEST_F(content_type, goes_by_the_extension_when_the_ole2_directory_cannot_be_read) {
  std::string truncated = ole2_with_root_streams("WordDocument").substr(0, 600);
  auto p = file("t", truncated);
  EXPECT_EQ(check(p, "a.doc").kind, evidence_kind::doc);
  EXPECT_EQ(check(p, "a.xls").kind, evidence_kind::xls);
  EXPECT_EQ(check(p, "a.ppt").refusal->code, upload_refusal_code::type_not_allowed);
  // Without a user name, the file's own name decides.
  auto named = file("upload.xls", truncated);
  EXPECT_EQ(detect(named).kind, evidence_kind::xls);
}

TEST_F(content_type, survives_hostile_compound_file_directories) {
  // Sibling ids pointing back at each other, out of range, and a directory chain
  // pointing at itself.
  auto loop = compound_file(
      {{"Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1}, {"A", 2, 1, 2}, {"B", 2, 1, 999}});
  EXPECT_EQ(detect(file("loop", loop), "a.doc").kind, std::nullopt);
  std::string self_chain = ole2_with_root_streams("WordDocument");
  put_le32(self_chain, 512 + 4, 1);  // sector 1's next sector is sector 1
  EXPECT_EQ(detect(file("chain", self_chain)).kind, evidence_kind::doc);
  std::string bad_shift = ole2_with_root_streams("WordDocument");
  put_le16(bad_shift, 0x1E, 30);
  EXPECT_EQ(detect(file("shift", bad_shift), "x.ppt").kind, std::nullopt);
}

}  // namespace
}  // namespace parix::evidence
