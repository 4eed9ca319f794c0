// Next year's campaign from this year's (issue 14): the same groups, units, people, bands
// and rule, the schedule a year later, a criteria set of the new year per group, and
// this campaign as the predecessor that the year-over-year report compares with.
#include <set>

#include "storage/assessment_records.hpp"
#include "storage/criteria_records.hpp"
#include "storage/unit_records.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_service.hpp"

namespace parix::workflow {
namespace {

// The same local date and time a year later in the campaign's zone (29 February becomes
// 28 February).
time_point a_year_later(storage::millis at, std::string_view zone) {
  using namespace std::chrono;
  const auto offset = zone_offset(zone).value_or(minutes{0});
  const auto local = storage::from_millis(at) + offset;
  const auto day = floor<days>(local);
  const auto time_of_day = local - day;
  year_month_day date{day};
  date = (date.year() + years{1}) / date.month() / date.day();
  if (!date.ok()) date = year_month_day_last{date.year(), month_day_last{date.month()}};
  return sys_days{date} + time_of_day - offset;
}

// "Chỉ số CCHC 2024" → "Chỉ số CCHC 2025"; a name without its year gets the new one.
std::string next_name(const std::string& name, std::int64_t year) {
  const auto old_year = std::to_string(year);
  const auto pos = name.rfind(old_year);
  if (pos == std::string::npos) return name + " " + std::to_string(year + 1);
  return name.substr(0, pos) + std::to_string(year + 1) + name.substr(pos + old_year.size());
}

}  // namespace

result<campaign_view> campaign_service::successor(const auth::actor& by, std::int64_t id,
                                                  const successor_spec& spec,
                                                  spec_problem* problem) {
  auto refuse = [&](errc e, std::string field, std::string value) -> result<campaign_view> {
    if (problem) *problem = {std::move(field), std::move(value), {}};
    return e;
  };
  auto old = get(id);
  if (!old) return old.error();
  const auto& r = old->campaign;

  campaign_spec next;
  next.year = r.year + 1;
  next.name = spec.name.value_or(next_name(r.name, r.year));
  next.time_zone = r.time_zone;
  next.self_deadline = a_year_later(r.self_deadline, r.time_zone);
  next.round1_end = a_year_later(r.round1_end, r.time_zone);
  next.round2_end = a_year_later(r.round2_end, r.time_zone);
  next.council_date = a_year_later(r.council_date, r.time_zone);
  next.window_length = std::chrono::seconds{r.window_length_seconds};
  next.grace = std::chrono::seconds{r.grace_seconds};
  next.bands = old->bands;
  next.rule = old->rule;
  next.confirm_duplicate = spec.confirm_duplicate;
  next.predecessor = id;
  next.carry_over = spec.carry_over;
  next.council = old->council;

  std::vector<std::string> warnings;
  std::set<std::string> group_keys;
  // What the new sets hold: each group's tree, to keep only what still makes sense.
  std::map<std::string, criteria_set> sets;
  std::map<std::string, std::string> group_of_unit;
  auto checked = db_.read_result([&](storage::connection& c) -> result<void> {
    for (const auto& g : old->groups) {
      group_keys.insert(g.key);
      auto it = spec.criteria_sets.find(g.key);
      if (it == spec.criteria_sets.end())
        return refuse(errc::criteria_set_required, "criteria_sets." + g.key, g.key).error();
      auto set = storage::find_criteria_set_by_key(c, it->second);
      if (!set)
        return refuse(errc::unknown_criteria_set, "criteria_sets." + g.key, it->second).error();
      sets[g.key] = load_criteria_set(c, *set);
      campaign_spec::group group{g.key, g.name, it->second, {}};
      for (const auto& a : storage::campaign_assessments(c, id)) {
        if (a.group_id != g.id) continue;
        auto unit = storage::find_unit_by_id(c, a.unit_id);
        // A unit dissolved or merged since is disabled; its successor, if any, names it in
        // formed_from and is added by hand.
        if (unit->disabled) {
          warnings.push_back("unit " + unit->code + " is disabled and was not carried over");
          continue;
        }
        group.unit_codes.push_back(unit->code);
        group_of_unit[unit->code] = g.key;
      }
      next.groups.push_back(std::move(group));
    }
    return {};
  });
  if (!checked) return checked.error();
  for (const auto& [key, set_key] : spec.criteria_sets)
    if (!group_keys.contains(key)) return refuse(errc::unknown_group, "criteria_sets." + key, key);

  std::set<std::string> fields;
  for (const auto& [key, set] : sets)
    for (auto root : set.roots) fields.insert(set.nodes[root].code);
  for (const auto& a : old->assignments) {
    if (a.unit_code && !group_of_unit.contains(*a.unit_code)) continue;
    if (a.field_code && !fields.contains(*a.field_code)) {
      warnings.push_back("the assignment of " + a.username + " to field " + *a.field_code +
                         " was not carried over: no new set has that field");
      continue;
    }
    next.assignments.push_back({a.username, a.field_code, a.unit_code});
  }
  for (const auto& [unit, code] : old->claimable) {
    auto g = group_of_unit.find(unit);
    if (g == group_of_unit.end()) continue;
    const auto* node = sets[g->second].find(code);
    if (!node || !node->leaf() ||
        node->method.value_or(scoring_method::self) != scoring_method::self) {
      warnings.push_back("unit " + unit + " may no longer claim " + code +
                         " not evaluated: the new set has no such self-scored leaf");
      continue;
    }
    next.claimable_leaves.push_back({unit, std::nullopt, code});
  }
  std::size_t decided = 0;
  for (const auto& n : old->not_evaluated) decided += n.decided;
  if (decided > 0)
    warnings.push_back(std::to_string(decided) +
                       " not-evaluated decisions of last year were not carried over: each "
                       "year decides them again");

  auto created = create(by, next, problem);
  if (!created) return created.error();
  created->warnings.insert(created->warnings.end(), warnings.begin(), warnings.end());
  return created;
}

}  // namespace parix::workflow
