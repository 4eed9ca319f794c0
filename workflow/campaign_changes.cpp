// Changing a campaign after creation (issue 14, docs/campaigns.md): every change is
// checked against its stage rule and refused with its own code, the whole request is
// applied or none of it, and each change is one audit entry with its old and new value.
#include <boost/json.hpp>
#include <set>

#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/criteria_records.hpp"
#include "storage/unit_records.hpp"
#include "storage/user_records.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_service.hpp"
#include "workflow/state_machine.hpp"

namespace parix::workflow {
namespace {

std::string item(std::string_view list, std::size_t i, std::string_view member = {}) {
  return std::string{list} + "[" + std::to_string(i) + "]" +
         (member.empty() ? "" : "." + std::string{member});
}

bool blank(const std::optional<std::string>& s) {
  return !s || s->find_first_not_of(" \t") == std::string::npos;
}

// The schedule as the audit entry records it: times in the campaign's zone.
std::string schedule_text(const storage::campaign_record& r) {
  const auto t = [&](storage::millis m) {
    return format_time(storage::from_millis(m), r.time_zone);
  };
  return boost::json::serialize(
      boost::json::object{{"self_deadline", t(r.self_deadline)},
                          {"round1_end", t(r.round1_end)},
                          {"round2_end", t(r.round2_end)},
                          {"council_date", t(r.council_date)},
                          {"window_length_hours", r.window_length_seconds / 3600},
                          {"grace_minutes", r.grace_seconds / 60}});
}

std::string rule_text(const storage::campaign_record& r) {
  return r.approval_rule == "unanimity"
             ? std::string{"unanimity"}
             : "fraction " + std::to_string(r.approval_num) + "/" + std::to_string(r.approval_den) +
                   ", quorum " + std::to_string(r.quorum);
}

std::string names_text(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  boost::json::array a;
  for (auto& n : names) a.emplace_back(n);
  return boost::json::serialize(a);
}

std::string assignments_text(const std::vector<assignment_view>& list) {
  boost::json::array a;
  for (const auto& x : list) {
    boost::json::object o{{"username", x.username}};
    if (x.field_code) o["field"] = *x.field_code;
    if (x.unit_code) o["unit"] = *x.unit_code;
    a.push_back(std::move(o));
  }
  return boost::json::serialize(a);
}

bool nothing_named(const campaign_changes& ch) {
  return !ch.name && !ch.self_deadline && !ch.round1_end && !ch.round2_end && !ch.council_date &&
         !ch.window_length && !ch.grace && !ch.bands && !ch.rule && !ch.council &&
         !ch.assignments && ch.add_groups.empty() && ch.remove_groups.empty() &&
         ch.add_units.empty() && ch.remove_units.empty() && ch.set_not_evaluated.empty() &&
         ch.clear_not_evaluated.empty();
}

// One request's work inside the write transaction.
class change_run {
 public:
  change_run(storage::connection& c, const auth::actor& by, time_point now,
             const campaign_changes& ch, spec_problem* problem)
      : c_(c), by_(by), now_ms_(storage::to_millis(now)), ch_(ch), problem_(problem) {}

  result<campaign_view> run(std::int64_t id, std::int64_t version) {
    auto found = storage::find_campaign(c_, id);
    if (!found) return errc::campaign_not_found;
    old_ = *found;
    if (old_.version != version) return errc::stale_version;
    next_ = old_;
    progress_ = storage::progress_of(c_, id);
    before_ = read_campaign_view(c_, old_);
    for (const auto& g : before_.groups) groups_[g.key] = g;
    for (const auto& a : storage::campaign_assessments(c_, id)) files_[unit_code(a.unit_id)] = a;

    if (auto e = name(); e != errc{}) return e;
    if (auto e = schedule(); e != errc{}) return e;
    if (auto e = bands_and_rule(); e != errc{}) return e;
    if (auto e = council(); e != errc{}) return e;
    if (auto e = remove_units(); e != errc{}) return e;
    if (auto e = add_groups(); e != errc{}) return e;
    if (auto e = add_units(); e != errc{}) return e;
    if (groups_.empty()) return refuse(errc::no_groups, "remove_groups", "[]");
    if (auto e = assignments(); e != errc{}) return e;
    if (auto e = not_evaluated(); e != errc{}) return e;
    if (!storage::update_campaign(c_, next_)) return errc::stale_version;
    auto after = storage::find_campaign(c_, id);
    return read_campaign_view(c_, *after);
  }

 private:
  errc refuse(errc e, std::string field, std::string value) {
    if (problem_) *problem_ = {std::move(field), std::move(value), {}};
    return e;
  }

