// The sealed evidence archive: one criterion's draft files written as a deterministic
// ZIP that is a BagIt 1.0 bag (RFC 8493) at its top level, plus the hashes that the
// evidence statement signs.
//
// Layout, fixed so that the same drafts always give the same bytes:
//   bagit.txt               "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
//   bag-info.txt            see below
//   manifest-sha256.txt     "<sha256>  data/<path>\n" per payload file, sorted by path
//   data/<name> …           the payload, sorted by path (byte order of the UTF-8 names)
//   tagmanifest-sha256.txt  SHA-256 of bag-info.txt, bagit.txt, manifest-sha256.txt
// The tag files come first so that a streaming reader knows every expected hash before
// it meets the payload; the tag manifest comes last because it covers the others.
//
// Payload names: a file is stored as data/<name>. When several files share a name they
// are taken in (name, sha256) order; the first keeps the name and the others become
// "stem (2).ext", "stem (3).ext", … (the smallest number not taken by any other file).
// In manifest-sha256.txt, '%', CR and LF in a path are written %25, %0D, %0A
// (RFC 8493 §2.1.3); the ZIP entry keeps the name itself, flagged as UTF-8.
//
// bag-info.txt, one label per line in this order: Bagging-Date (date of sealed_at),
// Payload-Oxum (<bytes>.<files>), Bag-Software-Agent (parix), External-Identifier
// (parix:<campaign>/<unit>/<criterion>/v<version>), PARIX-Campaign, PARIX-Unit,
// PARIX-Unit-Name, PARIX-Criterion, PARIX-Criterion-Title, PARIX-Stage, PARIX-Version,
// PARIX-Sealed-At, PARIX-Sealed-By, then one line per payload file in path order:
//   PARIX-Document: data/<path> | number=<n> | date=<YYYY-MM-DD> | issuer=<i> | summary=<s>
// (fields empty when the file is not an official document). Values are never folded: a
// CR or LF in a value becomes a space; in PARIX-Document's path and fields '%', '|', CR
// and LF are percent-encoded (%25, %7C, %0D, %0A) so the line splits unambiguously.
//
// ZIP entries: stored (no compression: evidence is mostly PDF/JPEG, already compressed),
// regular files with mode 0644, uid and gid 0, no user or group names and no timestamps,
// so the DOS date field holds the format's minimum, 1980-01-01 00:00:00, whatever the
// process's time zone (libarchive converts a set mtime with localtime()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/blob_store.hpp"

namespace parix::evidence {

// One payload file.
struct archive_file {
  std::string name;    // the user's file name (NFC, no '/'), UTF-8
  std::string sha256;  // lower-case hex of the content, as stored
  std::uint64_t size = 0;
  // Opens the content; called once per build, from the building thread (the reader's
  // reads then run on a thread of the build's own, one at a time, with read_once).
  // Returning nullptr means the content is missing (the build throws).
  std::function<std::unique_ptr<storage::blob_reader>()> open;
  // The official document this file is, when it is one (all may be empty).
  std::string doc_number;
  std::string doc_date;  // YYYY-MM-DD
  std::string doc_issuer;
  std::string doc_summary;
};

// What was sealed; goes into bag-info.txt.
struct archive_info {
  std::string campaign;        // campaign code
  std::string unit_code;       // e.g. "STP"
  std::string unit_name;       // e.g. "Sở Tư pháp"
  std::string criterion_code;  // leaf code, e.g. "1.3.2"
  std::string criterion_title;
  std::string stage;         // the stage whose drafts are sealed, e.g. "self_assessment"
  std::string sealed_at;     // ISO 8601 UTC, "2025-01-31T17:00:00.000Z"
  std::string sealed_by;     // username
  std::int64_t version = 0;  // 1, 2, … per assessment and leaf
};

struct built_archive {
  std::filesystem::path file;        // out_file
  std::string archive_sha256;        // lower-case hex of the whole ZIP
  std::string tagmanifest_sha256;    // lower-case hex of tagmanifest-sha256.txt
  std::string manifest_sha256_text;  // the exact text of manifest-sha256.txt
  std::uint64_t size = 0;            // bytes of the ZIP
  std::uint64_t payload_bytes = 0;   // sum of the payload sizes (Payload-Oxum)
  std::size_t file_count = 0;        // payload files
  // "data/<name>" of files[i], index-aligned with the input (after disambiguation).
  std::vector<std::string> payload_paths;
};

// A blob_store opener for archive_file::open: opens sha256_hex in store, which must
// outlive the build.
std::function<std::unique_ptr<storage::blob_reader>()> blob_opener(const storage::blob_store& store,
                                                                   std::string sha256_hex);

// Writes the archive of files to out_file (created or truncated, mode 0600) and fsyncs
// it. The result depends only on files (their names, hashes, sizes, document fields and
// content) and info, not on the order of files, the time or the machine. Payload content
// is streamed in 1 MiB blocks and hashed on the way: a file whose bytes do not match its
// declared sha256 or size throws std::runtime_error naming it, so a blob changed on disk
// is never sealed silently. The archive's SHA-256 is computed while it is written.
//
// Throws std::invalid_argument when files is empty (sealing always has at least one
// file), a name is empty, ".", "..", not UTF-8, or holds '/' or NUL, a sha256 is not
// 64 lower-case hex digits, an open is empty, or info.sealed_at does not start with
// YYYY-MM-DD;
// std::runtime_error for a missing or mismatching payload or a libarchive failure;
// storage::error (failure::full or io) when out_file cannot be written. On any error out_file is
// removed. Thread-safe for distinct out_files; blocks on disk I/O (run it on a worker).
built_archive build_evidence_archive(const std::vector<archive_file>& files,
                                     const archive_info& info,
                                     const std::filesystem::path& out_file);

}  // namespace parix::evidence
