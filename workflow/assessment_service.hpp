// One unit's file in one campaign: reading it, editing leaf values under the edit
// table, firing events under the transition table, council votes, adjustments,
// publication, score imports, rankings, and the clock's automatic events. Every
// change appends an audit entry in the same transaction as the change.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/campaign_records.hpp"
#include "storage/csv.hpp"
#include "workflow/criteria.hpp"
#include "workflow/errc.hpp"
#include "workflow/field_indices.hpp"
#include "workflow/scoring.hpp"
#include "workflow/state_machine.hpp"
#include "workflow/time_text.hpp"
#include "workflow/transition_effects.hpp"

namespace parix::workflow {

struct leaf_view {
  criterion_node node;               // a copy: a view outlives the transaction that read it
  storage::leaf_value_record value;  // version 0 when never written
  bool claimable = false;            // the agency may claim it is not evaluated
};

struct assessment_view {
  storage::assessment_record assessment;
  storage::campaign_record campaign;
  std::string unit_code, unit_name, group_key;
  criteria_set set;
  std::vector<leaf_view> leaves;  // every leaf of the set, in order
  std::vector<storage::assessment_event_record> events;
  std::vector<storage::adjustment_record> adjustments;
  assessment_score score;
  time_point server_time;
  time_point deadline;  // effective self-assessment deadline (extensions applied)
  std::optional<time_point> window_closes_at;  // when the explanation window is open
  int flagged = 0;
  int missing_round1 = 0;
};

// New values for one leaf; only the fields that are set change.
// The appraiser's decision on an agency's "not evaluated" claim.
enum class claim_ruling { confirm, reject };

struct leaf_edit {
  std::optional<std::optional<std::string>> self_score;  // "0.25", or null to clear
  std::optional<std::string> self_explanation;
  std::optional<bool> not_evaluated;  // the secretariat's decision
  std::optional<std::string> not_evaluated_reason;
  std::optional<bool> claim_not_evaluated;  // the agency's claim (false withdraws it)
  std::optional<std::string> claim_reason;
  std::optional<claim_ruling> claim_decision;
  std::optional<std::optional<std::string>> round1_score;
  std::optional<std::string> round1_remark;
  std::optional<bool> needs_explanation;
  std::optional<std::string> explanation_response;
  std::optional<std::optional<std::string>> round2_score;
  std::optional<std::string> round2_remark;
  std::optional<std::string> reason;  // why, for the audit log
};

struct event_request {
  event what;
  std::optional<time_point> until;  // open_window, extend_window, extend_deadline
  std::optional<std::string> reason;
  std::optional<std::string> decision_number;  // publish
  std::optional<std::string> decision_date;    // publish, "YYYY-MM-DD"
  std::optional<points> adjustment;            // adjust
  // submit: the head knows some applicable self leaves have no self score and submits
  // anyway (they count as 0).
  bool confirm_missing_self_scores = false;
};

struct ranking_row {
  std::string unit_code, unit_name, group_key, state;
  assessment_score score;
  int rank = 0;
};

// One unit group's ranking, and each field's index across its units: the exact mean
// of the units' field indices ("field 6 average 72.43 %").
struct group_ranking {
  std::vector<ranking_row> rows;  // best first
  std::vector<field_index> fields;
};

// Out of the unit's maximum: decided by the secretariat, or claimed by the agency and not
// yet decided (a pending claim counts until the appraiser confirms or rejects it in round
// one). Such a leaf takes no score and shows no final score.
bool not_evaluated_now(const storage::leaf_value_record& v);

// The facts about a file that other services of the same file (evidence) need.
struct file_facts {
  std::int64_t assessment_id = 0, campaign_id = 0, unit_id = 0;
  std::string unit_code, unit_name;
  stage current = stage::self_assessment;
  std::shared_ptr<const criteria_set> set;
  std::string time_zone;
};

// A change to a leaf's evidence is allowed now; late: inside the grace period.
struct leaf_permit {
  file_facts file;
  bool late = false;
  time_point now;
};

using import_row_problem = storage::import_problem;

// One leaf of a bulk edit (PATCH /api/v1/assessments/{id}/leaves).
struct leaf_edit_item {
  std::string code;
  leaf_edit edit;
  int line = 0;  // the CSV line it came from (0: a JSON list)
};

// A bulk edit is stored, or only checked and shown (nothing stored either way when an
// item is refused).
enum class bulk_mode { apply, preview };

// Why one item of a bulk edit was refused: the same code and detail the single-leaf
// route would have answered.
struct leaf_edit_problem {
  std::size_t index = 0;  // in the request's list
  int line = 0;           // the CSV line (0: a JSON list)
  std::string code;
  boost::system::error_code error;
  refusal_detail detail;
};

struct bulk_edit_result {
  std::vector<storage::leaf_value_record> before;  // each leaf before, in the request's order
  std::vector<leaf_view> leaves;                   // and after
  std::int64_t file_version = 0;  // the file's ETag after the edit (unchanged by a preview)
};

class assessment_service {
 public:
  // key signs an audit checkpoint at every stage transition (none when null); sealer
  // seals draft evidence when a file is submitted or its window closes (none when null).
  assessment_service(storage::database& db, const auth::clock& clock,
                     const storage::signing_key* key = nullptr,
                     const evidence_sealing* sealer = nullptr);
  ~assessment_service();

