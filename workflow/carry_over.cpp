// Carrying last year's explanations and evidence offers into a successor's files, and the
// agency's confirmation of a carried explanation.
#include "workflow/carry_over.hpp"

#include <map>
#include <set>

#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/campaign_records.hpp"
#include "storage/carry_over_records.hpp"
#include "storage/criteria_records.hpp"
#include "storage/evidence_records.hpp"
#include "workflow/assessment_service.hpp"
#include "workflow/criteria_service.hpp"

namespace parix::workflow {
namespace {

const criteria_set& set_of(storage::connection& c, std::map<std::int64_t, criteria_set>& sets,
                           std::int64_t group_id) {
  const auto set_id = storage::find_unit_group(c, group_id)->criteria_set_id;
  auto it = sets.find(set_id);
  if (it == sets.end())
    it = sets.emplace(set_id, load_criteria_set(c, *storage::find_criteria_set(c, set_id))).first;
  return it->second;
}

}  // namespace

carried_totals carry_over(storage::connection& c, const auth::actor& by, std::int64_t from,
                          std::int64_t to, storage::millis now) {
  carried_totals total;
  std::map<std::int64_t, storage::assessment_record> last_year;  // by unit
  for (auto& a : storage::campaign_assessments(c, from)) last_year[a.unit_id] = a;
  std::map<std::int64_t, criteria_set> sets;  // by set id
  for (const auto& file : storage::campaign_assessments(c, to)) {
    auto old = last_year.find(file.unit_id);
    if (old == last_year.end()) continue;
    const auto& old_set = set_of(c, sets, old->second.group_id);
    const auto& new_set = set_of(c, sets, file.group_id);
    std::map<std::string, storage::leaf_value_record> old_values;
    for (auto& v : storage::leaf_values(c, old->second.id)) old_values[v.code] = std::move(v);
    carried_totals here;
    for (const auto& node : new_set.nodes) {
      if (!node.leaf()) continue;
      const auto* before = old_set.find(node.code);
      // Same code and title: the same question, so last year's answer may still hold.
      if (!before || !before->leaf() || before->title != node.title) continue;
      auto v = old_values.find(node.code);
      if (v != old_values.end() && v->second.self_explanation &&
          v->second.self_explanation->find_first_not_of(" \t\r\n") != std::string::npos) {
        storage::leaf_value_record next;
        next.assessment_id = file.id;
        next.code = node.code;
        next.self_explanation = v->second.self_explanation;
        next.carried_over = true;
        next.updated_at = now;
        storage::save_leaf_value(c, next);
        ++here.texts;
      }
      // The same content sealed twice (self-assessment, then the window) is offered once.
      std::set<std::string> offered;
      for (const auto& f : storage::leaf_evidence_files(c, old->second.id, node.code,
                                                        storage::evidence_file_state::sealed)) {
        if (!offered.insert(f.blob_sha256).second) continue;
        storage::carried_evidence_record r;
        r.assessment_id = file.id;
        r.criterion_code = node.code;
        r.source_file_id = f.id;
        storage::insert_carried_evidence(c, r);
        ++here.files;
      }
    }
    if (here.texts == 0 && here.files == 0) continue;
    auto e = auth::audit_by(by, "assessment.carried_over", "assessment/" + std::to_string(file.id));
    e.campaign_id = file.campaign_id;
    e.unit_id = file.unit_id;
    e.assessment_id = file.id;
    e.new_value = std::to_string(here.texts) + " explanations and " + std::to_string(here.files) +
                  " evidence files from assessment/" + std::to_string(old->second.id) +
                  ", to be confirmed";
    storage::append_audit(c, e, now);
    total.texts += here.texts;
    total.files += here.files;
  }
  return total;
}

result<leaf_view> assessment_service::confirm_carried_text(const auth::actor& a, std::int64_t id,
                                                           std::string_view code,
                                                           refusal_detail* why) {
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  auto settle = settler(a, id);
  return db_.write_result_after(settle, [&](storage::connection& c) -> result<leaf_view> {
    // The rule for writing the explanation itself: the unit's agency users, in
    // self-assessment, before the deadline (+ grace).
    auto permit = permit_leaf_change(c, a, id, code, leaf_field::self_explanation, detail);
    if (!permit) return permit.error();
    const auto at = storage::to_millis(permit->now);
    if (!storage::confirm_carried_text(c, id, code, at)) return errc::not_carried_over;
    storage::touch_assessment(c, id);
    auto v = storage::find_leaf_value(c, id, code);
    auto e = auth::audit_by(a, "leaf.carried_over",
                            "assessment/" + std::to_string(id) + "/leaf/" + std::string{code});
    e.campaign_id = permit->file.campaign_id;
    e.unit_id = permit->file.unit_id;
    e.assessment_id = id;
    e.criterion_code = std::string{code};
    e.old_value = "1";
    e.new_value = "0";
    e.reason = "last year's explanation confirmed";
    if (permit->late) e.reason = *e.reason + " (late: in the grace period)";
    storage::append_audit(c, e, at);
    return leaf_view{*permit->file.set->find(code), *v, storage::claimable_leaf(c, id, code)};
  });
}

}  // namespace parix::workflow
