// BagIt 1.0 validation (RFC 8493) over an abstract set of files, and the folder and ZIP
// readers that produce that set.
#include "evidence/formats/bagit.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "storage/sha256.hpp"

namespace parix::evidence::bagit {
namespace {

constexpr std::string_view payload_prefix = "data/";
constexpr std::size_t read_block = 64 * 1024;

bool is_payload(std::string_view path) {
  return path.starts_with(payload_prefix);
}

bool is_supported(std::string_view algorithm) {
  return std::find(std::begin(supported_algorithms), std::end(supported_algorithms), algorithm) !=
         std::end(supported_algorithms);
}

const EVP_MD* evp_of(std::string_view algorithm) {
  if (algorithm == "md5") return EVP_md5();
  if (algorithm == "sha1") return EVP_sha1();
  if (algorithm == "sha256") return EVP_sha256();
  if (algorithm == "sha512") return EVP_sha512();
  return nullptr;
}

bool is_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_lws(char c) {
  return c == ' ' || c == '\t';
}

// Tag file lines end with LF, CR LF or CR (RFC 8493 §2.1). A final terminator does not
// start an empty last line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// Why a path may not name a file of a bag, or nullopt when it is acceptable. Backslashes
// count as separators too, because a bag extracted on Windows would treat them so.
std::optional<std::string> unsafe_path(std::string_view path) {
  if (path.empty()) return "the path is empty";
  if (path.find('\0') != std::string_view::npos) return "the path contains a NUL byte";
  if (path.front() == '/' || path.front() == '\\') return "the path is absolute";
  if (path.size() >= 2 && path[1] == ':') return "the path starts with a drive letter";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = path.size();
    const auto segment = path.substr(start, end - start);
    if (segment == "..") return "the path contains \"..\"";
    if (segment.empty() || segment == ".") return "the path contains an empty or \".\" segment";
    start = end + 1;
  }
  return std::nullopt;
}

struct checker {
  report r;

