// SQL for backups: what a database snapshot refers to outside itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/connection.hpp"

namespace parix::storage {

// Every blob (lower-case hex SHA-256) a record refers to: evidence files, sealed
// archives and finished uploads, each once, sorted.
std::vector<std::string> referenced_blobs(connection& c);

// An upload still receiving bytes, and how many the server has acknowledged.
struct receiving_upload {
  std::string id;
  std::int64_t received = 0;
  std::string declared_sha256;
};
std::vector<receiving_upload> receiving_uploads(connection& c);

}  // namespace parix::storage
