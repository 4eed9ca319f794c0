// Consistent online copies of the database, safe while the server writes.
#pragma once

#include <filesystem>

namespace parix::storage {

// Copies the database at source into a new file dest with SQLite's backup API, in one
// step inside one read transaction, so the copy is a consistent snapshot even while
// another process writes. Writes dest.partial, fsyncs and renames it, so dest is
// either absent or complete. Throws storage::error if source cannot be read, and
// std::filesystem::filesystem_error if dest already exists or cannot be written.
void backup(const std::filesystem::path& source, const std::filesystem::path& dest);

}  // namespace parix::storage
