// The transition and edit tables checked against the issue's words, written out here a
// second time on purpose: a change to workflow/state_machine.cpp that lets another role
// fire an event, or moves a file elsewhere, fails until this statement is changed too.
// Every stage × event × actor (each role and the clock) is compared with the exact
// outcome: the target stage, or wrong_stage / wrong_role / the failed guard's code.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <vector>

#include "workflow/state_machine.hpp"

namespace parix::workflow {
namespace {

using auth::role;

constexpr stage all_stages[] = {stage::self_assessment, stage::round1,    stage::explanation_window,
                                stage::round2,          stage::council,   stage::approved,
                                stage::published,       stage::historical};
constexpr event all_events[] = {event::submit,
                                event::auto_submit,
                                event::extend_deadline,
                                event::complete_round1,
                                event::open_window,
                                event::close_window,
                                event::auto_close_window,
                                event::extend_window,
                                event::complete_round2,
                                event::vote_approve,
                                event::vote_return,
                                event::adjust,
                                event::publish,
                                event::approve_historical};

// The issue's state machine: from, event, to (the stage when the guard holds), who.
struct spec_row {
  stage from;
  event on;
  stage to;
  std::set<role> roles;
  bool clock;
};

const std::vector<spec_row>& spec() {
  using enum stage;
  using enum event;
  const std::set<role> appraisers{role::appraiser, role::secretariat};
  const std::set<role> secretariat{role::secretariat};
  const std::set<role> council_members{role::council_member};
  static const std::vector<spec_row> rows{
      {self_assessment, submit, round1, {role::agency_head}, false},
      {self_assessment, auto_submit, round1, {}, true},
      {self_assessment, extend_deadline, self_assessment, secretariat, false},
      {round1, complete_round1, round2, appraisers, false},
      {round1, open_window, explanation_window, appraisers, false},
      {explanation_window, close_window, round2, appraisers, false},
      {explanation_window, auto_close_window, round2, {}, true},
      {explanation_window, extend_window, explanation_window, secretariat, false},
      {round2, complete_round2, council, appraisers, false},
      // After each vote the campaign's rule decides (issue 10): these are the outcomes when
      // it approves (vote_approve) or returns (vote_return); the other outcomes are checked
      // row by row below.
      {council, vote_approve, approved, council_members, false},
      {council, vote_return, round2, council_members, false},
      {round2, adjust, round2, secretariat, false},
      {council, adjust, council, secretariat, false},
      {approved, adjust, approved, secretariat, false},
      {approved, publish, published, secretariat, false},
      // A past year (issue 10): the secretariat enters final figures, then approves them.
      {historical, adjust, historical, secretariat, false},
      {historical, approve_historical, approved, secretariat, false},
  };
  return rows;
}

const spec_row* spec_for(stage s, event e) {
  for (const auto& r : spec())
    if (r.from == s && r.on == e) return &r;
  return nullptr;
}

// Facts under which every guard of the spec row holds.
guard_facts passing(event e) {
  guard_facts f;
  f.before_deadline = e != event::auto_submit;  // the clock submits only after it
  f.round1_complete = true;
  f.flagged = e == event::open_window ? 2 : 0;
  f.window_due = true;
  f.later_close_time = true;
  f.reason_given = true;
  f.council = e == event::vote_return ? council_outcome::returned : council_outcome::approved;
  return f;
}

std::string name(stage s, event e, std::optional<role> r) {
  return std::string{to_string(s)} + " " + std::string{to_string(e)} + " by " +
         (r ? std::string{auth::to_string(*r)} : std::string{"the clock"});
}

TEST(transition_table, every_stage_event_and_actor_gives_the_outcome_the_issue_names) {
  int checked = 0;
  for (auto s : all_stages)
    for (auto e : all_events) {
      const spec_row* row = spec_for(s, e);
      for (auto r : auth::all_roles) {
        auto d = decide(s, e, r, false, passing(e));
        if (!row) {
          ASSERT_FALSE(d) << name(s, e, r);
          EXPECT_EQ(d.error(), errc::wrong_stage) << name(s, e, r);
        } else if (!row->roles.contains(r)) {
          ASSERT_FALSE(d) << name(s, e, r);
          EXPECT_EQ(d.error(), errc::wrong_role) << name(s, e, r);
        } else {
          ASSERT_TRUE(d) << name(s, e, r) << ": " << d.error().message();
          EXPECT_EQ(*d, row->to) << name(s, e, r);
        }
        ++checked;
      }
      auto d = decide(s, e, std::nullopt, true, passing(e));
      if (!row) {
        ASSERT_FALSE(d) << name(s, e, std::nullopt);
        EXPECT_EQ(d.error(), errc::wrong_stage) << name(s, e, std::nullopt);
      } else if (!row->clock) {
        ASSERT_FALSE(d) << name(s, e, std::nullopt);
        EXPECT_EQ(d.error(), errc::wrong_role) << name(s, e, std::nullopt);
      } else {
        ASSERT_TRUE(d) << name(s, e, std::nullopt);
        EXPECT_EQ(*d, row->to) << name(s, e, std::nullopt);
      }
      ++checked;
    }
  EXPECT_EQ(checked, 8 * 14 * (7 + 1));
}

TEST(transition_table, declares_exactly_the_transitions_of_the_issue) {
  // Every table row is in the spec; a vote's rows go where the rule's outcome says.
  for (const auto& t : transitions()) {
    const spec_row* row = spec_for(t.from, t.on);
    ASSERT_NE(row, nullptr) << to_string(t.from) << " " << to_string(t.on);
    if (t.condition == guard::council_undecided)
      EXPECT_EQ(t.to, stage::council);
    else if (t.condition == guard::council_approves)
      EXPECT_EQ(t.to, stage::approved);
    else if (t.condition == guard::council_returns)
      EXPECT_EQ(t.to, stage::round2);
    else
      EXPECT_EQ(t.to, row->to) << to_string(t.from) << " " << to_string(t.on);
    if (t.on == event::vote_return) {
      EXPECT_EQ(t.also, guard::reason_given);
    }
    EXPECT_EQ(t.system, row->clock);
    for (auto r : auth::all_roles)
      EXPECT_EQ((t.roles >> static_cast<int>(r)) & 1u, row->roles.contains(r) ? 1u : 0u)
          << to_string(t.from) << " " << to_string(t.on) << " " << auth::to_string(r);
  }
}

TEST(transition_table, admins_and_auditors_fire_nothing) {
  for (auto s : all_stages)
    for (auto e : all_events)
      for (auto r : {role::admin, role::auditor}) EXPECT_FALSE(decide(s, e, r, false, passing(e)));
}

TEST(transition_table, an_approval_below_the_rule_keeps_the_file_in_council) {
  auto f = passing(event::vote_approve);
  f.council = council_outcome::undecided;
  EXPECT_EQ(decide(stage::council, event::vote_approve, role::council_member, false, f).value(),
            stage::council);
}

TEST(transition_table, a_vote_goes_wherever_the_rule_decides_whichever_way_it_is_cast) {
  // A return that completes the quorum may approve; an approval after returns that make
  // approval unreachable cannot happen (the rule returned the file at that return).
  for (auto e : {event::vote_approve, event::vote_return}) {
    auto f = passing(e);
    for (auto [outcome, to] : {std::pair{council_outcome::approved, stage::approved},
                               {council_outcome::returned, stage::round2},
                               {council_outcome::undecided, stage::council}}) {
      f.council = outcome;
      EXPECT_EQ(decide(stage::council, e, role::council_member, false, f).value(), to)
          << to_string(e);
    }
  }
}

TEST(transition_guards, a_head_submits_unscored_criteria_only_on_purpose) {
  auto f = passing(event::submit);
  f.self_scores_missing = 2;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).error(),
            errc::self_scores_missing);
  f.missing_confirmed = true;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).value(),
            stage::round1);
  f.before_deadline = false;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).error(),
            errc::deadline_passed)
      << "the deadline speaks first";
}

