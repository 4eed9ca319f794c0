// The compiled-in migration list.
#include "storage/migrations.hpp"

namespace parix::storage {
namespace {
constexpr migration all[] = {
#include "storage/migrations.inc"
};
}  // namespace

std::span<const migration> known_migrations() {
  return all;
}
int latest_schema_version() {
  return all[std::size(all) - 1].version;
}

}  // namespace parix::storage
