// Assessments: object-level access, leaf edits, events, votes, imports, rankings.
#include "workflow/assessment_service.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/campaign_records.hpp"
#include "storage/criteria_records.hpp"
#include "storage/csv.hpp"
#include "storage/unit_records.hpp"
#include "workflow/audit_checkpoint.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_cache.hpp"
#include "workflow/criteria_service.hpp"
#include "workflow/reports/campaign_scores.hpp"

namespace parix::workflow {
namespace {

using storage::from_millis;
using storage::to_millis;
using clock_time = time_point;

// Everything about one assessment, read inside one transaction.
struct loaded {
  storage::assessment_record a;
  storage::campaign_record campaign;
  storage::unit_record unit;
  storage::unit_group_record group;
  std::shared_ptr<const criteria_set> set;
  std::map<std::string, storage::leaf_value_record, std::less<>> values;
  std::vector<storage::assessment_event_record> events;
  std::vector<storage::adjustment_record> adjustments;
  std::set<std::string, std::less<>> claimable;  // filled only where a view is made

  stage current() const { return parse_stage(a.state).value_or(stage::self_assessment); }
  std::string entity() const { return "assessment/" + std::to_string(a.id); }
};

// only_leaf: read just that leaf's values (a leaf edit needs no others, and reading all
// of them for every keystroke-sized write is the writer thread's largest cost).
std::optional<loaded> load(storage::connection& c, criteria_cache& sets, std::int64_t id,
                           std::optional<std::string_view> only_leaf = std::nullopt) {
  auto a = storage::find_assessment(c, id);
  if (!a) return std::nullopt;
  loaded l;
  l.a = *a;
  l.campaign = *storage::find_campaign(c, a->campaign_id);
  l.unit = *storage::find_unit_by_id(c, a->unit_id);
  l.group = *storage::find_unit_group(c, a->group_id);
  l.set = sets.get(c, l.group.criteria_set_id);
  if (only_leaf) {
    if (auto v = storage::find_leaf_value(c, id, *only_leaf)) l.values[v->code] = std::move(*v);
  } else {
    for (auto& v : storage::leaf_values(c, id)) l.values[v.code] = std::move(v);
  }
  l.events = storage::assessment_events(c, id);
  l.adjustments = storage::adjustments(c, id);
  return l;
}

clock_time deadline_of(const loaded& l) {
  auto d = from_millis(l.campaign.self_deadline);
  for (const auto& e : l.events)
    if (parse_event(e.event) == event::extend_deadline && e.until) d = from_millis(*e.until);
  return d;
}

std::chrono::seconds grace_of(const loaded& l) {
  return std::chrono::seconds{l.campaign.grace_seconds};
}

// open_window or extend_window: the event that sets the window's close time.
bool opens_window(const storage::assessment_event_record& e) {
  const auto on = parse_event(e.event);
  return on == event::open_window || on == event::extend_window;
}

// The close time of the window now open (the last open_window or extend_window).
std::optional<clock_time> window_closes(const loaded& l) {
  if (l.current() != stage::explanation_window) return std::nullopt;
  std::optional<clock_time> t;
  for (const auto& e : l.events)
    if (opens_window(e) && e.until) t = from_millis(*e.until);
  return t;
}

// The close time of the last window, once closed (for "window closed at …").
std::optional<clock_time> last_window_close(const loaded& l) {
  std::optional<clock_time> t;
  for (const auto& e : l.events) {
    if (opens_window(e) && e.until) t = from_millis(*e.until);
    if (parse_event(e.event) == event::close_window) t = from_millis(e.at);
  }
  return t;
}

storage::leaf_value_record value_of(const loaded& l, const std::string& code) {
  auto it = l.values.find(code);
  if (it != l.values.end()) return it->second;
  storage::leaf_value_record v;
  v.assessment_id = l.a.id;
  v.code = code;
  return v;
}

std::optional<points> pts(const std::optional<std::int64_t>& u) {
  return u ? std::optional{points::from_units(*u)} : std::nullopt;
}

leaf_facts facts_of(const storage::leaf_value_record& v) {
  return {not_evaluated_now(v), pts(v.self_score), pts(v.round1_score), pts(v.round2_score),
          pts(v.imported_score)};
}

assessment_score score_of(const loaded& l) {
  std::map<std::string, leaf_facts, std::less<>> facts;
  for (const auto& [code, v] : l.values) facts[code] = facts_of(v);
  points adjustments;
  for (const auto& a : l.adjustments) adjustments += points::from_units(a.points);
  return score_assessment(*l.set, facts, adjustments, bands_from_json(l.campaign.bands_json));
}

int flagged_count(const loaded& l) {
  int n = 0;
  for (const auto& [code, v] : l.values) n += v.needs_explanation && !not_evaluated_now(v);
  return n;
}

bool self_scored(const criterion_node& n) {
  return n.method.value_or(scoring_method::self) == scoring_method::self;
}

// Applicable self leaves without a round-one score, and claims not yet decided.
int missing_round1(const loaded& l) {
  int n = 0;
  for (const auto& node : l.set->nodes) {
    if (!node.leaf() || !self_scored(node)) continue;
    auto v = value_of(l, node.code);
    n += v.ne_claim == storage::claim_state::claimed || (!not_evaluated_now(v) && !v.round1_score);
  }
  return n;
}

// Applicable self leaves the agency has not scored.
std::vector<std::string> missing_self_scores(const loaded& l) {
  std::vector<std::string> out;
  for (const auto& node : l.set->nodes) {
    if (!node.leaf() || !self_scored(node)) continue;
    auto v = value_of(l, node.code);
    if (!not_evaluated_now(v) && !v.self_score) out.push_back(node.code);
  }
  return out;
}

// Applicable leaves of a past year's file without their final score.
int missing_final_scores(const loaded& l) {
  int n = 0;
  for (const auto& node : l.set->nodes) {
    if (!node.leaf()) continue;
    auto v = value_of(l, node.code);
    n += !not_evaluated_now(v) && !final_score(node, facts_of(v));
  }
  return n;
}

bool assigned(storage::connection& c, const auth::actor& a, const loaded& l,
              std::optional<std::string_view> field) {
  for (const auto& s : storage::assignments(c, l.campaign.id)) {
    if (s.user_id != a.user_id) continue;
    if (s.unit_id && *s.unit_id != l.unit.id) continue;
    if (field && s.field_code && *s.field_code != *field) continue;
    return true;
  }
  return false;
}

bool council_member(storage::connection& c, const auth::actor& a, const loaded& l) {
  auto members = storage::council_members(c, l.campaign.id);
  return std::ranges::find(members, a.user_id) != members.end();
}

// Who may see this file at all.
result<void> may_see(storage::connection& c, const auth::actor& a, const loaded& l) {
  switch (a.role) {
    case auth::role::agency_editor:
    case auth::role::agency_head:
      if (a.unit_id != l.unit.id) return errc::wrong_unit;
      return {};
    case auth::role::appraiser:
      if (!assigned(c, a, l, std::nullopt)) return errc::not_assigned_to_unit;
      return {};
    case auth::role::council_member:
      if (!council_member(c, a, l)) return errc::not_council_member;
      return {};
    default:
      return {};
  }
}

struct who {
  std::string name, role, address;
};
who who_of(const auth::actor& a) {
  return {a.username, std::string{auth::to_string(a.role)}, a.client_address};
}
const who the_clock{"system", "system", ""};

storage::audit_event audit_event_for(const who& w, const loaded& l, std::string action) {
  storage::audit_event e;
  e.actor = w.name;
  e.actor_role = w.role;
  e.client_address = w.address;
  e.action = std::move(action);
  e.entity = l.entity();
  e.campaign_id = l.campaign.id;
  e.unit_id = l.unit.id;
  e.assessment_id = l.a.id;
  return e;
}

// What sealing the file's drafts made in stage `from` needs to know.
seal_request seal_request_for(const loaded& l, const who& w, stage from, clock_time now) {
  seal_request r;
  r.assessment_id = l.a.id;
  r.campaign_id = l.campaign.id;
  r.unit_id = l.unit.id;
  r.campaign = l.campaign.name;
  r.unit_code = l.unit.code;
  r.unit_name = l.unit.name;
  r.sealed_stage = from;
  r.at = now;
  r.by = w.name;
  r.by_role = w.role;
  r.set = l.set;
  return r;
}

// Moves the file and records the event and its audit entry.
void record_transition(storage::connection& c, loaded& l, const who& w, event ev, stage to,
                       clock_time now, const std::optional<std::string>& reason,
                       std::optional<clock_time> until, bool late, std::int64_t council_round,
                       const transition_effects& effects, const prepared_seal* prepared = nullptr) {
  const auto from = l.current();
  storage::assessment_record next = l.a;
  next.state = std::string{to_string(to)};
  next.council_round = council_round;
  if (!storage::update_assessment_state(c, next))
    throw std::runtime_error("assessment changed during its own transaction");
  storage::assessment_event_record e;
  e.assessment_id = l.a.id;
  e.event = std::string{to_string(ev)};
  e.from_state = std::string{to_string(from)};
  e.to_state = next.state;
  e.at = to_millis(now);
  e.actor = w.name;
  e.actor_role = w.role;
  e.reason = reason;
  if (until) e.until = to_millis(*until);
  e.late = late;
  e.id = storage::insert_event(c, e);
  l.events.push_back(e);
  l.a = next;
  l.a.version += 1;
  auto audit = audit_event_for(w, l, "assessment." + e.event);
  audit.old_value = e.from_state;
  audit.new_value =
      e.to_state + (until ? " until " + format_time(*until, l.campaign.time_zone) : "");
  audit.reason = reason;
  storage::append_audit(c, audit, to_millis(now));
  // Drafts become signed archive versions in the same transaction as the move, so a
  // crash leaves either both or neither.
  if (effects.sealer && seals_evidence(from, to)) {
    auto r = seal_request_for(l, w, from, now);
    r.prepared = prepared;
    effects.sealer->seal(c, r);
  }
  // A signed checkpoint at every change of stage, in the same transaction.
  if (effects.key && from != to) make_checkpoint(c, *effects.key, to_millis(now));
}

// The clock's move that is due now, if any: the event and the time it happened (the
// deadline + grace, or the window's close time), which need not be now.
struct due_move {
  event what;
  stage to;
  clock_time at;
  const char* reason;
};
std::optional<due_move> due_now(const loaded& l, clock_time now) {
  if (l.current() == stage::self_assessment && now > deadline_of(l) + grace_of(l))
    return due_move{event::auto_submit, stage::round1, deadline_of(l) + grace_of(l),
                    "deadline passed"};
  if (auto closes = window_closes(l); closes && now >= *closes)
    return due_move{event::auto_close_window, stage::round2, *closes, "window close time passed"};
  return std::nullopt;
}

// Fires what the clock says is due. Returns true if the file moved. A move that seals
// evidence is made only with its archives prepared: without them (prepared null) it is
// left to the sweep, which builds them on its own threads, not on a request's worker.
bool fire_due(storage::connection& c, loaded& l, clock_time now, const transition_effects& key,
              const prepared_seal* prepared) {
  auto due = due_now(l, now);
  if (!due) return false;
  if (!prepared && key.sealer && seals_evidence(l.current(), due->to)) return false;
  record_transition(c, l, the_clock, due->what, due->to, due->at, std::string{due->reason},
                    std::nullopt, false, l.a.council_round, key, prepared);
  return true;
}

assessment_view view_of(const loaded& l, clock_time now) {
  assessment_view v;
  v.assessment = l.a;
  v.campaign = l.campaign;
  v.unit_code = l.unit.code;
  v.unit_name = l.unit.name;
  v.group_key = l.group.key;
  v.set = *l.set;
  for (const auto& n : v.set.nodes)
    if (n.leaf()) v.leaves.push_back({n, value_of(l, n.code), l.claimable.contains(n.code)});
  v.events = l.events;
  v.adjustments = l.adjustments;
  v.score = score_of(l);
  v.server_time = now;
  v.deadline = deadline_of(l);
  v.window_closes_at = window_closes(l);
  v.flagged = flagged_count(l);
  v.missing_round1 = missing_round1(l);
  return v;
}

bool blank(const std::optional<std::string>& s) {
  return !s || s->find_first_not_of(" \t\r\n") == std::string::npos;
}

std::set<std::string, std::less<>> claimable_codes(storage::connection& c, std::int64_t id) {
  auto codes = storage::claimable_leaves(c, id);
  return {codes.begin(), codes.end()};
}

// A file read for a write, with the clock's due moves already made (when the actor may
// see it; a move whose archives are not prepared is left to the sweep, see fire_due). The settle
// part of storage::database::write_result_after: those moves stay recorded even when the request
// that touched the file first is refused.
struct settled {
  std::optional<loaded> file;
  result<void> visible = errc::assessment_not_found;
};
void settle_file(storage::connection& c, criteria_cache& sets, const auth::actor& a,
                 std::int64_t id, std::optional<std::string_view> only_leaf, clock_time now,
                 const transition_effects& effects, settled& out, const prepared_seal* prepared) {
  out.file = load(c, sets, id, only_leaf);
  if (!out.file) return;
  out.visible = may_see(c, a, *out.file);
  if (out.visible) fire_due(c, *out.file, now, effects, prepared);
}

// A publication names its decision: a number, and a real date that is not in the
// future in the campaign's time zone ("hôm qua" is not a date).
result<void> check_decision(const std::optional<std::string>& number,
                            const std::optional<std::string>& date,
                            const storage::campaign_record& campaign, clock_time now,
                            refusal_detail& detail) {
  for (const auto& [field, value] :
       {std::pair{"decision_number", &number}, {"decision_date", &date}})
    if (blank(*value)) {
      detail.values["field"] = field;
      return errc::decision_required;
    }
  const auto today = date_in(now, campaign.time_zone);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(today.year()), unsigned(today.month()),
                unsigned(today.day()));
  detail.values["field"] = "decision_date";
  detail.values["date"] = *date;
  detail.values["today"] = text;
  auto d = parse_date(*date);
  if (!d || *d > today) return errc::invalid_decision_date;
  return {};
}

// Parses a score for a leaf: errors name the value and the maximum.
result<std::int64_t> parse_score(const std::string& text, const criterion_node& n,
                                 refusal_detail* why) {
  if (why) {
    why->values["score"] = text;
    why->values["max"] = n.max.to_string();
    why->values["code"] = n.code;
  }
  points::parse_error e{};
  auto p = points::parse(text, &e);
  if (!p) {
    if (e == points::parse_error::too_many_decimals) return errc::too_many_decimals;
    if (e == points::parse_error::negative) return errc::negative_score;
    return errc::invalid_score;
  }
  if (*p > n.max) return errc::score_above_max;
  return p->units();
}

// The edit table, the field's assignment and role, for each field an edit touches.
result<void> permit_fields(storage::connection& c, const auth::actor& a, const loaded& l,
                           const criterion_node& node, std::span<const leaf_field> fields,
                           refusal_detail& detail) {
  const stage s = l.current();
  const auto& tz = l.campaign.time_zone;
  for (auto f : fields) {
    detail.values["action"] = "edit " + std::string{to_string(f)};
    if (auto ok = may_edit(f, s, a.role); !ok) {
      // Say why in the user's terms: a deadline or a window that has passed.
      const bool self_field = f == leaf_field::self_score || f == leaf_field::self_explanation ||
                              f == leaf_field::not_evaluated_claim || f == leaf_field::evidence;
      if (ok.error() == errc::wrong_stage && self_field && s != stage::self_assessment &&
          s != stage::historical && may_edit(f, stage::self_assessment, a.role) &&
          !(f == leaf_field::evidence && last_window_close(l))) {
        detail.values["deadline"] = format_time(deadline_of(l), tz);
        return errc::deadline_passed;
      }
      if (ok.error() == errc::wrong_stage &&
          (f == leaf_field::explanation_response || f == leaf_field::evidence) &&
          last_window_close(l)) {
        detail.values["closes_at"] = format_time(*last_window_close(l), tz);
        return errc::window_closed;
      }
      return ok.error();
    }
    if (a.role == auth::role::appraiser && !assigned(c, a, l, node.field()))
      return errc::not_assigned;
  }
  return {};
}

// The agency's clock, for fields the edit table puts on it: before the deadline (+ grace,
// then late) in self-assessment; in the window, before it closes and only on a flagged
// leaf. Returns whether it is late.
result<bool> permit_timing(const loaded& l, std::string_view code,
                           std::span<const leaf_field> fields, clock_time now,
                           refusal_detail& detail) {
  const stage s = l.current();
  if (std::ranges::none_of(fields, [&](leaf_field f) { return on_agency_clock(f, s); }))
    return false;
  const auto& tz = l.campaign.time_zone;
  bool late = false;
  if (s == stage::self_assessment) {
    const auto deadline = deadline_of(l);
    detail.values["deadline"] = format_time(deadline, tz);
    if (now > deadline + grace_of(l)) return errc::deadline_passed;
    late = now > deadline;
  }
  if (s == stage::explanation_window) {
    auto closes = window_closes(l);
    if (closes) detail.values["closes_at"] = format_time(*closes, tz);
    if (closes && now >= *closes) return errc::window_closed;
    if (!value_of(l, std::string{code}).needs_explanation) return errc::leaf_not_flagged;
  }
  return late;
}

std::string opt_units(const std::optional<std::int64_t>& u) {
  return u ? points::from_units(*u).to_string() : "";
}

// What an allowed event does, decided before anything is written.
struct allowed_event {
  stage to;
  std::optional<clock_time> until;  // a window's or a deadline's new end
  int self_scores_missing = 0;      // a submission's unscored leaves, for its reason
};

// Decides whether one event may be applied to a settled, visible file: the guards of
// the transition table and the values the event needs. Only reads, so it also runs
// before a sealing event, to build its archives only for an event that will pass.
// A refusal leaves `detail` filled for the message.
result<allowed_event> check_event(storage::connection& c, const auth::actor& a, const loaded& l,
                                  const event_request& r, clock_time now, refusal_detail& detail) {
  const stage s = l.current();
  const auto& tz = l.campaign.time_zone;
  detail.values["stage"] = std::string{to_string(s)};
  detail.values["role"] = std::string{auth::to_string(a.role)};
  detail.values["action"] = std::string{to_string(r.what)};
  detail.values["deadline"] = format_time(deadline_of(l), tz);
  if (auto closes = last_window_close(l)) detail.values["closes_at"] = format_time(*closes, tz);

  const bool is_vote = r.what == event::vote_approve || r.what == event::vote_return;
  if (is_vote) {
    if (a.role != auth::role::council_member || !council_member(c, a, l))
      return errc::not_council_member;
    for (const auto& v : storage::votes(c, l.a.id, l.a.council_round))
      if (v.user_id == a.user_id) return errc::already_voted;
  }
  guard_facts facts;
  facts.before_deadline = now <= deadline_of(l) + grace_of(l);
  facts.round1_complete = missing_round1(l) == 0;
  facts.flagged = flagged_count(l);
  const auto unscored = missing_self_scores(l);
  facts.self_scores_missing = static_cast<int>(unscored.size());
  facts.missing_confirmed = r.confirm_missing_self_scores;
  facts.historical_missing = missing_final_scores(l);
  auto closes = window_closes(l);
  facts.window_due = closes && now >= *closes;
  facts.reason_given = !blank(r.reason);
  if (r.what == event::extend_window) {
    facts.later_close_time = closes && r.until && *r.until > *closes && *r.until > now;
    detail.values["field"] = "until";
    detail.values["after"] = format_time(closes ? std::max(*closes, now) : now, tz);
  }
  if (is_vote) {
    int approvals = r.what == event::vote_approve, returns = r.what == event::vote_return;
    for (const auto& v : storage::votes(c, l.a.id, l.a.council_round))
      (v.decision == storage::vote_decision::approve ? approvals : returns) += 1;
    facts.council =
        council_decision(rule_of(l.campaign), approvals, returns,
                         static_cast<int>(storage::council_members(c, l.campaign.id).size()));
  }
  detail.values["count"] = std::to_string(
      r.what == event::submit                                     ? facts.self_scores_missing
      : r.what == event::approve_historical                       ? facts.historical_missing
      : r.what == event::complete_round1 && facts.round1_complete ? facts.flagged
                                                                  : missing_round1(l));
  if (r.what == event::submit) {
    std::string codes;
    for (const auto& code : unscored) codes += (codes.empty() ? "" : ", ") + code;
    detail.values["codes"] = codes;
  }
  auto to = decide(s, r.what, a.role, false, facts);
  if (!to) {
    if (to.error() == errc::reason_required) detail.values["field"] = "reason";
    return to.error();
  }

  // Values some events need.
  std::optional<clock_time> until;
  if (r.what == event::open_window) {
    until = r.until.value_or(now + std::chrono::seconds{l.campaign.window_length_seconds});
    if (*until <= now) {
      detail.values["field"] = "until";
      detail.values["after"] = format_time(now, tz);
      return errc::invalid_time;
    }
  }
  if (r.what == event::extend_window) until = r.until;
  if (r.what == event::extend_deadline) {
    if (!r.until || *r.until <= deadline_of(l)) {
      detail.values["field"] = "until";
      detail.values["after"] = format_time(deadline_of(l), tz);
      return errc::invalid_time;
    }
    until = r.until;
  }
  if ((r.what == event::open_window || r.what == event::close_window ||
       r.what == event::complete_round1 || r.what == event::complete_round2) &&
      a.role == auth::role::appraiser && !assigned(c, a, l, std::nullopt))
    return errc::not_assigned_to_unit;
  if (r.what == event::adjust && !r.adjustment) {
    detail.values["score"] = "";
    return errc::invalid_score;
  }
  if (r.what == event::publish)
    if (auto ok = check_decision(r.decision_number, r.decision_date, l.campaign, now, detail); !ok)
      return ok.error();
  return allowed_event{*to, until, facts.self_scores_missing};
}

// Applies one event to a settled, visible file inside the caller's transaction: the
// checks above, then the transition itself. A refusal leaves `detail` filled for the
// message; the caller's transaction rolls back.
result<assessment_view> apply_event(storage::connection& c, const auth::actor& a, loaded& l,
                                    const event_request& r, clock_time now, refusal_detail& detail,
                                    const transition_effects& effects,
                                    const prepared_seal* prepared) {
  auto allowed = check_event(c, a, l, r, now, detail);
  if (!allowed) return allowed.error();
  const auto& to = allowed->to;
  const auto& until = allowed->until;
  const bool is_vote = r.what == event::vote_approve || r.what == event::vote_return;
  std::int64_t council_round = l.a.council_round;
  if (is_vote) {
    storage::insert_vote(c, {l.a.id, council_round, a.user_id,
                             r.what == event::vote_approve ? storage::vote_decision::approve
                                                           : storage::vote_decision::send_back,
                             r.reason, to_millis(now)});
    if (to == stage::round2) council_round += 1;  // returned: a new round of votes
  }
  if (r.what == event::adjust) {
    storage::insert_adjustment(
        c, {0, l.a.id, r.adjustment->units(), *r.reason, to_millis(now), a.username});
    l.adjustments = storage::adjustments(c, l.a.id);
  }
  if (r.what == event::publish)
    storage::insert_publication(
        c, {l.a.id, *r.decision_number, *r.decision_date, to_millis(now), a.username});
  std::optional<std::string> reason = r.reason;
  if (r.what == event::adjust)
    reason = r.adjustment->to_string() + " points: " + r.reason.value_or("");
  if (r.what == event::publish)
    reason = "decision " + *r.decision_number + " of " + *r.decision_date;
  if (r.what == event::submit && allowed->self_scores_missing > 0)
    reason = reason.value_or("") + (reason ? "; " : "") + "submitted on purpose with " +
             std::to_string(allowed->self_scores_missing) + " criteria unscored";
  if (l.campaign.historical)
    reason = reason.value_or("") + (reason ? "; " : "") + "historical campaign";
  record_transition(c, l, who_of(a), r.what, to, now, reason, until, false, council_round, effects,
                    prepared);
  l.claimable = claimable_codes(c, l.a.id);
  return view_of(l, now);
}

}  // namespace

