// A "not evaluated" claim on a leaf: made by the agency, then confirmed or rejected by
// the appraiser. Stored by name (storage/stored_names.hpp); its own header because both
// a file's leaf values and a campaign's not-evaluated rows carry it.
#pragma once

#include <string_view>

namespace parix::storage {

enum class claim_state { claimed, confirmed, rejected };
std::string_view to_string(claim_state s) noexcept;  // as stored
// The state a stored name stands for; throws storage::error (corrupt) for any other.
claim_state stored_claim_state(std::string_view name);

}  // namespace parix::storage
