// The appraisal of one unit in one campaign as a state machine. The transition
// table in state_machine.cpp is the only thing that decides whether a transition
// is allowed; docs/workflow.md is generated from it (render_workflow_doc).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "auth/role.hpp"
#include "workflow/errc.hpp"
#include "workflow/scoring.hpp"

namespace parix::workflow {

enum class stage {
  self_assessment,
  round1,
  explanation_window,
  round2,
  council,
  approved,
  published,
  historical,  // a past year loaded by the secretariat: final figures, no deadlines
};
enum class event {
  submit,             // the agency head submits before the deadline
  auto_submit,        // the clock passes the deadline: submitted with whatever it holds
  extend_deadline,    // the secretariat extends one unit's self-assessment deadline
  complete_round1,    // round one done and nothing flagged: straight to round two
  open_window,        // round one done and some leaves flagged: the explanation window opens
  close_window,       // closed by hand
  auto_close_window,  // the clock passes closes_at
  extend_window,      // the secretariat moves closes_at later, with a reason
  complete_round2,
  // A council member's vote. After each vote the campaign's rule looks at the votes of
  // the round (council_outcome): approved, returned to round two, or still open.
  vote_approve,
  vote_return,  // with remarks (a reason)
  adjust,       // a secretariat adjustment of the whole file, with a reason
  publish,
  approve_historical,  // the secretariat approves the final figures entered for a past year
};

// Who fires an event: a role, or the server's clock.
enum class actor_kind : std::uint8_t { role, system };

enum class guard {
  none,
  before_deadline,           // now <= deadline + grace
  after_deadline,            // now > deadline + grace
  round1_done_none_flagged,  // every applicable self leaf has a round-one score; none flagged
  round1_done_some_flagged,  // … and some leaf is flagged
  window_due,                // now >= closes_at
  later_close_time,          // the new close time is after the current one, and a reason is given
  reason_given,
  self_scores_confirmed,  // every applicable self leaf has a self score, or the submission
                          // confirms that some have none
  council_approves,       // with this vote the round's votes meet the approval rule
  council_returns,        // with this vote the round's votes meet the return rule
  council_undecided,      // with this vote the rule decides neither yet
  historical_complete,    // every applicable leaf of a past year's file has its final score
};


struct transition {
  stage from;
  event on;
  stage to;
  std::uint16_t roles;  // bit (1 << auth::role); 0 with system = the clock only
  bool system;
  guard condition;
  guard also = guard::none;  // a second guard that must hold too
};

// What the guards look at, filled by the caller from the assessment's facts.
struct guard_facts {
  bool before_deadline = false;
  bool round1_complete = false;
  int flagged = 0;
  bool window_due = false;
  bool later_close_time = false;
  bool reason_given = false;
  int self_scores_missing = 0;      // applicable self leaves without a self score
  bool missing_confirmed = false;   // the submission says so on purpose
  council_outcome council = council_outcome::undecided;  // after the vote being cast
  int historical_missing = 0;       // applicable leaves without a final score
};

std::span<const transition> transitions();

// The stage after `on`, or the refusal: errc::wrong_stage (no such transition from
// here), errc::wrong_role, or the failed guard's code (deadline_passed,
// round1_incomplete, flagged_leaves, no_flagged_leaves, window_closed, invalid_time,
// reason_required, self_scores_missing, historical_incomplete). Where a row's first
// guard holds and its second does not, the second's code is given. system=true means
// the clock fires it. Pure; thread-safe.
result<stage> decide(stage from, event on, std::optional<auth::role> role, bool system,
                     const guard_facts& facts);

std::string_view to_string(stage s) noexcept;
std::string_view to_string(event e) noexcept;
std::string_view to_string(guard g) noexcept;
std::optional<stage> parse_stage(std::string_view s) noexcept;
std::optional<event> parse_event(std::string_view s) noexcept;

// What may be edited on a leaf, in which stage, by which roles.
enum class leaf_field {
  self_score,
  self_explanation,
  not_evaluated,        // the secretariat's decision that a leaf does not apply to the unit
  not_evaluated_claim,  // the agency's claim, with a reason, on a leaf the campaign allows
  claim_decision,       // the appraiser confirms or rejects the claim in round one
  round1_score,
  round1_remark,
  needs_explanation,
  explanation_response,
  round2_score,
  round2_remark,
  evidence,  // attaching or removing a draft evidence file
};
std::string_view to_string(leaf_field f) noexcept;
std::optional<leaf_field> parse_leaf_field(std::string_view s) noexcept;
// errc::wrong_stage or errc::wrong_role when the table does not allow it.
result<void> may_edit(leaf_field f, stage s, auth::role r);
// True when editing f in stage s runs on the agency's clock: before the self-assessment
// deadline (+ grace), or inside the explanation window and on a flagged leaf only.
bool on_agency_clock(leaf_field f, stage s) noexcept;

// True when leaving `from` for `to` seals the file's draft evidence (submission, and
// the close of an explanation window). Pure.
bool seals_evidence(stage from, stage to) noexcept;
// True when role r may fire `on` from `from` and that transition seals evidence
// (guards aside): worth preparing the archives before the transaction. Pure.
bool event_seals(stage from, event on, auth::role r) noexcept;

// docs/workflow.md: a Mermaid diagram and tables generated from the two tables.
std::string render_workflow_doc();

}  // namespace parix::workflow
