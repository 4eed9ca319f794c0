// SQL for assessments and what hangs off them.
#include "storage/assessment_records.hpp"

#include <array>

#include "storage/stored_names.hpp"

namespace parix::storage {
namespace {

constexpr std::array<std::string_view, 3> claim_state_names{"claimed", "confirmed", "rejected"};
constexpr std::array<std::string_view, 2> vote_decision_names{"approve", "return"};

value nullable(const std::optional<claim_state>& s) {
  return s ? value{to_string(*s)} : value{nullptr};
}

// The id is one above any file's, removed files' included (migration 0016): an id that
// once named a file is never given to another.
constexpr std::string_view insert_assessment_sql =
    "INSERT INTO assessments(id, campaign_id, unit_id, group_id, state) VALUES ((SELECT MAX(m) + 1 "
    "FROM (SELECT MAX(id) AS m FROM assessments UNION ALL SELECT MAX(id) FROM "
    "retired_assessments)), ?, ?, ?, ?)";
constexpr std::string_view select_assessment =
    "SELECT id, campaign_id, unit_id, group_id, state, council_round, version FROM assessments "
    "WHERE id = ?";
constexpr std::string_view select_campaign_assessments =
    "SELECT id, campaign_id, unit_id, group_id, state, council_round, version FROM assessments "
    "WHERE campaign_id = ? ORDER BY id";
constexpr std::string_view select_in_state =
    "SELECT id, campaign_id, unit_id, group_id, state, council_round, version FROM assessments "
    "WHERE state = ? ORDER BY id";
constexpr std::string_view touch_sql = "UPDATE assessments SET version = version + 1 WHERE id = ?";
constexpr std::string_view update_state_sql =
    "UPDATE assessments SET state = ?, council_round = ?, version = version + 1 "
    "WHERE id = ? AND version = ?";

constexpr std::string_view insert_event_sql =
    "INSERT INTO assessment_events(assessment_id, event, from_state, to_state, at, actor, "
    "actor_role, reason, until, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view select_events =
    "SELECT id, assessment_id, event, from_state, to_state, at, actor, actor_role, reason, until, "
    "late FROM assessment_events WHERE assessment_id = ? ORDER BY id";

constexpr std::string_view select_leaves =
    "SELECT assessment_id, code, self_score, self_explanation, not_evaluated, "
    "not_evaluated_reason, round1_score, round1_remark, needs_explanation, explanation_response, "
    "round2_score, round2_remark, imported_score, late, version, updated_at, ne_claim, "
    "ne_claim_reason, carried_over FROM leaf_values "
    "WHERE assessment_id = ? ORDER BY code";
constexpr std::string_view select_leaf =
    "SELECT assessment_id, code, self_score, self_explanation, not_evaluated, "
    "not_evaluated_reason, round1_score, round1_remark, needs_explanation, explanation_response, "
    "round2_score, round2_remark, imported_score, late, version, updated_at, ne_claim, "
    "ne_claim_reason, carried_over FROM leaf_values "
    "WHERE assessment_id = ? AND code = ?";
constexpr std::string_view insert_leaf_sql =
    "INSERT INTO leaf_values(assessment_id, code, self_score, self_explanation, not_evaluated, "
    "not_evaluated_reason, round1_score, round1_remark, needs_explanation, explanation_response, "
    "round2_score, round2_remark, imported_score, late, version, updated_at, ne_claim, "
    "ne_claim_reason, carried_over) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, "
    "?)";
constexpr std::string_view update_leaf_sql =
    "UPDATE leaf_values SET self_score = ?, self_explanation = ?, not_evaluated = ?, "
    "not_evaluated_reason = ?, round1_score = ?, round1_remark = ?, needs_explanation = ?, "
    "explanation_response = ?, round2_score = ?, round2_remark = ?, imported_score = ?, late = ?, "
    "ne_claim = ?, ne_claim_reason = ?, carried_over = ?, version = version + 1, updated_at = ? "
    "WHERE assessment_id = ? AND code = ? AND version = ?";

constexpr std::string_view insert_vote_sql =
    "INSERT INTO council_votes(assessment_id, council_round, user_id, decision, remark, at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view select_votes =
    "SELECT assessment_id, council_round, user_id, decision, remark, at FROM council_votes "
    "WHERE assessment_id = ? AND council_round = ? ORDER BY id";

constexpr std::string_view insert_adjustment_sql =
    "INSERT INTO adjustments(assessment_id, points, reason, at, actor) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view select_adjustments =
    "SELECT id, assessment_id, points, reason, at, actor FROM adjustments WHERE assessment_id = ? "
    "ORDER BY id";

constexpr std::string_view insert_publication_sql =
    "INSERT INTO publications(assessment_id, decision_number, decision_date, at, actor) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view select_publication =
    "SELECT assessment_id, decision_number, decision_date, at, actor FROM publications "
    "WHERE assessment_id = ?";

assessment_record to_assessment(const row& r) {
  return {r.integer(0), r.integer(1), r.integer(2), r.integer(3),
          r.text(4),    r.integer(5), r.integer(6)};
}

leaf_value_record to_leaf(const row& r) {
  leaf_value_record l;
  l.assessment_id = r.integer(0);
  l.code = r.text(1);
  l.self_score = r.optional_integer(2);
  l.self_explanation = r.optional_text(3);
  l.not_evaluated = r.integer(4) != 0;
  l.not_evaluated_reason = r.optional_text(5);
  l.round1_score = r.optional_integer(6);
  l.round1_remark = r.optional_text(7);
  l.needs_explanation = r.integer(8) != 0;
  l.explanation_response = r.optional_text(9);
  l.round2_score = r.optional_integer(10);
  l.round2_remark = r.optional_text(11);
  l.imported_score = r.optional_integer(12);
  l.late = r.integer(13) != 0;
  l.version = r.integer(14);
  l.updated_at = r.integer(15);
  if (auto claim = r.optional_text(16)) l.ne_claim = stored_claim_state(*claim);
  l.ne_claim_reason = r.optional_text(17);
  l.carried_over = r.integer(18) != 0;
  return l;
}

}  // namespace

std::int64_t insert_assessment(connection& c, const assessment_record& r) {
  c.execute(insert_assessment_sql, {r.campaign_id, r.unit_id, r.group_id, r.state});
  return c.last_insert_id();
}

std::optional<assessment_record> find_assessment(connection& c, std::int64_t id) {
  return c.query_one(select_assessment, {id}, to_assessment);
}

std::vector<assessment_record> campaign_assessments(connection& c, std::int64_t campaign_id) {
  std::vector<assessment_record> out;
  c.query(select_campaign_assessments, {campaign_id},
          [&](const row& r) { out.push_back(to_assessment(r)); });
  return out;
}

std::vector<assessment_record> assessments_in_state(connection& c, std::string_view state) {
  std::vector<assessment_record> out;
  c.query(select_in_state, {state}, [&](const row& r) { out.push_back(to_assessment(r)); });
  return out;
}

void touch_assessment(connection& c, std::int64_t id) {
  c.execute(touch_sql, {id});
}

bool update_assessment_state(connection& c, const assessment_record& r) {
  return c.execute(update_state_sql, {r.state, r.council_round, r.id, r.version}) == 1;
}

std::int64_t insert_event(connection& c, const assessment_event_record& e) {
  c.execute(insert_event_sql,
            {e.assessment_id, e.event, e.from_state, e.to_state, e.at, e.actor, e.actor_role,
             nullable(e.reason), nullable(e.until), std::int64_t{e.late}});
  return c.last_insert_id();
}

std::vector<assessment_event_record> assessment_events(connection& c, std::int64_t assessment_id) {
  std::vector<assessment_event_record> out;
  c.query(select_events, {assessment_id}, [&](const row& r) {
    out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.integer(5),
                   r.text(6), r.text(7), r.optional_text(8), r.optional_integer(9),
                   r.integer(10) != 0});
  });
  return out;
}

