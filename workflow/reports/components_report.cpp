// Component indices: each unit's index in each field, the group's mean, best and worst.
#include <algorithm>

#include "workflow/reports/report_builders.hpp"

namespace parix::workflow {
namespace {

// Ranks of the units' indices in one field (ties share a rank; undefined: 0).
std::vector<int> field_ranks(const std::vector<component_line>& lines, std::size_t field) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].fields[field].index().defined()) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return lines[a].fields[field].index() > lines[b].fields[field].index();
  });
  std::vector<int> ranks(lines.size(), 0);
  for (std::size_t k = 0; k < order.size(); ++k)
    ranks[order[k]] =
        k > 0 && lines[order[k]].fields[field].index() == lines[order[k - 1]].fields[field].index()
            ? ranks[order[k - 1]]
            : static_cast<int>(k) + 1;
  return ranks;
}

// The units with the highest (best) or lowest index in the field.
std::optional<component_extreme> extreme(const std::vector<component_line>& lines,
                                         std::size_t field, bool best) {
  std::optional<component_extreme> out;
  for (const auto& line : lines) {
    const auto index = line.fields[field].index();
    if (!index.defined()) continue;
    if (!out || (best ? index > out->index : index < out->index))
      out = component_extreme{index, {line.unit_code}};
    else if (index == out->index)
      out->units.push_back(line.unit_code);
  }
  return out;
}

}  // namespace

components_report make_components_report(const campaign_scores& s,
                                         std::span<const std::size_t> groups) {
  components_report out;
  out.heading = heading_of(s.campaign);
  for (auto gi : groups) {
    const auto& g = s.groups[gi];
    components_group c;
    c.group = group_of(g);
    for (auto root : g.set->roots) {
      const auto& n = g.set->nodes[root];
      component_field f{n.code, n.title, n.max, {}, std::nullopt, std::nullopt};
      for (const auto& fi : g.fields)
        if (fi.code == n.code) f.mean = fi.index;
      c.fields.push_back(std::move(f));
    }
    for (auto i : g.files) {
      const auto& file = s.files[i];
      // A score's fields are the set's fields in order, like c.fields.
      c.lines.push_back(
          {file.unit.code, file.unit.name, file.rank, file.score.index(), file.score.fields, {}});
    }
    for (std::size_t k = 0; k < c.fields.size(); ++k) {
      const auto ranks = field_ranks(c.lines, k);
      for (std::size_t i = 0; i < c.lines.size(); ++i) c.lines[i].field_ranks.push_back(ranks[i]);
      c.fields[k].best = extreme(c.lines, k, true);
      c.fields[k].worst = extreme(c.lines, k, false);
    }
    out.groups.push_back(std::move(c));
  }
  return out;
}

}  // namespace parix::workflow
