// The transition and edit tables, and the functions that read them.
#include "workflow/state_machine.hpp"

#include <algorithm>

namespace parix::workflow {
namespace {

using auth::role;

constexpr std::uint16_t bit(role r) {
  return static_cast<std::uint16_t>(1u << static_cast<int>(r));
}
constexpr std::uint16_t agency = bit(role::agency_head) | bit(role::agency_editor);
constexpr std::uint16_t head = bit(role::agency_head);
constexpr std::uint16_t appraisers = bit(role::appraiser) | bit(role::secretariat);
constexpr std::uint16_t secretariat_only = bit(role::secretariat);
constexpr std::uint16_t council_members = bit(role::council_member);
constexpr std::uint16_t nobody = 0;

using enum stage;
using enum event;

// The whole workflow. Where one stage and event have several rows, the first whose
// guards hold wins: a council vote ends in approval, a return or neither, as the
// campaign's rule decides (docs/workflow.md, "The council's rule").
constexpr transition table[] = {
    {self_assessment, submit, round1, head, false, guard::before_deadline,
     guard::self_scores_confirmed},
    {self_assessment, auto_submit, round1, nobody, true, guard::after_deadline},
    {self_assessment, extend_deadline, self_assessment, secretariat_only, false,
     guard::reason_given},
    {round1, complete_round1, round2, appraisers, false, guard::round1_done_none_flagged},
    {round1, open_window, explanation_window, appraisers, false, guard::round1_done_some_flagged},
    {explanation_window, close_window, round2, appraisers, false, guard::none},
    {explanation_window, auto_close_window, round2, nobody, true, guard::window_due},
    {explanation_window, extend_window, explanation_window, secretariat_only, false,
     guard::later_close_time},
    {round2, complete_round2, council, appraisers, false, guard::none},
    {council, vote_approve, approved, council_members, false, guard::council_approves},
    {council, vote_approve, round2, council_members, false, guard::council_returns},
    {council, vote_approve, council, council_members, false, guard::council_undecided},
    {council, vote_return, round2, council_members, false, guard::council_returns,
     guard::reason_given},
    {council, vote_return, approved, council_members, false, guard::council_approves,
     guard::reason_given},
    {council, vote_return, council, council_members, false, guard::council_undecided,
     guard::reason_given},
    {round2, adjust, round2, secretariat_only, false, guard::reason_given},
    {council, adjust, council, secretariat_only, false, guard::reason_given},
    {approved, adjust, approved, secretariat_only, false, guard::reason_given},
    {approved, publish, published, secretariat_only, false, guard::none},
    {historical, adjust, historical, secretariat_only, false, guard::reason_given},
    {historical, approve_historical, approved, secretariat_only, false, guard::historical_complete},
};

struct edit_rule {
  leaf_field field;
  stage in;
  std::uint16_t roles;
  // The agency's clock applies: the self-assessment deadline (+ grace), or the window's
  // close time and its flagged leaves.
  bool agency_clock;
};

// Not evaluated, as the schemes do it: the secretariat decides (in any stage before the
// council's approval); an agency may only claim it, on the leaves the campaign allows its
// unit, and an appraiser confirms or rejects the claim in round one.
constexpr std::uint16_t appraiser_only = bit(role::appraiser);
constexpr edit_rule edit_rules[] = {
    {leaf_field::self_score, self_assessment, agency, true},
    {leaf_field::self_explanation, self_assessment, agency, true},
    {leaf_field::not_evaluated_claim, self_assessment, agency, true},
    {leaf_field::round1_score, round1, appraiser_only, false},
    {leaf_field::round1_remark, round1, appraiser_only, false},
    {leaf_field::needs_explanation, round1, appraiser_only, false},
    {leaf_field::claim_decision, round1, appraiser_only, false},
    {leaf_field::explanation_response, explanation_window, agency, true},
    {leaf_field::round2_score, round2, appraiser_only, false},
    {leaf_field::round2_remark, round2, appraiser_only, false},
    {leaf_field::evidence, self_assessment, agency, true},
    {leaf_field::evidence, explanation_window, agency, true},
    {leaf_field::not_evaluated, self_assessment, secretariat_only, false},
    {leaf_field::not_evaluated, round1, secretariat_only, false},
    {leaf_field::not_evaluated, explanation_window, secretariat_only, false},
    {leaf_field::not_evaluated, round2, secretariat_only, false},
    {leaf_field::not_evaluated, council, secretariat_only, false},
    {leaf_field::not_evaluated, historical, secretariat_only, false},
};

// When a file leaves these stages, each leaf's draft evidence is sealed into a signed
// archive version in the same transaction (docs/evidence.md).
struct sealing_rule {
  stage from, to;
};
constexpr sealing_rule sealing_rules[] = {
    {self_assessment, round1},
    {explanation_window, round2},
};

// The error a failed guard reports.
errc refusal(guard g, const guard_facts& f) {
  switch (g) {
    case guard::before_deadline:
      return errc::deadline_passed;
    case guard::after_deadline:
      return errc::wrong_stage;  // the deadline has not come
    case guard::round1_done_none_flagged:
      return !f.round1_complete ? errc::round1_incomplete : errc::flagged_leaves;
    case guard::round1_done_some_flagged:
      return !f.round1_complete ? errc::round1_incomplete : errc::no_flagged_leaves;
    case guard::window_due:
      return errc::wrong_stage;
    case guard::later_close_time:
      return f.reason_given ? errc::invalid_time : errc::reason_required;
    case guard::reason_given:
      return errc::reason_required;
    case guard::self_scores_confirmed:
      return errc::self_scores_missing;
    case guard::historical_complete:
      return errc::historical_incomplete;
    case guard::council_approves:
    case guard::council_returns:
    case guard::council_undecided:
    case guard::none:
      return errc::wrong_stage;
  }
  return errc::wrong_stage;
}

bool holds(guard g, const guard_facts& f) {
  switch (g) {
    case guard::none:
      return true;
    case guard::before_deadline:
      return f.before_deadline;
    case guard::after_deadline:
      return !f.before_deadline;
    case guard::round1_done_none_flagged:
      return f.round1_complete && f.flagged == 0;
    case guard::round1_done_some_flagged:
      return f.round1_complete && f.flagged > 0;
    case guard::window_due:
      return f.window_due;
    case guard::later_close_time:
      return f.later_close_time && f.reason_given;
    case guard::reason_given:
      return f.reason_given;
    case guard::self_scores_confirmed:
      return f.self_scores_missing == 0 || f.missing_confirmed;
    case guard::council_approves:
      return f.council == council_outcome::approved;
    case guard::council_returns:
      return f.council == council_outcome::returned;
    case guard::council_undecided:
      return f.council == council_outcome::undecided;
    case guard::historical_complete:
      return f.historical_missing == 0;
  }
  return false;
}

template <class E, std::size_t N>
std::optional<E> parse_name(std::string_view s, const std::pair<E, std::string_view> (&names)[N]) {
  for (const auto& [e, n] : names)
    if (n == s) return e;
  return std::nullopt;
}
template <class E, std::size_t N>
std::string_view name_of(E e, const std::pair<E, std::string_view> (&names)[N]) {
  for (const auto& [v, n] : names)
    if (v == e) return n;
  return "?";
}

constexpr std::pair<stage, std::string_view> stage_names[] = {
    {self_assessment, "self_assessment"},
    {round1, "round1"},
    {explanation_window, "explanation_window"},
    {round2, "round2"},
    {council, "council"},
    {approved, "approved"},
    {published, "published"},
    {historical, "historical"}};
constexpr std::pair<event, std::string_view> event_names[] = {
    {submit, "submit"},
    {auto_submit, "auto_submit"},
    {extend_deadline, "extend_deadline"},
    {complete_round1, "complete_round1"},
    {open_window, "open_window"},
    {close_window, "close_window"},
    {auto_close_window, "auto_close_window"},
    {extend_window, "extend_window"},
    {complete_round2, "complete_round2"},
    {vote_approve, "vote_approve"},
    {vote_return, "vote_return"},
    {adjust, "adjust"},
    {publish, "publish"},
    {approve_historical, "approve_historical"}};
constexpr std::pair<guard, std::string_view> guard_names[] = {
    {guard::none, "—"},
    {guard::before_deadline, "before the deadline (+ grace)"},
    {guard::after_deadline, "the deadline (+ grace) has passed"},
    {guard::round1_done_none_flagged,
     "every applicable self leaf has a round-one score; none flagged"},
    {guard::round1_done_some_flagged,
     "every applicable self leaf has a round-one score; some flagged"},
    {guard::window_due, "closes_at has passed"},
    {guard::later_close_time, "a later close time, with a reason"},
    {guard::reason_given, "a reason is given"},
    {guard::self_scores_confirmed,
     "every applicable self leaf has a self score, or `confirm_missing_self_scores` is true"},
    {guard::council_approves, "with this vote the campaign's rule approves"},
    {guard::council_returns, "with this vote the campaign's rule returns the file"},
    {guard::council_undecided, "with this vote the rule decides neither yet"},
    {guard::historical_complete, "every applicable leaf has its final score"}};
constexpr std::pair<leaf_field, std::string_view> field_names[] = {
    {leaf_field::self_score, "self_score"},
    {leaf_field::self_explanation, "self_explanation"},
    {leaf_field::not_evaluated, "not_evaluated"},
    {leaf_field::not_evaluated_claim, "claim_not_evaluated"},
    {leaf_field::claim_decision, "claim_decision"},
    {leaf_field::round1_score, "round1_score"},
    {leaf_field::round1_remark, "round1_remark"},
    {leaf_field::needs_explanation, "needs_explanation"},
    {leaf_field::explanation_response, "explanation_response"},
    {leaf_field::round2_score, "round2_score"},
    {leaf_field::round2_remark, "round2_remark"},
    {leaf_field::evidence, "evidence"}};

std::string who(std::uint16_t roles, bool system) {
  std::string out;
  for (auto r : auth::all_roles)
    if (roles & bit(r)) out += (out.empty() ? "" : ", ") + std::string{auth::to_string(r)};
  if (system) out += (out.empty() ? "" : ", ") + std::string{"the clock"};
  return out;
}

}  // namespace

std::span<const transition> transitions() {
  return table;
}

result<stage> decide(stage from, event on, std::optional<auth::role> r, bool system,
                     const guard_facts& facts) {
  bool exists = false, allowed = false;
  const transition* failed = nullptr;       // the first row whose first guard failed
  const transition* failed_also = nullptr;  // the first whose first held, second failed
  for (const auto& t : table) {
    if (t.from != from || t.on != on) continue;
    exists = true;
    const bool may = system ? t.system : (r && (t.roles & bit(*r)));
    if (!may) continue;
    allowed = true;
    const bool first = holds(t.condition, facts), second = holds(t.also, facts);
    if (first && second) return t.to;
    if (first && !failed_also) failed_also = &t;
    if (!first && !failed) failed = &t;
  }
  if (!exists) return errc::wrong_stage;
  if (!allowed) return errc::wrong_role;
  if (failed_also) return refusal(failed_also->also, facts);
  return refusal(failed->condition, facts);
}

result<void> may_edit(leaf_field f, stage s, auth::role r) {
  bool in_stage = false;
  for (const auto& rule : edit_rules) {
    if (rule.field != f || rule.in != s) continue;
    in_stage = true;
    if (rule.roles & bit(r)) return {};
  }
  return in_stage ? errc::wrong_role : errc::wrong_stage;
}

bool on_agency_clock(leaf_field f, stage s) noexcept {
  for (const auto& rule : edit_rules)
    if (rule.field == f && rule.in == s) return rule.agency_clock;
  return false;
}

bool seals_evidence(stage from, stage to) noexcept {
  for (const auto& r : sealing_rules)
    if (r.from == from && r.to == to) return true;
  return false;
}

bool event_seals(stage from, event on, auth::role r) noexcept {
  for (const auto& t : table)
    if (t.from == from && t.on == on && (t.roles & bit(r)) && seals_evidence(t.from, t.to))
      return true;
  return false;
}

std::string_view to_string(stage s) noexcept {
  return name_of(s, stage_names);
}
std::string_view to_string(event e) noexcept {
  return name_of(e, event_names);
}
std::string_view to_string(guard g) noexcept {
  return name_of(g, guard_names);
}
std::string_view to_string(leaf_field f) noexcept {
  return name_of(f, field_names);
}
std::optional<stage> parse_stage(std::string_view s) noexcept {
  return parse_name(s, stage_names);
}
std::optional<event> parse_event(std::string_view s) noexcept {
  return parse_name(s, event_names);
}
std::optional<leaf_field> parse_leaf_field(std::string_view s) noexcept {
  return parse_name(s, field_names);
}

std::string render_workflow_doc() {
  std::string out =
      "# The appraisal workflow\n\n"
      "Generated from the transition and edit tables in `workflow/state_machine.cpp` by\n"
      "`workflow::render_workflow_doc()`; a test fails when this file and the tables differ.\n"
      "One assessment is one unit in one campaign.\n\n```mermaid\nstateDiagram-v2\n"
      "    [*] --> self_assessment\n    [*] --> historical\n";
  for (const auto& t : table) {
    if (t.from == t.to) continue;
    out += "    " + std::string{to_string(t.from)} + " --> " + std::string{to_string(t.to)} + ": " +
           std::string{to_string(t.on)} + "\n";
  }
  out +=
      "    published --> [*]\n```\n\nA historical campaign (a past year loaded with its final "
      "figures) starts its files\nin `historical` instead of `self_assessment`.\n\n"
      "## Transitions\n\n"
      "| from | event | to | who | guard |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& t : table)
    out += "| " + std::string{to_string(t.from)} + " | `" + std::string{to_string(t.on)} + "` | " +
           std::string{to_string(t.to)} + " | " + who(t.roles, t.system) + " | " +
           std::string{to_string(t.condition)} +
           (t.also == guard::none ? "" : "; " + std::string{to_string(t.also)}) + " |\n";
  out +=
      "\nAny other event in any stage is refused with `wrong_stage`; an allowed event\n"
      "fired by another role with `wrong_role`; a failed guard with its own code\n"
      "(`deadline_passed`, `round1_incomplete`, `flagged_leaves`, `no_flagged_leaves`,\n"
      "`invalid_time`, `reason_required`, `self_scores_missing`, `historical_incomplete`).\n\n"
      "## The council's rule\n\n"
      "After each vote the campaign's rule looks at the votes of the current council round\n"
      "(A approvals, R returns, M council members of the campaign, `num/den`, `quorum`):\n"
      "nothing is decided while fewer than `quorum` members have voted; then the file is\n"
      "approved when A × den ≥ M × num, and returned to round two when R × den > M × (den −\n"
      "num), that is once approval can no longer be reached. Unanimity is the rule 1/1: every\n"
      "member must approve, and one return sends the file back. Under 2/3 with 5 members, 4\n"
      "approvals approve and 2 returns return; a single return leaves the file in council.\n"
      "A return starts a new council round (earlier votes no longer count).\n\n"
      "## What is edited in each stage\n\n| field | stage | who | agency's clock |\n"
      "| --- | --- | --- | --- |\n";
  for (const auto& e : edit_rules)
    out += "| `" + std::string{to_string(e.field)} + "` | " + std::string{to_string(e.in)} + " | " +
           who(e.roles, false) + " | " + (e.agency_clock ? "yes" : "") + " |\n";
  out +=
      "\nOn top of the table: agency users edit only their own unit's file; appraisers only\n"
      "the fields or units they are assigned. Where the agency's clock applies, edits in\n"
      "`self_assessment` are taken only before the deadline (+ grace, marked late), and in\n"
      "`explanation_window` only on flagged leaves and before the window's close time.\n"
      "Survey and external leaves are imported by the secretariat at any stage before\n"
      "approval. `evidence` means attaching and removing draft evidence files (the same\n"
      "rules apply).\n\n"
      "Not evaluated (*không đánh giá*): `not_evaluated` is the secretariat's decision, with\n"
      "a reason; `claim_not_evaluated` is an agency's claim, with a reason, allowed only on\n"
      "the self-scored leaves the campaign lists for its unit (`not_evaluated_claimable`);\n"
      "`claim_decision` is the appraiser's `confirm` or `reject` in round one, and round one\n"
      "is not complete while a claim is undecided. A pending or confirmed claim, like the\n"
      "secretariat's decision, takes the leaf out of the unit's maximum; a score on such a\n"
      "leaf (self, round one or two, import) is refused with `leaf_not_evaluated`.\n\n"
      "## When evidence is sealed\n\n"
      "Leaving these stages seals every leaf's draft evidence into a signed archive\n"
      "version, in the same transaction as the transition:\n\n| from | to |\n| --- | --- |\n";
  for (const auto& r : sealing_rules)
    out += "| " + std::string{to_string(r.from)} + " | " + std::string{to_string(r.to)} + " |\n";
  return out;
}

}  // namespace parix::workflow
