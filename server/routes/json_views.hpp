// JSON shapes of auth objects shared by several routes.
#pragma once

#include <boost/json/object.hpp>

#include "auth/users.hpp"
#include "storage/session_records.hpp"

namespace parix::server {

// ISO 8601 UTC with milliseconds, e.g. "2025-03-31T10:00:00.000Z".
std::string iso_utc(storage::millis at);

boost::json::object user_json(const auth::user_view& v);
boost::json::object api_token_json(const storage::api_token_record& t);

}  // namespace parix::server
