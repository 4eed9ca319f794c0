// The transition table: every allowed transition, every illegal one refused, and the
// generated docs/workflow.md in step with the table.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "workflow/state_machine.hpp"

namespace parix::workflow {
namespace {

using auth::role;

const stage all_stages[] = {stage::self_assessment, stage::round1,    stage::explanation_window,
                            stage::round2,          stage::council,   stage::approved,
                            stage::published,       stage::historical};
const event all_events[] = {
    event::submit,          event::auto_submit,  event::extend_deadline,   event::complete_round1,
    event::open_window,     event::close_window, event::auto_close_window, event::extend_window,
    event::complete_round2, event::vote_approve, event::vote_return,       event::adjust,
    event::publish,         event::approve_historical};

// Facts under which every guard holds except the council's split (approved).
guard_facts permissive() {
  guard_facts f;
  f.before_deadline = true;
  f.round1_complete = true;
  f.window_due = true;
  f.later_close_time = true;
  f.reason_given = true;
  f.council = council_outcome::approved;
  return f;
}

TEST(state_machine, the_happy_path_goes_through_every_stage) {
  auto f = permissive();
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).value(),
            stage::round1);
  f.flagged = 2;
  EXPECT_EQ(decide(stage::round1, event::open_window, role::appraiser, false, f).value(),
            stage::explanation_window);
  EXPECT_EQ(
      decide(stage::explanation_window, event::auto_close_window, std::nullopt, true, f).value(),
      stage::round2);
  EXPECT_EQ(decide(stage::round2, event::complete_round2, role::appraiser, false, f).value(),
            stage::council);
  f.council = council_outcome::returned;
  EXPECT_EQ(decide(stage::council, event::vote_return, role::council_member, false, f).value(),
            stage::round2);
  f.council = council_outcome::approved;
  EXPECT_EQ(decide(stage::council, event::vote_approve, role::council_member, false, f).value(),
            stage::approved);
  EXPECT_EQ(decide(stage::approved, event::publish, role::secretariat, false, f).value(),
            stage::published);
}

TEST(state_machine, guards_name_the_rule_that_refused) {
  guard_facts f;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).error(),
            errc::deadline_passed);
  EXPECT_EQ(decide(stage::round1, event::complete_round1, role::appraiser, false, f).error(),
            errc::round1_incomplete);
  f.round1_complete = true;
  f.flagged = 1;
  EXPECT_EQ(decide(stage::round1, event::complete_round1, role::appraiser, false, f).error(),
            errc::flagged_leaves);
  f.flagged = 0;
  EXPECT_EQ(decide(stage::round1, event::open_window, role::appraiser, false, f).error(),
            errc::no_flagged_leaves);
  EXPECT_EQ(decide(stage::round1, event::complete_round1, role::appraiser, false, f).value(),
            stage::round2);
  EXPECT_EQ(
      decide(stage::explanation_window, event::extend_window, role::secretariat, false, f).error(),
      errc::reason_required);
  f.reason_given = true;
  EXPECT_EQ(
      decide(stage::explanation_window, event::extend_window, role::secretariat, false, f).error(),
      errc::invalid_time);
  EXPECT_EQ(decide(stage::council, event::vote_approve, role::council_member, false, f).value(),
            stage::council)
      << "an approval that does not meet the rule keeps the file in council";
  f.before_deadline = true;
  f.self_scores_missing = 3;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).error(),
            errc::self_scores_missing);
  f.missing_confirmed = true;
  EXPECT_EQ(decide(stage::self_assessment, event::submit, role::agency_head, false, f).value(),
            stage::round1);
  f.historical_missing = 2;
  EXPECT_EQ(
      decide(stage::historical, event::approve_historical, role::secretariat, false, f).error(),
      errc::historical_incomplete);
  EXPECT_EQ(decide(stage::self_assessment, event::auto_submit, std::nullopt, true,
                   guard_facts{.before_deadline = true})
                .error(),
            errc::wrong_stage)
      << "the clock does not submit before the deadline";
}

