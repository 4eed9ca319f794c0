// Evidence kinds and content sniffing: magic bytes, the OLE2 directory, ZIP entry names
// (from the central directory).
#include "evidence/formats/content_type.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>

#include "evidence/formats/file_name.hpp"
#include "evidence/formats/zip_directory.hpp"

namespace parix::evidence {

namespace {

using namespace std::string_view_literals;

constexpr std::array<std::string_view, 1> pdf_ext{"pdf"};
constexpr std::array<std::string_view, 1> doc_ext{"doc"};
constexpr std::array<std::string_view, 1> docx_ext{"docx"};
constexpr std::array<std::string_view, 1> xls_ext{"xls"};
constexpr std::array<std::string_view, 1> xlsx_ext{"xlsx"};
constexpr std::array<std::string_view, 1> odt_ext{"odt"};
constexpr std::array<std::string_view, 1> ods_ext{"ods"};
constexpr std::array<std::string_view, 2> jpeg_ext{"jpg", "jpeg"};
constexpr std::array<std::string_view, 1> png_ext{"png"};
constexpr std::array<std::string_view, 1> zip_ext{"zip"};

// Enough for every signature below: the PDF header may start anywhere in the first
// 1024 bytes, tar's "ustar" sits at 257.
constexpr std::size_t head_bytes = 4096;
constexpr std::size_t pdf_header_window = 1024;

// ZIP entries looked at before deciding "zip": an OOXML package names its parts within
// far fewer, and inspect_zip enforces the real entry limit.
constexpr std::uint64_t max_zip_entries_sniffed = 10'000;
// OLE2 directory sectors read: 64 × 512 bytes is 256 directory entries (Word and
// Excel files have a few dozen), and a 4096-byte-sector file gets 2048.
constexpr int max_ole2_directory_sectors = 64;

using bytes = std::vector<unsigned char>;

bool starts_with(const bytes& b, std::string_view sig) {
  return b.size() >= sig.size() &&
         std::equal(sig.begin(), sig.end(), b.begin(),
                    [](char s, unsigned char c) { return static_cast<unsigned char>(s) == c; });
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

// Reads size bytes at offset; an empty optional on a short read or seek failure.
std::optional<bytes> read_at(std::ifstream& in, std::uint64_t offset, std::size_t size) {
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in) return std::nullopt;
  bytes b(size);
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size) return std::nullopt;
  return b;
}

bool has_pdf_header(const bytes& head) {
  constexpr std::string_view sig = "%PDF-";
  std::size_t limit = std::min(head.size(), pdf_header_window + sig.size() + 1);
  for (std::size_t i = 0; i < pdf_header_window && i + sig.size() < limit; ++i) {
    if (std::equal(sig.begin(), sig.end(), head.begin() + static_cast<std::ptrdiff_t>(i),
                   [](char s, unsigned char c) { return static_cast<unsigned char>(s) == c; })) {
      unsigned char v = head[i + sig.size()];
      if (v >= '0' && v <= '9') return true;
    }
  }
  return false;
}

// ---- OLE2 (Microsoft Compound File Binary, [MS-CFB]) ----

struct ole2_streams {
  bool word = false;
  bool excel = false;
  bool powerpoint = false;
};

constexpr std::uint32_t cfb_no_stream = 0xFFFFFFFF;
constexpr std::uint32_t cfb_max_regular_sector = 0xFFFFFFFA;

// The streams directly under the root storage; nullopt when the directory cannot be
// read (truncated or malformed header).
std::optional<ole2_streams> read_ole2_root_streams(std::ifstream& in) {
  auto header = read_at(in, 0, 512);
  if (!header) return std::nullopt;
  const unsigned char* h = header->data();
  std::uint16_t shift = le16(h + 0x1E);
  if (shift != 9 && shift != 12) return std::nullopt;  // [MS-CFB] 2.2: versions 3 and 4
  const std::uint64_t sector_size = std::uint64_t{1} << shift;
  const std::uint32_t fat_sectors = le32(h + 0x2C);
  const std::uint64_t per_fat_sector = sector_size / 4;
  auto sector_offset = [&](std::uint32_t sid) { return (std::uint64_t{sid} + 1) << shift; };

  bytes directory;
  std::uint32_t sid = le32(h + 0x30);
  for (int n = 0; n < max_ole2_directory_sectors && sid <= cfb_max_regular_sector; ++n) {
    auto sector = read_at(in, sector_offset(sid), static_cast<std::size_t>(sector_size));
    if (!sector) break;
    directory.insert(directory.end(), sector->begin(), sector->end());
    // The next directory sector from the FAT; only the 109 FAT sectors listed in the
    // header are followed (files up to 7 MiB with 512-byte sectors, 448 MiB with 4096),
    // which holds the directory of any ordinary document; a longer chain is cut short.
    std::uint64_t fat_index = sid / per_fat_sector;
    if (fat_index >= 109 || fat_index >= fat_sectors) break;
    std::uint32_t fat_sid = le32(h + 0x4C + fat_index * 4);
    if (fat_sid > cfb_max_regular_sector) break;
    auto next = read_at(in, sector_offset(fat_sid) + (sid % per_fat_sector) * 4, 4);
    if (!next) break;
    sid = le32(next->data());
  }

  constexpr std::size_t entry_size = 128;
  const std::size_t count = directory.size() / entry_size;
  if (count == 0) return std::nullopt;
  auto entry = [&](std::size_t i) { return directory.data() + i * entry_size; };
  if (entry(0)[0x42] != 5) return std::nullopt;  // entry 0 must be the root storage

  auto name_of = [&](std::size_t i) {
    const unsigned char* e = entry(i);
    std::size_t len = std::min<std::size_t>(le16(e + 0x40), 64);
    std::string name;
    for (std::size_t k = 0; k + 1 < len; k += 2) {
      std::uint16_t u = le16(e + k);
      if (u == 0) break;
      name.push_back(u < 0x80 ? static_cast<char>(u) : '?');
    }
    return name;
  };

  // The root's children form a red-black tree through the left/right sibling ids;
  // child ids lead into sub-storages (embedded objects) and are not followed.
  ole2_streams found;
  std::vector<bool> seen(count, false);
  std::vector<std::uint32_t> todo{le32(entry(0) + 0x4C)};
  while (!todo.empty()) {
    std::uint32_t id = todo.back();
    todo.pop_back();
    if (id == cfb_no_stream || id >= count || seen[id]) continue;
    seen[id] = true;
    const unsigned char* e = entry(id);
    if (e[0x42] == 2) {  // a stream
      std::string name = name_of(id);
      if (iequals(name, "WordDocument")) found.word = true;
      if (iequals(name, "Workbook") || iequals(name, "Book")) found.excel = true;
      if (iequals(name, "PowerPoint Document")) found.powerpoint = true;
    }
    todo.push_back(le32(e + 0x44));
    todo.push_back(le32(e + 0x48));
  }
  return found;
}

detection detect_ole2(std::ifstream& in, std::string_view file_name) {
  auto streams = read_ole2_root_streams(in);
  if (streams && streams->word != streams->excel) {
    return streams->word ? detection{evidence_kind::doc, "a Word 97-2003 document", {}}
                         : detection{evidence_kind::xls, "an Excel 97-2003 workbook", {}};
  }
  if (streams && !streams->word && !streams->excel) {
    return {std::nullopt,
            streams->powerpoint ? "a PowerPoint 97-2003 presentation"
                                : "an OLE2 compound file that is neither a Word nor an Excel file",
            {}};
  }
  std::string ext = extension_of(file_name);
  if (ext == "doc")
    return {evidence_kind::doc, "an OLE2 compound file (taken as Word by its name)", {}};
  if (ext == "xls")
    return {evidence_kind::xls, "an OLE2 compound file (taken as Excel by its name)", {}};
  return {std::nullopt, "an OLE2 compound file of unknown type", {}};
}

// ---- ZIP-based formats ----

constexpr std::string_view odf_prefix = "application/vnd.oasis.opendocument.";
// The longest "mimetype" entry read: the longest ODF type is well under this.
constexpr std::uint64_t max_mimetype = 128;

// By the central directory, as office suites and extraction tools read the file: the
// local headers may tell another story, which inspect_zip refuses (name_mismatch).
detection detect_zip(const std::filesystem::path& file, std::ifstream& in) {
  // A directory that fails a later check (a name mismatch, overlapping entries, too many
  // entries) still names the kind; inspect_zip then refuses the file for that reason.
  const zip_directory dir = read_zip_directory(file, max_zip_entries_sniffed);
  if (!dir && dir.entries.empty())
    return {evidence_kind::zip, "a ZIP archive (its entries could not be listed)", {}};

  bool content_types = false, word = false, excel = false, powerpoint = false, macros = false;
  const zip_directory_entry* first = nullptr;
  for (const auto& e : dir.entries) {
    std::string_view name = e.name;
    if (iequals(name, "[Content_Types].xml")) content_types = true;  // OPC names ignore case
    if (istarts_with(name, "word/")) word = true;
    if (istarts_with(name, "xl/")) excel = true;
    if (istarts_with(name, "ppt/")) powerpoint = true;
    if (iequals(name, "word/vbaProject.bin") || iequals(name, "xl/vbaProject.bin")) macros = true;
    if (!first || e.local_offset < first->local_offset) first = &e;
  }
  // OpenDocument (ODF 1.2 part 3, §3.3): the first entry in the file, "mimetype",
  // stored, ASCII, no newline.
  std::optional<std::string> odf_type;
  if (dir && first && first->name == "mimetype" && first->method == 0 &&
      first->compressed_size <= max_mimetype && first->size == first->compressed_size) {
    if (auto b = read_at(in, first->data_offset, static_cast<std::size_t>(first->size)))
      odf_type.emplace(b->begin(), b->end());
  }

  if (odf_type) {
    if (*odf_type == "application/vnd.oasis.opendocument.text")
      return {evidence_kind::odt, "an OpenDocument text", {}};
    if (*odf_type == "application/vnd.oasis.opendocument.spreadsheet")
      return {evidence_kind::ods, "an OpenDocument spreadsheet", {}};
    if (odf_type->starts_with(odf_prefix))
      return {
          std::nullopt,
          "an OpenDocument file of another type (" + odf_type->substr(odf_prefix.size(), 40) + ")",
          {}};
  }
  if (content_types) {
    if (macros) return {std::nullopt, "an Office document with macros (docm/xlsm)", {}};
    if (word) return {evidence_kind::docx, "a Word document (docx)", {}};
    if (excel) return {evidence_kind::xlsx, "an Excel workbook (xlsx)", {}};
    if (powerpoint) return {std::nullopt, "a PowerPoint presentation (pptx)", {}};
  }
  return {evidence_kind::zip, "a ZIP archive", {}};
}

// ---- everything else: only named, for the refusal's detail ----

bool is_text(const bytes& head) {
  for (unsigned char c : head) {
    if (c == 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') return false;
  }
  return true;
}

std::string describe_other(const bytes& head) {
  if (head.empty()) return "an empty file";
  if (starts_with(head, "MZ")) return "a Windows executable";
  if (starts_with(head,
                  "\x7f"
                  "ELF"))
    return "an ELF executable";
  if (starts_with(head, "\xCA\xFE\xBA\xBE") || starts_with(head, "\xCF\xFA\xED\xFE"))
    return "a macOS executable";
  if (starts_with(head, "GIF8")) return "a GIF image";
  if (starts_with(head, "II*\0"sv) || starts_with(head, "MM\0*"sv)) return "a TIFF image";
  if (starts_with(head, "Rar!")) return "a RAR archive";
  if (starts_with(head, "7z\xBC\xAF\x27\x1C")) return "a 7-Zip archive";
  if (starts_with(head, "\x1F\x8B")) return "a gzip file";
  if (starts_with(head, "{\\rtf")) return "an RTF document";
  if (head.size() >= 262 &&
      std::string_view(reinterpret_cast<const char*>(head.data()) + 257, 5) == "ustar")
    return "a tar archive";
  if (!is_text(head)) return "unrecognised binary content";
  std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t first = text.find_first_not_of(" \t\r\n\f");
  text = first == std::string_view::npos ? std::string_view{} : text.substr(first);
  if (istarts_with(text, "<!doctype html") || istarts_with(text, "<html") ||
      istarts_with(text, "<head") || istarts_with(text, "<script"))
    return "HTML";
  if (istarts_with(text, "<?xml") || istarts_with(text, "<svg")) return "XML";
  if (text.starts_with("#!")) return "a script";
  return "plain text";
}

bool accepts_extension(evidence_kind kind, std::string_view ext) {
  auto exts = extensions(kind);
  return std::find(exts.begin(), exts.end(), ext) != exts.end();
}

upload_check refuse(upload_refusal_code code, std::string detail) {
  return {std::nullopt, upload_refusal{code, std::move(detail)}};
}

}  // namespace

std::string_view to_string(evidence_kind kind) noexcept {
  switch (kind) {
    case evidence_kind::pdf:
      return "pdf";
    case evidence_kind::doc:
      return "doc";
    case evidence_kind::docx:
      return "docx";
    case evidence_kind::xls:
      return "xls";
    case evidence_kind::xlsx:
      return "xlsx";
    case evidence_kind::odt:
      return "odt";
    case evidence_kind::ods:
      return "ods";
    case evidence_kind::jpeg:
      return "jpeg";
    case evidence_kind::png:
      return "png";
    case evidence_kind::zip:
      return "zip";
  }
  return "?";
}

std::optional<evidence_kind> parse_evidence_kind(std::string_view text) noexcept {
  for (evidence_kind k : all_evidence_kinds)
    if (to_string(k) == text) return k;
  return std::nullopt;
}

std::string_view mime_type(evidence_kind kind) noexcept {
  switch (kind) {
    case evidence_kind::pdf:
      return "application/pdf";
    case evidence_kind::doc:
      return "application/msword";
    case evidence_kind::docx:
      return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case evidence_kind::xls:
      return "application/vnd.ms-excel";
    case evidence_kind::xlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case evidence_kind::odt:
      return "application/vnd.oasis.opendocument.text";
    case evidence_kind::ods:
      return "application/vnd.oasis.opendocument.spreadsheet";
    case evidence_kind::jpeg:
      return "image/jpeg";
    case evidence_kind::png:
      return "image/png";
    case evidence_kind::zip:
      return "application/zip";
  }
  return "application/octet-stream";
}

std::span<const std::string_view> extensions(evidence_kind kind) noexcept {
  switch (kind) {
    case evidence_kind::pdf:
      return pdf_ext;
    case evidence_kind::doc:
      return doc_ext;
    case evidence_kind::docx:
      return docx_ext;
    case evidence_kind::xls:
      return xls_ext;
    case evidence_kind::xlsx:
      return xlsx_ext;
    case evidence_kind::odt:
      return odt_ext;
    case evidence_kind::ods:
      return ods_ext;
    case evidence_kind::jpeg:
      return jpeg_ext;
    case evidence_kind::png:
      return png_ext;
    case evidence_kind::zip:
      return zip_ext;
  }
  return {};
}

std::string_view to_string(upload_refusal_code code) noexcept {
  switch (code) {
    case upload_refusal_code::unreadable:
      return "unreadable";
    case upload_refusal_code::type_not_allowed:
      return "type_not_allowed";
    case upload_refusal_code::type_not_enabled:
      return "type_not_enabled";
    case upload_refusal_code::extension_mismatch:
      return "extension_mismatch";
  }
  return "?";
}

detection detect(const std::filesystem::path& file, std::string_view file_name) {
  std::error_code ec;
  auto status = std::filesystem::status(file, ec);
  if (ec) return {std::nullopt, "", ec};
  if (!std::filesystem::is_regular_file(status))
    return {std::nullopt, "", std::make_error_code(std::errc::invalid_argument)};
  std::ifstream in(file, std::ios::binary);
  if (!in) return {std::nullopt, "", std::make_error_code(std::errc::permission_denied)};

  bytes head(head_bytes);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  if (in.bad()) return {std::nullopt, "", std::make_error_code(std::errc::io_error)};
  head.resize(static_cast<std::size_t>(in.gcount()));

  if (starts_with(head, "\xFF\xD8\xFF")) return {evidence_kind::jpeg, "a JPEG image", {}};
  if (starts_with(head, "\x89PNG\r\n\x1A\n")) return {evidence_kind::png, "a PNG image", {}};
  if (starts_with(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    std::string own_name = file.filename().string();
    return detect_ole2(in, file_name.empty() ? std::string_view(own_name) : file_name);
  }
  if (starts_with(head, "PK\x03\x04") || starts_with(head, "PK\x05\x06"))
    return detect_zip(file, in);
  if (has_pdf_header(head)) return {evidence_kind::pdf, "a PDF document", {}};
  return {std::nullopt, describe_other(head), {}};
}

upload_check check_upload(const std::filesystem::path& file, std::string_view file_name,
                          const upload_rules& rules) {
  detection d = detect(file, file_name);
  if (d.error)
    return refuse(upload_refusal_code::unreadable,
                  "the upload could not be read: " + d.error.message());
  if (!d.kind)
    return refuse(upload_refusal_code::type_not_allowed,
                  "the content is " + d.what + ", which is not an accepted type");
  evidence_kind kind = *d.kind;
  if (std::find(rules.allowed.begin(), rules.allowed.end(), kind) == rules.allowed.end())
    return refuse(upload_refusal_code::type_not_enabled,
                  "the content is " + d.what + " (" + std::string(to_string(kind)) +
                      "), which this installation does not accept");
  std::string ext = extension_of(file_name);
  if (!accepts_extension(kind, ext)) {
    std::string expected = "." + std::string(extensions(kind).front());
    return refuse(upload_refusal_code::extension_mismatch,
                  "the content is " + d.what + " but the name " +
                      (ext.empty() ? "has no extension" : "ends in ." + ext) + "; expected " +
                      expected);
  }
  return {kind, std::nullopt};
}

}  // namespace parix::evidence
