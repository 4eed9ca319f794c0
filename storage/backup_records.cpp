// SQL for backups.
#include "storage/backup_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view referenced_sql =
    "SELECT blob_sha256 FROM evidence_files UNION SELECT archive_sha256 FROM evidence_versions "
    "UNION SELECT blob_sha256 FROM uploads WHERE blob_sha256 IS NOT NULL ORDER BY 1";
constexpr std::string_view receiving_sql =
    "SELECT id, received, declared_sha256 FROM uploads WHERE state = 'receiving' ORDER BY id";

}  // namespace

std::vector<std::string> referenced_blobs(connection& c) {
  std::vector<std::string> out;
  c.query(referenced_sql, {}, [&](const row& r) { out.push_back(r.text(0)); });
  return out;
}

std::vector<receiving_upload> receiving_uploads(connection& c) {
  std::vector<receiving_upload> out;
  c.query(receiving_sql, {}, [&](const row& r) {
    out.push_back({r.text(0), r.integer(1), r.text(2)});
  });
  return out;
}

}  // namespace parix::storage
