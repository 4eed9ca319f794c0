// Consistent online copies of the database, safe while the server writes, and the file
// tools a full backup is made of: copies hashed on the way, fsynced, with SHA-256
// manifests (parix backup, parix restore: server/cli/backup_command.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parix::storage {

// Copies the database at source into a new file dest with SQLite's backup API, in one
// step inside one read transaction, so the copy is a consistent snapshot even while
// another process writes. Writes dest.partial, fsyncs and renames it, so dest is
// either absent or complete. Throws storage::error if source cannot be read, and
// std::filesystem::filesystem_error if dest already exists or cannot be written.
void backup(const std::filesystem::path& source, const std::filesystem::path& dest);

// What a copy or a hash saw.
struct hashed_file {
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
};

// Copies src into a new file dest (through dest.partial: created, fsynced, renamed),
// hashing the bytes on the way; only the first `limit` bytes when given (the file must
// have at least that many). Mode 0600. Throws storage::error (failure::full or io) when
// a read or write fails or src is shorter than limit; std::filesystem::filesystem_error
// when dest exists. Thread-safe for distinct dests.
hashed_file copy_hashed(const std::filesystem::path& src, const std::filesystem::path& dest,
                        std::optional<std::uint64_t> limit = std::nullopt);
// SHA-256 and size of a file, streamed. Throws storage::error (io) when it cannot be read.
hashed_file hash_file(const std::filesystem::path& file);
// fsync of a file or a folder. Throws std::filesystem::filesystem_error.
void fsync_path(const std::filesystem::path& p);

// One line of a manifest: "<sha256>  <path>" (sha256sum's format, so that
// `sha256sum -c` checks it too).
struct manifest_entry {
  std::string sha256;
  std::string path;  // relative, '/'-separated, no "..", no line breaks
  bool operator==(const manifest_entry&) const = default;
};
// Writes entries sorted by path (file.partial, fsynced, renamed). Throws
// std::invalid_argument for a path that is absolute, holds "..", a line break or a
// backslash; filesystem_error / storage::error on I/O.
void write_manifest(const std::filesystem::path& file, std::vector<manifest_entry> entries);
// Reads a manifest back. Throws std::runtime_error naming the line when one is not
// "<64 lower-case hex>  <path>" with a path write_manifest would accept.
std::vector<manifest_entry> read_manifest(const std::filesystem::path& file);

}  // namespace parix::storage

namespace parix::storage::backup_layout {
// A backup folder (parix backup DEST) holds:
//   blobs/ab/cdef…                      every evidence blob any snapshot refers to, by
//                                       SHA-256 as in the blob store; shared, never rewritten
//   snapshots/YYYYMMDDTHHMMSSZ/         one per run, complete once it has this name:
//     parix.db                          the database (SQLite backup API, one snapshot)
//     parix.toml                        the configuration, when the server has a file
//     keys/public/<key id>.pem          every public key that has signed
//     keys/private/…                    only with --include-private-key: the signing key
//                                       (keys/private/signing-ed25519.pem, retired/…)
//                                       and the TLS key (keys/private/tls.key)
//     tls/server.crt                    the TLS certificate, when there is one
//     uploads/<id>.part                 unfinished uploads, cut at the acknowledged offset
//     backup-info.txt                   what, when, from where, counts, problems
//     manifest-sha256.txt               "<sha256>  <path from the backup folder>" for every
//                                       file above and every blob the snapshot refers to
inline constexpr const char* blobs = "blobs";
inline constexpr const char* snapshots = "snapshots";
inline constexpr const char* database = "parix.db";
inline constexpr const char* config = "parix.toml";
inline constexpr const char* public_keys = "keys/public";
inline constexpr const char* private_keys = "keys/private";
inline constexpr const char* signing_key = "keys/private/signing-ed25519.pem";
inline constexpr const char* retired_keys = "keys/private/retired";
inline constexpr const char* tls_key = "keys/private/tls.key";
inline constexpr const char* certificate = "tls/server.crt";
inline constexpr const char* uploads = "uploads";
inline constexpr const char* info = "backup-info.txt";
inline constexpr const char* manifest = "manifest-sha256.txt";
// "blobs/ab/cdef…" for a blob's SHA-256 (hex).
inline std::string blob_path(std::string_view sha256) {
  return std::string{blobs} + "/" + std::string{sha256.substr(0, 2)} + "/" +
         std::string{sha256.substr(2)};
}
}  // namespace parix::storage::backup_layout