bool not_evaluated_now(const storage::leaf_value_record& v) {
  return v.not_evaluated || v.ne_claim == storage::claim_state::claimed;
}

assessment_service::assessment_service(storage::database& db, const auth::clock& clock,
                                       const storage::signing_key* key,
                                       const evidence_sealing* sealer)
    : db_(db), clock_(clock), effects_{key, sealer}, sets_(std::make_unique<criteria_cache>()) {}

assessment_service::~assessment_service() = default;

result<assessment_view> assessment_service::get(const auth::actor& a, std::int64_t id) {
  const auto now = clock_.now();
  // A read takes the single writer only when the clock has a move due on the file (an
  // auto-submission, a window's close), and only when the move's archives need no
  // building now; otherwise the sweep makes the move and the file is shown as it is.
  struct peek {
    std::optional<result<assessment_view>> answer;
    std::optional<seal_request> seal;
    std::optional<assessment_view> as_is;  // before the move, if that is left to the sweep
  };
  auto p = db_.read_result([&](storage::connection& c) {
    peek out;
    auto l = load(c, *sets_, id, std::nullopt);
    if (!l) {
      out.answer.emplace(errc::assessment_not_found);
      return out;
    }
    if (auto visible = may_see(c, a, *l); !visible) {
      out.answer.emplace(visible.error());
      return out;
    }
    auto due = due_now(*l, now);
    if (!due) {
      l->claimable = claimable_codes(c, l->a.id);
      out.answer.emplace(view_of(*l, now));
    } else if (effects_.sealer && seals_evidence(l->current(), due->to)) {
      out.seal = seal_request_for(*l, the_clock, l->current(), due->at);
      l->claimable = claimable_codes(c, l->a.id);
      out.as_is = view_of(*l, now);
    }
    return out;
  });
  if (p.answer) return std::move(*p.answer);
  prepared_seal prepared;
  if (p.seal) {
    auto ready = effects_.sealer->prepared_if_ready(db_, *p.seal);
    if (!ready) {
      left_to_sweep();
      return std::move(*p.as_is);
    }
    prepared = std::move(*ready);
  }
  settled f;
  return db_.write_result_after(
      [&](storage::connection& c) {
        settle_file(c, *sets_, a, id, std::nullopt, now, effects_, f, &prepared);
      },
      [&](storage::connection& c) -> result<assessment_view> {
        if (!f.file) return errc::assessment_not_found;
        if (!f.visible) return f.visible.error();
        f.file->claimable = claimable_codes(c, f.file->a.id);
        return view_of(*f.file, now);
      });
}

