// The thread's current deferred_durability scope.
#include "storage/durability.hpp"

#include <algorithm>

namespace parix::storage {
namespace {
thread_local deferred_durability* innermost = nullptr;
}

deferred_durability::deferred_durability() noexcept : outer_(innermost) {
  innermost = this;
}

deferred_durability::~deferred_durability() {
  innermost = outer_;
}

deferred_durability* deferred_durability::current() noexcept {
  return innermost;
}

void deferred_durability::note(durability_ticket t) noexcept {
  ticket_ = std::max(ticket_.value_or(0), t);
}

}  // namespace parix::storage
