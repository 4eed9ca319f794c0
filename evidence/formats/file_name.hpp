// Evidence file names as users write them (Vietnamese, any script), made safe to store,
// show and offer back for download.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parix::evidence {

// The longest name safe_file_name returns, in bytes of UTF-8 (well under the 255 bytes
// most file systems allow, leaving room for a download's " (1)" suffix).
inline constexpr std::size_t max_file_name_bytes = 200;

// The name a user gave an upload, normalised and with anything unsafe removed:
//  - Input that is not valid UTF-8 (including overlong forms and surrogates) → nullopt.
//  - A path keeps only its last component. The name is a path when it has a backslash
//    (Windows forbids it in names; old browsers sent "C:\Users\…\x.pdf"), starts with
//    "/" or a drive letter ("C:"), or has a "." or ".." component ("../../etc/passwd").
//    Any other "/" is part of what the user wrote, as in Vietnamese document numbers
//    ("Quyết định số 12/QĐ-UBND.pdf"), and becomes "_" so that the number stays
//    readable: "Quyết định số 12_QĐ-UBND.pdf" (the same replacement browsers make
//    when they save such a name).
//  - Removed: control characters (C0, DEL, C1; tab, line breaks and Unicode space
//    separators become a space first), the characters < > : " | ? *, bidi embeddings,
//    overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+061C), zero-width and
//    direction marks (U+200B–U+200F, U+2060, U+FEFF).
//  - Unicode NFC (precomposed: "Quye\u0302\u0301t" → "Quyết"), runs of white space
//    collapsed to one space, leading and trailing spaces and dots trimmed.
//  - "" , "." and ".." (or anything that trims down to nothing) → nullopt.
//  - Longer than max_file_name_bytes: the part before the extension is cut at a
//    character (grapheme cluster when possible) boundary so that the result, with its
//    extension (see extension_of), fits; the UTF-8 stays valid.
// Windows device names (CON, NUL, …) are left alone: stored files are named by their
// id, and browsers rename such downloads themselves. Pure and thread-safe.
std::optional<std::string> safe_file_name(std::string_view raw);

// The extension of a file name, lower-case ASCII, without the dot: "Báo cáo.PDF" →
// "pdf", "a.tar.gz" → "gz". "" when the name has none: no dot in its last component,
// a leading dot only (".htaccess"), or text after the dot that is not 1–16 ASCII
// letters and digits ("Số 12. Báo cáo"). Pure and thread-safe.
std::string extension_of(std::string_view name);

}  // namespace parix::evidence
