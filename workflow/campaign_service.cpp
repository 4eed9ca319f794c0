// Campaign set-up.
#include "workflow/campaign_service.hpp"

#include <boost/json.hpp>
#include <map>
#include <set>

#include "auth/role.hpp"
#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/criteria_records.hpp"
#include "storage/unit_records.hpp"
#include "storage/user_records.hpp"
#include "workflow/carry_over.hpp"
#include "workflow/criteria_service.hpp"

namespace parix::workflow {
namespace {

std::string at(std::string_view list, std::size_t i, std::string_view member = {}) {
  return std::string{list} + "[" + std::to_string(i) + "]" +
         (member.empty() ? "" : "." + std::string{member});
}

}  // namespace

// The view of a stored campaign: its groups, rules, people and not-evaluated lists.
campaign_view read_campaign_view(storage::connection& c, const storage::campaign_record& r) {
  campaign_view v;
  v.campaign = r;
  v.groups = storage::unit_groups(c, r.id);
  v.bands = bands_from_json(r.bands_json);
  v.rule = rule_of(r);
  std::map<std::int64_t, std::string> unit_codes;
  for (const auto& u : storage::list_units(c)) unit_codes[u.id] = u.code;
  for (const auto& a : storage::assignments(c, r.id)) {
    auto user = storage::find_user_by_id(c, a.user_id);
    std::optional<std::string> unit;
    if (a.unit_id) unit = unit_codes[*a.unit_id];
    v.assignments.push_back({user ? user->username : "?", a.field_code, unit});
  }
  for (auto id : storage::council_members(c, r.id))
    if (auto user = storage::find_user_by_id(c, id)) v.council.push_back(user->username);
  v.not_evaluated = storage::campaign_not_evaluated(c, r.id);
  v.claimable = storage::campaign_claimable_leaves(c, r.id);
  for (const auto& a : storage::campaign_assessments(c, r.id))
    v.files.push_back({a.id, a.group_id, unit_codes[a.unit_id], a.state});
  return v;
}

errc check_bands(const std::vector<band>& bands, spec_problem* problem) {
  auto refuse = [&](std::string field, std::string value) {
    if (problem) *problem = {std::move(field), std::move(value), {}};
    return errc::invalid_bands;
  };
  if (bands.empty()) return refuse("bands", "[]");
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (bands[i].label.empty()) return refuse(at("bands", i, "label"), "");
    if (i > 0 && !(bands[i].min_percent < bands[i - 1].min_percent))
      return refuse(at("bands", i, "min"), bands[i].min_percent.to_string());
  }
  return errc{};
}

result<std::vector<std::int64_t>> check_council(storage::connection& c,
                                                const std::vector<std::string>& names,
                                                spec_problem* problem) {
  auto refuse = [&](errc e, std::size_t i) {
    if (problem) *problem = {at("council", i), names[i], {}};
    return e;
  };
  std::set<std::string> seen;
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto user = storage::find_user_by_name(c, names[i]);
    if (!user) return refuse(errc::unknown_user, i);
    if (auth::parse_role(user->role) != auth::role::council_member)
      return refuse(errc::user_not_council_member, i);
    if (!seen.insert(names[i]).second) return refuse(errc::duplicate_entry, i);
    ids.push_back(user->id);
  }
  return ids;
}

result<storage::assignment_record> check_assignment(
    storage::connection& c, std::int64_t campaign_id, const campaign_spec::assignment& a,
    std::size_t i, const std::set<std::string>& fields,
    const std::function<bool(const std::string&)>& has_file, spec_problem* problem) {
  auto refuse = [&](errc e, std::string_view member, const std::string& value) {
    if (problem) *problem = {at("assignments", i, member), value, {}};
    return e;
  };
  auto user = storage::find_user_by_name(c, a.username);
  if (!user) return refuse(errc::unknown_user, "username", a.username);
  if (auth::parse_role(user->role) != auth::role::appraiser)
    return refuse(errc::user_not_appraiser, "username", a.username);
  if (!a.field_code && !a.unit_code) return refuse(errc::assignment_scope_required, {}, a.username);
  if (a.field_code && !fields.contains(*a.field_code))
    return refuse(errc::unknown_criterion, "field", *a.field_code);
  std::optional<std::int64_t> unit_id;
  if (a.unit_code) {
    auto unit = storage::find_unit_by_code(c, *a.unit_code);
    if (!unit) return refuse(errc::unknown_unit, "unit", *a.unit_code);
    if (!has_file(*a.unit_code)) return refuse(errc::unit_not_in_campaign, "unit", *a.unit_code);
    unit_id = unit->id;
  }
  return storage::assignment_record{0, campaign_id, user->id, a.field_code, unit_id};
}