namespace {

// A claim's state as the audit entry names it ("" for none).
std::string claim_name(const std::optional<storage::claim_state>& s) {
  return s ? std::string{storage::to_string(*s)} : std::string{};
}

// One leaf edit inside the caller's transaction: the edit table, timing, the value's
// version (when expected_version is set; a bulk edit checks the file's instead), the
// not-evaluated rules, the scores, and one audit entry per changed field. On a refusal
// nothing has been written by it; detail says why.
result<leaf_view> apply_leaf_edit(storage::connection& c, const auth::actor& a, loaded& l,
                                  std::string_view code, const leaf_edit& edit,
                                  std::optional<std::int64_t> expected_version, clock_time now,
                                  refusal_detail& detail) {
  const auto* node = l.set->find(code);
  detail.values["code"] = std::string{code};
  if (!node) return errc::unknown_criterion;
  if (!node->leaf()) return errc::not_a_leaf;
  const stage s = l.current();
  detail.values["stage"] = std::string{to_string(s)};
  detail.values["role"] = std::string{auth::to_string(a.role)};
  detail.values["field"] = node->field();

  std::vector<leaf_field> fields;
  if (edit.self_score) fields.push_back(leaf_field::self_score);
  if (edit.self_explanation) fields.push_back(leaf_field::self_explanation);
  if (edit.not_evaluated || edit.not_evaluated_reason) fields.push_back(leaf_field::not_evaluated);
  if (edit.claim_not_evaluated || edit.claim_reason)
    fields.push_back(leaf_field::not_evaluated_claim);
  if (edit.claim_decision) fields.push_back(leaf_field::claim_decision);
  if (edit.round1_score) fields.push_back(leaf_field::round1_score);
  if (edit.round1_remark) fields.push_back(leaf_field::round1_remark);
  if (edit.needs_explanation) fields.push_back(leaf_field::needs_explanation);
  if (edit.explanation_response) fields.push_back(leaf_field::explanation_response);
  if (edit.round2_score) fields.push_back(leaf_field::round2_score);
  if (edit.round2_remark) fields.push_back(leaf_field::round2_remark);
  if (fields.empty()) return errc::empty_edit;

  if (auto ok = permit_fields(c, a, l, *node, fields, detail); !ok) return ok.error();
  const bool score_field = edit.self_score || edit.round1_score || edit.round2_score;
  detail.values["method"] = std::string{to_string(node->method.value_or(scoring_method::self))};
  if (score_field && !self_scored(*node)) return errc::not_self_scored;
  auto late = permit_timing(l, code, fields, now, detail);
  if (!late) return late.error();
  auto current = value_of(l, std::string{code});
  if (expected_version && current.version != *expected_version) {
    detail.values["version"] = std::to_string(current.version);
    return errc::stale_version;
  }

  storage::leaf_value_record next = current;
  const bool claimable = storage::claimable_leaf(c, l.a.id, code);
  // Not evaluated: the secretariat's decision, the agency's claim, the appraiser's
  // verdict on the claim (docs/workflow.md).
  if (edit.not_evaluated || edit.not_evaluated_reason) {
    if (edit.not_evaluated) next.not_evaluated = *edit.not_evaluated;
    if (edit.not_evaluated_reason) next.not_evaluated_reason = *edit.not_evaluated_reason;
    if (next.not_evaluated && blank(next.not_evaluated_reason)) {
      detail.values["field"] = "not_evaluated_reason";
      return errc::reason_required;
    }
    if (!next.not_evaluated) next.not_evaluated_reason.reset();
    // A pending claim is settled by the decision.
    if (next.ne_claim == storage::claim_state::claimed)
      next.ne_claim =
          next.not_evaluated ? storage::claim_state::confirmed : storage::claim_state::rejected;
  }
  if (edit.claim_not_evaluated || edit.claim_reason) {
    if (!claimable) return errc::not_claimable;
    if (current.not_evaluated) return errc::leaf_not_evaluated;  // decided already
    const bool claim =
        edit.claim_not_evaluated.value_or(current.ne_claim == storage::claim_state::claimed);
    if (edit.claim_reason) next.ne_claim_reason = *edit.claim_reason;
    if (claim) {
      const bool clears_score = edit.self_score && !*edit.self_score;
      if (current.self_score && !clears_score) {
        detail.values["score"] = points::from_units(*current.self_score).to_string();
        return errc::leaf_has_score;
      }
      if (blank(next.ne_claim_reason)) {
        detail.values["field"] = "claim_reason";
        return errc::reason_required;
      }
      next.ne_claim = storage::claim_state::claimed;
    } else {
      next.ne_claim.reset();  // withdrawn
      next.ne_claim_reason.reset();
    }
  }
  if (edit.claim_decision) {
    if (!current.ne_claim) return errc::no_claim;
    if (*edit.claim_decision == claim_ruling::confirm) {
      next.ne_claim = storage::claim_state::confirmed;
      next.not_evaluated = true;
      next.not_evaluated_reason = current.ne_claim_reason;
    } else {
      if (blank(edit.reason) && blank(edit.round1_remark)) {
        detail.values["field"] = "round1_remark";
        return errc::reason_required;
      }
      next.ne_claim = storage::claim_state::rejected;
      next.not_evaluated = false;
      next.not_evaluated_reason.reset();
    }
  }

  auto set_score = [&](const std::optional<std::optional<std::string>>& in,
                       std::optional<std::int64_t>& out) -> result<void> {
    if (!in) return {};
    if (!*in) {
      out.reset();
      return {};
    }
    // Never silently dropped: a score on a leaf that does not count is refused.
    if (not_evaluated_now(next)) return errc::leaf_not_evaluated;
    auto units = parse_score(**in, *node, &detail);
    if (!units) return units.error();
    out = *units;
    return {};
  };
  if (auto r = set_score(edit.self_score, next.self_score); !r) return r.error();
  if (auto r = set_score(edit.round1_score, next.round1_score); !r) return r.error();
  if (auto r = set_score(edit.round2_score, next.round2_score); !r) return r.error();
  // Writing the explanation is the agency's own answer: it is no longer last year's.
  if (edit.self_explanation) {
    next.self_explanation = *edit.self_explanation;
    next.carried_over = false;
  }
  if (edit.round1_remark) next.round1_remark = *edit.round1_remark;
  if (edit.needs_explanation) next.needs_explanation = *edit.needs_explanation;
  if (edit.explanation_response) next.explanation_response = *edit.explanation_response;
  if (edit.round2_remark) next.round2_remark = *edit.round2_remark;
  next.late = current.late || *late;
  next.updated_at = to_millis(now);
  if (!storage::save_leaf_value(c, next)) return errc::stale_version;
  next.version += 1;
  l.values[next.code] = next;
  // The file's ETag covers its leaves too, so that a bulk edit's If-Match (one version
  // for the whole file) sees every single-leaf edit made since the file was read.
  storage::touch_assessment(c, l.a.id);

  // One audit entry per changed field, old and new value side by side.
  const who w = who_of(a);
  auto audit = [&](std::string field, std::string before, std::string after) {
    if (before == after) return;
    auto e = audit_event_for(w, l, "leaf." + field);
    e.entity = l.entity() + "/leaf/" + std::string{code};
    e.criterion_code = std::string{code};
    e.old_value = before;
    e.new_value = after;
    e.reason = edit.reason;
    if (*late)
      e.reason =
          edit.reason.value_or("") + (edit.reason ? " " : "") + "(late: in the grace period)";
    storage::append_audit(c, e, to_millis(now));
  };
  audit("self_score", opt_units(current.self_score), opt_units(next.self_score));
  audit("self_explanation", current.self_explanation.value_or(""),
        next.self_explanation.value_or(""));
  audit("carried_over", current.carried_over ? "1" : "0", next.carried_over ? "1" : "0");
  audit("not_evaluated", current.not_evaluated ? "1" : "0", next.not_evaluated ? "1" : "0");
  audit("not_evaluated_reason", current.not_evaluated_reason.value_or(""),
        next.not_evaluated_reason.value_or(""));
  audit("not_evaluated_claim", claim_name(current.ne_claim), claim_name(next.ne_claim));
  audit("not_evaluated_claim_reason", current.ne_claim_reason.value_or(""),
        next.ne_claim_reason.value_or(""));
  audit("round1_score", opt_units(current.round1_score), opt_units(next.round1_score));
  audit("round1_remark", current.round1_remark.value_or(""), next.round1_remark.value_or(""));
  audit("needs_explanation", current.needs_explanation ? "1" : "0",
        next.needs_explanation ? "1" : "0");
  audit("explanation_response", current.explanation_response.value_or(""),
        next.explanation_response.value_or(""));
  audit("round2_score", opt_units(current.round2_score), opt_units(next.round2_score));
  audit("round2_remark", current.round2_remark.value_or(""), next.round2_remark.value_or(""));
  return leaf_view{*node, next, claimable};
}

}  // namespace

