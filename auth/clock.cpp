// The process-wide system clock instance (stateless, so sharing it is harmless).
#include "auth/clock.hpp"

namespace parix::auth {

const clock& default_clock() {
  static const system_clock instance;
  return instance;
}

}  // namespace parix::auth