  void problem(issue_code code, std::string_view path, std::string detail) {
    r.problems.push_back({code, std::string{path}, std::move(detail)});
  }
  void warning(issue_code code, std::string_view path, std::string detail) {
    r.warnings.push_back({code, std::string{path}, std::move(detail)});
  }
};

struct manifest_entry {
  std::string digest;  // lower-case hex
  std::string path;    // decoded
};

struct manifest {
  std::string name;  // e.g. "manifest-sha256.txt"
  std::string algorithm;
  bool tag = false;
  std::vector<manifest_entry> entries;  // unique paths, in file order
};

// The text of a tag file that must be parsed, or nullopt (with a problem) when the
// reader did not keep it.
std::optional<std::string_view> content_of(const bag_file& f, checker& c) {
  if (f.content) return std::string_view{*f.content};
  c.problem(
      issue_code::tag_file_unreadable, f.path,
      "its content was not read (larger than " + std::to_string(max_tag_file_size) + " bytes)");
  return std::nullopt;
}

// RFC 8493 §2.1.1: exactly "BagIt-Version: M.N" and "Tag-File-Character-Encoding: ENC",
// one space after each colon, in UTF-8 without a byte-order mark.
void check_declaration(const bag_file* f, checker& c) {
  if (!f) {
    c.problem(issue_code::missing_bagit_txt, "bagit.txt", "the bag declaration is missing");
    return;
  }
  auto text = content_of(*f, c);
  if (!text) return;
  if (text->starts_with("\xEF\xBB\xBF")) {
    c.problem(issue_code::invalid_bagit_txt, f->path, "it starts with a byte-order mark");
    return;
  }
  const auto lines = split_lines(*text);
  if (lines.size() != 2) {
    c.problem(issue_code::invalid_bagit_txt, f->path,
              "it has " + std::to_string(lines.size()) + " lines instead of 2");
    if (lines.size() < 2) return;
  }
  constexpr std::string_view version_label = "BagIt-Version: ";
  constexpr std::string_view encoding_label = "Tag-File-Character-Encoding: ";
  const auto version = lines[0];
  const auto dot = version.find('.', version_label.size());
  if (!version.starts_with(version_label) || dot == std::string_view::npos ||
      !is_digits(version.substr(version_label.size(), dot - version_label.size())) ||
      !is_digits(version.substr(dot + 1))) {
    c.problem(issue_code::invalid_bagit_txt, f->path,
              "line 1 is \"" + printable(version) + "\", expected \"BagIt-Version: M.N\"");
  } else if (!version.substr(version_label.size()).starts_with("1.")) {
    c.warning(issue_code::unexpected_version, f->path,
              "BagIt-Version " + std::string{version.substr(version_label.size())} +
                  " was validated with the rules of version 1.0");
  }
  const auto encoding = lines[1];
  if (!encoding.starts_with(encoding_label) || encoding.size() == encoding_label.size() ||
      is_lws(encoding[encoding_label.size()]) || is_lws(encoding.back())) {
    c.problem(issue_code::invalid_bagit_txt, f->path,
              "line 2 is \"" + printable(encoding) +
                  "\", expected \"Tag-File-Character-Encoding: UTF-8\"");
  } else if (lower(encoding.substr(encoding_label.size())) != "utf-8") {
    // Other encodings are allowed by the RFC, but tag files could then not be read as
    // the UTF-8 that paths are compared in.
    c.problem(issue_code::unsupported_encoding, f->path,
              "tag files are in " + printable(encoding.substr(encoding_label.size())) +
                  "; only UTF-8 is supported");
  }
}

// RFC 8493 §2.1.3: "<checksum><one or more linear whitespace><filepath>" per line, the
// path percent-encoded for CR, LF and '%'.
std::optional<manifest> parse_manifest(const bag_file& f, std::string algorithm, bool tag,
                                       checker& c) {
  auto text = content_of(f, c);
  if (!text) return std::nullopt;
  manifest m{f.path, std::move(algorithm), tag, {}};
  std::set<std::string> seen;
  std::size_t number = 0;
  for (auto line : split_lines(*text)) {
    ++number;
    const std::string where = "line " + std::to_string(number) + " of " + printable(f.path);
    if (line.empty()) {
      c.warning(issue_code::blank_manifest_line, f.path, where + " is empty");
      continue;
    }
    const auto gap = line.find_first_of(" \t");
    const auto path_start =
        gap == std::string_view::npos ? std::string_view::npos : line.find_first_not_of(" \t", gap);
    if (gap == std::string_view::npos || path_start == std::string_view::npos ||
        !is_hex(line.substr(0, gap))) {
      c.problem(issue_code::malformed_manifest_line, f.path,
                where + " is not \"<hex digest> <path>\": \"" + printable(line) + "\"");
      continue;
    }
    std::string path = decode_manifest_path(line.substr(path_start));
    if (auto why = unsafe_path(path)) {
      c.problem(issue_code::invalid_path, path, *why + " (" + where + ")");
      continue;
    }
    if (!tag && !is_payload(path)) {
      c.problem(issue_code::outside_payload, path,
                "listed in the payload manifest " + printable(f.path) + " but not under data/");
      continue;
    }
    if (tag && is_payload(path)) {
      c.problem(issue_code::payload_in_tag_manifest, path,
                "a payload file listed in the tag manifest " + printable(f.path));
      continue;
    }
    if (!seen.insert(path).second) {
      c.problem(issue_code::duplicate_entry, path,
                "listed more than once in " + printable(f.path) + " (" + where + ")");
      continue;
    }
    m.entries.push_back({lower(line.substr(0, gap)), std::move(path)});
  }
  return m;
}

void check_entries(const manifest& m, const std::unordered_map<std::string, const bag_file*>& by,
                   checker& c) {
  const bool verifiable = is_supported(m.algorithm);
  for (const auto& e : m.entries) {
    if (m.tag && e.path == m.name) {
      c.warning(issue_code::self_listed_manifest, e.path,
                "lists itself; that entry is not checked");
      continue;
    }
    auto it = by.find(e.path);
    if (it == by.end()) {
      c.problem(issue_code::missing_file, e.path,
                "listed in " + printable(m.name) + " but not in the bag");
      continue;
    }
    if (!verifiable) continue;
    auto d = it->second->digests.find(m.algorithm);
    if (d == it->second->digests.end()) {
      c.problem(issue_code::digest_unavailable, e.path,
                "its " + m.algorithm + " digest was not computed, so " + printable(m.name) +
                    " cannot be checked");
      continue;
    }
    if (d->second != e.digest)
      c.problem(issue_code::digest_mismatch, e.path,
                printable(m.name) + " says " + printable(e.digest) + " but the file's " +
                    m.algorithm + " is " + d->second);
  }
}

// RFC 8493 §2.2.2: "Label: value" lines, a label without surrounding whitespace, one
// linear whitespace character after the colon, continuation lines indented.
void check_bag_info(const bag_file& f, const std::vector<const bag_file*>& payload, checker& c) {
  auto text = content_of(f, c);
  if (!text) return;
  std::vector<std::pair<std::string, std::string>> elements;
  std::size_t number = 0;
  for (auto line : split_lines(*text)) {
    ++number;
    const std::string where = "line " + std::to_string(number) + " of bag-info.txt";
    if (line.empty()) continue;  // blank lines carry nothing; common readers skip them too
    if (is_lws(line.front())) {
      if (elements.empty())
        c.problem(issue_code::invalid_bag_info, f.path,
                  where + " continues a value but no element precedes it");
      else
        elements.back().second.append(line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      c.problem(issue_code::invalid_bag_info, f.path,
                where + " is not \"Label: value\": \"" + printable(line) + "\"");
      continue;
    }
    const auto label = line.substr(0, colon);
    if (is_lws(label.back())) {
      c.problem(issue_code::invalid_bag_info, f.path,
                where + ": the label \"" + printable(label) + "\" ends with whitespace");
      continue;
    }
    const auto rest = line.substr(colon + 1);
    if (rest.empty() || !is_lws(rest.front())) {
      c.problem(issue_code::invalid_bag_info, f.path,
                where + ": a space must follow the colon after \"" + printable(label) + "\"");
      continue;
    }
    elements.emplace_back(std::string{label}, std::string{rest.substr(1)});
  }

  const std::pair<std::string, std::string>* oxum = nullptr;
  for (const auto& e : elements) {
    if (lower(e.first) != "payload-oxum") continue;
    if (oxum) {
      c.problem(issue_code::invalid_bag_info, f.path, "Payload-Oxum appears more than once");
      return;
    }
    oxum = &e;
  }
  if (!oxum) return;
  std::string_view value = oxum->second;
  while (!value.empty() && is_lws(value.back())) value.remove_suffix(1);
  const auto dot = value.find('.');
  std::uint64_t octets = 0, streams = 0;
  auto parse_number = [](std::string_view s, std::uint64_t& out) {
    if (!is_digits(s) || s.size() > 19) return false;
    out = std::stoull(std::string{s});
    return true;
  };
  if (dot == std::string_view::npos || !parse_number(value.substr(0, dot), octets) ||
      !parse_number(value.substr(dot + 1), streams)) {
    c.problem(issue_code::invalid_bag_info, f.path,
              "Payload-Oxum \"" + printable(value) + "\" is not <octets>.<file count>");
    return;
  }
  std::uint64_t actual = 0;
  for (const auto* p : payload) actual += p->size;
  if (octets != actual || streams != payload.size())
    c.problem(issue_code::payload_oxum_mismatch, f.path,
              "Payload-Oxum says " + std::to_string(octets) + " octets in " +
                  std::to_string(streams) + " files, the payload has " + std::to_string(actual) +
                  " octets in " + std::to_string(payload.size()) + " files");
}

// "manifest-sha256.txt" → "sha256" for prefix "manifest-"; only files at the top level.
std::optional<std::string> algorithm_of(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix) || !path.ends_with(".txt") || path.size() <= prefix.size() + 4 ||
      path.find('/') != std::string_view::npos)
    return std::nullopt;
  return std::string{path.substr(prefix.size(), path.size() - prefix.size() - 4)};
}

