// Year over year: each unit's index, class and rank beside last year's, matched by the
// unit's code, or by the units it was formed from when its code is new (docs/reports.md).
#include <map>
#include <set>

#include "workflow/reports/report_builders.hpp"

namespace parix::workflow {
namespace {

year_figures figures_of(const campaign_scores& s, const scored_file& f) {
  return {f.unit.code,
          f.unit.name,
          s.groups[f.group].record.key,
          f.score.index(),
          f.score.classification,
          f.rank,
          f.score.fields};
}

std::optional<std::int64_t> change(const percentage& now, const percentage& before) {
  if (!now.defined() || !before.defined()) return std::nullopt;
  return hundredths(now) - hundredths(before);
}

// This year's fields against last year's, matched by field code.
std::vector<std::optional<std::int64_t>> field_changes(const year_figures& now,
                                                       const year_figures& before) {
  std::vector<std::optional<std::int64_t>> out;
  for (const auto& f : now.fields) {
    std::optional<std::int64_t> c;
    for (const auto& b : before.fields)
      if (b.code == f.code) c = change(f.index(), b.index());
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::int64_t hundredths(const percentage& p) {
  std::string digits;
  for (char c : p.to_string(2))
    if (c != '.') digits += c;
  return digits.empty() ? 0 : std::stoll(digits);
}

std::string signed_hundredths(std::int64_t h) {
  const auto magnitude = h < 0 ? -h : h;
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return std::string{h > 0   ? "+"
                     : h < 0 ? "-"
                             : ""} +
         std::to_string(magnitude / 100) + "." + cents;
}

year_over_year_report make_year_over_year_report(
    const campaign_scores& now, const campaign_scores& before, std::span<const std::size_t> groups,
    const std::multimap<std::int64_t, std::int64_t>& origins, bool with_gone) {
  year_over_year_report out;
  out.heading = heading_of(now.campaign);
  out.previous = heading_of(before.campaign);
  std::map<std::int64_t, const scored_file*> last_year;  // by unit id
  for (const auto& f : before.files) last_year[f.unit.id] = &f;
  std::set<std::int64_t> accounted;  // last year's units shown beside a unit of this year

  for (const auto& f : now.files) {
    accounted.insert(f.unit.id);
    for (auto [it, end] = origins.equal_range(f.unit.id); it != end; ++it)
      accounted.insert(it->second);
  }
  for (auto gi : groups) {
    const auto& g = now.groups[gi];
    year_group yg;
    yg.group = group_of(g);
    for (auto root : g.set->roots)
      yg.fields.push_back({g.set->nodes[root].code, g.set->nodes[root].title});
    for (auto i : g.files) {
      const auto& f = now.files[i];
      year_line line;
      line.current = figures_of(now, f);
      if (auto same = last_year.find(f.unit.id); same != last_year.end()) {
        line.link = year_link::same_code;
        line.previous = figures_of(before, *same->second);
        line.index_change = change(line.current->index, line.previous->index);
        line.rank_change = line.previous->rank - line.current->rank;
        line.field_changes = field_changes(*line.current, *line.previous);
      } else {
        for (auto [it, end] = origins.equal_range(f.unit.id); it != end; ++it)
          if (auto o = last_year.find(it->second); o != last_year.end())
            line.origins.push_back(figures_of(before, *o->second));
        line.link = line.origins.empty() ? year_link::new_unit : year_link::formed_from;
        line.field_changes.assign(line.current->fields.size(), std::nullopt);
      }
      yg.lines.push_back(std::move(line));
    }
    out.groups.push_back(std::move(yg));
  }
  if (with_gone)
    for (const auto& g : before.groups)
      for (auto i : g.files) {
        const auto& f = before.files[i];
        if (accounted.contains(f.unit.id)) continue;
        year_line line;
        line.link = year_link::gone;
        line.previous = figures_of(before, f);
        out.gone.push_back(std::move(line));
      }
  return out;
}

}  // namespace parix::workflow