errc check_rule(const approval_rule& rule, spec_problem* problem) {
  auto refuse = [&](std::string field, std::int64_t value) {
    if (problem) *problem = {std::move(field), std::to_string(value), {}};
    return errc::invalid_approval_rule;
  };
  if (rule.unanimity) return errc{};
  if (rule.den <= 0) return refuse("approval.den", rule.den);
  if (rule.num <= 0 || rule.num > rule.den) return refuse("approval.num", rule.num);
  if (rule.quorum <= 0) return refuse("approval.quorum", rule.quorum);
  return errc{};
}

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
  auto refuse = [&](errc e, std::string field, std::string value) -> result<campaign_view> {
    if (problem) {
      problem->field = std::move(field);
      problem->value = std::move(value);
    }
    return e;
  };
  const auto now = clock_.now();

  // What the spec alone says, before the database is touched.
  if (spec.name.find_first_not_of(" \t") == std::string::npos)
    return refuse(errc::invalid_campaign_name, "name", spec.name);
  if (!zone_offset(spec.time_zone))
    return refuse(errc::invalid_time_zone, "time_zone", spec.time_zone);
  const auto& tz = spec.time_zone;
  const std::pair<const char*, time_point> schedule[] = {{"self_deadline", spec.self_deadline},
                                                         {"round1_end", spec.round1_end},
                                                         {"round2_end", spec.round2_end},
                                                         {"council_date", spec.council_date}};
  for (std::size_t i = 1; i < std::size(schedule); ++i)
    if (schedule[i].second < schedule[i - 1].second)
      return refuse(errc::schedule_out_of_order, std::string{"schedule."} + schedule[i].first,
                    format_time(schedule[i].second, tz));
  if (!spec.historical && spec.self_deadline <= now)
    return refuse(errc::schedule_in_past, "schedule.self_deadline",
                  format_time(spec.self_deadline, tz));
  if (auto e = check_bands(spec.bands, problem); e != errc{}) return e;
  if (auto e = check_rule(spec.rule, problem); e != errc{}) return e;
  if (spec.groups.empty()) return refuse(errc::no_groups, "groups", "[]");
  std::set<std::string> group_keys;
  for (std::size_t i = 0; i < spec.groups.size(); ++i)
    if (spec.groups[i].key.empty() || !group_keys.insert(spec.groups[i].key).second)
      return refuse(errc::invalid_group_key, at("groups", i, "key"), spec.groups[i].key);

  const auto now_ms = storage::to_millis(now);
  return db_.write_result([&](storage::connection& c) -> result<campaign_view> {
    if (!spec.confirm_duplicate) {
      auto same = storage::campaigns_named(c, spec.year, spec.name);
      if (!same.empty()) return refuse(errc::campaign_exists, "name", std::to_string(same[0].id));
    }
    if (spec.predecessor) {
      auto p = storage::find_campaign(c, *spec.predecessor);
      if (!p || p->year >= spec.year)
        return refuse(errc::invalid_predecessor, "predecessor", std::to_string(*spec.predecessor));
    }
    storage::campaign_record r;
    r.predecessor_id = spec.predecessor;
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
    r.created_at = now_ms;
    r.historical = spec.historical;
    r.id = storage::insert_campaign(c, r);

    struct file {
      std::int64_t assessment;
      std::string group;
      const criteria_set* set;
    };
    std::map<std::string, file> files;         // unit code → its file
    std::map<std::string, criteria_set> sets;  // group key → its set
    const std::string first_state = spec.historical ? "historical" : "self_assessment";
    for (std::size_t gi = 0; gi < spec.groups.size(); ++gi) {
      const auto& g = spec.groups[gi];
      auto set = storage::find_criteria_set_by_key(c, g.criteria_set_key);
      if (!set)
        return refuse(errc::unknown_criteria_set, at("groups", gi, "criteria_set"),
                      g.criteria_set_key);
      const auto group_id = storage::insert_unit_group(c, {0, r.id, g.key, g.name, set->id});
      const auto* tree = &(sets[g.key] = load_criteria_set(c, *set));
      for (std::size_t ui = 0; ui < g.unit_codes.size(); ++ui) {
        const auto& code = g.unit_codes[ui];
        const auto field = at("groups", gi, "units") + "[" + std::to_string(ui) + "]";
        auto unit = storage::find_unit_by_code(c, code);
        if (!unit) return refuse(errc::unknown_unit, field, code);
        if (unit->disabled) return refuse(errc::unit_disabled, field, code);
        if (files.contains(code)) return refuse(errc::unit_in_two_groups, field, code);
        const auto assessment =
            storage::insert_assessment(c, {0, r.id, unit->id, group_id, first_state, 1, 1});
        files[code] = {assessment, g.key, tree};
      }
    }

    // The leaf a not-evaluated entry names, checked against the unit's set.
    auto leaf_of = [&](const file& f, const std::string& code,
                       const std::string& field) -> result<const criterion_node*> {
      const auto* node = f.set->find(code);
      if (!node) return refuse(errc::unknown_criterion, field, code).error();
      if (!node->leaf()) return refuse(errc::not_a_leaf, field, code).error();
      return node;
    };
    std::set<std::pair<std::string, std::string>> decided;
    for (std::size_t i = 0; i < spec.not_evaluated_leaves.size(); ++i) {
      const auto& ne = spec.not_evaluated_leaves[i];
      auto it = files.find(ne.unit_code);
      if (it == files.end())
        return refuse(errc::unit_not_in_campaign, at("not_evaluated", i, "unit"), ne.unit_code);
      auto node = leaf_of(it->second, ne.criterion_code, at("not_evaluated", i, "criterion"));
      if (!node) return node.error();
      if (ne.reason.find_first_not_of(" \t") == std::string::npos)
        return refuse(errc::reason_required, at("not_evaluated", i, "reason"), ne.reason);
      if (!decided.insert({ne.unit_code, ne.criterion_code}).second)
        return refuse(errc::duplicate_entry, at("not_evaluated", i),
                      ne.unit_code + " " + ne.criterion_code);
      storage::leaf_value_record l;
      l.assessment_id = it->second.assessment;
      l.code = ne.criterion_code;
      l.not_evaluated = true;
      l.not_evaluated_reason = ne.reason;
      l.updated_at = now_ms;
      storage::save_leaf_value(c, l);
      auto e = auth::audit_by(by, "leaf.not_evaluated",
                              "assessment/" + std::to_string(l.assessment_id) + "/leaf/" + l.code);
      e.campaign_id = r.id;
      e.assessment_id = l.assessment_id;
      e.criterion_code = l.code;
      e.old_value = "0";
      e.new_value = "1";
      e.reason = ne.reason;
      storage::append_audit(c, e, now_ms);
    }
    for (std::size_t i = 0; i < spec.claimable_leaves.size(); ++i) {
      const auto& k = spec.claimable_leaves[i];
      if (k.unit_code.has_value() == k.group_key.has_value())
        return refuse(errc::claimable_scope_required, at("not_evaluated_claimable", i), "");
      std::vector<std::pair<std::string, const file*>> targets;
      if (k.unit_code) {
        auto it = files.find(*k.unit_code);
        if (it == files.end())
          return refuse(errc::unit_not_in_campaign, at("not_evaluated_claimable", i, "unit"),
                        *k.unit_code);
        targets.emplace_back(it->first, &it->second);
      } else {
        if (!sets.contains(*k.group_key))
          return refuse(errc::unknown_group, at("not_evaluated_claimable", i, "group"),
                        *k.group_key);
        for (const auto& [code, f] : files)
          if (f.group == *k.group_key) targets.emplace_back(code, &f);
      }
      const auto field = at("not_evaluated_claimable", i, "criterion");
      for (const auto& [code, f] : targets) {
        auto node = leaf_of(*f, k.criterion_code, field);
        if (!node) return node.error();
        // Survey and external leaves are never the agency's to change.
        if ((*node)->method.value_or(scoring_method::self) != scoring_method::self) {
          if (problem) problem->method = std::string{to_string(*(*node)->method)};
          return refuse(errc::not_self_scored, field, k.criterion_code);
        }
        storage::insert_claimable_leaf(c, f->assessment, k.criterion_code);
      }
    }
    std::set<std::string> fields_of_sets;
    for (const auto& [key, set] : sets)
      for (auto root : set.roots) fields_of_sets.insert(set.nodes[root].code);
    for (std::size_t i = 0; i < spec.assignments.size(); ++i) {
      auto a = check_assignment(
          c, r.id, spec.assignments[i], i, fields_of_sets,
          [&](const std::string& code) { return files.contains(code); }, problem);
      if (!a) return a.error();
      storage::insert_assignment(c, *a);
    }
    auto council = check_council(c, spec.council, problem);
    if (!council) return council.error();
    for (auto id : *council) storage::insert_council_member(c, r.id, id);
    std::optional<carried_totals> carried;
    if (spec.carry_over && spec.predecessor)
      carried = carry_over(c, by, *spec.predecessor, r.id, now_ms);
    auto e = auth::audit_by(by, "campaign.created", "campaign/" + std::to_string(r.id));
    e.campaign_id = r.id;
    e.new_value =
        std::to_string(spec.year) + " " + spec.name + ": " + std::to_string(files.size()) +
        " units" + (spec.historical ? ", historical (a past year's final figures)" : "") +
        (spec.predecessor ? ", follows campaign " + std::to_string(*spec.predecessor) : "");
    if (spec.confirm_duplicate && storage::campaigns_named(c, spec.year, spec.name).size() > 1)
      e.reason = "a campaign of the same year and name exists; created on purpose";
    storage::append_audit(c, e, now_ms);

    auto v = read_campaign_view(c, r);
    if (carried)
      v.warnings.push_back("carried over from campaign " + std::to_string(*spec.predecessor) +
                           ": " + std::to_string(carried->texts) + " explanations and " +
                           std::to_string(carried->files) +
                           " evidence files, each waiting for its unit to confirm it");
    if (!spec.historical) {
      if (spec.council.empty())
        v.warnings.push_back("the campaign has no council members: no file can be approved");
      else if (!spec.rule.unanimity && spec.rule.quorum > std::int64_t(spec.council.size()))
        v.warnings.push_back("the quorum (" + std::to_string(spec.rule.quorum) +
                             ") is larger than the council (" +
                             std::to_string(spec.council.size()) + " members)");
      for (const auto& [key, set] : sets) {
        std::string unassigned;
        for (auto root : set.roots) {
          const auto& field = set.nodes[root].code;
          bool covered = false;
          for (const auto& a : spec.assignments) covered |= !a.field_code || *a.field_code == field;
          if (!covered) unassigned += (unassigned.empty() ? "" : ", ") + field;
        }
        if (!unassigned.empty())
          v.warnings.push_back("group " + key + ": no appraiser is assigned to field(s) " +
                               unassigned);
      }
    }
    return v;
  });
}

result<campaign_view> campaign_service::get(std::int64_t id) {
  return db_.read_result([&](storage::connection& c) -> result<campaign_view> {
    auto r = storage::find_campaign(c, id);
    if (!r) return errc::campaign_not_found;
    return read_campaign_view(c, *r);
  });
}

std::vector<storage::campaign_record> campaign_service::list() {
  return db_.read_result([](storage::connection& c) { return storage::list_campaigns(c); });
}

}  // namespace parix::workflow
