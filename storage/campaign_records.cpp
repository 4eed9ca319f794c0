// SQL for campaigns.
#include "storage/campaign_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view select_campaign =
    "SELECT id, year, name, time_zone, self_deadline, round1_end, window_length_seconds, "
    "round2_end, council_date, grace_seconds, approval_rule, approval_num, approval_den, quorum, "
    "bands_json, version, created_at, historical, predecessor_id FROM campaigns WHERE id = ?";
constexpr std::string_view select_campaigns =
    "SELECT id, year, name, time_zone, self_deadline, round1_end, window_length_seconds, "
    "round2_end, council_date, grace_seconds, approval_rule, approval_num, approval_den, quorum, "
    "bands_json, version, created_at, historical, predecessor_id FROM campaigns ORDER BY year "
    "DESC, id DESC";
constexpr std::string_view select_by_name_year =
    "SELECT id, year, name, time_zone, self_deadline, round1_end, window_length_seconds, "
    "round2_end, council_date, grace_seconds, approval_rule, approval_num, approval_den, quorum, "
    "bands_json, version, created_at, historical, predecessor_id FROM campaigns WHERE year = ? AND "
    "name = ? "
    "ORDER BY id";
constexpr std::string_view insert_campaign_sql =
    "INSERT INTO campaigns(year, name, time_zone, self_deadline, round1_end, "
    "window_length_seconds, round2_end, council_date, grace_seconds, approval_rule, "
    "approval_num, approval_den, quorum, bands_json, created_at, historical, predecessor_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view set_predecessor_sql =
    "UPDATE campaigns SET predecessor_id = ?, version = version + 1 WHERE id = ?";
constexpr std::string_view insert_group_sql =
    "INSERT INTO unit_groups(campaign_id, key, name, criteria_set_id) VALUES (?, ?, ?, ?)";
constexpr std::string_view select_groups =
    "SELECT id, campaign_id, key, name, criteria_set_id FROM unit_groups WHERE campaign_id = ? "
    "ORDER BY id";
constexpr std::string_view select_group =
    "SELECT id, campaign_id, key, name, criteria_set_id FROM unit_groups WHERE id = ?";
constexpr std::string_view insert_assignment_sql =
    "INSERT INTO appraiser_assignments(campaign_id, user_id, field_code, unit_id) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view select_assignments =
    "SELECT id, campaign_id, user_id, field_code, unit_id FROM appraiser_assignments "
    "WHERE campaign_id = ? ORDER BY id";
constexpr std::string_view insert_member_sql =
    "INSERT OR IGNORE INTO council_members(campaign_id, user_id) VALUES (?, ?)";
constexpr std::string_view select_members =
    "SELECT user_id FROM council_members WHERE campaign_id = ? ORDER BY user_id";
constexpr std::string_view insert_claimable_sql =
    "INSERT OR IGNORE INTO claimable_leaves(assessment_id, code) VALUES (?, ?)";
constexpr std::string_view select_claimable =
    "SELECT 1 FROM claimable_leaves WHERE assessment_id = ? AND code = ?";
constexpr std::string_view select_file_claimable =
    "SELECT code FROM claimable_leaves WHERE assessment_id = ? ORDER BY code";
constexpr std::string_view select_campaign_claimable =
    "SELECT u.code, k.code FROM claimable_leaves k JOIN assessments a ON a.id = k.assessment_id "
    "JOIN units u ON u.id = a.unit_id WHERE a.campaign_id = ? ORDER BY u.code, k.code";
constexpr std::string_view select_campaign_not_evaluated =
    "SELECT u.code, l.code, l.not_evaluated, l.not_evaluated_reason, l.ne_claim, "
    "l.ne_claim_reason FROM leaf_values l JOIN assessments a ON a.id = l.assessment_id "
    "JOIN units u ON u.id = a.unit_id WHERE a.campaign_id = ? "
    "AND (l.not_evaluated = 1 OR l.ne_claim IS NOT NULL) ORDER BY u.code, l.code";

campaign_record to_campaign(const row& r) {
  campaign_record c;
  c.id = r.integer(0);
  c.year = r.integer(1);
  c.name = r.text(2);
  c.time_zone = r.text(3);
  c.self_deadline = r.integer(4);
  c.round1_end = r.integer(5);
  c.window_length_seconds = r.integer(6);
  c.round2_end = r.integer(7);
  c.council_date = r.integer(8);
  c.grace_seconds = r.integer(9);
  c.approval_rule = r.text(10);
  c.approval_num = r.integer(11);
  c.approval_den = r.integer(12);
  c.quorum = r.integer(13);
  c.bands_json = r.text(14);
  c.version = r.integer(15);
  c.created_at = r.integer(16);
  c.historical = r.integer(17) != 0;
  c.predecessor_id = r.optional_integer(18);
  return c;
}