TEST(transition_guards, a_past_year_is_approved_only_with_every_final_score) {
  auto f = passing(event::approve_historical);
  f.historical_missing = 1;
  EXPECT_EQ(
      decide(stage::historical, event::approve_historical, role::secretariat, false, f).error(),
      errc::historical_incomplete);
}

// Each guard, failed, names its own rule.
TEST(transition_guards, submit_after_the_deadline_is_refused_as_deadline_passed) {
  auto f = passing(event::submit);
  f.before_deadline = false;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).error(),
            errc::deadline_passed);
}

TEST(transition_guards, the_clock_does_not_submit_before_the_deadline) {
  auto f = passing(event::auto_submit);
  f.before_deadline = true;
  EXPECT_EQ(decide(stage::self_assessment, event::auto_submit, std::nullopt, true, f).error(),
            errc::wrong_stage);
}

TEST(transition_guards, round_one_must_be_complete_before_either_way_out) {
  for (auto e : {event::complete_round1, event::open_window}) {
    auto f = passing(e);
    f.round1_complete = false;
    EXPECT_EQ(decide(stage::round1, e, role::appraiser, false, f).error(), errc::round1_incomplete)
        << to_string(e);
  }
}

TEST(transition_guards, flagged_leaves_open_a_window_and_unflagged_files_go_to_round_two) {
  auto f = passing(event::complete_round1);
  f.flagged = 1;
  EXPECT_EQ(decide(stage::round1, event::complete_round1, role::secretariat, false, f).error(),
            errc::flagged_leaves);
  EXPECT_EQ(decide(stage::round1, event::open_window, role::secretariat, false, f).value(),
            stage::explanation_window);
  f.flagged = 0;
  EXPECT_EQ(decide(stage::round1, event::open_window, role::secretariat, false, f).error(),
            errc::no_flagged_leaves);
  EXPECT_EQ(decide(stage::round1, event::complete_round1, role::secretariat, false, f).value(),
            stage::round2);
}

