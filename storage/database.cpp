// Entry point that picks the database implementation.
#include "storage/database.hpp"

namespace parix::storage {
namespace sqlite {
std::unique_ptr<database> open_sqlite_impl(const database_config& config);
}

std::unique_ptr<database> open_sqlite(const database_config& config) {
  return sqlite::open_sqlite_impl(config);
}

}  // namespace parix::storage