// libarchive converts names flagged UTF-8 in a ZIP to the charset of the current locale,
// and fails for non-ASCII names in the "C" locale a server usually runs in. This switches
// the calling thread alone (uselocale, not setlocale) to C.UTF-8 while a ZIP is read.
// libarchive also puts such names in Unicode NFC, so manifests must list them in NFC.
class utf8_ctype_scope {
 public:
  utf8_ctype_scope() {
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    if (utf8) previous_ = ::uselocale(utf8);
  }
  ~utf8_ctype_scope() {
    if (previous_) ::uselocale(previous_);
  }
  utf8_ctype_scope(const utf8_ctype_scope&) = delete;
  utf8_ctype_scope& operator=(const utf8_ctype_scope&) = delete;

 private:
  locale_t previous_{};
};

// Accumulates one file: digests always, content only for tag files that stay small.
class file_builder {
 public:
  explicit file_builder(std::string path) : keep_(!is_payload(path)) {
    file_.path = std::move(path);
  }
  void update(std::span<const unsigned char> data) {
    digests_.update(data);
    file_.size += data.size();
    if (!keep_) return;
    if (file_.size > max_tag_file_size) {
      keep_ = false;
      content_.clear();
      content_.shrink_to_fit();
      return;
    }
    content_.append(reinterpret_cast<const char*>(data.data()), data.size());
  }
  bag_file finish() && {
    file_.digests = digests_.finish();
    if (keep_) file_.content = std::move(content_);
    return std::move(file_);
  }

