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

std::int64_t insert_campaign(connection& c, const campaign_record& r);
std::optional<campaign_record> find_campaign(connection& c, std::int64_t id);
std::vector<campaign_record> list_campaigns(connection& c);

std::int64_t insert_unit_group(connection& c, const unit_group_record& r);
std::vector<unit_group_record> unit_groups(connection& c, std::int64_t campaign_id);
std::optional<unit_group_record> find_unit_group(connection& c, std::int64_t id);

std::int64_t insert_assignment(connection& c, const assignment_record& r);
std::vector<assignment_record> assignments(connection& c, std::int64_t campaign_id);

void insert_council_member(connection& c, std::int64_t campaign_id, std::int64_t user_id);
std::vector<std::int64_t> council_members(connection& c, std::int64_t campaign_id);

}  // namespace parix::storage