result<leaf_view> assessment_service::edit_leaf(const auth::actor& a, std::int64_t id,
                                                std::string_view code, const leaf_edit& edit,
                                                std::int64_t expected_version,
                                                refusal_detail* why) {
  const auto now = clock_.now();
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  // The first edit after a deadline submits the file, when its archives need no building.
  const auto due = due_if_ready(a, id);
  settled f;
  return db_.write_result_after(
      [&](storage::connection& c) {
        settle_file(c, *sets_, a, id, code, now, effects_, f, due ? &*due : nullptr);
      },
      [&](storage::connection& c) -> result<leaf_view> {
        if (!f.file) return errc::assessment_not_found;
        if (!f.visible) return f.visible.error();
        return apply_leaf_edit(c, a, *f.file, code, edit, expected_version, now, detail);
      });
}

result<bulk_edit_result> assessment_service::edit_leaves(const auth::actor& a, std::int64_t id,
                                                         const std::vector<leaf_edit_item>& items,
                                                         std::int64_t expected_file_version,
                                                         std::vector<leaf_edit_problem>* problems,
                                                         refusal_detail* why, bulk_mode mode) {
  const auto now = clock_.now();
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  std::vector<leaf_edit_problem> found;
  const auto due = due_if_ready(a, id);
  settled f;
  const std::function<void(storage::connection&)> settle = [&](storage::connection& c) {
    settle_file(c, *sets_, a, id, std::nullopt, now, effects_, f, due ? &*due : nullptr);
  };
  result<bulk_edit_result> r = errc::empty_edit;
  auto work = [&](storage::connection& c) -> result<bulk_edit_result> {
    if (!f.file) return errc::assessment_not_found;
    if (!f.visible) return f.visible.error();
    auto& l = *f.file;
    if (items.empty()) return errc::empty_edit;
    if (l.a.version != expected_file_version) {
      detail.values["version"] = std::to_string(l.a.version);
      return errc::stale_version;
    }
    bulk_edit_result out;
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      leaf_edit_problem p{i, items[i].line, items[i].code, {}, {}};
      if (!seen.insert(items[i].code).second) {
        p.error = errc::duplicate_entry;
        p.detail.values["code"] = items[i].code;
        found.push_back(std::move(p));
        continue;
      }
      // Each leaf is checked as if alone (its own detail); a refused one writes
      // nothing, and any refusal rolls the whole transaction back below.
      out.before.push_back(value_of(l, items[i].code));
      auto v = apply_leaf_edit(c, a, l, items[i].code, items[i].edit, std::nullopt, now, p.detail);
      if (v) {
        out.leaves.push_back(std::move(*v));
      } else {
        p.error = v.error();
        found.push_back(std::move(p));
      }
    }
    if (!found.empty()) {
      detail.values["count"] = std::to_string(found.size());
      return errc::invalid_bulk_edit;
    }
    out.file_version =
        mode == bulk_mode::preview ? l.a.version : storage::find_assessment(c, id)->version;
    return out;
  };
  // A preview runs every rule and write, then rolls back: what it shows is exactly what
  // the same request without preview would store.
  const std::function<storage::write_outcome(storage::connection&)> run =
      [&](storage::connection& c) {
        r = work(c);
        return !r || mode == bulk_mode::preview ? storage::write_outcome::roll_back
                                                : storage::write_outcome::commit;
      };
  db_.write_refusable(&settle, run);
  if (problems) *problems = std::move(found);
  return r;
}

