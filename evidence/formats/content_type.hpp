// The kinds of evidence files parix accepts, and deciding an upload's kind by its
// content (magic bytes, OLE2 directory, ZIP entries) rather than by its name alone.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace parix::evidence {

enum class evidence_kind { pdf, doc, docx, xls, xlsx, odt, ods, jpeg, png, zip };

inline constexpr std::array<evidence_kind, 10> all_evidence_kinds{
    evidence_kind::pdf,  evidence_kind::doc, evidence_kind::docx, evidence_kind::xls,
    evidence_kind::xlsx, evidence_kind::odt, evidence_kind::ods,  evidence_kind::jpeg,
    evidence_kind::png,  evidence_kind::zip};

// "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpeg", "png", "zip": the names
// used in configuration and JSON. Pure.
std::string_view to_string(evidence_kind kind) noexcept;
// The inverse of to_string (exact, lower-case); nullopt for anything else. Pure.
std::optional<evidence_kind> parse_evidence_kind(std::string_view text) noexcept;
// The MIME type to serve the kind with ("application/pdf", …). Pure.
std::string_view mime_type(evidence_kind kind) noexcept;
// The lower-case extensions (without the dot) a name of this kind may end in; the first
// is the usual one ("jpg", "jpeg" for jpeg). Pure; the span points to static storage.
std::span<const std::string_view> extensions(evidence_kind kind) noexcept;

// What detect saw in a file.
struct detection {
  // nullopt when the content is none of the kinds (or error is set).
  std::optional<evidence_kind> kind;
  // What the content is, in a few English words for refusal details and logs: "a PDF
  // document", "HTML", "a Windows executable", "a PowerPoint presentation (pptx)".
  std::string what;
  // Set when the file could not be read (missing, a directory, I/O error).
  std::error_code error;
};

// Decides a file's kind by its content:
//  - PDF: "%PDF-" and a digit starting within the first 1024 bytes (ISO 32000-2 §7.5.2
//    lets readers accept leading bytes; anything beyond that is something else).
//  - JPEG: FF D8 FF. PNG: its 8-byte signature.
//  - OLE2 compound file (D0 CF 11 E0 A1 B1 1A E1): the streams directly under the
//    root storage are read from the directory (at most 64 directory sectors, no
//    stream data): "WordDocument" → doc, "Workbook" or "Book" (Excel 5/95) → xls.
//    Streams of embedded objects live in sub-storages and do not count. A directory
//    naming neither (PowerPoint, Outlook messages, MSI installers) → none of the
//    kinds. Only when the directory cannot be read, or names both, does the
//    extension of file_name decide between doc and xls.
//  - ZIP ("PK\3\4", or "PK\5\6" for an empty archive), by its entries as its central
//    directory lists them (read_zip_directory), plus the first entry's data when it is
//    "mimetype", stored:
//    "[Content_Types].xml" with "word/…" → docx, with "xl/…" → xlsx; a first entry
//    "mimetype" holding exactly "application/vnd.oasis.opendocument.text" → odt,
//    "…opendocument.spreadsheet" → ods; anything else → zip. Formats that are ZIPs but
//    are documents of another kind are none of the kinds: OOXML with macros (a
//    vbaProject.bin part, i.e. docm/xlsm), PowerPoint (ppt/…) and other OpenDocument
//    types (a "mimetype" entry of another "application/vnd.oasis.opendocument.*"
//    value). A ZIP whose central directory cannot be read, or disagrees with its local
//    headers, is reported as zip (inspect_zip then refuses it).
// file_name is the name the user gave (only its extension is used, only for OLE2 as
// above); when empty, file's own name is used. Never throws for hostile content;
// thread-safe (no shared state).
detection detect(const std::filesystem::path& file, std::string_view file_name = {});

// What an installation accepts (from configuration).
struct upload_rules {
  std::vector<evidence_kind> allowed{all_evidence_kinds.begin(), all_evidence_kinds.end()};
};

enum class upload_refusal_code {
  unreadable,          // the stored upload could not be read (I/O error, not the user's fault)
  type_not_allowed,    // the content is none of the kinds (HTML, an executable, text, …)
  type_not_enabled,    // a known kind that the configuration does not accept
  extension_mismatch,  // the content is one kind, the name's extension says another
};
// "unreadable", "type_not_allowed", "type_not_enabled", "extension_mismatch". Pure.
std::string_view to_string(upload_refusal_code code) noexcept;

struct upload_refusal {
  upload_refusal_code code;
  std::string detail;  // English, for logs and the problem's detail; users get a text per code
};

// An upload's verdict: exactly one of kind and refusal is set.
struct upload_check {
  std::optional<evidence_kind> kind;
  std::optional<upload_refusal> refusal;
  explicit operator bool() const noexcept { return kind.has_value(); }
};

// Decides whether a finished upload (file, named file_name by the user) is accepted:
// detect(file, file_name), then, in this order, type_not_allowed when the content is
// none of the kinds, type_not_enabled when rules.allowed lacks it (what the file is
// matters more than what it is called), extension_mismatch when extension_of(file_name)
// is not one of extensions(kind) — a missing extension is a mismatch too, so a
// downloaded copy always opens with the right program. I/O errors → unreadable.
// Never throws for hostile content; thread-safe.
upload_check check_upload(const std::filesystem::path& file, std::string_view file_name,
                          const upload_rules& rules);

}  // namespace parix::evidence