std::vector<leaf_value_record> leaf_values(connection& c, std::int64_t assessment_id) {
  std::vector<leaf_value_record> out;
  c.query(select_leaves, {assessment_id}, [&](const row& r) { out.push_back(to_leaf(r)); });
  return out;
}

std::optional<leaf_value_record> find_leaf_value(connection& c, std::int64_t assessment_id,
                                                 std::string_view code) {
  return c.query_one(select_leaf, {assessment_id, code}, to_leaf);
}

bool save_leaf_value(connection& c, const leaf_value_record& l) {
  if (l.version == 0) {
    if (find_leaf_value(c, l.assessment_id, l.code)) return false;
    c.execute(
        insert_leaf_sql,
        {l.assessment_id, l.code, nullable(l.self_score), nullable(l.self_explanation),
         std::int64_t{l.not_evaluated}, nullable(l.not_evaluated_reason), nullable(l.round1_score),
         nullable(l.round1_remark), std::int64_t{l.needs_explanation},
         nullable(l.explanation_response), nullable(l.round2_score), nullable(l.round2_remark),
         nullable(l.imported_score), std::int64_t{l.late}, l.updated_at, nullable(l.ne_claim),
         nullable(l.ne_claim_reason), std::int64_t{l.carried_over}});
    return true;
  }
  return c.execute(
             update_leaf_sql,
             {nullable(l.self_score), nullable(l.self_explanation), std::int64_t{l.not_evaluated},
              nullable(l.not_evaluated_reason), nullable(l.round1_score), nullable(l.round1_remark),
              std::int64_t{l.needs_explanation}, nullable(l.explanation_response),
              nullable(l.round2_score), nullable(l.round2_remark), nullable(l.imported_score),
              std::int64_t{l.late}, nullable(l.ne_claim), nullable(l.ne_claim_reason),
              std::int64_t{l.carried_over}, l.updated_at, l.assessment_id, l.code, l.version}) == 1;
}

