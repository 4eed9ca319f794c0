// Criteria below maximum: for each leaf, the units that did not reach its maximum.
#include <algorithm>

#include "workflow/reports/report_builders.hpp"

namespace parix::workflow {
namespace {

// The remark that explains the final score: round two's when round two scored the leaf
// and said something, else round one's.
std::string remark_of(const leaf_facts& f, const leaf_remarks& r) {
  if (f.round2_score && r.round2 && !r.round2->empty()) return *r.round2;
  return r.round1.value_or("");
}

}  // namespace

below_maximum_builder::below_maximum_builder(std::optional<std::string> group,
                                             std::optional<std::string> unit)
    : group_(std::move(group)), unit_(std::move(unit)) {}

void below_maximum_builder::add(const scored_file& f, const campaign_group& g,
                                std::span<const leaf_facts> facts,
                                std::span<const leaf_remarks> remarks) {
  if (group_ && g.record.key != *group_) return;
  if (unit_ && f.unit.code != *unit_) return;
  if (by_leaf_.size() <= f.group) by_leaf_.resize(f.group + 1);
  auto& leaves = by_leaf_[f.group];
  leaves.resize(g.set->nodes.size());
  const std::size_t unit = units_.size();
  bool listed = false;
  for (std::size_t i = 0; i < g.set->nodes.size(); ++i) {
    const auto& n = g.set->nodes[i];
    if (!n.leaf() || facts[i].not_evaluated) continue;
    const auto score = final_score(n, facts[i]);
    const points achieved = score.value_or(points{});
    if (achieved >= n.max) continue;
    leaves[i].push_back({unit, facts[i].self_score, score, n.max - achieved,
                         i < remarks.size() ? remark_of(facts[i], remarks[i]) : std::string{}});
    listed = true;
  }
  if (listed) units_.push_back({f.unit.code, f.unit.name, g.record.key});
}

below_maximum_report below_maximum_builder::finish(const campaign_scores& s,
                                                   std::span<const std::size_t> groups,
                                                   shortfall_order order) && {
  below_maximum_report out;
  out.heading = heading_of(s.campaign);
  out.order = order;
  // Each unit's place in code order, so that sorting a leaf's million-row lists compares
  // integers rather than codes (a unit has one file, so codes do not repeat).
  std::vector<std::size_t> by_code(units_.size());
  for (std::size_t i = 0; i < by_code.size(); ++i) by_code[i] = i;
  std::ranges::sort(by_code,
                    [&](std::size_t a, std::size_t b) { return units_[a].code < units_[b].code; });
  std::vector<std::size_t> code_rank(units_.size());
  for (std::size_t i = 0; i < by_code.size(); ++i) code_rank[by_code[i]] = i;
  for (auto gi : groups) {
    const auto& g = s.groups[gi];
    below_maximum_group group{group_of(g), {}};
    for (std::size_t i = 0; gi < by_leaf_.size() && i < by_leaf_[gi].size(); ++i) {
      auto& units = by_leaf_[gi][i];
      if (units.empty()) continue;
      const auto& n = g.set->nodes[i];
      leaf_shortfalls leaf{
          n.code, n.title, g.set->responsible(i), n.method.value_or(scoring_method::self),
          n.max,  {},      std::move(units)};
      for (const auto& u : leaf.units) leaf.lost += u.lost;
      std::stable_sort(leaf.units.begin(), leaf.units.end(), [&](const auto& a, const auto& b) {
        if (a.lost != b.lost) return a.lost > b.lost;
        return code_rank[a.unit] < code_rank[b.unit];
      });
      group.leaves.push_back(std::move(leaf));
    }
    if (order == shortfall_order::points_lost)
      std::stable_sort(group.leaves.begin(), group.leaves.end(),
                       [](const auto& a, const auto& b) { return a.lost > b.lost; });
    out.groups.push_back(std::move(group));
  }
  out.units = std::move(units_);
  return out;
}

}  // namespace parix::workflow