  void audit(std::string action, std::string old_value, std::string new_value,
             std::optional<std::string> entity = std::nullopt) {
    auto e = auth::audit_by(by_, std::move(action),
                            entity.value_or("campaign/" + std::to_string(old_.id)));
    e.campaign_id = old_.id;
    e.old_value = std::move(old_value);
    e.new_value = std::move(new_value);
    if (!blank(ch_.reason)) e.reason = *ch_.reason;
    storage::append_audit(c_, e, now_ms_);
  }

  std::string unit_code(std::int64_t unit_id) {
    if (!unit_codes_.contains(unit_id))
      if (auto u = storage::find_unit_by_id(c_, unit_id)) unit_codes_[unit_id] = u->code;
    return unit_codes_[unit_id];
  }

  const criteria_set& set_of(std::int64_t set_id) {
    auto it = sets_.find(set_id);
    if (it != sets_.end()) return it->second;
    return sets_[set_id] = load_criteria_set(c_, *storage::find_criteria_set(c_, set_id));
  }

  errc name() {
    if (!ch_.name) return {};
    if (blank(ch_.name)) return refuse(errc::invalid_campaign_name, "name", *ch_.name);
    if (*ch_.name == old_.name) return {};
    // The publication decision names the campaign; the name it names stays.
    if (progress_.published > 0) return refuse(errc::campaign_published, "name", *ch_.name);
    next_.name = *ch_.name;
    audit("campaign.renamed", old_.name, next_.name);
    return {};
  }

  errc schedule() {
    const auto& tz = old_.time_zone;
    auto set = [](storage::millis& field, const std::optional<time_point>& t) {
      if (t) field = storage::to_millis(*t);
    };
    set(next_.self_deadline, ch_.self_deadline);
    set(next_.round1_end, ch_.round1_end);
    set(next_.round2_end, ch_.round2_end);
    set(next_.council_date, ch_.council_date);
    if (ch_.window_length) next_.window_length_seconds = ch_.window_length->count();
    if (ch_.grace) next_.grace_seconds = ch_.grace->count();
    const std::pair<const char*, storage::millis storage::campaign_record::*> dates[] = {
        {"self_deadline", &storage::campaign_record::self_deadline},
        {"round1_end", &storage::campaign_record::round1_end},
        {"round2_end", &storage::campaign_record::round2_end},
        {"council_date", &storage::campaign_record::council_date}};
    bool changed = next_.window_length_seconds != old_.window_length_seconds ||
                   next_.grace_seconds != old_.grace_seconds;
    for (const auto& [field, member] : dates) changed |= next_.*member != old_.*member;
    if (!changed) return {};
    for (std::size_t i = 1; i < std::size(dates); ++i)
      if (next_.*dates[i].second < next_.*dates[i - 1].second)
        return refuse(errc::schedule_out_of_order, std::string{"schedule."} + dates[i].first,
                      format_time(storage::from_millis(next_.*dates[i].second), tz));
    const bool deadline_moved =
        next_.self_deadline != old_.self_deadline || next_.grace_seconds != old_.grace_seconds;
    if (!old_.historical) {
      // Once every file has left self-assessment its deadline has done its work: moving it
      // would only change what the submissions were judged against.
      if (deadline_moved && progress_.in_self_assessment == 0 && progress_.files > 0)
        return refuse(errc::self_assessment_over,
                      next_.self_deadline != old_.self_deadline ? "schedule.self_deadline"
                                                                : "schedule.grace_minutes",
                      format_time(storage::from_millis(next_.self_deadline), tz));
      // A date put in the past has consequences at once (the sweep submits every file whose
      // deadline has passed): only with a reason on record.
      if (blank(ch_.reason)) {
        if (deadline_moved && next_.self_deadline + next_.grace_seconds * 1000 <= now_ms_)
          return refuse(errc::past_date_reason_required, "schedule.self_deadline",
                        format_time(storage::from_millis(next_.self_deadline), tz));
        for (const auto& [field, member] : dates)
          if (next_.*member != old_.*member && next_.*member <= now_ms_)
            return refuse(errc::past_date_reason_required, std::string{"schedule."} + field,
                          format_time(storage::from_millis(next_.*member), tz));
      }
      // Every agency answers its remarks within the same length of time.
      if (next_.window_length_seconds != old_.window_length_seconds && progress_.windows_opened)
        return refuse(errc::window_length_locked, "schedule.window_length_hours",
                      std::to_string(next_.window_length_seconds / 3600));
    }
    audit("campaign.schedule_changed", schedule_text(old_), schedule_text(next_));
    return {};
  }

