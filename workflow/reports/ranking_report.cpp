// The ranking annex, the heading and group facts every report shares, and exact means.
#include "workflow/reports/report_builders.hpp"

namespace parix::workflow {

std::string points_mean::to_string(int decimals) const {
  if (n == 0) return "";
  // sum / n ten-thousandths = sum / (n × 10,000 × 100) × 100 %: percentage rounds that
  // ratio half up at the last step, so the mean is formatted by the same exact code.
  return percentage{points::from_units(sum), points::from_units(std::int64_t{n} * 1'000'000)}
      .to_string(decimals);
}

report_heading heading_of(const storage::campaign_record& c) {
  return {c.id, c.year, c.name, c.time_zone};
}

report_group group_of(const campaign_group& g) {
  return {g.record.key, g.record.name, g.set->key, g.set->name, g.published, g.decision};
}

ranking_report make_ranking_report(const campaign_scores& s, std::span<const std::size_t> groups) {
  ranking_report out;
  out.heading = heading_of(s.campaign);
  for (auto gi : groups) {
    const auto& g = s.groups[gi];
    ranking_group r;
    r.group = group_of(g);
    const auto summary = g.set->summary();
    r.has_survey = summary.survey_total > points{};
    r.has_external = summary.external_total > points{};
    for (auto i : g.files) {
      const auto& f = s.files[i];
      ranking_line line{f.unit.code, f.unit.name, f.record.state, f.score, f.rank};
      r.has_adjustments = r.has_adjustments || f.score.adjustments != points{};
      auto& m = r.means;
      m.self_assessed.add(line.self_assessed());
      m.appraised.add(line.appraised());
      m.survey.add(line.survey());
      m.external.add(line.external());
      m.adjustments.add(f.score.adjustments);
      m.total.add(f.score.achieved);
      m.applicable_max.add(f.score.applicable_max);
      m.index.add(f.score.index());
      r.lines.push_back(std::move(line));
    }
    out.groups.push_back(std::move(r));
  }
  return out;
}

}  // namespace parix::workflow