namespace {

std::optional<bool> yes_no(std::string_view s) {
  for (auto yes : {"yes", "có", "co", "1", "true", "x"})
    if (s == yes) return true;
  for (auto no : {"no", "không", "khong", "0", "false"})
    if (s == no) return false;
  return std::nullopt;
}

}  // namespace

result<bulk_edit_result> assessment_service::import_leaf_csv(
    const auth::actor& a, std::int64_t id, std::string_view csv, std::int64_t expected_file_version,
    bulk_mode mode, std::vector<import_row_problem>* csv_problems,
    std::vector<leaf_edit_problem>* problems, refusal_detail* why) {
  // Which round the scores are for: the file's stage now. Should it move before the
  // write, the file's version differs and the write is refused as stale.
  auto now_at = db_.read_result([&](storage::connection& c) -> result<stage> {
    auto l = load(c, *sets_, id, std::string_view{});
    if (!l) return errc::assessment_not_found;
    if (auto ok = may_see(c, a, *l); !ok) return ok.error();
    return l->current();
  });
  if (!now_at) return now_at.error();
  const bool in_round2 = *now_at == stage::round2;
  std::vector<import_row_problem> found;
  auto table =
      storage::read_csv_table(csv, {"code", "score"}, {"remark", "needs_explanation"}, found);
  std::vector<leaf_edit_item> items;
  for (const auto& row : table.rows) {
    leaf_edit_item item;
    item.line = row.line;
    item.code = table.field(row, "code");
    const auto score = storage::decimal_text(table.field(row, "score"), table.separator);
    const auto remark = table.field(row, "remark");
    auto& e = item.edit;
    if (!score.empty()) (in_round2 ? e.round2_score : e.round1_score) = score;
    if (!remark.empty()) (in_round2 ? e.round2_remark : e.round1_remark) = remark;
    if (const auto flag = table.field(row, "needs_explanation"); !flag.empty()) {
      e.needs_explanation = yes_no(flag);
      if (!e.needs_explanation)
        found.push_back({row.line, "bad_row", "needs_explanation is yes or no, not " + flag});
    }
    items.push_back(std::move(item));
  }
  if (!found.empty() || items.empty()) {
    if (items.empty() && found.empty()) found.push_back({1, "bad_row", "no rows"});
    if (csv_problems) *csv_problems = std::move(found);
    return errc::invalid_score_import;
  }
  return edit_leaves(a, id, items, expected_file_version, problems, why, mode);
}