  errc bands_and_rule() {
    if (ch_.bands) {
      if (auto e = check_bands(*ch_.bands, problem_); e != errc{}) return e;
      const auto text = bands_to_json(*ch_.bands);
      if (text != old_.bands_json) {
        // A class, once a council approved a file, is what the decision will print.
        if (progress_.approved > 0) return refuse(errc::bands_locked, "bands", text);
        next_.bands_json = text;
        audit("campaign.bands_changed", old_.bands_json, text);
      }
    }
    if (ch_.rule) {
      if (auto e = check_rule(*ch_.rule, problem_); e != errc{}) return e;
      next_.approval_rule = ch_.rule->unanimity ? "unanimity" : "fraction";
      next_.approval_num = ch_.rule->unanimity ? 1 : ch_.rule->num;
      next_.approval_den = ch_.rule->unanimity ? 1 : ch_.rule->den;
      next_.quorum = ch_.rule->unanimity ? 1 : ch_.rule->quorum;
      if (rule_text(next_) != rule_text(old_)) {
        // Votes already cast were counted under the old rule.
        if (progress_.votes)
          return refuse(errc::approval_rule_locked, "approval", rule_text(next_));
        audit("campaign.approval_rule_changed", rule_text(old_), rule_text(next_));
      } else {
        next_.approval_rule = old_.approval_rule;
        next_.approval_num = old_.approval_num;
        next_.approval_den = old_.approval_den;
        next_.quorum = old_.quorum;
      }
    }
    return {};
  }

  errc council() {
    if (!ch_.council) return {};
    auto ids = check_council(c_, *ch_.council, problem_);
    if (!ids) return errc(ids.error().value());
    const std::set<std::string> names(ch_.council->begin(), ch_.council->end());
    const std::set<std::string> before(before_.council.begin(), before_.council.end());
    if (names == before) return {};
    // The rule counts the council's members: votes already cast were counted against it.
    if (progress_.votes) return refuse(errc::council_locked, "council", names_text(*ch_.council));
    storage::delete_council_members(c_, old_.id);
    for (auto id : *ids) storage::insert_council_member(c_, old_.id, id);
    audit("campaign.council_changed", names_text(before_.council), names_text(*ch_.council));
    return {};
  }

  errc remove_file(const std::string& code, const std::string& field) {
    auto it = files_.find(code);
    if (it == files_.end()) return refuse(errc::unit_not_in_campaign, field, code);
    if (!storage::file_untouched(c_, it->second.id)) return refuse(errc::file_touched, field, code);
    storage::remove_untouched_file(c_, it->second.id, now_ms_);
    std::string group;
    for (const auto& [key, g] : groups_)
      if (g.id == it->second.group_id) group = key;
    audit("campaign.unit_removed",
          "assessment " + std::to_string(it->second.id) + ": " + code + " in group " + group, "",
          "campaign/" + std::to_string(old_.id) + "/unit/" + code);
    files_.erase(it);
    return {};
  }

  errc remove_units() {
    for (std::size_t i = 0; i < ch_.remove_units.size(); ++i)
      if (auto e = remove_file(ch_.remove_units[i], item("remove_units", i)); e != errc{}) return e;
    for (std::size_t i = 0; i < ch_.remove_groups.size(); ++i) {
      const auto& key = ch_.remove_groups[i];
      auto g = groups_.find(key);
      if (g == groups_.end()) return refuse(errc::unknown_group, item("remove_groups", i), key);
      std::vector<std::string> units;
      for (const auto& [code, f] : files_)
        if (f.group_id == g->second.id) units.push_back(code);
      for (const auto& code : units)
        if (auto e = remove_file(code, item("remove_groups", i)); e != errc{}) return e;
      storage::delete_unit_group(c_, g->second.id);
      audit("campaign.group_removed", key + " " + g->second.name, "");
      groups_.erase(g);
    }
    return {};
  }

  // A new file is opened while the agency can still do its self-assessment in it.
  bool too_late_to_add() const {
    if (old_.historical) return progress_.published > 0;
    return now_ms_ > next_.self_deadline + next_.grace_seconds * 1000;
  }