 private:
  bag_file file_;
  digest_stream digests_;
  bool keep_;
  std::string content_;
};

}  // namespace

std::string_view to_string(issue_code code) {
  switch (code) {
    case issue_code::missing_bagit_txt:
      return "missing_bagit_txt";
    case issue_code::invalid_bagit_txt:
      return "invalid_bagit_txt";
    case issue_code::unsupported_encoding:
      return "unsupported_encoding";
    case issue_code::no_payload_manifest:
      return "no_payload_manifest";
    case issue_code::malformed_manifest_line:
      return "malformed_manifest_line";
    case issue_code::invalid_path:
      return "invalid_path";
    case issue_code::duplicate_entry:
      return "duplicate_entry";
    case issue_code::outside_payload:
      return "outside_payload";
    case issue_code::payload_in_tag_manifest:
      return "payload_in_tag_manifest";
    case issue_code::missing_from_manifest:
      return "missing_from_manifest";
    case issue_code::missing_file:
      return "missing_file";
    case issue_code::digest_mismatch:
      return "digest_mismatch";
    case issue_code::digest_unavailable:
      return "digest_unavailable";
    case issue_code::invalid_bag_info:
      return "invalid_bag_info";
    case issue_code::payload_oxum_mismatch:
      return "payload_oxum_mismatch";
    case issue_code::tag_file_unreadable:
      return "tag_file_unreadable";
    case issue_code::refused_entry:
      return "refused_entry";
    case issue_code::unreadable_entry:
      return "unreadable_entry";
    case issue_code::unsupported_algorithm:
      return "unsupported_algorithm";
    case issue_code::unexpected_version:
      return "unexpected_version";
    case issue_code::empty_payload:
      return "empty_payload";
    case issue_code::blank_manifest_line:
      return "blank_manifest_line";
    case issue_code::fetch_not_supported:
      return "fetch_not_supported";
    case issue_code::self_listed_manifest:
      return "self_listed_manifest";
  }
  return "unknown";
}

std::string to_string(const issue& i) {
  std::string out{to_string(i.code)};
  if (!i.path.empty()) out += " " + printable(i.path);
  if (!i.detail.empty()) out += ": " + i.detail;
  return out;
}

std::string encode_manifest_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '%')
      out += "%25";
    else if (c == '\n')
      out += "%0A";
    else if (c == '\r')
      out += "%0D";
    else
      out += c;
  }
  return out;
}