result<assessment_view> assessment_service::fire(const auth::actor& a, std::int64_t id,
                                                 const event_request& r, refusal_detail* why) {
  const auto now = clock_.now();
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  // A submission or a window's close seals evidence: the archives are built here, before
  // the transaction, so that the single writer is not held while gigabytes are copied.
  // The transaction uses them if the drafts are still the same (or builds its own). A
  // move the clock has due is made first, with its own archives prepared the same way
  // (they are the ones the event's would be, so the event's are then not built). Nothing
  // is built for an event its checks refuse: a refused submission would otherwise
  // archive the unit's evidence for nothing, as often as it is sent.
  const auto due = prepare_due(a, id);
  prepared_seal prepared;
  if (effects_.sealer && due.empty()) {
    auto request = db_.read_result([&](storage::connection& c) -> std::optional<seal_request> {
      auto l = load(c, *sets_, id, std::string_view{});
      if (!l || !may_see(c, a, *l) || !event_seals(l->current(), r.what, a.role))
        return std::nullopt;
      refusal_detail unused;  // the transaction below refuses again, with the message
      if (!check_event(c, a, *l, r, now, unused)) return std::nullopt;
      return seal_request_for(*l, who_of(a), l->current(), now);
    });
    if (request) prepared = effects_.sealer->prepare(db_, *request);
  }
  settled f;
  return db_.write_result_after(
      [&](storage::connection& c) {
        settle_file(c, *sets_, a, id, std::nullopt, now, effects_, f, &due);
      },
      [&](storage::connection& c) -> result<assessment_view> {
        if (!f.file) return errc::assessment_not_found;
        if (!f.visible) return f.visible.error();
        return apply_event(c, a, *f.file, r, now, detail, effects_, &prepared);
      });
}