// Facts under which the given guard holds.
guard_facts facts_for(guard g) {
  auto f = permissive();
  if (g == guard::after_deadline) f.before_deadline = false;
  if (g == guard::round1_done_some_flagged) f.flagged = 1;
  if (g == guard::council_returns) f.council = council_outcome::returned;
  if (g == guard::council_undecided) f.council = council_outcome::undecided;
  return f;
}

TEST(state_machine, every_transition_not_in_the_table_is_refused) {
  const auto f = permissive();
  int allowed = 0, refused = 0;
  for (auto s : all_stages)
    for (auto e : all_events) {
      for (auto r : auth::all_roles) {
        const transition* row = nullptr;
        for (const auto& t : transitions())
          if (!row && t.from == s && t.on == e && (t.roles & (1u << static_cast<int>(r)))) row = &t;
        auto d = decide(s, e, r, false, row ? facts_for(row->condition) : f);
        if (row) {
          EXPECT_TRUE(d) << to_string(s) << " " << to_string(e) << " by " << auth::to_string(r);
          ++allowed;
        } else {
          ASSERT_FALSE(d) << to_string(s) << " " << to_string(e) << " by " << auth::to_string(r);
          EXPECT_TRUE(d.error() == errc::wrong_stage || d.error() == errc::wrong_role);
          ++refused;
        }
      }
      const transition* system_row = nullptr;
      for (const auto& t : transitions())
        if (!system_row && t.from == s && t.on == e && t.system) system_row = &t;
      EXPECT_EQ(decide(s, e, std::nullopt, true, system_row ? facts_for(system_row->condition) : f)
                    .has_value(),
                system_row != nullptr)
          << to_string(s) << " " << to_string(e);
    }
  EXPECT_GT(allowed, 10);
  EXPECT_GT(refused, 500);
  // Nothing leaves published.
  for (auto e : all_events)
    for (auto r : auth::all_roles) EXPECT_FALSE(decide(stage::published, e, r, false, f));
}

TEST(edit_rules, each_field_is_edited_in_its_stage_by_its_roles) {
  EXPECT_TRUE(may_edit(leaf_field::self_score, stage::self_assessment, role::agency_editor));
  EXPECT_EQ(may_edit(leaf_field::self_score, stage::round1, role::agency_editor).error(),
            errc::wrong_stage);
  EXPECT_EQ(may_edit(leaf_field::self_score, stage::self_assessment, role::appraiser).error(),
            errc::wrong_role);
  EXPECT_TRUE(may_edit(leaf_field::round1_score, stage::round1, role::appraiser));
  EXPECT_EQ(may_edit(leaf_field::round1_score, stage::round1, role::agency_head).error(),
            errc::wrong_role);
  EXPECT_TRUE(
      may_edit(leaf_field::explanation_response, stage::explanation_window, role::agency_head));
  EXPECT_EQ(may_edit(leaf_field::self_score, stage::explanation_window, role::agency_head).error(),
            errc::wrong_stage);
  EXPECT_TRUE(may_edit(leaf_field::round2_score, stage::round2, role::appraiser));
  for (auto r : auth::all_roles)
    EXPECT_FALSE(may_edit(leaf_field::round2_score, stage::approved, r));
}

TEST(state_machine, docs_workflow_md_is_generated_from_the_table) {
  const std::string path = std::string{PARIX_SOURCE_DIR} + "/docs/workflow.md";
  const auto expected = render_workflow_doc();
  if (std::getenv("PARIX_UPDATE_DOCS")) std::ofstream{path} << expected;
  std::ifstream in{path};
  std::stringstream actual;
  actual << in.rdbuf();
  EXPECT_EQ(actual.str(), expected)
      << "docs/workflow.md is out of date: run PARIX_UPDATE_DOCS=1 parix_workflow_tests";
}

}  // namespace
}  // namespace parix::workflow
