// Who is making a request: the authenticated user and how they proved it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/role.hpp"
#include "storage/audit_log.hpp"
#include "storage/user_records.hpp"

namespace parix::auth {

enum class credential { session, api_token, none };

// A user as shown to clients: the stored record and the code of its unit.
struct user_view {
  storage::user_record user;
  std::optional<std::string> unit_code;
};

struct actor {
  std::int64_t user_id = 0;
  std::string username;
  std::string display_name;
  auth::role role = role::auditor;
  std::optional<std::int64_t> unit_id;
  credential via = credential::none;
  std::int64_t credential_id = 0;  // the session or API token id
  std::string client_address;
  // The user as read when the request was authenticated, so that handlers need not
  // read it again.
  user_view profile;
};

// An audit event attributed to this actor; the caller fills action, entity and values.
inline storage::audit_event audit_by(const actor& a, std::string action, std::string entity) {
  storage::audit_event e;
  e.actor = a.username;
  e.actor_role = std::string{to_string(a.role)};
  e.client_address = a.client_address;
  e.action = std::move(action);
  e.entity = std::move(entity);
  return e;
}

}  // namespace parix::auth
