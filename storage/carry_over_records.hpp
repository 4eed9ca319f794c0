// SQL for last year's work carried into a successor campaign's file: the sealed evidence
// files offered to a leaf, and the confirmation of a carried explanation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

// An offer is decided once: confirmed (a draft made from it) or discarded.
enum class offer_state { offered, confirmed, discarded };
std::string_view to_string(offer_state s) noexcept;

// One of last year's sealed files offered to a leaf of the new file.
struct carried_evidence_record {
  std::int64_t id = 0;
  std::int64_t assessment_id = 0;
  std::string criterion_code;
  std::int64_t source_file_id = 0;  // last year's sealed evidence_files row
  offer_state state = offer_state::offered;
  std::optional<std::int64_t> draft_id;  // the draft a confirmation made
  std::optional<millis> decided_at;
  std::optional<std::string> decided_by;
};

std::int64_t insert_carried_evidence(connection& c, const carried_evidence_record& r);
std::optional<carried_evidence_record> find_carried_evidence(connection& c, std::int64_t id);
// The offers of one leaf, in every state, oldest first.
std::vector<carried_evidence_record> leaf_carried_evidence(connection& c,
                                                           std::int64_t assessment_id,
                                                           std::string_view code);
// Records the decision (state, draft_id, decided_at, decided_by) of an offer still
// `offered`; false (nothing written) when it was decided already.
bool decide_carried_evidence(connection& c, const carried_evidence_record& r);

// Clears a leaf's carried_over mark and bumps its version; false when it was not marked.
bool confirm_carried_text(connection& c, std::int64_t assessment_id, std::string_view code,
                          millis at);

}  // namespace parix::storage
