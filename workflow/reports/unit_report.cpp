// One unit's detailed result: every node with its values, subtotals and sealed evidence.
#include <map>

#include "workflow/reports/report_builders.hpp"

namespace parix::workflow {
namespace {

std::optional<points> pts(const std::optional<std::int64_t>& u) {
  return u ? std::optional{points::from_units(*u)} : std::nullopt;
}

leaf_facts facts_of(const storage::leaf_value_record& v) {
  return {v.not_evaluated, pts(v.self_score), pts(v.round1_score), pts(v.round2_score),
          pts(v.imported_score)};
}

// The sealed versions of each leaf, from rows ordered by leaf, version, file.
std::map<std::string, std::vector<sealed_version>, std::less<>> versions_by_leaf(
    const std::vector<storage::sealed_evidence_row>& rows) {
  std::map<std::string, std::vector<sealed_version>, std::less<>> out;
  for (const auto& r : rows) {
    auto& versions = out[r.criterion_code];
    if (versions.empty() || versions.back().version != r.version)
      versions.push_back(
          {r.version, r.stage, r.archive_sha256, r.sealed_by, r.archive_size, r.sealed_at, {}});
    versions.back().files.push_back(
        {r.file_name, r.file_sha256, r.file_size, r.doc_number, r.doc_date});
  }
  return out;
}

}  // namespace

unit_report make_unit_report(unit_report_input in) {
  unit_report out;
  out.heading = std::move(in.heading);
  out.group = std::move(in.group);
  out.unit_code = in.unit.code;
  out.unit_name = in.unit.name;
  out.state = in.file.state;
  out.set = in.set;
  out.adjustments = std::move(in.adjustments);
  out.publication = std::move(in.publication);
  const auto& set = *in.set;

  std::map<std::string, leaf_facts, std::less<>> facts;
  std::map<std::string, storage::leaf_value_record, std::less<>> values;
  for (auto& v : in.values) {
    facts[v.code] = facts_of(v);
    values[v.code] = std::move(v);
  }
  points adjustments;
  for (const auto& a : out.adjustments) adjustments += points::from_units(a.points);
  out.score = score_assessment(set, facts, adjustments, in.bands);
  auto evidence = versions_by_leaf(in.evidence);

  // Leaves first, then parents' subtotals bottom-up (a parent comes before its children).
  out.nodes.resize(set.nodes.size());
  for (std::size_t i = set.nodes.size(); i-- > 0;) {
    const auto& n = set.nodes[i];
    auto& line = out.nodes[i];
    line.node = &n;
    line.responsible = set.responsible(i);
    if (n.leaf()) {
      if (auto v = values.find(n.code); v != values.end()) line.value = v->second;
      line.value.code = n.code;
      const auto f = facts_of(line.value);
      line.final_score = final_score(n, f);
      if (auto e = evidence.find(n.code); e != evidence.end()) line.evidence = std::move(e->second);
      if (f.not_evaluated) continue;
      line.applicable_max = n.max;
      line.achieved = line.final_score.value_or(points{});
      if (n.method.value_or(scoring_method::self) == scoring_method::self)
        line.self_total = f.self_score.value_or(points{});
    } else {
      for (auto c : n.children) {
        line.applicable_max += out.nodes[c].applicable_max;
        line.achieved += out.nodes[c].achieved;
        line.self_total += out.nodes[c].self_total;
      }
    }
  }
  return out;
}

}  // namespace parix::workflow
