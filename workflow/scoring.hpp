// Scores of one assessment from its criteria tree and leaf values: achieved and
// applicable maximum per field, criterion and file, the index and the class; and
// rankings across units. Pure functions over exact points.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "workflow/criteria.hpp"
#include "workflow/points.hpp"

namespace parix::workflow {

struct leaf_facts {
  bool not_evaluated = false;
  std::optional<points> self_score, round1_score, round2_score, imported_score;
};

// The final score of a leaf: for self leaves the latest appraised score (round two,
// else round one, else nothing yet); for survey and external leaves the imported one.
std::optional<points> final_score(const criterion_node& leaf, const leaf_facts& f);

struct band {
  points min_percent;  // the index must be at least this
  std::string label;
};
// Tốt ≥ 85, Khá ≥ 75, Trung bình ≥ 50, Yếu ≥ 40, else Kém (the 2024 scheme).
std::vector<band> default_bands();
// The label of the first band (highest first) the index reaches; the last band's label
// when none is reached.
std::string classify(const percentage& index, const std::vector<band>& bands);

struct node_score {
  std::string code;
  points achieved;
  points applicable_max;  // not-evaluated leaves removed
  percentage index() const { return {achieved, applicable_max}; }
};

struct assessment_score {
  std::vector<node_score> fields;    // depth 1, in order
  std::vector<node_score> criteria;  // depth 2, in order
  points achieved_before_adjustments;
  points adjustments;
  points achieved;  // with adjustments
  points applicable_max;
  points survey_achieved;    // survey + external leaves, for the ranking table
  points external_achieved;  // the external (SIPAS) part of survey_achieved
  points self_assessed;      // the agency's own scores on applicable self leaves
  std::string classification;
  percentage index() const { return {achieved, applicable_max}; }
};

// values: leaf code → facts (missing leaves count as empty).
assessment_score score_assessment(const criteria_set& set,
                                  const std::map<std::string, leaf_facts, std::less<>>& values,
                                  points adjustments, const std::vector<band>& bands);

// The same from facts indexed like set.nodes (entries of parents are ignored): the form
// rankings use, with no lookup by code per leaf.
assessment_score score_assessment(const criteria_set& set, std::span<const leaf_facts> by_node,
                                  points adjustments, const std::vector<band>& bands);

// The council's rule over the votes of one council round (A approvals, R returns, M
// members of the campaign's council): nothing is decided while fewer than quorum
// members have voted; then approved when A × den ≥ M × num, returned when R × den >
// M × (den − num), that is once approval can no longer be reached; else undecided.
// Unanimity is 1/1: every member approves, and one return sends the file back. The two
// outcomes exclude each other (A + R ≤ M). docs/workflow.md says it for people.
struct approval_rule {
  bool unanimity = true;
  std::int64_t num = 1, den = 1;
  std::int64_t quorum = 1;
};
enum class council_outcome { undecided, approved, returned };
council_outcome council_decision(const approval_rule& rule, int approvals, int returns,
                                 int members);

}  // namespace parix::workflow