  // The file as the actor may see it. errc::assessment_not_found, wrong_unit,
  // not_assigned_to_unit, not_council_member. Fires due automatic events first.
  result<assessment_view> get(const auth::actor& a, std::int64_t id);

  // Edits one leaf when expected_version matches (0 for a leaf never written).
  result<leaf_view> edit_leaf(const auth::actor& a, std::int64_t id, std::string_view code,
                              const leaf_edit& edit, std::int64_t expected_version,
                              refusal_detail* why = nullptr);

  // Edits many leaves of one file in one transaction when the file's version is
  // expected_file_version (else stale_version, why->values["version"] the current one).
  // Each item passes the same rules as edit_leaf (without the leaf's own version: the
  // file's covers it). All or nothing: on errc::invalid_bulk_edit every refused item is
  // in *problems and nothing is stored; a code listed twice is duplicate_entry. An
  // empty list is empty_edit. One audit entry per changed value. Thread-safe.
  result<bulk_edit_result> edit_leaves(const auth::actor& a, std::int64_t id,
                                       const std::vector<leaf_edit_item>& items,
                                       std::int64_t expected_file_version,
                                       std::vector<leaf_edit_problem>* problems,
                                       refusal_detail* why = nullptr,
                                       bulk_mode mode = bulk_mode::apply);
  // An appraiser's scores for one file from CSV: "code,score,remark[,needs_explanation]"
  // (the shared CSV reader). The score and remark are round one's while the file is in
  // round one (or earlier), round two's in round two; an empty score or remark leaves it
  // as it is; needs_explanation is yes/no (có/không, 1/0, true/false). Then as
  // edit_leaves: errc::invalid_score_import with *csv_problems for rows that cannot be
  // read, invalid_bulk_edit with *problems for leaves the rules refuse. Thread-safe.
  result<bulk_edit_result> import_leaf_csv(const auth::actor& a, std::int64_t id,
                                           std::string_view csv, std::int64_t expected_file_version,
                                           bulk_mode mode,
                                           std::vector<import_row_problem>* csv_problems,
                                           std::vector<leaf_edit_problem>* problems,
                                           refusal_detail* why = nullptr);

  // Fires an event; votes are events too (vote_approve, vote_return with a remark).
  result<assessment_view> fire(const auth::actor& a, std::int64_t id, const event_request& r,
                               refusal_detail* why = nullptr);

  // Publishes every approved assessment of a campaign; returns how many. The decision is
  // checked first: errc::decision_required, invalid_decision_date (not a calendar date,
  // or after today in the campaign's zone), nothing_to_publish, campaign_not_found.
  result<int> publish_campaign(const auth::actor& a, std::int64_t campaign_id,
                               const std::string& decision_number, const std::string& decision_date,
                               refusal_detail* why = nullptr);

  // Imports scores: "unit_code,criterion_code,score" records (a header line is allowed;
  // the shared CSV reader: BOM, quotes, ';' or ','). Survey and external leaves in an
  // ordinary campaign, before approval; in a historical one, every leaf's final score
  // (self leaves: the appraised score, and a fourth column may give the self score). All
  // or nothing: on errc::invalid_score_import *problems lists every bad row with its line
  // (a duplicated row, a not-evaluated leaf, an unknown unit or leaf, a bad score, …).
  result<int> import_scores(const auth::actor& a, std::int64_t campaign_id, std::string_view csv,
                            std::vector<import_row_problem>* problems);