// One pass, so that "%250A" decodes to "%0A" and not to a line feed.
std::string decode_manifest_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const std::string code = lower(s.substr(i + 1, 2));
      if (code == "0a" || code == "0d" || code == "25") {
        out += code == "0a" ? '\n' : code == "0d" ? '\r' : '%';
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

report validate(const std::vector<bag_file>& files) {
  checker c;
  std::unordered_map<std::string, const bag_file*> by;
  std::vector<const bag_file*> payload;
  for (const auto& f : files) {
    if (auto why = unsafe_path(f.path)) {
      c.problem(issue_code::invalid_path, f.path, *why);
      continue;
    }
    if (!by.emplace(f.path, &f).second) {
      c.problem(issue_code::duplicate_entry, f.path, "the bag holds two files with this path");
      continue;
    }
    if (is_payload(f.path)) payload.push_back(&f);
  }

  auto find = [&](std::string_view path) -> const bag_file* {
    auto it = by.find(std::string{path});
    return it == by.end() ? nullptr : it->second;
  };
  check_declaration(find("bagit.txt"), c);

  // Sorted by name so that reports list manifests in a stable order.
  std::vector<const bag_file*> sorted;
  for (const auto& [path, f] : by) sorted.push_back(f);
  std::sort(sorted.begin(), sorted.end(),
            [](const bag_file* a, const bag_file* b) { return a->path < b->path; });

  std::vector<manifest> payload_manifests;
  std::vector<manifest> tag_manifests;
  for (const auto* f : sorted) {
    auto algorithm = algorithm_of(f->path, "manifest-");
    bool tag = false;
    if (!algorithm) {
      algorithm = algorithm_of(f->path, "tagmanifest-");
      tag = true;
    }
    if (!algorithm) continue;
    if (!is_supported(*algorithm))
      c.warning(issue_code::unsupported_algorithm, f->path,
                "algorithm \"" + printable(*algorithm) +
                    "\" is not supported; its digests are not checked");
    if (auto m = parse_manifest(*f, *algorithm, tag, c))
      (tag ? tag_manifests : payload_manifests).push_back(std::move(*m));
  }

  if (std::none_of(payload_manifests.begin(), payload_manifests.end(),
                   [](const manifest& m) { return is_supported(m.algorithm); }))
    c.problem(issue_code::no_payload_manifest, "",
              payload_manifests.empty()
                  ? "the bag has no payload manifest (manifest-<algorithm>.txt)"
                  : "no payload manifest uses a supported algorithm");

  // Every payload file in every payload manifest (RFC 8493 §3), whatever its algorithm.
  for (const auto& m : payload_manifests) {
    std::set<std::string_view> listed;
    for (const auto& e : m.entries) listed.insert(e.path);
    for (const auto* p : payload)
      if (!listed.contains(p->path))
        c.problem(issue_code::missing_from_manifest, p->path, "not listed in " + printable(m.name));
  }
  for (const auto& m : payload_manifests) check_entries(m, by, c);
  for (const auto& m : tag_manifests) check_entries(m, by, c);

  if (const auto* info = find("bag-info.txt")) check_bag_info(*info, payload, c);
  if (payload.empty()) c.warning(issue_code::empty_payload, "data/", "the payload is empty");
  if (find("fetch.txt"))
    c.warning(issue_code::fetch_not_supported, "fetch.txt",
              "files are not fetched; every file listed must already be in the bag");
  return std::move(c.r);
}

report validate(const bag_listing& listing) {
  report r = validate(listing.files);
  r.problems.insert(r.problems.begin(), listing.problems.begin(), listing.problems.end());
  return r;
}

struct digest_stream::impl {
  std::vector<std::pair<std::string, EVP_MD_CTX*>> contexts;
  ~impl() {
    for (auto& [name, ctx] : contexts) EVP_MD_CTX_free(ctx);
  }
};

digest_stream::digest_stream() : impl_(std::make_unique<impl>()) {
  for (auto algorithm : supported_algorithms) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) throw std::runtime_error("cannot allocate a digest context");
    // A provider without MD5 or SHA-1 (FIPS) leaves that algorithm out; a manifest
    // using it is then reported as digest_unavailable rather than failing the read.
    if (EVP_DigestInit_ex(ctx, evp_of(algorithm), nullptr) != 1) {
      EVP_MD_CTX_free(ctx);
      continue;
    }
    impl_->contexts.emplace_back(std::string{algorithm}, ctx);
  }
}

digest_stream::~digest_stream() = default;

void digest_stream::update(std::span<const unsigned char> data) {
  for (auto& [name, ctx] : impl_->contexts)
    if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1)
      throw std::runtime_error("digest update failed");
}

std::map<std::string, std::string> digest_stream::finish() {
  std::map<std::string, std::string> out;
  for (auto& [name, ctx] : impl_->contexts) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx, md.data(), &n) != 1)
      throw std::runtime_error("digest finish failed");
    out[name] = storage::to_hex(std::span<const unsigned char>{md.data(), n});
  }
  return out;
}

