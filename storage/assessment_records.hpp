// SQL for assessments (one unit in one campaign), their events, leaf values,
// council votes, adjustments and publication.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/claim_state.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct assessment_record {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  std::int64_t unit_id = 0;
  std::int64_t group_id = 0;
  std::string state;
  std::int64_t council_round = 1;
  std::int64_t version = 1;
};

struct assessment_event_record {
  std::int64_t id = 0;
  std::int64_t assessment_id = 0;
  std::string event;
  std::string from_state;
  std::string to_state;
  millis at = 0;
  std::string actor;
  std::string actor_role;
  std::optional<std::string> reason;
  std::optional<millis> until;
  bool late = false;
};

struct leaf_value_record {
  std::int64_t assessment_id = 0;
  std::string code;
  std::optional<std::int64_t> self_score;
  std::optional<std::string> self_explanation;
  bool not_evaluated = false;
  std::optional<std::string> not_evaluated_reason;
  std::optional<std::int64_t> round1_score;
  std::optional<std::string> round1_remark;
  bool needs_explanation = false;
  std::optional<std::string> explanation_response;
  std::optional<std::int64_t> round2_score;
  std::optional<std::string> round2_remark;
  std::optional<std::int64_t> imported_score;
  bool late = false;
  std::int64_t version = 0;  // 0: never written
  millis updated_at = 0;
  // The agency's claim that the leaf does not apply: claimed, then confirmed or rejected
  // by the appraiser in round one (a confirmed claim also sets not_evaluated).
  std::optional<claim_state> ne_claim;
  std::optional<std::string> ne_claim_reason;
  // The agency's explanation was copied from last year's file (a successor campaign's
  // carry-over) and no agency user has confirmed or edited it yet.
  bool carried_over = false;
};

// A council member's vote on a file: approve it, or return it to the appraisers.
enum class vote_decision { approve, send_back };
std::string_view to_string(vote_decision d) noexcept;  // "approve" / "return", as stored

struct vote_record {
  std::int64_t assessment_id = 0;
  std::int64_t council_round = 0;
  std::int64_t user_id = 0;
  vote_decision decision = vote_decision::approve;
  std::optional<std::string> remark;
  millis at = 0;
};

struct adjustment_record {
  std::int64_t id = 0;
  std::int64_t assessment_id = 0;
  std::int64_t points = 0;
  std::string reason;
  millis at = 0;
  std::string actor;
};

struct publication_record {
  std::int64_t assessment_id = 0;
  std::string decision_number;
  std::string decision_date;
  millis at = 0;
  std::string actor;
};

std::int64_t insert_assessment(connection& c, const assessment_record& r);
std::optional<assessment_record> find_assessment(connection& c, std::int64_t id);
std::vector<assessment_record> campaign_assessments(connection& c, std::int64_t campaign_id);
// Assessments in a state, across campaigns (for the deadline sweeper).
std::vector<assessment_record> assessments_in_state(connection& c, std::string_view state);
// Moves the state when the stored version matches; bumps the version. False if stale.
bool update_assessment_state(connection& c, const assessment_record& r);
// Bumps the file's version (its ETag) after a change to one of its leaves.
void touch_assessment(connection& c, std::int64_t id);

std::int64_t insert_event(connection& c, const assessment_event_record& e);
std::vector<assessment_event_record> assessment_events(connection& c, std::int64_t assessment_id);

std::vector<leaf_value_record> leaf_values(connection& c, std::int64_t assessment_id);
std::optional<leaf_value_record> find_leaf_value(connection& c, std::int64_t assessment_id,
                                                 std::string_view code);
// Inserts (version 0 → 1) or updates when the stored version is r.version; bumps the
// version. False (nothing written) when the stored version differs.
bool save_leaf_value(connection& c, const leaf_value_record& r);

void insert_vote(connection& c, const vote_record& v);
std::vector<vote_record> votes(connection& c, std::int64_t assessment_id, std::int64_t round);

std::int64_t insert_adjustment(connection& c, const adjustment_record& a);
std::vector<adjustment_record> adjustments(connection& c, std::int64_t assessment_id);

void insert_publication(connection& c, const publication_record& p);
std::optional<publication_record> find_publication(connection& c, std::int64_t assessment_id);

}  // namespace parix::storage

namespace parix::storage {

// The values that scoring needs, for every leaf of every file of a campaign, in one
// pass (rankings over thousands of files read no more than this). The rows of one file
// come together (ordered by unit), so a reader can finish a file before the next starts.
struct leaf_score_row {
  std::int64_t assessment_id = 0;
  std::string code;
  bool not_evaluated = false;  // decided, or claimed and not yet decided
  std::optional<std::int64_t> self_score, round1_score, round2_score, imported_score;
  std::optional<std::string> round1_remark, round2_remark;  // leaf_columns::with_remarks only
};
enum class leaf_columns { scores, with_remarks };
void campaign_leaf_scores(connection& c, std::int64_t campaign_id,
                          const std::function<void(const leaf_score_row&)>& each,
                          leaf_columns columns = leaf_columns::scores);
// Sum of adjustments per assessment of a campaign.
std::map<std::int64_t, std::int64_t> campaign_adjustment_totals(connection& c,
                                                                std::int64_t campaign_id);

}  // namespace parix::storage
