// SQL for campaigns, their unit groups, appraiser assignments and council members.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
  std::optional<std::string> claim, claim_reason;
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

std::int64_t insert_unit_group(connection& c, const unit_group_record& r);
std::vector<unit_group_record> unit_groups(connection& c, std::int64_t campaign_id);
std::optional<unit_group_record> find_unit_group(connection& c, std::int64_t id);

std::int64_t insert_assignment(connection& c, const assignment_record& r);
std::vector<assignment_record> assignments(connection& c, std::int64_t campaign_id);

void insert_council_member(connection& c, std::int64_t campaign_id, std::int64_t user_id);
std::vector<std::int64_t> council_members(connection& c, std::int64_t campaign_id);

// The leaves an agency may claim are not evaluated for its file.
void insert_claimable_leaf(connection& c, std::int64_t assessment_id, std::string_view code);
bool claimable_leaf(connection& c, std::int64_t assessment_id, std::string_view code);
std::vector<std::string> claimable_leaves(connection& c, std::int64_t assessment_id);
// (unit code, leaf code) pairs of a campaign, by unit and leaf.
std::vector<std::pair<std::string, std::string>> campaign_claimable_leaves(
    connection& c, std::int64_t campaign_id);
std::vector<not_evaluated_row> campaign_not_evaluated(connection& c, std::int64_t campaign_id);

}  // namespace parix::storage
