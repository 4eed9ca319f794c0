// The evidence module's configuration ([evidence] in parix.toml), validated at start-up.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parix::evidence {

struct evidence_config {
  std::filesystem::path blob_dir;  // content-addressed blobs; default <data_dir>/blobs
  std::filesystem::path
      upload_dir;  // partial uploads; default <data_dir>/uploads (same filesystem)
  std::uint64_t max_file_size = 200ull << 20;    // one file
  std::uint64_t max_leaf_total = 1024ull << 20;  // draft + sealed files of one criterion
  // The kinds accepted, decided by content: pdf doc docx xls xlsx odt ods jpeg png zip.
  std::vector<std::string> allowed_kinds{"pdf", "doc", "docx", "xls", "xlsx",
                                         "odt", "ods", "jpeg", "png", "zip"};
  std::chrono::seconds upload_expiry{24 * 3600};  // an unfinished or unattached upload is dropped
  // ZIP inspection (zip bombs and unsafe entries).
  std::uint64_t zip_max_entries = 10000;
  std::uint64_t zip_max_depth = 16;
  std::uint64_t zip_max_total_size = 2048ull << 20;
  std::uint64_t zip_max_ratio = 100;
};

}  // namespace parix::evidence