bag_listing read_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir.string() + " is not a folder");
  bag_listing out;
  fs::recursive_directory_iterator it{dir, ec};
  if (ec) throw std::runtime_error("cannot read the folder " + dir.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator{}; it.increment(ec)) {
    if (ec) {
      out.problems.push_back({issue_code::unreadable_entry, "", "cannot list: " + ec.message()});
      break;
    }
    const auto relative = it->path().lexically_relative(dir).generic_string();
    const auto status = it->symlink_status(ec);
    if (ec) {
      out.problems.push_back({issue_code::unreadable_entry, relative, ec.message()});
      continue;
    }
    if (fs::is_directory(status)) continue;
    if (!fs::is_regular_file(status)) {
      out.problems.push_back({issue_code::refused_entry, relative,
                              fs::is_symlink(status)
                                  ? "a symbolic link; a bag holds regular files only"
                                  : "not a regular file"});
      continue;
    }
    std::unique_ptr<FILE, decltype(&std::fclose)> in{std::fopen(it->path().c_str(), "rb"),
                                                     std::fclose};
    if (!in) {
      out.problems.push_back({issue_code::unreadable_entry, relative, "cannot open the file"});
      continue;
    }
    file_builder b{relative};
    std::vector<unsigned char> buffer(read_block);
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0)
      b.update(std::span{buffer.data(), n});
    if (std::ferror(in.get())) {
      out.problems.push_back({issue_code::unreadable_entry, relative, "a read failed"});
      continue;
    }
    out.files.push_back(std::move(b).finish());
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const bag_file& a, const bag_file& b) { return a.path < b.path; });
  return out;
}

bag_listing read_zip(const std::filesystem::path& zip) {
  const utf8_ctype_scope utf8;  // before the reader: libarchive caches the charset it sees
  std::unique_ptr<archive, decltype(&archive_read_free)> a{archive_read_new(), archive_read_free};
  if (!a) throw std::runtime_error("cannot allocate an archive reader");
  archive_read_support_format_zip(a.get());
  // Some libarchive messages end with a line break; reports keep one line per issue.
  auto error_text = [&] {
    const char* why = archive_error_string(a.get());
    std::string text{why ? why : "unknown error"};
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || is_lws(text.back())))
      text.pop_back();
    return printable(text);
  };
  if (archive_read_open_filename(a.get(), zip.c_str(), read_block) != ARCHIVE_OK)
    throw std::runtime_error("cannot open " + zip.string() + " as a ZIP archive: " + error_text());
  bag_listing out;
  std::vector<unsigned char> buffer(read_block);
  for (;;) {
    archive_entry* entry = nullptr;
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY || !entry) {
      out.problems.push_back(
          {issue_code::unreadable_entry, "", "the archive is damaged: " + error_text()});
      break;
    }
    // Names flagged UTF-8 in the ZIP are read as UTF-8 whatever the process locale.
    const char* name = archive_entry_pathname_utf8(entry);
    if (!name) name = archive_entry_pathname(entry);
    std::string path = name ? name : "";
    while (path.starts_with("./")) path.erase(0, 2);
    if (r == ARCHIVE_FAILED || !name) {
      out.problems.push_back(
          {issue_code::unreadable_entry, path, "the entry header cannot be read: " + error_text()});
      continue;
    }
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (auto why = unsafe_path(path)) {
      out.problems.push_back({issue_code::invalid_path, path, *why});
      continue;
    }
    if (archive_entry_is_encrypted(entry)) {
      out.problems.push_back({issue_code::refused_entry, path, "the entry is encrypted"});
      continue;
    }
    if (type != AE_IFREG || archive_entry_hardlink(entry) || archive_entry_symlink(entry)) {
      out.problems.push_back({issue_code::refused_entry, path,
                              type == AE_IFLNK || archive_entry_symlink(entry)
                                  ? "a symbolic link; a bag holds regular files only"
                                  : "not a regular file"});
      continue;
    }
    file_builder b{path};
    la_ssize_t n = 0;
    while ((n = archive_read_data(a.get(), buffer.data(), buffer.size())) > 0)
      b.update(std::span{buffer.data(), static_cast<std::size_t>(n)});
    if (n < 0) {
      out.problems.push_back(
          {issue_code::unreadable_entry, path, "cannot be decompressed: " + error_text()});
      if (n == ARCHIVE_FATAL) break;
      continue;
    }
    out.files.push_back(std::move(b).finish());
  }
  return out;
}

std::string printable(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace parix::evidence::bagit
