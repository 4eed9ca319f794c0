// Campaign set-up.
#include "workflow/campaign_service.hpp"

#include <boost/json.hpp>

#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/criteria_records.hpp"
#include "storage/unit_records.hpp"
#include "storage/user_records.hpp"
#include "workflow/criteria_service.hpp"

namespace parix::workflow {

std::string bands_to_json(const std::vector<band>& bands) {
  boost::json::array a;
  for (const auto& b : bands) a.push_back({{"min", b.min_percent.to_string()}, {"label", b.label}});
  return boost::json::serialize(a);
}

std::vector<band> bands_from_json(const std::string& json) {
  std::vector<band> out;
  const auto parsed = boost::json::parse(json);
  for (const auto& v : parsed.as_array())
    out.push_back({points::parse(v.at("min").as_string()).value_or(points{}),
                   std::string{v.at("label").as_string()}});
  return out;
}

approval_rule rule_of(const storage::campaign_record& c) {
  return {c.approval_rule == "unanimity", c.approval_num, c.approval_den, c.quorum};
}

result<campaign_view> campaign_service::create(const auth::actor& by, const campaign_spec& spec,
                                               spec_problem* problem) {
  auto refuse = [&](errc e, std::string field, std::string detail) -> result<campaign_view> {
    if (problem) *problem = {std::move(field), std::move(detail)};
    return e;
  };
  if (spec.name.empty()) return refuse(errc::invalid_time, "name", "the name is empty");
  if (!zone_offset(spec.time_zone))
    return refuse(errc::invalid_time, "time_zone", "use Asia/Ho_Chi_Minh, UTC or +HH:MM");
  if (!(spec.self_deadline <= spec.round1_end && spec.round1_end <= spec.round2_end &&
        spec.round2_end <= spec.council_date))
    return refuse(errc::invalid_time, "schedule",
                  "self_deadline ≤ round1_end ≤ round2_end ≤ council_date must hold");
  if (spec.bands.empty()) return refuse(errc::invalid_score, "bands", "at least one band");
  for (std::size_t i = 1; i < spec.bands.size(); ++i)
    if (!(spec.bands[i].min_percent < spec.bands[i - 1].min_percent))
      return refuse(errc::invalid_score, "bands", "thresholds must fall from the first band on");
  if (!spec.rule.unanimity && (spec.rule.num <= 0 || spec.rule.den <= 0 ||
                               spec.rule.num > spec.rule.den || spec.rule.quorum <= 0))
    return refuse(errc::invalid_score, "approval", "a fraction num/den in (0, 1] and a quorum ≥ 1");
  if (spec.groups.empty()) return refuse(errc::criteria_set_not_found, "groups", "no unit group");

  const auto now = storage::to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<campaign_view> {
    storage::campaign_record r;
    r.year = spec.year;
    r.name = spec.name;
    r.time_zone = spec.time_zone;
    r.self_deadline = storage::to_millis(spec.self_deadline);
    r.round1_end = storage::to_millis(spec.round1_end);
    r.window_length_seconds = spec.window_length.count();
    r.round2_end = storage::to_millis(spec.round2_end);
    r.council_date = storage::to_millis(spec.council_date);
    r.grace_seconds = spec.grace.count();
    r.approval_rule = spec.rule.unanimity ? "unanimity" : "fraction";
    r.approval_num = spec.rule.num;
    r.approval_den = spec.rule.den;
    r.quorum = spec.rule.quorum;
    r.bands_json = bands_to_json(spec.bands);
    r.created_at = now;
    r.id = storage::insert_campaign(c, r);

    std::map<std::string, std::pair<std::int64_t, criteria_set>>
        unit_set;  // unit code → assessment, set
    for (const auto& g : spec.groups) {
      auto set = storage::find_criteria_set_by_key(c, g.criteria_set_key);
      if (!set) return refuse(errc::criteria_set_not_found, "groups", g.criteria_set_key);
      const auto group_id = storage::insert_unit_group(c, {0, r.id, g.key, g.name, set->id});
      auto tree = load_criteria_set(c, *set);
      for (const auto& code : g.unit_codes) {
        auto unit = storage::find_unit_by_code(c, code);
        if (!unit) return refuse(errc::unknown_criterion, "groups.units", "no unit " + code);
        if (unit_set.contains(code))
          return refuse(errc::unknown_criterion, "groups.units", code + " is in two groups");
        const auto assessment =
            storage::insert_assessment(c, {0, r.id, unit->id, group_id, "self_assessment", 1, 1});
        unit_set[code] = {assessment, tree};
      }
    }
    for (const auto& ne : spec.not_evaluated_leaves) {
      auto it = unit_set.find(ne.unit_code);
      if (it == unit_set.end())
        return refuse(errc::unknown_criterion, "not_evaluated",
                      "no unit " + ne.unit_code + " in the campaign");
      const auto* node = it->second.second.find(ne.criterion_code);
      if (!node || !node->leaf())
        return refuse(errc::unknown_criterion, "not_evaluated",
                      ne.criterion_code + " is not a leaf");
      if (ne.reason.empty())
        return refuse(errc::reason_required, "not_evaluated", ne.criterion_code);
      storage::leaf_value_record l;
      l.assessment_id = it->second.first;
      l.code = ne.criterion_code;
      l.not_evaluated = true;
      l.not_evaluated_reason = ne.reason;
      l.updated_at = now;
      storage::save_leaf_value(c, l);
      auto e = auth::audit_by(by, "leaf.not_evaluated",
                              "assessment/" + std::to_string(l.assessment_id) + "/leaf/" + l.code);
      e.campaign_id = r.id;
      e.assessment_id = l.assessment_id;
      e.criterion_code = l.code;
      e.new_value = "1";
      e.reason = ne.reason;
      storage::append_audit(c, e, now);
    }
    for (const auto& a : spec.assignments) {
      auto user = storage::find_user_by_name(c, a.username);
      if (!user || user->role != "appraiser")
        return refuse(errc::not_assigned, "assignments", a.username + " is not an appraiser");
      std::optional<std::int64_t> unit_id;
      if (a.unit_code) {
        auto unit = storage::find_unit_by_code(c, *a.unit_code);
        if (!unit) return refuse(errc::unknown_criterion, "assignments", "no unit " + *a.unit_code);
        unit_id = unit->id;
      }
      if (!a.field_code && !unit_id)
        return refuse(errc::not_assigned, "assignments", "a field, a unit, or both");
      storage::insert_assignment(c, {0, r.id, user->id, a.field_code, unit_id});
    }
    for (const auto& name : spec.council) {
      auto user = storage::find_user_by_name(c, name);
      if (!user || user->role != "council_member")
        return refuse(errc::not_council_member, "council", name + " is not a council member");
      storage::insert_council_member(c, r.id, user->id);
    }
    auto e = auth::audit_by(by, "campaign.created", "campaign/" + std::to_string(r.id));
    e.campaign_id = r.id;
    e.new_value = std::to_string(spec.year) + " " + spec.name + ": " +
                  std::to_string(unit_set.size()) + " units";
    storage::append_audit(c, e, now);
    return campaign_view{r, storage::unit_groups(c, r.id), spec.bands, spec.rule};
  });
}

result<campaign_view> campaign_service::get(std::int64_t id) {
  return db_.read_result([&](storage::connection& c) -> result<campaign_view> {
    auto r = storage::find_campaign(c, id);
    if (!r) return errc::campaign_not_found;
    return campaign_view{*r, storage::unit_groups(c, id), bands_from_json(r->bands_json),
                         rule_of(*r)};
  });
}

std::vector<storage::campaign_record> campaign_service::list() {
  return db_.read_result([](storage::connection& c) { return storage::list_campaigns(c); });
}

}  // namespace parix::workflow
