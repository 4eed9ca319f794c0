// The auth module's error codes. The HTTP boundary maps each to a status and a
// problem+json type in one table (server/problem.cpp).
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace parix::auth {

enum class errc {
  bad_credentials = 1,  // wrong password or unknown user: the same answer for both
  login_throttled,      // too many recent failures: wait before trying again
  account_disabled,
  unauthenticated,  // no credentials, or unknown, expired or ended ones
  forbidden,        // authenticated, but the role lacks the permission
  weak_password,    // too short, or contains the username
  wrong_password,   // current password wrong on a password change
  username_taken,
  invalid_username,
  invalid_role,
  unit_required,     // the role needs a unit and none was given
  unit_not_allowed,  // the role has no unit
  unknown_unit,
  user_not_found,
  token_not_found,
  stale_version,  // If-Match named an old version
  busy,           // too many password hashes under way
  // Units and imports (issue 10).
  role_not_grantable,        // the secretariat creates every role but admin
  invalid_unit_code,         // A-Z, 0-9, '.', '_', '-'; 1 to 32; starts with a letter or digit
  invalid_unit_name,         // empty, or longer than 200 bytes
  invalid_unit_kind,         // not one of unit_kinds
  unit_exists,               // the code is taken (codes are never reused)
  unknown_parent_unit,       // the parent named is no unit
  unit_parent_cycle,         // the parent is the unit itself or below it
  unknown_origin_unit,       // a unit named in formed_from is no unit
  unit_origin_self,          // a unit named in formed_from is the unit itself
  unit_not_found,            // no unit with the code in the path
  unit_disabled,             // users are not added to a disabled unit
  invalid_import,            // a CSV import has problems (listed beside the error)
  password_change_required,  // a one-time password must be replaced first
  // Refused only because other sign-ins to the account are in flight (issue 11): not a
  // failure; the client tries again shortly.
  login_in_progress,
  last = login_in_progress,
};

const boost::system::error_category& auth_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), auth_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace parix::auth

template <>
struct boost::system::is_error_code_enum<parix::auth::errc> : std::true_type {};