TEST(transition_guards, the_clock_closes_a_window_only_when_it_is_due) {
  auto f = passing(event::auto_close_window);
  f.window_due = false;
  EXPECT_FALSE(decide(stage::explanation_window, event::auto_close_window, std::nullopt, true, f));
  // By hand it closes at any time.
  EXPECT_EQ(
      decide(stage::explanation_window, event::close_window, role::appraiser, false, f).value(),
      stage::round2);
}

TEST(transition_guards, an_extension_needs_a_reason_and_a_later_close_time) {
  auto f = passing(event::extend_window);
  f.reason_given = false;
  EXPECT_EQ(
      decide(stage::explanation_window, event::extend_window, role::secretariat, false, f).error(),
      errc::reason_required);
  f.reason_given = true;
  f.later_close_time = false;
  EXPECT_EQ(
      decide(stage::explanation_window, event::extend_window, role::secretariat, false, f).error(),
      errc::invalid_time);
  f = passing(event::extend_deadline);
  f.reason_given = false;
  EXPECT_EQ(
      decide(stage::self_assessment, event::extend_deadline, role::secretariat, false, f).error(),
      errc::reason_required);
}

TEST(transition_guards, returns_and_adjustments_need_a_reason) {
  auto f = passing(event::vote_return);
  f.reason_given = false;
  EXPECT_EQ(decide(stage::council, event::vote_return, role::council_member, false, f).error(),
            errc::reason_required);
  for (auto s : {stage::round2, stage::council, stage::approved, stage::historical})
    EXPECT_EQ(decide(s, event::adjust, role::secretariat, false, f).error(), errc::reason_required)
        << to_string(s);
}

// The edit table, as the issue's "What is edited in each stage, by whom" says it.
struct edit_spec {
  leaf_field field;
  stage in;
  std::set<role> roles;
};

