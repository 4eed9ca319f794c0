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

// The whole workflow. Where one stage and event have two rows, the first whose guard
// holds wins (vote_approve stays in council until the approval rule is met).
constexpr transition table[] = {
    {self_assessment, submit, round1, head, false, guard::before_deadline},
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
    {council, vote_approve, approved, council_members, false, guard::approval_met},
    {council, vote_approve, council, council_members, false, guard::approval_pending},
    {council, vote_return, round2, council_members, false, guard::reason_given},
    {round2, adjust, round2, secretariat_only, false, guard::reason_given},
    {council, adjust, council, secretariat_only, false, guard::reason_given},
    {approved, adjust, approved, secretariat_only, false, guard::reason_given},
    {approved, publish, published, secretariat_only, false, guard::none},
};

struct edit_rule {
  leaf_field field;
  stage in;
  std::uint16_t roles;
};

constexpr edit_rule edit_rules[] = {
    {leaf_field::self_score, self_assessment, agency},
    {leaf_field::self_explanation, self_assessment, agency},
    {leaf_field::not_evaluated, self_assessment, agency},
    {leaf_field::round1_score, round1, bit(role::appraiser)},
    {leaf_field::round1_remark, round1, bit(role::appraiser)},
    {leaf_field::needs_explanation, round1, bit(role::appraiser)},
    {leaf_field::explanation_response, explanation_window, agency},
    {leaf_field::round2_score, round2, bit(role::appraiser)},
    {leaf_field::round2_remark, round2, bit(role::appraiser)},
    {leaf_field::evidence, self_assessment, agency},
    {leaf_field::evidence, explanation_window, agency},
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
    case guard::approval_pending:
    case guard::approval_met:
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
    case guard::approval_pending:
      return !f.approval_met;
    case guard::approval_met:
      return f.approval_met;
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
    {published, "published"}};
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
    {publish, "publish"}};
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
    {guard::approval_pending, "the approval rule is not yet met"},
    {guard::approval_met, "this vote meets the campaign's approval rule"}};
constexpr std::pair<leaf_field, std::string_view> field_names[] = {
    {leaf_field::self_score, "self_score"},
    {leaf_field::self_explanation, "self_explanation"},
    {leaf_field::not_evaluated, "not_evaluated"},
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
  const transition* failed = nullptr;
  for (const auto& t : table) {
    if (t.from != from || t.on != on) continue;
    exists = true;
    const bool may = system ? t.system : (r && (t.roles & bit(*r)));
    if (!may) continue;
    allowed = true;
    if (holds(t.condition, facts)) return t.to;
    if (!failed) failed = &t;
  }
  if (!exists) return errc::wrong_stage;
  if (!allowed) return errc::wrong_role;
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
      "    [*] --> self_assessment\n";
  for (const auto& t : table) {
    if (t.from == t.to) continue;
    out += "    " + std::string{to_string(t.from)} + " --> " + std::string{to_string(t.to)} + ": " +
           std::string{to_string(t.on)} + "\n";
  }
  out +=
      "    published --> [*]\n```\n\n## Transitions\n\n"
      "| from | event | to | who | guard |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& t : table)
    out += "| " + std::string{to_string(t.from)} + " | `" + std::string{to_string(t.on)} + "` | " +
           std::string{to_string(t.to)} + " | " + who(t.roles, t.system) + " | " +
           std::string{to_string(t.condition)} + " |\n";
  out +=
      "\nAny other event in any stage is refused with `wrong_stage`; an allowed event\n"
      "fired by another role with `wrong_role`; a failed guard with its own code\n"
      "(`deadline_passed`, `round1_incomplete`, `flagged_leaves`, `no_flagged_leaves`,\n"
      "`invalid_time`, `reason_required`).\n\n"
      "## What is edited in each stage\n\n| field | stage | who |\n| --- | --- | --- |\n";
  for (const auto& e : edit_rules)
    out += "| `" + std::string{to_string(e.field)} + "` | " + std::string{to_string(e.in)} + " | " +
           who(e.roles, false) + " |\n";
  out +=
      "\nOn top of the table: agency users edit only their own unit's file; appraisers only\n"
      "the fields or units they are assigned; in `explanation_window` only flagged leaves\n"
      "may be answered, and only before the window's close time; self-assessment edits\n"
      "only before the deadline (+ grace, marked late). Survey and external leaves are\n"
      "imported by the secretariat at any stage before approval. `evidence` means\n"
      "attaching and removing draft evidence files (the same rules apply).\n\n"
      "## When evidence is sealed\n\n"
      "Leaving these stages seals every leaf's draft evidence into a signed archive\n"
      "version, in the same transaction as the transition:\n\n| from | to |\n| --- | --- |\n";
  for (const auto& r : sealing_rules)
    out += "| " + std::string{to_string(r.from)} + " | " + std::string{to_string(r.to)} + " |\n";
  return out;
}

}  // namespace parix::workflow