  errc add_file(const std::string& code, const storage::unit_group_record& g,
                const std::string& field) {
    auto unit = storage::find_unit_by_code(c_, code);
    if (!unit) return refuse(errc::unknown_unit, field, code);
    if (unit->disabled) return refuse(errc::unit_disabled, field, code);
    if (files_.contains(code)) return refuse(errc::unit_already_in_campaign, field, code);
    if (too_late_to_add()) return refuse(errc::unit_add_too_late, field, code);
    storage::assessment_record a{
        0, old_.id, unit->id, g.id, old_.historical ? "historical" : "self_assessment", 1, 1};
    a.id = storage::insert_assessment(c_, a);
    files_[code] = a;
    audit("campaign.unit_added", "",
          "assessment " + std::to_string(a.id) + ": " + code + " in group " + g.key,
          "campaign/" + std::to_string(old_.id) + "/unit/" + code);
    return {};
  }

  errc add_groups() {
    for (std::size_t i = 0; i < ch_.add_groups.size(); ++i) {
      const auto& g = ch_.add_groups[i];
      if (blank(g.key) || groups_.contains(g.key))
        return refuse(errc::invalid_group_key, item("add_groups", i, "key"), g.key);
      auto set = storage::find_criteria_set_by_key(c_, g.criteria_set_key);
      if (!set)
        return refuse(errc::unknown_criteria_set, item("add_groups", i, "criteria_set"),
                      g.criteria_set_key);
      storage::unit_group_record r{0, old_.id, g.key, g.name, set->id};
      r.id = storage::insert_unit_group(c_, r);
      groups_[g.key] = r;
      audit("campaign.group_added", "", g.key + " " + g.name + " (" + g.criteria_set_key + ")");
      for (std::size_t u = 0; u < g.unit_codes.size(); ++u)
        if (auto e = add_file(g.unit_codes[u], r,
                              item("add_groups", i, "units") + "[" + std::to_string(u) + "]");
            e != errc{})
          return e;
    }
    return {};
  }

  errc add_units() {
    for (std::size_t i = 0; i < ch_.add_units.size(); ++i) {
      const auto& a = ch_.add_units[i];
      auto g = groups_.find(a.group_key);
      if (g == groups_.end())
        return refuse(errc::unknown_group, item("add_units", i, "group"), a.group_key);
      if (auto e = add_file(a.unit_code, g->second, item("add_units", i, "unit")); e != errc{})
        return e;
    }
    return {};
  }

  errc assignments() {
    std::vector<assignment_view> next;
    std::vector<storage::assignment_record> rows;
    if (ch_.assignments) {
      std::set<std::string> fields;
      for (const auto& [key, g] : groups_) {
        const auto& set = set_of(g.criteria_set_id);
        for (auto root : set.roots) fields.insert(set.nodes[root].code);
      }
      for (std::size_t i = 0; i < ch_.assignments->size(); ++i) {
        const auto& a = (*ch_.assignments)[i];
        auto row = check_assignment(
            c_, old_.id, a, i, fields,
            [&](const std::string& code) { return files_.contains(code); }, problem_);
        if (!row) return errc(row.error().value());
        rows.push_back(*row);
        next.push_back({a.username, a.field_code, a.unit_code});
      }
    } else {
      // Unchanged, but an assignment to a unit that left the campaign leaves with it.
      for (const auto& a : storage::assignments(c_, old_.id)) {
        if (a.unit_id && !files_.contains(unit_code(*a.unit_id))) continue;
        rows.push_back(a);
      }
      for (const auto& a : before_.assignments)
        if (!a.unit_code || files_.contains(*a.unit_code)) next.push_back(a);
    }
    const auto before = assignments_text(before_.assignments);
    const auto after = assignments_text(next);
    if (before == after) return {};
    // Nothing is left to appraise: who appraised what is history.
    if (ch_.assignments && progress_.before_council == 0 && progress_.files > 0 && !old_.historical)
      return refuse(errc::assignments_locked, "assignments", after);
    storage::delete_assignments(c_, old_.id);
    for (auto& r : rows) storage::insert_assignment(c_, r);
    audit("campaign.assignments_changed", before, after);
    return {};
  }

  // The file and leaf a not-evaluated change names, checked against the unit's set.
  errc leaf_of(const std::string& unit, const std::string& code, const std::string& list,
               std::size_t i, const storage::assessment_record** file) {
    auto it = files_.find(unit);
    if (it == files_.end()) return refuse(errc::unit_not_in_campaign, item(list, i, "unit"), unit);
    const auto& set = set_of(groups_of_id(it->second.group_id).criteria_set_id);
    const auto* node = set.find(code);
    if (!node) return refuse(errc::unknown_criterion, item(list, i, "criterion"), code);
    if (!node->leaf()) return refuse(errc::not_a_leaf, item(list, i, "criterion"), code);
    // An approved file's maximum is what the council approved.
    if (const auto s = parse_stage(it->second.state); s == stage::approved || s == stage::published)
      return refuse(errc::not_evaluated_locked, item(list, i, "unit"), unit);
    *file = &it->second;
    return {};
  }