void insert_vote(connection& c, const vote_record& v) {
  c.execute(insert_vote_sql, {v.assessment_id, v.council_round, v.user_id, to_string(v.decision),
                              nullable(v.remark), v.at});
}

std::vector<vote_record> votes(connection& c, std::int64_t assessment_id, std::int64_t round) {
  std::vector<vote_record> out;
  c.query(select_votes, {assessment_id, round}, [&](const row& r) {
    out.push_back({r.integer(0), r.integer(1), r.integer(2),
                   stored<vote_decision>(vote_decision_names, r.text(3), "vote decision"),
                   r.optional_text(4), r.integer(5)});
  });
  return out;
}

std::int64_t insert_adjustment(connection& c, const adjustment_record& a) {
  c.execute(insert_adjustment_sql, {a.assessment_id, a.points, a.reason, a.at, a.actor});
  return c.last_insert_id();
}

std::vector<adjustment_record> adjustments(connection& c, std::int64_t assessment_id) {
  std::vector<adjustment_record> out;
  c.query(select_adjustments, {assessment_id}, [&](const row& r) {
    out.push_back({r.integer(0), r.integer(1), r.integer(2), r.text(3), r.integer(4), r.text(5)});
  });
  return out;
}

void insert_publication(connection& c, const publication_record& p) {
  c.execute(insert_publication_sql,
            {p.assessment_id, p.decision_number, p.decision_date, p.at, p.actor});
}

std::optional<publication_record> find_publication(connection& c, std::int64_t assessment_id) {
  return c.query_one(select_publication, {assessment_id}, [](const row& r) {
    return publication_record{r.integer(0), r.text(1), r.text(2), r.integer(3), r.text(4)};
  });
}

std::string_view to_string(claim_state s) noexcept {
  return name_in(claim_state_names, s);
}
claim_state stored_claim_state(std::string_view name) {
  return stored<claim_state>(claim_state_names, name, "not-evaluated claim");
}
std::string_view to_string(vote_decision d) noexcept {
  return name_in(vote_decision_names, d);
}

}  // namespace parix::storage

namespace parix::storage {
namespace {

// ORDER BY the unit follows the (campaign_id, unit_id) index the join walks, so it
// groups each file's rows without a sort.
constexpr std::string_view campaign_leaf_scores_sql =
    "SELECT l.assessment_id, l.code, l.not_evaluated OR coalesce(l.ne_claim = 'claimed', 0), "
    "l.self_score, l.round1_score, l.round2_score, l.imported_score FROM leaf_values l "
    "JOIN assessments a ON a.id = l.assessment_id WHERE a.campaign_id = ? ORDER BY a.unit_id";
constexpr std::string_view campaign_leaf_remarks_sql =
    "SELECT l.assessment_id, l.code, l.not_evaluated OR coalesce(l.ne_claim = 'claimed', 0), "
    "l.self_score, l.round1_score, l.round2_score, l.imported_score, l.round1_remark, "
    "l.round2_remark FROM leaf_values l JOIN assessments a ON a.id = l.assessment_id "
    "WHERE a.campaign_id = ? ORDER BY a.unit_id";
constexpr std::string_view campaign_adjustments_sql =
    "SELECT j.assessment_id, sum(j.points) FROM adjustments j "
    "JOIN assessments a ON a.id = j.assessment_id WHERE a.campaign_id = ? GROUP BY j.assessment_id";

}  // namespace

void campaign_leaf_scores(connection& c, std::int64_t campaign_id,
                          const std::function<void(const leaf_score_row&)>& each,
                          leaf_columns columns) {
  const bool remarks = columns == leaf_columns::with_remarks;
  leaf_score_row row;
  c.query(remarks ? campaign_leaf_remarks_sql : campaign_leaf_scores_sql, {campaign_id},
          [&](const storage::row& r) {
            row.assessment_id = r.integer(0);
            row.code = r.text(1);
            row.not_evaluated = r.integer(2) != 0;
            row.self_score = r.optional_integer(3);
            row.round1_score = r.optional_integer(4);
            row.round2_score = r.optional_integer(5);
            row.imported_score = r.optional_integer(6);
            if (remarks) {
              row.round1_remark = r.optional_text(7);
              row.round2_remark = r.optional_text(8);
            }
            each(row);
          });
}

std::map<std::int64_t, std::int64_t> campaign_adjustment_totals(connection& c,
                                                                std::int64_t campaign_id) {
  std::map<std::int64_t, std::int64_t> out;
  c.query(campaign_adjustments_sql, {campaign_id},
          [&](const row& r) { out[r.integer(0)] = r.integer(1); });
  return out;
}

}  // namespace parix::storage
