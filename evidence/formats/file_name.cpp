// Evidence file names made safe: UTF-8 validation, path stripping, filtering, NFC, length cap.
#include "evidence/formats/file_name.hpp"

#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace parix::evidence {

namespace {

// The longest extension kept when a name is cut and reported by extension_of; longer
// "extensions" are part of the name ("Báo cáo.tổng hợp cuối năm").
constexpr std::size_t max_extension_bytes = 16;

bool is_separator(char32_t c) {
  return c == U'/' || c == U'\\';
}

// Splits valid UTF-8 into code points; nullopt on any invalid sequence.
std::optional<std::vector<char32_t>> decode(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0 || c < 0) return std::nullopt;  // utf8proc refuses overlongs and surrogates
    out.push_back(static_cast<char32_t>(c));
    p += n;
    left -= n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

bool component_is_dot_or_dot_dot(const std::vector<char32_t>& cps, std::size_t begin,
                                 std::size_t end) {
  std::size_t n = end - begin;
  if (n == 1) return cps[begin] == U'.';
  if (n == 2) return cps[begin] == U'.' && cps[begin + 1] == U'.';
  return false;
}

// True when the name reads as a path rather than a name that happens to hold a "/".
bool looks_like_path(const std::vector<char32_t>& cps) {
  if (cps.empty()) return false;
  if (cps.front() == U'/') return true;
  if (cps.size() >= 2 && cps[1] == U':' &&
      ((cps[0] >= U'A' && cps[0] <= U'Z') || (cps[0] >= U'a' && cps[0] <= U'z')))
    return true;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= cps.size(); ++i) {
    if (i < cps.size() && cps[i] == U'\\') return true;
    if (i == cps.size() || cps[i] == U'/') {
      if (component_is_dot_or_dot_dot(cps, begin, i)) return true;
      begin = i + 1;
    }
  }
  return false;
}

// Unicode white space (tab, line breaks, NBSP, the U+2000 spaces, U+3000 …).
bool is_space_like(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\v' || c == U'\f' || c == U'\r' || c == 0x85) return true;
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

bool is_removed(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return true;  // C0, DEL, C1
  switch (c) {
    case U'<':
    case U'>':
    case U':':
    case U'"':
    case U'|':
    case U'?':
    case U'*':
      return true;  // refused by Windows in names; shell and URL metacharacters
    case 0x061C:    // Arabic letter mark: a bidi control like U+200E/F
    case 0x2060:    // word joiner: invisible
    case 0xFEFF:    // byte order mark / zero-width no-break space
      return true;
    default:
      break;
  }
  // Bidi embeddings/overrides and isolates can make "txt.exe" display as "exe.txt"
  // (CVE-2021-42574, "Trojan Source"); zero-width characters make look-alike names.
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         (c >= 0x200B && c <= 0x200F);
}

std::string nfc(const std::string& text) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  // The input was validated and holds no NUL, so this cannot fail but for memory.
  if (n < 0 || !mapped) return text;
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
}

// Where the extension's dot is (npos when the name has none, see extension_of).
std::size_t extension_dot(std::string_view name) {
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::string_view::npos;
  std::string_view ext = name.substr(dot + 1);
  if (ext.empty() || ext.size() > max_extension_bytes) return std::string_view::npos;
  for (char ch : ext) {
    bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (!alnum) return std::string_view::npos;
  }
  return dot;
}

// The longest prefix of text (valid UTF-8) of at most budget bytes that ends on a
// grapheme cluster boundary, or on a code point boundary when the first cluster alone
// is longer than the budget (a base letter under hundreds of combining marks).
std::size_t cut_point(std::string_view text, std::size_t budget) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t pos = 0;
  std::size_t last_cluster_end = 0;
  std::size_t last_code_point_end = 0;
  utf8proc_int32_t prev = -1;
  utf8proc_int32_t state = 0;
  while (pos < text.size()) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n =
        utf8proc_iterate(p + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &c);
    if (n <= 0) break;
    if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, c, &state)) last_cluster_end = pos;
    if (pos + static_cast<std::size_t>(n) > budget) {
      return last_cluster_end > 0 ? last_cluster_end : last_code_point_end;
    }
    pos += static_cast<std::size_t>(n);
    last_code_point_end = pos;
    prev = c;
  }
  return pos;
}

void trim_spaces_and_dots(std::string& s) {
  std::size_t b = s.find_first_not_of(" .");
  if (b == std::string::npos) {
    s.clear();
    return;
  }
  std::size_t e = s.find_last_not_of(" .");
  s = s.substr(b, e - b + 1);
}

}  // namespace

std::optional<std::string> safe_file_name(std::string_view raw) {
  auto decoded = decode(raw);
  if (!decoded) return std::nullopt;
  std::vector<char32_t>& cps = *decoded;

  std::size_t start = 0;
  if (looks_like_path(cps)) {
    if (cps.size() >= 2 && cps[1] == U':') start = 2;  // "C:x.pdf" is x.pdf on drive C
    for (std::size_t i = 0; i < cps.size(); ++i)
      if (is_separator(cps[i])) start = i + 1;
  }

  std::string filtered;
  filtered.reserve(raw.size());
  bool pending_space = false;
  for (std::size_t i = start; i < cps.size(); ++i) {
    char32_t c = cps[i];
    if (c == U'/') c = U'_';  // only inside a name here, see the header
    if (is_space_like(c) || c == U' ') {
      pending_space = true;
      continue;
    }
    if (is_removed(c)) continue;  // "a\u200B b" is "a b": removal never splits a space run
    if (pending_space && !filtered.empty()) filtered.push_back(' ');
    pending_space = false;
    append_utf8(filtered, c);
  }

  std::string name = nfc(filtered);
  trim_spaces_and_dots(name);
  if (name.empty()) return std::nullopt;

  if (name.size() > max_file_name_bytes) {
    std::size_t dot = extension_dot(name);
    std::string suffix = dot == std::string::npos ? std::string{} : name.substr(dot);
    std::string_view stem = std::string_view(name).substr(0, name.size() - suffix.size());
    std::string cut(stem.substr(0, cut_point(stem, max_file_name_bytes - suffix.size())));
    trim_spaces_and_dots(cut);
    if (cut.empty()) {
      // Nothing of the stem fits before the extension: keep what fits of the whole.
      cut.assign(std::string_view(name).substr(0, cut_point(name, max_file_name_bytes)));
      trim_spaces_and_dots(cut);
      if (cut.empty()) return std::nullopt;
      return cut;
    }
    name = cut + suffix;
  }
  return name;
}

std::string extension_of(std::string_view name) {
  std::size_t sep = name.find_last_of("/\\");
  if (sep != std::string_view::npos) name.remove_prefix(sep + 1);
  std::size_t dot = extension_dot(name);
  if (dot == std::string_view::npos) return {};
  std::string ext(name.substr(dot + 1));
  for (char& ch : ext)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return ext;
}

}  // namespace parix::evidence
