// Last year's work carried into next year's file (issue 14): for each leaf whose code and
// title did not change, the agency's explanation (marked carried over until an agency user
// of the unit confirms or edits it) and last year's sealed evidence files as offers that
// the agency confirms one by one (each then becomes a draft, sealed again at submission)
// or discards. Self scores, appraisers' scores and remarks, and the answers given in last
// year's explanation window (they answer last year's remarks) are never carried.
#pragma once

#include <cstdint>

#include "auth/actor.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::workflow {

struct carried_totals {
  std::int64_t texts = 0, files = 0;
};

// Inside the caller's transaction (the successor's creation): for every file of campaign
// `to` whose unit had a file in campaign `from`, carries what the leaves of both years'
// sets with the same code and title hold. One audit entry per file that received anything.
// Throws only on a storage error (the caller's transaction then writes nothing).
carried_totals carry_over(storage::connection& c, const auth::actor& by, std::int64_t from,
                          std::int64_t to, storage::millis now);

}  // namespace parix::workflow