result<int> assessment_service::publish_campaign(const auth::actor& a, std::int64_t campaign_id,
                                                 const std::string& decision_number,
                                                 const std::string& decision_date,
                                                 refusal_detail* why) {
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  const auto now = clock_.now();
  // All or none: every approved file is published in one transaction, so a refusal or
  // a failure on any file leaves the campaign as it was, and names that file.
  std::vector<settled> files;
  return db_.write_result_after(
      [&](storage::connection& c) {
        files.clear();
        for (const auto& r : storage::campaign_assessments(c, campaign_id)) {
          // Files are long past their sealing moves here; one still due is the sweep's.
          settle_file(c, *sets_, a, r.id, std::nullopt, now, effects_, files.emplace_back(),
                      nullptr);
        }
      },
      [&](storage::connection& c) -> result<int> {
        auto campaign = storage::find_campaign(c, campaign_id);
        if (!campaign) return errc::campaign_not_found;
        if (auto ok = check_decision(decision_number, decision_date, *campaign, now, detail); !ok)
          return ok.error();
        event_request r;
        r.what = event::publish;
        r.decision_number = decision_number;
        r.decision_date = decision_date;
        int published = 0;
        for (auto& f : files) {
          if (!f.file || f.file->current() != stage::approved) continue;
          if (!f.visible) return f.visible.error();
          detail.values["unit"] = f.file->unit.code;
          if (auto done = apply_event(c, a, *f.file, r, now, detail, effects_, nullptr); !done)
            return done.error();
          ++published;
        }
        detail.values.erase("unit");
        if (published == 0) return errc::nothing_to_publish;
        return published;
      });
}

result<int> assessment_service::import_scores(const auth::actor& a, std::int64_t campaign_id,
                                              std::string_view csv,
                                              std::vector<import_row_problem>* problems) {
  const auto now = clock_.now();
  const auto doc = storage::read_csv(csv);
  return db_.write_result([&](storage::connection& c) -> result<int> {
    auto campaign = storage::find_campaign(c, campaign_id);
    if (!campaign) return errc::campaign_not_found;
    const bool historical = campaign->historical;
    std::map<std::string, loaded, std::less<>> by_unit;
    for (const auto& r : storage::campaign_assessments(c, campaign_id)) {
      auto l = load(c, *sets_, r.id);
      by_unit[l->unit.code] = std::move(*l);
    }
    struct row {
      loaded* l;
      std::string code;
      std::int64_t units;
      std::optional<std::int64_t> self_units;
    };
    std::vector<row> rows;
    std::vector<import_row_problem> found;
    for (const auto& p : doc.problems) found.push_back({p.line, "bad_csv", p.detail});
    const std::size_t columns = historical ? 4 : 3;
    const std::string shape = historical ? "unit_code,criterion_code,score[,self_score]"
                                         : "unit_code,criterion_code,score";
    std::map<std::pair<std::string, std::string>, int> first_line;
    for (std::size_t i = 0; i < doc.records.size(); ++i) {
      const auto& rec = doc.records[i];
      std::vector<std::string> f;
      for (const auto& field : rec.fields) f.push_back(storage::trimmed(field));
      if (i == 0 && !f.empty() && f[0] == "unit_code") continue;  // the header
      if (f.size() == 3 && columns == 4) f.emplace_back();
      const auto line = rec.line;
      if (f.size() != columns) {
        found.push_back(
            {line, "bad_row",
             "expected " + shape + ", found " + std::to_string(rec.fields.size()) + " fields"});
        continue;
      }
      auto it = by_unit.find(f[0]);
      if (it == by_unit.end()) {
        found.push_back({line, "unknown_unit", "no unit " + f[0] + " in this campaign"});
        continue;
      }
      auto& l = it->second;
      const auto* node = l.set->find(f[1]);
      if (!node) {
        found.push_back({line, "unknown_criterion", f[1] + " is not in the unit's criteria set"});
        continue;
      }
      if (!node->leaf()) {
        found.push_back({line, "not_a_leaf", f[1] + " has sub-criteria; scores go on its leaves"});
        continue;
      }
      auto [seen, fresh] = first_line.try_emplace({f[0], f[1]}, line);
      if (!fresh) {
        found.push_back(
            {line, "duplicate_row",
             f[0] + " " + f[1] + " is already on line " + std::to_string(seen->second)});
        continue;
      }
      if (not_evaluated_now(value_of(l, f[1]))) {
        found.push_back({line, "leaf_not_evaluated",
                         f[1] + " is not evaluated for " + f[0] + "; it takes no score"});
        continue;
      }
      const auto st = l.current();
      if (historical ? st != stage::historical : st == stage::approved || st == stage::published) {
        found.push_back({line, "wrong_stage", f[0] + " is " + std::string{to_string(st)}});
        continue;
      }
      if (!historical && self_scored(*node)) {
        found.push_back({line, "not_imported", f[1] + " is self-scored, not imported"});
        continue;
      }
      auto parsed = [&](const std::string& text) -> result<std::int64_t> {
        auto units = parse_score(storage::decimal_text(text, doc.separator), *node, nullptr);
        if (!units) {
          auto problem = units.error().message();
          std::ranges::replace(problem, ' ', '_');
          found.push_back(
              {line, problem,
               "score " + text + " for " + f[1] + " (maximum " + node->max.to_string() + ")"});
        }
        return units;
      };
      auto units = parsed(f[2]);
      if (!units) continue;
      std::optional<std::int64_t> self_units;
      if (columns == 4 && !f[3].empty()) {
        if (!self_scored(*node)) {
          found.push_back(
              {line, "not_self_scored",
               f[1] + " is " + std::string{to_string(*node->method)} + ": it has no self score"});
          continue;
        }
        auto s = parsed(f[3]);
        if (!s) continue;
        self_units = *s;
      }
      rows.push_back({&l, f[1], *units, self_units});
    }
    if (rows.empty() && found.empty()) found.push_back({1, "empty_file", "the file has no scores"});
    if (!found.empty()) {
      std::ranges::stable_sort(found, {}, &import_row_problem::line);
      if (problems) *problems = std::move(found);
      return errc::invalid_score_import;
    }
    const who w = who_of(a);
    for (const auto& r : rows) {
      auto current = value_of(*r.l, r.code);
      auto next = current;
      const auto* node = r.l->set->find(r.code);
      // A past year's self leaf takes its appraised (final) score, and the self score the
      // agency gave when the file has it.
      const bool appraised = historical && self_scored(*node);
      (appraised ? next.round1_score : next.imported_score) = r.units;
      if (r.self_units) next.self_score = r.self_units;
      next.updated_at = to_millis(now);
      storage::save_leaf_value(c, next);
      r.l->values[r.code] = next;
      r.l->values[r.code].version += 1;
      auto audit = [&](const char* action, const std::optional<std::int64_t>& before,
                       std::int64_t after) {
        auto e = audit_event_for(w, *r.l, action);
        e.entity = r.l->entity() + "/leaf/" + r.code;
        e.criterion_code = r.code;
        e.old_value = opt_units(before);
        e.new_value = points::from_units(after).to_string();
        e.reason = historical ? "historical import: " + std::to_string(campaign->year) +
                                    " final figures entered by the secretariat"
                              : "score import";
        storage::append_audit(c, e, to_millis(now));
      };
      if (appraised)
        audit("leaf.round1_score", current.round1_score, r.units);
      else
        audit("leaf.imported_score", current.imported_score, r.units);
      if (r.self_units) audit("leaf.self_score", current.self_score, *r.self_units);
    }
    return static_cast<int>(rows.size());
  });
}