TEST(edit_table, every_field_stage_and_role_matches_the_issue) {
  const std::set<role> agency{role::agency_editor, role::agency_head};
  const std::set<role> appraiser{role::appraiser};
  const std::set<role> secretariat{role::secretariat};
  const std::vector<edit_spec> rules{
      {leaf_field::self_score, stage::self_assessment, agency},
      {leaf_field::self_explanation, stage::self_assessment, agency},
      // Not evaluated (issue 10): the secretariat decides until the council approves; an
      // agency claims, the appraiser confirms or rejects in round one.
      {leaf_field::not_evaluated, stage::self_assessment, secretariat},
      {leaf_field::not_evaluated, stage::round1, secretariat},
      {leaf_field::not_evaluated, stage::explanation_window, secretariat},
      {leaf_field::not_evaluated, stage::round2, secretariat},
      {leaf_field::not_evaluated, stage::council, secretariat},
      {leaf_field::not_evaluated, stage::historical, secretariat},
      {leaf_field::not_evaluated_claim, stage::self_assessment, agency},
      {leaf_field::claim_decision, stage::round1, appraiser},
      {leaf_field::round1_score, stage::round1, appraiser},
      {leaf_field::round1_remark, stage::round1, appraiser},
      {leaf_field::needs_explanation, stage::round1, appraiser},
      {leaf_field::explanation_response, stage::explanation_window, agency},
      {leaf_field::round2_score, stage::round2, appraiser},
      {leaf_field::round2_remark, stage::round2, appraiser},
      // Evidence: the agency attaches in self-assessment, and in the window (flagged only).
      {leaf_field::evidence, stage::self_assessment, agency},
      {leaf_field::evidence, stage::explanation_window, agency},
  };
  const leaf_field all_fields[] = {leaf_field::evidence,
                                   leaf_field::self_score,
                                   leaf_field::self_explanation,
                                   leaf_field::not_evaluated,
                                   leaf_field::not_evaluated_claim,
                                   leaf_field::claim_decision,
                                   leaf_field::round1_score,
                                   leaf_field::round1_remark,
                                   leaf_field::needs_explanation,
                                   leaf_field::explanation_response,
                                   leaf_field::round2_score,
                                   leaf_field::round2_remark};
  for (auto f : all_fields)
    for (auto s : all_stages)
      for (auto r : auth::all_roles) {
        const edit_spec* rule = nullptr;
        for (const auto& e : rules)
          if (e.field == f && e.in == s) rule = &e;
        auto d = may_edit(f, s, r);
        const std::string what = std::string{to_string(f)} + " in " + std::string{to_string(s)} +
                                 " by " + std::string{auth::to_string(r)};
        if (!rule)
          EXPECT_EQ(d.error(), errc::wrong_stage) << what;
        else if (!rule->roles.contains(r))
          EXPECT_EQ(d.error(), errc::wrong_role) << what;
        else
          EXPECT_TRUE(d) << what;
      }
}

TEST(edit_table, only_the_agencys_own_fields_run_on_its_clock) {
  for (auto f : {leaf_field::self_score, leaf_field::self_explanation,
                 leaf_field::not_evaluated_claim, leaf_field::evidence})
    EXPECT_TRUE(on_agency_clock(f, stage::self_assessment)) << to_string(f);
  EXPECT_TRUE(on_agency_clock(leaf_field::explanation_response, stage::explanation_window));
  EXPECT_TRUE(on_agency_clock(leaf_field::evidence, stage::explanation_window));
  for (auto s : all_stages) EXPECT_FALSE(on_agency_clock(leaf_field::not_evaluated, s));
  EXPECT_FALSE(on_agency_clock(leaf_field::claim_decision, stage::round1));
}

TEST(sealing, drafts_are_sealed_on_submission_and_when_the_window_closes_and_only_then) {
  for (auto from : all_stages)
    for (auto to : all_stages) {
      const bool expected = (from == stage::self_assessment && to == stage::round1) ||
                            (from == stage::explanation_window && to == stage::round2);
      EXPECT_EQ(seals_evidence(from, to), expected) << to_string(from) << " -> " << to_string(to);
    }
  // Every event that makes those moves seals: by hand and by the clock.
  int sealing_events = 0;
  for (const auto& t : transitions()) sealing_events += seals_evidence(t.from, t.to);
  EXPECT_EQ(sealing_events, 4);  // submit, auto_submit, close_window, auto_close_window
}

TEST(edit_table, names_round_trip) {
  for (auto f : {leaf_field::self_score, leaf_field::not_evaluated, leaf_field::round2_remark})
    EXPECT_EQ(parse_leaf_field(to_string(f)), f);
  for (auto s : all_stages) EXPECT_EQ(parse_stage(to_string(s)), s);
  for (auto e : all_events) EXPECT_EQ(parse_event(to_string(e)), e);
  EXPECT_FALSE(parse_stage("draft"));
  EXPECT_FALSE(parse_event("approve"));
}

TEST(workflow_doc, the_mermaid_diagram_has_one_arrow_per_stage_changing_row) {
  const auto doc = render_workflow_doc();
  EXPECT_NE(doc.find("stateDiagram-v2"), std::string::npos);
  for (const auto& t : transitions()) {
    const std::string arrow = "    " + std::string{to_string(t.from)} + " --> " +
                              std::string{to_string(t.to)} + ": " + std::string{to_string(t.on)};
    const std::string table_row = "| " + std::string{to_string(t.from)} + " | `" +
                                  std::string{to_string(t.on)} + "` | " +
                                  std::string{to_string(t.to)} + " |";
    EXPECT_EQ(doc.find(arrow) != std::string::npos, t.from != t.to) << arrow;
    EXPECT_NE(doc.find(table_row), std::string::npos) << table_row;
  }
}

}  // namespace
}  // namespace parix::workflow
