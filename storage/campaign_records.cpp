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
constexpr std::string_view update_campaign_sql =
    "UPDATE campaigns SET name = ?, self_deadline = ?, round1_end = ?, window_length_seconds = ?, "
    "round2_end = ?, council_date = ?, grace_seconds = ?, approval_rule = ?, approval_num = ?, "
    "approval_den = ?, quorum = ?, bands_json = ?, version = version + 1 WHERE id = ? AND "
    "version = ?";
constexpr std::string_view select_progress =
    "SELECT COUNT(*), COALESCE(SUM(state = 'self_assessment'), 0), "
    "COALESCE(SUM(state IN ('self_assessment', 'round1', 'explanation_window', 'round2')), 0), "
    "COALESCE(SUM(state IN ('approved', 'published')), 0), COALESCE(SUM(state = 'published'), 0), "
    "EXISTS (SELECT 1 FROM council_votes v JOIN assessments b ON b.id = v.assessment_id WHERE "
    "b.campaign_id = ?1), "
    "EXISTS (SELECT 1 FROM assessment_events e JOIN assessments b ON b.id = e.assessment_id WHERE "
    "b.campaign_id = ?1 AND e.event = 'open_window') "
    "FROM assessments WHERE campaign_id = ?1";
// What makes a file touched; the secretariat's not-evaluated decisions made at set-up do not.
constexpr std::string_view select_touched =
    "SELECT EXISTS (SELECT 1 FROM leaf_values WHERE assessment_id = ?1 AND (self_score IS NOT "
    "NULL OR (self_explanation IS NOT NULL AND carried_over = 0) OR round1_score IS NOT NULL OR "
    "round1_remark IS NOT NULL "
    "OR needs_explanation = 1 OR explanation_response IS NOT NULL OR round2_score IS NOT NULL OR "
    "round2_remark IS NOT NULL OR imported_score IS NOT NULL OR ne_claim IS NOT NULL)) "
    "OR EXISTS (SELECT 1 FROM assessment_events WHERE assessment_id = ?1) "
    "OR EXISTS (SELECT 1 FROM evidence_files WHERE assessment_id = ?1) "
    "OR EXISTS (SELECT 1 FROM carried_evidence WHERE assessment_id = ?1 AND state <> 'offered') "
    "OR EXISTS (SELECT 1 FROM evidence_versions WHERE assessment_id = ?1) "
    "OR EXISTS (SELECT 1 FROM council_votes WHERE assessment_id = ?1) "
    "OR EXISTS (SELECT 1 FROM adjustments WHERE assessment_id = ?1) "
    "OR EXISTS (SELECT 1 FROM publications WHERE assessment_id = ?1)";
constexpr std::string_view retire_file_sql =
    "INSERT INTO retired_assessments(id, campaign_id, unit_id, removed_at) SELECT id, "
    "campaign_id, unit_id, ? FROM assessments WHERE id = ?";
constexpr std::string_view delete_file_values_sql =
    "DELETE FROM leaf_values WHERE assessment_id = ?";
// Last year's work offered to the file and not yet decided goes with it.
constexpr std::string_view delete_file_offers_sql =
    "DELETE FROM carried_evidence WHERE assessment_id = ? AND state = 'offered'";
constexpr std::string_view delete_file_claimable_sql =
    "DELETE FROM claimable_leaves WHERE assessment_id = ?";
constexpr std::string_view delete_file_sql = "DELETE FROM assessments WHERE id = ?";
constexpr std::string_view delete_group_sql = "DELETE FROM unit_groups WHERE id = ?";
constexpr std::string_view delete_assignments_sql =
    "DELETE FROM appraiser_assignments WHERE campaign_id = ?";
constexpr std::string_view delete_members_sql = "DELETE FROM council_members WHERE campaign_id = ?";
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

bool update_campaign(connection& c, const campaign_record& r) {
  return c.execute(update_campaign_sql,
                   {r.name, r.self_deadline, r.round1_end, r.window_length_seconds, r.round2_end,
                    r.council_date, r.grace_seconds, r.approval_rule, r.approval_num,
                    r.approval_den, r.quorum, r.bands_json, r.id, r.version}) == 1;
}

campaign_progress progress_of(connection& c, std::int64_t campaign_id) {
  return c
      .query_one(select_progress, {campaign_id},
                 [](const row& r) {
                   return campaign_progress{r.integer(0),     r.integer(1), r.integer(2),
                                            r.integer(3),     r.integer(4), r.integer(5) != 0,
                                            r.integer(6) != 0};
                 })
      .value_or(campaign_progress{});
}

bool file_untouched(connection& c, std::int64_t assessment_id) {
  return c.query_one(select_touched, {assessment_id}, [](const row& r) {
            return r.integer(0);
          }).value_or(1) == 0;
}

void remove_untouched_file(connection& c, std::int64_t assessment_id, millis at) {
  c.execute(retire_file_sql, {at, assessment_id});
  c.execute(delete_file_values_sql, {assessment_id});
  c.execute(delete_file_claimable_sql, {assessment_id});
  c.execute(delete_file_offers_sql, {assessment_id});
  c.execute(delete_file_sql, {assessment_id});
}

void delete_unit_group(connection& c, std::int64_t group_id) {
  c.execute(delete_group_sql, {group_id});
}

void delete_assignments(connection& c, std::int64_t campaign_id) {
  c.execute(delete_assignments_sql, {campaign_id});
}

void delete_council_members(connection& c, std::int64_t campaign_id) {
  c.execute(delete_members_sql, {campaign_id});
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
    std::optional<claim_state> claim;
    if (auto name = r.optional_text(4)) claim = stored_claim_state(*name);
    out.push_back(
        {r.text(0), r.text(1), r.integer(2) != 0, r.optional_text(3), claim, r.optional_text(5)});
  });
  return out;
}

}  // namespace parix::storage
