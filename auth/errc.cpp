// The auth error category: messages for logs (clients get translated texts).
#include "auth/errc.hpp"

#include <string>

namespace parix::auth {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "parix.auth"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_credentials:
        return "bad credentials";
      case errc::login_throttled:
        return "login throttled";
      case errc::account_disabled:
        return "account disabled";
      case errc::unauthenticated:
        return "unauthenticated";
      case errc::forbidden:
        return "forbidden";
      case errc::weak_password:
        return "weak password";
      case errc::wrong_password:
        return "wrong current password";
      case errc::username_taken:
        return "username taken";
      case errc::invalid_username:
        return "invalid username";
      case errc::invalid_role:
        return "invalid role";
      case errc::unit_required:
        return "unit required";
      case errc::unit_not_allowed:
        return "unit not allowed";
      case errc::unknown_unit:
        return "unknown unit";
      case errc::user_not_found:
        return "user not found";
      case errc::token_not_found:
        return "token not found";
      case errc::stale_version:
        return "stale version";
      case errc::busy:
        return "busy";
      case errc::role_not_grantable:
        return "role not grantable";
      case errc::invalid_unit_code:
        return "invalid unit code";
      case errc::invalid_unit_name:
        return "invalid unit name";
      case errc::invalid_unit_kind:
        return "invalid unit kind";
      case errc::unit_exists:
        return "unit exists";
      case errc::unknown_parent_unit:
        return "unknown parent unit";
      case errc::unit_parent_cycle:
        return "unit parent cycle";
      case errc::unknown_origin_unit:
        return "unknown origin unit";
      case errc::unit_origin_self:
        return "unit origin self";
      case errc::unit_not_found:
        return "unit not found";
      case errc::unit_disabled:
        return "unit disabled";
      case errc::invalid_import:
        return "invalid import";
      case errc::password_change_required:
        return "password change required";
      case errc::login_in_progress:
        return "other sign-ins to the account in flight";
    }
    return "unknown auth error";
  }
};

}  // namespace

const boost::system::error_category& auth_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace parix::auth
