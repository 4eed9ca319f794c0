// JSON shapes of auth objects shared by several routes.
#pragma once

#include <boost/json/object.hpp>

#include "auth/units.hpp"
#include "auth/users.hpp"
#include "server/problem.hpp"
#include "server/request_context.hpp"
#include "storage/csv.hpp"
#include "storage/session_records.hpp"

namespace parix::server {

// ISO 8601 UTC with milliseconds, e.g. "2025-03-31T10:00:00.000Z".
std::string iso_utc(storage::millis at);

boost::json::object user_json(const auth::user_view& v);
boost::json::object unit_json(const auth::unit_view& v);
boost::json::object api_token_json(const storage::api_token_record& t);

// 415 unless the body is text/csv (every CSV import).
void require_csv(const request_context& ctx);
// The refusal of a CSV import: ec's problem code, the count and every bad row with its
// line ("problems": [{"line", "problem", "detail"}]).
api_error import_refusal(const boost::system::error_code& ec,
                         const std::vector<storage::import_problem>& problems);

}  // namespace parix::server