result<std::map<std::string, group_ranking>> assessment_service::ranking(const auth::actor& a,
                                                                         std::int64_t campaign_id) {
  return db_.read_result(
      [&](storage::connection& c) -> result<std::map<std::string, group_ranking>> {
        // Before publication the figures are for the secretariat, appraisers, the council
        // and auditors; an agency sees its own file (GET /api/v1/assessments/{id}) and, once
        // files are published, the published figures: ranked among the published files
        // only, so that nothing about an unpublished file shows through a rank.
        campaign_read_options options;
        options.published_only = auth::needs_unit(a.role);
        auto scores = read_campaign_scores(c, *sets_, campaign_id, options);
        if (!scores) return scores.error();
        if (options.published_only && scores->files.empty()) return errc::ranking_not_published;
        std::map<std::string, group_ranking> out;
        for (const auto& g : scores->groups) {
          if (g.files.empty() && options.published_only) continue;
          auto& ranking = out[g.record.key];
          for (auto i : g.files) {
            const auto& f = scores->files[i];
            ranking.rows.push_back(
                {f.unit.code, f.unit.name, g.record.key, f.record.state, f.score, f.rank});
          }
          ranking.fields = g.fields;
        }
        return out;
      });
}

result<std::vector<storage::audit_entry>> assessment_service::leaf_history(const auth::actor& a,
                                                                           std::int64_t id,
                                                                           std::string_view code) {
  return db_.read_result([&](storage::connection& c) -> result<std::vector<storage::audit_entry>> {
    auto l = load(c, *sets_, id);
    if (!l) return errc::assessment_not_found;
    if (auto ok = may_see(c, a, *l); !ok) return ok.error();
    if (!l->set->find(code)) return errc::unknown_criterion;
    return storage::leaf_history(c, id, code);
  });
}

std::optional<seal_request> assessment_service::due_sealing(const auth::actor& a, std::int64_t id) {
  if (!effects_.sealer) return std::nullopt;
  const auto now = clock_.now();
  return db_.read_result([&](storage::connection& c) -> std::optional<seal_request> {
    auto l = load(c, *sets_, id, std::string_view{});  // no leaves: most edits end here
    if (!l || !may_see(c, a, *l)) return std::nullopt;
    auto due = due_now(*l, now);
    if (!due || !seals_evidence(l->current(), due->to)) return std::nullopt;
    l = load(c, *sets_, id);
    return seal_request_for(*l, the_clock, l->current(), due->at);
  });
}

prepared_seal assessment_service::prepare_due(const auth::actor& a, std::int64_t id) {
  const auto request = due_sealing(a, id);
  return request ? effects_.sealer->prepare(db_, *request) : prepared_seal{};
}

std::optional<prepared_seal> assessment_service::due_if_ready(const auth::actor& a,
                                                              std::int64_t id) {
  const auto request = due_sealing(a, id);
  if (!request) return std::nullopt;
  auto ready = effects_.sealer->prepared_if_ready(db_, *request);
  if (!ready) left_to_sweep();
  return ready;
}

void assessment_service::left_to_sweep() {
  if (wake_sweep_) wake_sweep_();
}

void assessment_service::on_move_left_to_sweep(std::function<void()> wake) {
  wake_sweep_ = std::move(wake);
}

std::function<void(storage::connection&)> assessment_service::settler(const auth::actor& a,
                                                                      std::int64_t id) {
  auto due = std::make_shared<const std::optional<prepared_seal>>(due_if_ready(a, id));
  return [this, a, id, due](storage::connection& c) { settle(c, a, id, *due ? &**due : nullptr); };
}

void assessment_service::settle(storage::connection& c, const auth::actor& a, std::int64_t id,
                                const prepared_seal* prepared) {
  settled ignored;
  settle_file(c, *sets_, a, id, std::string_view{}, clock_.now(), effects_, ignored, prepared);
}

result<file_facts> assessment_service::visible_file(storage::connection& c, const auth::actor& a,
                                                    std::int64_t id) {
  auto l = load(c, *sets_, id, std::string_view{});
  if (!l) return errc::assessment_not_found;
  if (auto ok = may_see(c, a, *l); !ok) return ok.error();
  return file_facts{l->a.id,      l->campaign.id, l->unit.id, l->unit.code,
                    l->unit.name, l->current(),   l->set,     l->campaign.time_zone};
}

result<leaf_permit> assessment_service::permit_evidence_change(storage::connection& c,
                                                               const auth::actor& a,
                                                               std::int64_t id,
                                                               std::string_view code,
                                                               refusal_detail& detail) {
  return permit_leaf_change(c, a, id, code, leaf_field::evidence, detail);
}

result<leaf_permit> assessment_service::permit_leaf_change(storage::connection& c,
                                                           const auth::actor& a, std::int64_t id,
                                                           std::string_view code, leaf_field field,
                                                           refusal_detail& detail) {
  const auto now = clock_.now();
  auto l = load(c, *sets_, id, code);
  if (!l) return errc::assessment_not_found;
  if (auto ok = may_see(c, a, *l); !ok) return ok.error();
  const auto* node = l->set->find(code);
  detail.values["code"] = std::string{code};
  if (!node) return errc::unknown_criterion;
  if (!node->leaf()) return errc::not_a_leaf;
  detail.values["stage"] = std::string{to_string(l->current())};
  detail.values["role"] = std::string{auth::to_string(a.role)};
  detail.values["field"] = node->field();
  const leaf_field fields[] = {field};
  if (auto ok = permit_fields(c, a, *l, *node, fields, detail); !ok) return ok.error();
  auto late = permit_timing(*l, code, fields, now, detail);
  if (!late) return late.error();
  return leaf_permit{file_facts{l->a.id, l->campaign.id, l->unit.id, l->unit.code, l->unit.name,
                                l->current(), l->set, l->campaign.time_zone},
                     *late, now};
}

int assessment_service::sweep() {
  const auto now = clock_.now();
  // Which files are due, and what sealing each will do, is read first; each file then
  // moves in its own transaction with its archives built beforehand, so that a
  // deadline passing for a hundred agencies does not hold the writer for all of them.
  struct due_file {
    std::int64_t id;
    std::optional<seal_request> seal;
  };
  auto due = db_.read_result([&](storage::connection& c) {
    std::vector<due_file> out;
    for (const char* state : {"self_assessment", "explanation_window"})
      for (const auto& r : storage::assessments_in_state(c, state)) {
        auto l = load(c, *sets_, r.id, std::string_view{});
        auto move = due_now(*l, now);
        if (!move) continue;
        std::optional<seal_request> seal;
        if (effects_.sealer && seals_evidence(l->current(), move->to))
          seal = seal_request_for(*l, the_clock, l->current(), move->at);
        out.push_back({r.id, std::move(seal)});
      }
    return out;
  });
  // A few files at a time: an archive's time is mostly the fsyncs of its blob and folder
  // (a leaf of a few files costs about as much as a large one), which overlap. A file
  // that fails does not stop the others; the first failure is thrown at the end.
  constexpr std::size_t files_at_once = 4;
  std::atomic<std::size_t> next{0};
  std::atomic<int> moved{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < due.size();) {
      const auto& f = due[i];
      try {
        prepared_seal prepared;
        if (f.seal) prepared = effects_.sealer->prepare(db_, *f.seal);
        moved += db_.write_result([&](storage::connection& c) {
          auto l = load(c, *sets_, f.id);
          return l && fire_due(c, *l, now, effects_, &prepared);
        });
      } catch (...) {
        std::lock_guard lock{failure_mutex};
        if (!failure) failure = std::current_exception();
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (std::size_t k = 1; k < std::min(files_at_once, due.size()); ++k)
      helpers.emplace_back(work);
    work();
  }
  if (failure) std::rethrow_exception(failure);
  return moved;
}

}  // namespace parix::workflow
