// Scoring arithmetic.
#include "workflow/scoring.hpp"

namespace parix::workflow {

std::optional<points> final_score(const criterion_node& leaf, const leaf_facts& f) {
  if (leaf.method.value_or(scoring_method::self) != scoring_method::self) return f.imported_score;
  if (f.round2_score) return f.round2_score;
  return f.round1_score;
}

std::vector<band> default_bands() {
  return {{points::whole(85), "Tốt"},
          {points::whole(75), "Khá"},
          {points::whole(50), "Trung bình"},
          {points::whole(40), "Yếu"},
          {points::whole(0), "Kém"}};
}

std::string classify(const percentage& index, const std::vector<band>& bands) {
  for (const auto& b : bands)
    if (index.at_least(b.min_percent)) return b.label;
  return bands.empty() ? "" : bands.back().label;
}

assessment_score score_assessment(const criteria_set& set,
                                  const std::map<std::string, leaf_facts, std::less<>>& values,
                                  points adjustments, const std::vector<band>& bands) {
  std::vector<leaf_facts> by_node(set.nodes.size());
  for (std::size_t i = 0; i < set.nodes.size(); ++i)
    if (auto it = values.find(set.nodes[i].code); it != values.end()) by_node[i] = it->second;
  return score_assessment(set, by_node, adjustments, bands);
}

assessment_score score_assessment(const criteria_set& set, std::span<const leaf_facts> by_node,
                                  points adjustments, const std::vector<band>& bands) {
  // Post-order over the tree: a node's achieved and applicable max are its leaves' sums.
  std::vector<node_score> by_index(set.nodes.size());
  assessment_score out;
  static const leaf_facts empty;
  for (std::size_t i = set.nodes.size(); i-- > 0;) {
    const auto& n = set.nodes[i];
    auto& s = by_index[i];
    s.code = n.code;
    if (n.leaf()) {
      const leaf_facts& f = i < by_node.size() ? by_node[i] : empty;
      if (f.not_evaluated) continue;
      s.applicable_max = n.max;
      s.achieved = final_score(n, f).value_or(points{});
      const auto method = n.method.value_or(scoring_method::self);
      if (method != scoring_method::self) out.survey_achieved += s.achieved;
      if (method == scoring_method::external) out.external_achieved += s.achieved;
      if (method == scoring_method::self && f.self_score) out.self_assessed += *f.self_score;
    } else {
      for (auto c : n.children) {
        s.achieved += by_index[c].achieved;
        s.applicable_max += by_index[c].applicable_max;
      }
    }
  }
  for (std::size_t i = 0; i < set.nodes.size(); ++i) {
    const int depth = set.nodes[i].depth();
    if (depth == 1) {
      out.fields.push_back(by_index[i]);
      out.achieved_before_adjustments += by_index[i].achieved;
      out.applicable_max += by_index[i].applicable_max;
    } else if (depth == 2) {
      out.criteria.push_back(by_index[i]);
    }
  }
  out.adjustments = adjustments;
  out.achieved = out.achieved_before_adjustments + adjustments;
  out.classification = classify(out.index(), bands);
  return out;
}

council_outcome council_decision(const approval_rule& rule, int approvals, int returns,
                                 int members) {
  const std::int64_t num = rule.unanimity ? 1 : rule.num, den = rule.unanimity ? 1 : rule.den;
  const std::int64_t quorum = rule.unanimity ? 0 : rule.quorum;
  if (members <= 0 || approvals + returns < quorum) return council_outcome::undecided;
  if (approvals * den >= members * num) return council_outcome::approved;
  if (returns * den > members * (den - num)) return council_outcome::returned;
  return council_outcome::undecided;
}

}  // namespace parix::workflow