  // Rankings of one campaign by unit group, with scores, as the actor may see them: an
  // agency user sees only published files, and errc::ranking_not_published before any.
  result<std::map<std::string, group_ranking>> ranking(const auth::actor& a,
                                                       std::int64_t campaign_id);

  // Every audit entry about one leaf of the file: who changed what, when and why.
  result<std::vector<storage::audit_entry>> leaf_history(const auth::actor& a, std::int64_t id,
                                                         std::string_view code);

  // Fires auto_submit for every file past its deadline (+ grace) and auto_close_window
  // for every window past its close time. Returns how many files moved. Thread-safe.
  // Files are moved a few at a time, each in its own transaction after its archives are
  // built; a file that fails does not stop the others (the first failure is thrown once
  // all are done). Blocking: run it on a thread of its own, not a request's.
  int sweep();

  // For the evidence service, inside its own transaction c. settle: fires the file's due
  // automatic events when the actor may see it; meant for the settle part of
  // storage::database::write_result_after, so that they stay recorded when the change is
  // refused. visible_file: the file if the actor may see it (assessment_not_found,
  // wrong_unit, not_assigned_to_unit, not_council_member). permit_evidence_change: applies the
  // edit table's `evidence` rule with the same stage, role, unit, deadline, window and
  // flag checks as a leaf edit (call settle first). Thread-safe.
  // settler: reads, outside any transaction, whether the clock has a move due on the file
  // that seals evidence (and the actor may see the file), and returns the settle part for
  // write_result_after. It makes the move only when its archives need no building now
  // (no drafts, or already prepared): a request never builds them (seconds per GiB, on a
  // worker every other request needs); it leaves the move to the sweep and wakes it. A
  // late change is refused by the clock all the same (deadline_passed, window_closed).
  std::function<void(storage::connection&)> settler(const auth::actor& a, std::int64_t id);
  // prepared: the archives of the due move; null leaves a move that seals to the sweep.
  void settle(storage::connection& c, const auth::actor& a, std::int64_t id,
              const prepared_seal* prepared);
  // wake runs (on the request's thread; it must not block) when a request left a due move
  // to the sweep, so that the sweep can start now instead of at its next turn. Set once,
  // before serving.
  void on_move_left_to_sweep(std::function<void()> wake);
  result<file_facts> visible_file(storage::connection& c, const auth::actor& a, std::int64_t id);
  result<leaf_permit> permit_evidence_change(storage::connection& c, const auth::actor& a,
                                             std::int64_t id, std::string_view code,
                                             refusal_detail& why);
  // The same for any one field of the edit table (the carried-over confirmations use
  // self_explanation's and evidence's rules).
  result<leaf_permit> permit_leaf_change(storage::connection& c, const auth::actor& a,
                                         std::int64_t id, std::string_view code, leaf_field field,
                                         refusal_detail& why);

  // Confirms a leaf's explanation carried over from last year (workflow/carry_over.hpp):
  // clears the mark, bumps the leaf's and the file's version, one audit entry. The rule of
  // editing the explanation decides who and when (the unit's agency users, in
  // self-assessment, before the deadline + grace: wrong_unit, wrong_role, wrong_stage,
  // deadline_passed, …); not_carried_over when the leaf has no carried explanation waiting.
  // Defined in workflow/carry_over.cpp. Thread-safe.
  result<leaf_view> confirm_carried_text(const auth::actor& a, std::int64_t id,
                                         std::string_view code, refusal_detail* why = nullptr);

 private:
  // The sealing move the clock has due on the file, if any and the actor may see it.
  std::optional<seal_request> due_sealing(const auth::actor& a, std::int64_t id);
  // Its archives, built now (a person's event waits for them: it makes the move first).
  prepared_seal prepare_due(const auth::actor& a, std::int64_t id);
  // Its archives if none is left to build; nothing (and the sweep woken) otherwise, or
  // when no sealing move is due.
  std::optional<prepared_seal> due_if_ready(const auth::actor& a, std::int64_t id);
  void left_to_sweep();

  storage::database& db_;
  const auth::clock& clock_;
  transition_effects effects_;
  std::unique_ptr<class criteria_cache> sets_;  // per database: set ids are per file
  std::function<void()> wake_sweep_;
};

}  // namespace parix::workflow