  const storage::unit_group_record& groups_of_id(std::int64_t id) {
    for (const auto& [key, g] : groups_)
      if (g.id == id) return g;
    throw std::logic_error("a file of a group the campaign does not have");
  }

  void save_decision(const storage::assessment_record& file, const std::string& code, bool decided,
                     const std::optional<std::string>& reason) {
    auto v = storage::find_leaf_value(c_, file.id, code).value_or(storage::leaf_value_record{});
    if (v.not_evaluated == decided && (!decided || v.not_evaluated_reason == reason)) return;
    const auto old_value = v.not_evaluated ? "1" : "0";
    const auto old_reason = v.not_evaluated_reason.value_or("");
    v.assessment_id = file.id;
    v.code = code;
    v.not_evaluated = decided;
    v.not_evaluated_reason = decided ? reason : std::nullopt;
    // The secretariat's decision settles an agency's pending claim, as on the leaf route.
    if (v.ne_claim == storage::claim_state::claimed)
      v.ne_claim = decided ? storage::claim_state::confirmed : storage::claim_state::rejected;
    v.updated_at = now_ms_;
    storage::save_leaf_value(c_, v);
    storage::touch_assessment(c_, file.id);
    auto e = auth::audit_by(by_, "leaf.not_evaluated",
                            "assessment/" + std::to_string(file.id) + "/leaf/" + code);
    e.campaign_id = old_.id;
    e.unit_id = file.unit_id;
    e.assessment_id = file.id;
    e.criterion_code = code;
    e.old_value = old_value + (old_reason.empty() ? "" : ": " + old_reason);
    e.new_value = std::string{decided ? "1" : "0"} + (decided ? ": " + *reason : "");
    e.reason = decided ? *reason : ch_.reason.value_or("");
    storage::append_audit(c_, e, now_ms_);
  }

  errc not_evaluated() {
    std::set<std::pair<std::string, std::string>> seen;
    for (std::size_t i = 0; i < ch_.set_not_evaluated.size(); ++i) {
      const auto& n = ch_.set_not_evaluated[i];
      const storage::assessment_record* file = nullptr;
      if (auto e = leaf_of(n.unit_code, n.criterion_code, "not_evaluated", i, &file); e != errc{})
        return e;
      if (blank(n.reason))
        return refuse(errc::reason_required, item("not_evaluated", i, "reason"), n.reason);
      if (!seen.insert({n.unit_code, n.criterion_code}).second)
        return refuse(errc::duplicate_entry, item("not_evaluated", i),
                      n.unit_code + " " + n.criterion_code);
      save_decision(*file, n.criterion_code, true, n.reason);
    }
    for (std::size_t i = 0; i < ch_.clear_not_evaluated.size(); ++i) {
      const auto& n = ch_.clear_not_evaluated[i];
      const storage::assessment_record* file = nullptr;
      if (auto e = leaf_of(n.unit_code, n.criterion_code, "clear_not_evaluated", i, &file);
          e != errc{})
        return e;
      if (!seen.insert({n.unit_code, n.criterion_code}).second)
        return refuse(errc::duplicate_entry, item("clear_not_evaluated", i),
                      n.unit_code + " " + n.criterion_code);
      save_decision(*file, n.criterion_code, false, std::nullopt);
    }
    return {};
  }

  storage::connection& c_;
  const auth::actor& by_;
  storage::millis now_ms_;
  const campaign_changes& ch_;
  spec_problem* problem_;
  storage::campaign_record old_, next_;
  storage::campaign_progress progress_;
  campaign_view before_;
  std::map<std::string, storage::unit_group_record> groups_;  // key → group
  std::map<std::string, storage::assessment_record> files_;   // unit code → file
  std::map<std::int64_t, std::string> unit_codes_;
  std::map<std::int64_t, criteria_set> sets_;
};

}  // namespace

result<campaign_view> campaign_service::update(const auth::actor& by, std::int64_t id,
                                               std::int64_t version,
                                               const campaign_changes& changes,
                                               spec_problem* problem) {
  if (nothing_named(changes)) return errc::no_campaign_change;
  const auto now = clock_.now();
  return db_.write_result([&](storage::connection& c) -> result<campaign_view> {
    return change_run{c, by, now, changes, problem}.run(id, version);
  });
}

}  // namespace parix::workflow
