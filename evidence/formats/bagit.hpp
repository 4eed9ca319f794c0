// BagIt 1.0 (RFC 8493) validation of a bag given as a set of files, so that a folder on
// disk and a ZIP archive (read with libarchive) are checked by the same rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parix::evidence::bagit {

// One regular file of a bag, as a reader saw it.
struct bag_file {
  std::string path;  // relative to the bag's base folder, '/'-separated, no "./" prefix
  std::uint64_t size = 0;
  std::map<std::string, std::string> digests;  // "md5", "sha1", "sha256", "sha512" → lower-case hex
  std::optional<std::string> content;  // the bytes of a tag file (outside data/), if small enough
};

// The manifest algorithms this code can verify; others are warned about and not checked.
inline constexpr std::string_view supported_algorithms[] = {"md5", "sha1", "sha256", "sha512"};
// Tag files larger than this are hashed but their content is not kept (a manifest of
// 100,000 files is about 10 MB), so a hostile archive cannot exhaust memory.
inline constexpr std::uint64_t max_tag_file_size = 32 * 1024 * 1024;

enum class issue_code {
  // problems: the bag is not valid
  missing_bagit_txt,        // no bagit.txt
  invalid_bagit_txt,        // not exactly the two declaration lines of RFC 8493 §2.1.1
  unsupported_encoding,     // Tag-File-Character-Encoding other than UTF-8
  no_payload_manifest,      // no manifest-<alg>.txt with a supported algorithm
  malformed_manifest_line,  // not "<hex digest> <path>"
  invalid_path,             // absolute, "..", "." or empty segments
  duplicate_entry,          // a path listed twice in one manifest, or twice in an archive
  outside_payload,          // a payload manifest lists a file outside data/
  payload_in_tag_manifest,  // a tag manifest lists a file under data/
  missing_from_manifest,    // a payload file not listed in some payload manifest
  missing_file,             // a manifest lists a file the bag does not have
  digest_mismatch,          // the file's digest differs from the manifest's
  digest_unavailable,       // the reader did not compute the digest a manifest needs
  invalid_bag_info,         // bag-info.txt does not follow RFC 8493 §2.2.2
  payload_oxum_mismatch,    // Payload-Oxum differs from the payload's octets and count
  tag_file_unreadable,      // a tag file that must be parsed is larger than max_tag_file_size
  refused_entry,            // an archive entry that is a link, device or encrypted
  unreadable_entry,         // a file or archive entry that could not be read
  // warnings: the bag may still be valid
  unsupported_algorithm,  // a manifest whose algorithm is not in supported_algorithms
  unexpected_version,     // BagIt-Version other than 1.x
  empty_payload,          // no file under data/
  blank_manifest_line,    // an empty line inside a manifest
  fetch_not_supported,    // fetch.txt present: its files must already be in the bag
  self_listed_manifest,   // a tag manifest lists itself, which can never match
};
std::string_view to_string(issue_code code);

struct issue {
  issue_code code;
  std::string path;    // the file concerned (may be empty), as in the bag
  std::string detail;  // an English sentence
};
// "missing_from_manifest data/x.txt: not listed in manifest-sha256.txt", with control
// characters of hostile paths escaped as \xNN.
std::string to_string(const issue& i);

struct report {
  std::vector<issue> problems;
  std::vector<issue> warnings;
  bool valid() const noexcept { return problems.empty(); }
};

// What a reader produced: the files it could read, and the entries it refused
// (links, devices, encrypted or unsafe paths, read errors) as problems.
struct bag_listing {
  std::vector<bag_file> files;
  std::vector<issue> problems;
};

// Validates files as a complete and valid bag (RFC 8493 §3): bagit.txt, every payload
// file listed in every payload manifest, every listed file present with a matching
// digest, tag manifests, Payload-Oxum. Lists every problem found, not only the first.
// Never throws on hostile content. Pure and thread-safe.
report validate(const std::vector<bag_file>& files);
// The same, with the reader's problems first.
report validate(const bag_listing& listing);

// Reads a bag folder: every regular file is streamed once and hashed with every supported
// algorithm; tag files also keep their content. Symbolic links and special files are
// refused as problems, never followed. Throws std::runtime_error when dir is not a
// readable folder. Thread-safe.
bag_listing read_directory(const std::filesystem::path& dir);
// Reads a ZIP whose top level is the bag (no enclosing folder) in the same way with
// libarchive. Entries that are absolute, contain "..", are links or devices, are
// encrypted or cannot be decompressed are refused as problems. Names flagged UTF-8 are
// read as UTF-8 whatever the process locale, and libarchive returns them in Unicode NFC
// (so an archive writer should use NFC names in both the ZIP and its manifests). Throws
// std::runtime_error when the file cannot be opened or is not a ZIP. Thread-safe.
bag_listing read_zip(const std::filesystem::path& zip);

// Manifest path encoding of RFC 8493 §2.1.3: CR, LF and '%' as %0D, %0A, %25 (and only
// those). Pure.
// Text from a hostile file (paths, tag lines, statement fields) made safe for a terminal
// or a log: control characters and backslashes become \xNN.
std::string printable(std::string_view s);

std::string encode_manifest_path(std::string_view path);
std::string decode_manifest_path(std::string_view encoded);

// Hashes a stream with every supported algorithm at once, for readers and for code that
// writes manifests. Not thread-safe: one per stream. Throws std::runtime_error only if
// OpenSSL fails.
class digest_stream {
 public:
  digest_stream();
  ~digest_stream();
  digest_stream(const digest_stream&) = delete;
  digest_stream& operator=(const digest_stream&) = delete;
  void update(std::span<const unsigned char> data);
  // Algorithm → lower-case hex; the stream must not be used afterwards.
  std::map<std::string, std::string> finish();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace parix::evidence::bagit