unit_group_record to_group(const row& r) {
  return {r.integer(0), r.integer(1), r.text(2), r.text(3), r.integer(4)};
}

}  // namespace

std::int64_t insert_campaign(connection& c, const campaign_record& r) {
  c.execute(insert_campaign_sql,
            {r.year, r.name, r.time_zone, r.self_deadline, r.round1_end, r.window_length_seconds,
             r.round2_end, r.council_date, r.grace_seconds, r.approval_rule, r.approval_num,
             r.approval_den, r.quorum, r.bands_json, r.created_at, std::int64_t{r.historical},
             nullable(r.predecessor_id)});
  return c.last_insert_id();
}

void set_campaign_predecessor(connection& c, std::int64_t id,
                              std::optional<std::int64_t> predecessor) {
  c.execute(set_predecessor_sql, {nullable(predecessor), id});
}

std::vector<campaign_record> campaigns_named(connection& c, std::int64_t year,
                                             std::string_view name) {
  std::vector<campaign_record> out;
  c.query(select_by_name_year, {year, name}, [&](const row& r) { out.push_back(to_campaign(r)); });
  return out;
}

std::optional<campaign_record> find_campaign(connection& c, std::int64_t id) {
  return c.query_one(select_campaign, {id}, to_campaign);
}

std::vector<campaign_record> list_campaigns(connection& c) {
  std::vector<campaign_record> out;
  c.query(select_campaigns, {}, [&](const row& r) { out.push_back(to_campaign(r)); });
  return out;
}

std::int64_t insert_unit_group(connection& c, const unit_group_record& r) {
  c.execute(insert_group_sql, {r.campaign_id, r.key, r.name, r.criteria_set_id});
  return c.last_insert_id();
}

std::vector<unit_group_record> unit_groups(connection& c, std::int64_t campaign_id) {
  std::vector<unit_group_record> out;
  c.query(select_groups, {campaign_id}, [&](const row& r) { out.push_back(to_group(r)); });
  return out;
}

std::optional<unit_group_record> find_unit_group(connection& c, std::int64_t id) {
  return c.query_one(select_group, {id}, to_group);
}

std::int64_t insert_assignment(connection& c, const assignment_record& r) {
  c.execute(insert_assignment_sql,
            {r.campaign_id, r.user_id, nullable(r.field_code), nullable(r.unit_id)});
  return c.last_insert_id();
}

std::vector<assignment_record> assignments(connection& c, std::int64_t campaign_id) {
  std::vector<assignment_record> out;
  c.query(select_assignments, {campaign_id}, [&](const row& r) {
    out.push_back(
        {r.integer(0), r.integer(1), r.integer(2), r.optional_text(3), r.optional_integer(4)});
  });
  return out;
}

void insert_council_member(connection& c, std::int64_t campaign_id, std::int64_t user_id) {
  c.execute(insert_member_sql, {campaign_id, user_id});
}

std::vector<std::int64_t> council_members(connection& c, std::int64_t campaign_id) {
  std::vector<std::int64_t> out;
  c.query(select_members, {campaign_id}, [&](const row& r) { out.push_back(r.integer(0)); });
  return out;
}

void insert_claimable_leaf(connection& c, std::int64_t assessment_id, std::string_view code) {
  c.execute(insert_claimable_sql, {assessment_id, code});
}

bool claimable_leaf(connection& c, std::int64_t assessment_id, std::string_view code) {
  return c.query_one(select_claimable, {assessment_id, code}, [](const row&) { return true; })
      .value_or(false);
}

std::vector<std::string> claimable_leaves(connection& c, std::int64_t assessment_id) {
  std::vector<std::string> out;
  c.query(select_file_claimable, {assessment_id}, [&](const row& r) { out.push_back(r.text(0)); });
  return out;
}

std::vector<std::pair<std::string, std::string>> campaign_claimable_leaves(
    connection& c, std::int64_t campaign_id) {
  std::vector<std::pair<std::string, std::string>> out;
  c.query(select_campaign_claimable, {campaign_id},
          [&](const row& r) { out.emplace_back(r.text(0), r.text(1)); });
  return out;
}

std::vector<not_evaluated_row> campaign_not_evaluated(connection& c, std::int64_t campaign_id) {
  std::vector<not_evaluated_row> out;
  c.query(select_campaign_not_evaluated, {campaign_id}, [&](const row& r) {
    out.push_back({r.text(0), r.text(1), r.integer(2) != 0, r.optional_text(3), r.optional_text(4),
                   r.optional_text(5)});
  });
  return out;
}

}  // namespace parix::storage
