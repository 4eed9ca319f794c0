// Assessments: object-level access, leaf edits, events, votes, imports, rankings.
#include "workflow/assessment_service.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include "storage/audit_log.hpp"
#include "storage/campaign_records.hpp"
#include "storage/criteria_records.hpp"
#include "storage/unit_records.hpp"
#include "workflow/audit_checkpoint.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_cache.hpp"
#include "workflow/criteria_service.hpp"
#include "workflow/evidence_sealer.hpp"
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
    if (e.event == "extend_deadline" && e.until) d = from_millis(*e.until);
  return d;
}

std::chrono::seconds grace_of(const loaded& l) {
  return std::chrono::seconds{l.campaign.grace_seconds};
}

// The close time of the window now open (the last open_window or extend_window).
std::optional<clock_time> window_closes(const loaded& l) {
  if (l.current() != stage::explanation_window) return std::nullopt;
  std::optional<clock_time> t;
  for (const auto& e : l.events)
    if ((e.event == "open_window" || e.event == "extend_window") && e.until)
      t = from_millis(*e.until);
  return t;
}

// The close time of the last window, once closed (for "window closed at …").
std::optional<clock_time> last_window_close(const loaded& l) {
  std::optional<clock_time> t;
  for (const auto& e : l.events) {
    if ((e.event == "open_window" || e.event == "extend_window") && e.until)
      t = from_millis(*e.until);
    if (e.event == "close_window") t = from_millis(e.at);
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
  return {v.not_evaluated, pts(v.self_score), pts(v.round1_score), pts(v.round2_score),
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
  for (const auto& [code, v] : l.values) n += v.needs_explanation && !v.not_evaluated;
  return n;
}

int missing_round1(const loaded& l) {
  int n = 0;
  for (const auto& node : l.set->nodes) {
    if (!node.leaf() || node.method.value_or(scoring_method::self) != scoring_method::self)
      continue;
    auto v = value_of(l, node.code);
    n += !v.not_evaluated && !v.round1_score;
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
      if (!assigned(c, a, l, std::nullopt)) return errc::not_assigned;
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

// Fires what the clock says is due. Returns true if the file moved.
bool fire_due(storage::connection& c, loaded& l, clock_time now, const transition_effects& key,
              const prepared_seal* prepared = nullptr) {
  auto due = due_now(l, now);
  if (!due) return false;
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
    if (n.leaf()) v.leaves.push_back({n, value_of(l, n.code)});
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
                              f == leaf_field::not_evaluated || f == leaf_field::evidence;
      if (ok.error() == errc::wrong_stage && self_field && s != stage::self_assessment &&
          may_edit(f, stage::self_assessment, a.role) &&
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

// The clock's part: before the deadline (+ grace, then late) in self-assessment; in
// the window, before it closes and only on a flagged leaf. Returns whether it is late.
result<bool> permit_timing(const loaded& l, std::string_view code, clock_time now,
                           refusal_detail& detail) {
  const stage s = l.current();
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

}  // namespace

assessment_service::assessment_service(storage::database& db, const auth::clock& clock,
                                       const signing_key* key, const evidence_sealer* sealer)
    : db_(db), clock_(clock), effects_{key, sealer}, sets_(std::make_unique<criteria_cache>()) {}

assessment_service::~assessment_service() = default;

result<assessment_view> assessment_service::get(const auth::actor& a, std::int64_t id) {
  const auto now = clock_.now();
  return db_.write_result([&](storage::connection& c) -> result<assessment_view> {
    auto l = load(c, *sets_, id);
    if (!l) return errc::assessment_not_found;
    if (auto ok = may_see(c, a, *l); !ok) return ok.error();
    fire_due(c, *l, now, effects_);
    return view_of(*l, now);
  });
}

result<leaf_view> assessment_service::edit_leaf(const auth::actor& a, std::int64_t id,
                                                std::string_view code, const leaf_edit& edit,
                                                std::int64_t expected_version,
                                                refusal_detail* why) {
  const auto now = clock_.now();
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  return db_.write_result([&](storage::connection& c) -> result<leaf_view> {
    auto l = load(c, *sets_, id, code);
    if (!l) return errc::assessment_not_found;
    if (auto ok = may_see(c, a, *l); !ok) return ok.error();
    fire_due(c, *l, now, effects_);  // committed even if the edit below is refused
    const auto* node = l->set->find(code);
    detail.values["code"] = std::string{code};
    if (!node) return errc::unknown_criterion;
    if (!node->leaf()) return errc::not_a_leaf;
    const stage s = l->current();
    detail.values["stage"] = std::string{to_string(s)};
    detail.values["role"] = std::string{auth::to_string(a.role)};
    detail.values["field"] = node->field();

    std::vector<leaf_field> fields;
    if (edit.self_score) fields.push_back(leaf_field::self_score);
    if (edit.self_explanation) fields.push_back(leaf_field::self_explanation);
    if (edit.not_evaluated || edit.not_evaluated_reason)
      fields.push_back(leaf_field::not_evaluated);
    if (edit.round1_score) fields.push_back(leaf_field::round1_score);
    if (edit.round1_remark) fields.push_back(leaf_field::round1_remark);
    if (edit.needs_explanation) fields.push_back(leaf_field::needs_explanation);
    if (edit.explanation_response) fields.push_back(leaf_field::explanation_response);
    if (edit.round2_score) fields.push_back(leaf_field::round2_score);
    if (edit.round2_remark) fields.push_back(leaf_field::round2_remark);
    if (fields.empty()) return errc::invalid_score;

    if (auto ok = permit_fields(c, a, *l, *node, fields, detail); !ok) return ok.error();
    const bool score_field = edit.self_score || edit.round1_score || edit.round2_score;
    if (score_field && node->method.value_or(scoring_method::self) != scoring_method::self) {
      detail.values["method"] = std::string{to_string(*node->method)};
      return errc::not_self_scored;
    }
    auto late = permit_timing(*l, code, now, detail);
    if (!late) return late.error();
    auto current = value_of(*l, std::string{code});
    if (current.version != expected_version) {
      detail.values["version"] = std::to_string(current.version);
      return errc::stale_version;
    }

    storage::leaf_value_record next = current;
    auto set_score = [&](const std::optional<std::optional<std::string>>& in,
                         std::optional<std::int64_t>& out) -> result<void> {
      if (!in) return {};
      if (!*in) {
        out.reset();
        return {};
      }
      auto units = parse_score(**in, *node, &detail);
      if (!units) return units.error();
      out = *units;
      return {};
    };
    if (auto r = set_score(edit.self_score, next.self_score); !r) return r.error();
    if (auto r = set_score(edit.round1_score, next.round1_score); !r) return r.error();
    if (auto r = set_score(edit.round2_score, next.round2_score); !r) return r.error();
    if (edit.self_explanation) next.self_explanation = *edit.self_explanation;
    if (edit.not_evaluated) next.not_evaluated = *edit.not_evaluated;
    if (edit.not_evaluated_reason) next.not_evaluated_reason = *edit.not_evaluated_reason;
    if (next.not_evaluated && !next.not_evaluated_reason) return errc::reason_required;
    if (edit.round1_remark) next.round1_remark = *edit.round1_remark;
    if (edit.needs_explanation) next.needs_explanation = *edit.needs_explanation;
    if (edit.explanation_response) next.explanation_response = *edit.explanation_response;
    if (edit.round2_remark) next.round2_remark = *edit.round2_remark;
    next.late = current.late || *late;
    next.updated_at = to_millis(now);
    if (!storage::save_leaf_value(c, next)) return errc::stale_version;
    next.version += 1;

    // One audit entry per changed field, old and new value side by side.
    const who w = who_of(a);
    auto audit = [&](std::string field, std::string before, std::string after) {
      if (before == after) return;
      auto e = audit_event_for(w, *l, "leaf." + field);
      e.entity = l->entity() + "/leaf/" + std::string{code};
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
    audit("not_evaluated", current.not_evaluated ? "1" : "0", next.not_evaluated ? "1" : "0");
    audit("not_evaluated_reason", current.not_evaluated_reason.value_or(""),
          next.not_evaluated_reason.value_or(""));
    audit("round1_score", opt_units(current.round1_score), opt_units(next.round1_score));
    audit("round1_remark", current.round1_remark.value_or(""), next.round1_remark.value_or(""));
    audit("needs_explanation", current.needs_explanation ? "1" : "0",
          next.needs_explanation ? "1" : "0");
    audit("explanation_response", current.explanation_response.value_or(""),
          next.explanation_response.value_or(""));
    audit("round2_score", opt_units(current.round2_score), opt_units(next.round2_score));
    audit("round2_remark", current.round2_remark.value_or(""), next.round2_remark.value_or(""));
    return leaf_view{*node, next};
  });
}

result<assessment_view> assessment_service::fire(const auth::actor& a, std::int64_t id,
                                                 const event_request& r, refusal_detail* why) {
  const auto now = clock_.now();
  refusal_detail scratch;
  refusal_detail& detail = why ? *why : scratch;
  // A submission or a window's close seals evidence: the archives are built here, before
  // the transaction, so that the single writer is not held while gigabytes are copied.
  // The transaction uses them if the drafts are still the same (or builds its own).
  prepared_seal prepared;
  if (effects_.sealer) {
    auto request = db_.read_result([&](storage::connection& c) -> std::optional<seal_request> {
      auto l = load(c, *sets_, id, std::string_view{});
      if (!l || !may_see(c, a, *l) || !event_seals(l->current(), r.what, a.role))
        return std::nullopt;
      return seal_request_for(*l, who_of(a), l->current(), now);
    });
    if (request) prepared = effects_.sealer->prepare(db_, *request);
  }
  return db_.write_result([&](storage::connection& c) -> result<assessment_view> {
    auto l = load(c, *sets_, id);
    if (!l) return errc::assessment_not_found;
    if (auto ok = may_see(c, a, *l); !ok) return ok.error();
    fire_due(c, *l, now, effects_);
    const stage s = l->current();
    const auto& tz = l->campaign.time_zone;
    detail.values["stage"] = std::string{to_string(s)};
    detail.values["role"] = std::string{auth::to_string(a.role)};
    detail.values["action"] = std::string{to_string(r.what)};
    detail.values["deadline"] = format_time(deadline_of(*l), tz);
    if (auto closes = last_window_close(*l)) detail.values["closes_at"] = format_time(*closes, tz);

    const bool is_vote = r.what == event::vote_approve || r.what == event::vote_return;
    if (is_vote) {
      if (a.role != auth::role::council_member || !council_member(c, a, *l))
        return errc::not_council_member;
      for (const auto& v : storage::votes(c, id, l->a.council_round))
        if (v.user_id == a.user_id) return errc::already_voted;
    }
    guard_facts facts;
    facts.before_deadline = now <= deadline_of(*l) + grace_of(*l);
    facts.round1_complete = missing_round1(*l) == 0;
    facts.flagged = flagged_count(*l);
    detail.values["count"] = std::to_string(
        r.what == event::complete_round1 && facts.round1_complete ? facts.flagged
                                                                  : missing_round1(*l));
    auto closes = window_closes(*l);
    facts.window_due = closes && now >= *closes;
    facts.reason_given = r.reason && !r.reason->empty();
    if (r.what == event::extend_window)
      facts.later_close_time = closes && r.until && *r.until > *closes && *r.until > now;
    if (r.what == event::vote_approve) {
      int approvals = 1, returns = 0;
      for (const auto& v : storage::votes(c, id, l->a.council_round))
        (v.decision == "approve" ? approvals : returns) += 1;
      facts.approval_met =
          approval_met(rule_of(l->campaign), approvals, returns,
                       static_cast<int>(storage::council_members(c, l->campaign.id).size()));
    }
    auto to = decide(s, r.what, a.role, false, facts);
    if (!to) return to.error();

    // Values some events need.
    std::optional<clock_time> until;
    if (r.what == event::open_window) {
      until = r.until.value_or(now + std::chrono::seconds{l->campaign.window_length_seconds});
      if (*until <= now) {
        detail.values["field"] = "closes_at";
        detail.values["reason"] = "it must be in the future";
        return errc::invalid_time;
      }
    }
    if (r.what == event::extend_window) until = r.until;
    if (r.what == event::extend_deadline) {
      if (!r.until || *r.until <= deadline_of(*l)) {
        detail.values["field"] = "until";
        detail.values["reason"] = "it must be after the current deadline";
        return errc::invalid_time;
      }
      until = r.until;
    }
    if ((r.what == event::open_window || r.what == event::close_window ||
         r.what == event::complete_round1 || r.what == event::complete_round2) &&
        a.role == auth::role::appraiser && !assigned(c, a, *l, std::nullopt))
      return errc::not_assigned;
    if (r.what == event::adjust && !r.adjustment) return errc::invalid_score;
    if (r.what == event::publish && (!r.decision_number || r.decision_number->empty() ||
                                     !r.decision_date || r.decision_date->empty()))
      return errc::reason_required;

    std::int64_t council_round = l->a.council_round;
    if (is_vote) {
      storage::insert_vote(
          c, {id, council_round, a.user_id, r.what == event::vote_approve ? "approve" : "return",
              r.reason, to_millis(now)});
      if (r.what == event::vote_return) council_round += 1;
    }
    if (r.what == event::adjust) {
      storage::insert_adjustment(
          c, {0, id, r.adjustment->units(), *r.reason, to_millis(now), a.username});
      l->adjustments = storage::adjustments(c, id);
    }
    if (r.what == event::publish)
      storage::insert_publication(
          c, {id, *r.decision_number, *r.decision_date, to_millis(now), a.username});
    std::optional<std::string> reason = r.reason;
    if (r.what == event::adjust)
      reason = r.adjustment->to_string() + " points: " + r.reason.value_or("");
    if (r.what == event::publish)
      reason = "decision " + *r.decision_number + " of " + *r.decision_date;
    record_transition(c, *l, who_of(a), r.what, *to, now, reason, until, false, council_round,
                      effects_, &prepared);
    return view_of(*l, now);
  });
}

result<int> assessment_service::publish_campaign(const auth::actor& a, std::int64_t campaign_id,
                                                 const std::string& decision_number,
                                                 const std::string& decision_date) {
  if (decision_number.empty() || decision_date.empty()) return errc::reason_required;
  const auto ids = db_.read_result([&](storage::connection& c) {
    std::vector<std::int64_t> out;
    for (const auto& r : storage::campaign_assessments(c, campaign_id))
      if (r.state == "approved") out.push_back(r.id);
    return out;
  });
  int published = 0;
  for (auto id : ids) {
    event_request r{event::publish,  std::nullopt,  std::nullopt,
                    decision_number, decision_date, std::nullopt};
    if (fire(a, id, r)) ++published;
  }
  return published;
}

result<int> assessment_service::import_scores(const auth::actor& a, std::int64_t campaign_id,
                                              std::string_view csv,
                                              std::vector<import_row_problem>* problems) {
  const auto now = clock_.now();
  return db_.write_result([&](storage::connection& c) -> result<int> {
    if (!storage::find_campaign(c, campaign_id)) return errc::campaign_not_found;
    std::map<std::string, loaded> by_unit;
    for (const auto& r : storage::campaign_assessments(c, campaign_id)) {
      auto l = load(c, *sets_, r.id);
      by_unit[l->unit.code] = std::move(*l);
    }
    struct row {
      loaded* l;
      std::string code;
      std::int64_t units;
    };
    std::vector<row> rows;
    std::vector<import_row_problem> found;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos < csv.size()) {
      auto end = csv.find('\n', pos);
      if (end == std::string_view::npos) end = csv.size();
      std::string line{csv.substr(pos, end - pos)};
      pos = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> f;
      std::size_t start = 0;
      for (;;) {
        auto comma = line.find(',', start);
        f.push_back(
            line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (line_no == 1 && f.size() == 3 && f[0] == "unit_code") continue;  // header
      if (f.size() != 3) {
        found.push_back({line_no, "bad_row", "expected unit_code,criterion_code,score"});
        continue;
      }
      auto it = by_unit.find(f[0]);
      if (it == by_unit.end()) {
        found.push_back({line_no, "unknown_unit", "no unit " + f[0] + " in this campaign"});
        continue;
      }
      const auto* node = it->second.set->find(f[1]);
      if (!node || !node->leaf()) {
        found.push_back({line_no, "unknown_criterion", f[1] + " is not a leaf of the unit's set"});
        continue;
      }
      if (node->method.value_or(scoring_method::self) == scoring_method::self) {
        found.push_back({line_no, "not_imported", f[1] + " is self-scored, not imported"});
        continue;
      }
      const auto st = it->second.current();
      if (st == stage::approved || st == stage::published) {
        found.push_back(
            {line_no, "wrong_stage", f[0] + " is already " + std::string{to_string(st)}});
        continue;
      }
      auto units = parse_score(f[2], *node, nullptr);
      if (!units) {
        auto problem = units.error().message();
        std::ranges::replace(problem, ' ', '_');
        found.push_back(
            {line_no, problem,
             "score " + f[2] + " for " + f[1] + " (maximum " + node->max.to_string() + ")"});
        continue;
      }
      rows.push_back({&it->second, f[1], *units});
    }
    if (!found.empty()) {
      if (problems) *problems = std::move(found);
      return errc::invalid_score;
    }
    const who w = who_of(a);
    for (const auto& r : rows) {
      auto current = value_of(*r.l, r.code);
      auto next = current;
      next.imported_score = r.units;
      next.updated_at = to_millis(now);
      storage::save_leaf_value(c, next);
      r.l->values[r.code] = next;
      r.l->values[r.code].version += 1;
      auto e = audit_event_for(w, *r.l, "leaf.imported_score");
      e.entity = r.l->entity() + "/leaf/" + r.code;
      e.criterion_code = r.code;
      e.old_value = opt_units(current.imported_score);
      e.new_value = points::from_units(r.units).to_string();
      e.reason = "score import";
      storage::append_audit(c, e, to_millis(now));
    }
    return static_cast<int>(rows.size());
  });
}

result<std::map<std::string, group_ranking>> assessment_service::ranking(std::int64_t campaign_id) {
  return db_.read_result(
      [&](storage::connection& c) -> result<std::map<std::string, group_ranking>> {
        auto scores = read_campaign_scores(c, *sets_, campaign_id);
        if (!scores) return scores.error();
        std::map<std::string, group_ranking> out;
        for (const auto& g : scores->groups) {
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
  const auto now = clock_.now();
  auto l = load(c, *sets_, id, code);
  if (!l) return errc::assessment_not_found;
  if (auto ok = may_see(c, a, *l); !ok) return ok.error();
  fire_due(c, *l, now, effects_);  // committed even if the change below is refused
  const auto* node = l->set->find(code);
  detail.values["code"] = std::string{code};
  if (!node) return errc::unknown_criterion;
  if (!node->leaf()) return errc::not_a_leaf;
  detail.values["stage"] = std::string{to_string(l->current())};
  detail.values["role"] = std::string{auth::to_string(a.role)};
  detail.values["field"] = node->field();
  const leaf_field fields[] = {leaf_field::evidence};
  if (auto ok = permit_fields(c, a, *l, *node, fields, detail); !ok) return ok.error();
  auto late = permit_timing(*l, code, now, detail);
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
  int moved = 0;
  for (const auto& f : due) {
    prepared_seal prepared;
    if (f.seal) prepared = effects_.sealer->prepare(db_, *f.seal);
    moved += db_.write_result([&](storage::connection& c) {
      auto l = load(c, *sets_, f.id);
      return l && fire_due(c, *l, now, effects_, &prepared);
    });
  }
  return moved;
}

}  // namespace parix::workflow
