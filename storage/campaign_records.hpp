// SQL for campaigns, their unit groups, appraiser assignments and council members.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/claim_state.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct campaign_record {
  std::int64_t id = 0;
  std::int64_t year = 0;
  std::string name;
  std::string time_zone = "Asia/Ho_Chi_Minh";
  millis self_deadline = 0;
  millis round1_end = 0;
  std::int64_t window_length_seconds = 0;
  millis round2_end = 0;
  millis council_date = 0;
  std::int64_t grace_seconds = 0;
  std::string approval_rule = "unanimity";
  std::int64_t approval_num = 1;
  std::int64_t approval_den = 1;
  std::int64_t quorum = 1;
  std::string bands_json;
  std::int64_t version = 1;
  millis created_at = 0;
  bool historical = false;                     // a past year loaded with its final figures
  std::optional<std::int64_t> predecessor_id;  // the year before (year over year)
};

struct unit_group_record {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  std::string key;
  std::string name;
  std::int64_t criteria_set_id = 0;
};

struct assignment_record {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  std::int64_t user_id = 0;
  std::optional<std::string> field_code;
  std::optional<std::int64_t> unit_id;
};

// A leaf that is not evaluated for a unit, or claimed to be: the secretariat's decision
// and the agency's claim side by side.
struct not_evaluated_row {
  std::string unit_code, code;
  bool decided = false;  // leaf_values.not_evaluated
  std::optional<std::string> reason;
  std::optional<claim_state> claim;
  std::optional<std::string> claim_reason;
};

std::int64_t insert_campaign(connection& c, const campaign_record& r);
// Campaigns of that year with exactly that name (a set-up sent twice).
std::vector<campaign_record> campaigns_named(connection& c, std::int64_t year,
                                             std::string_view name);
std::optional<campaign_record> find_campaign(connection& c, std::int64_t id);
// Names (or clears) the campaign's predecessor and bumps its version.
void set_campaign_predecessor(connection& c, std::int64_t id,
                              std::optional<std::int64_t> predecessor);
std::vector<campaign_record> list_campaigns(connection& c);
// Writes the campaign's name, schedule, rule and bands when its stored version is
// r.version, and bumps the version. False when the version is stale.
bool update_campaign(connection& c, const campaign_record& r);

// How far a campaign's files have gone: what the stage rules of campaign changes ask.
struct campaign_progress {
  std::int64_t files = 0;
  std::int64_t in_self_assessment = 0;
  std::int64_t before_council = 0;  // self_assessment … round2
  std::int64_t approved = 0;        // approved or published
  std::int64_t published = 0;
  bool votes = false;           // a council vote was cast on some file
  bool windows_opened = false;  // some file's explanation window was opened
};
campaign_progress progress_of(connection& c, std::int64_t campaign_id);

// True while nothing has been written into the file but the secretariat's set-up: no
// score, explanation, flag, claim, event, evidence, vote, adjustment or publication.
bool file_untouched(connection& c, std::int64_t assessment_id);
// Deletes an untouched file (its set-up not-evaluated rows and claimable leaves with it)
// and keeps its id in retired_assessments. The caller has checked file_untouched.
void remove_untouched_file(connection& c, std::int64_t assessment_id, millis at);
// Deletes a unit group that has no files left.
void delete_unit_group(connection& c, std::int64_t group_id);

std::int64_t insert_unit_group(connection& c, const unit_group_record& r);
std::vector<unit_group_record> unit_groups(connection& c, std::int64_t campaign_id);
std::optional<unit_group_record> find_unit_group(connection& c, std::int64_t id);

std::int64_t insert_assignment(connection& c, const assignment_record& r);
std::vector<assignment_record> assignments(connection& c, std::int64_t campaign_id);
void delete_assignments(connection& c, std::int64_t campaign_id);

void insert_council_member(connection& c, std::int64_t campaign_id, std::int64_t user_id);
std::vector<std::int64_t> council_members(connection& c, std::int64_t campaign_id);
void delete_council_members(connection& c, std::int64_t campaign_id);

// The leaves an agency may claim are not evaluated for its file.
void insert_claimable_leaf(connection& c, std::int64_t assessment_id, std::string_view code);
bool claimable_leaf(connection& c, std::int64_t assessment_id, std::string_view code);
std::vector<std::string> claimable_leaves(connection& c, std::int64_t assessment_id);
// (unit code, leaf code) pairs of a campaign, by unit and leaf.
std::vector<std::pair<std::string, std::string>> campaign_claimable_leaves(
    connection& c, std::int64_t campaign_id);
std::vector<not_evaluated_row> campaign_not_evaluated(connection& c, std::int64_t campaign_id);

}  // namespace parix::storage
