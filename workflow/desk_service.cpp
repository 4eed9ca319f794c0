// The desk: files a person may see, with work-queue counts.
#include "workflow/desk_service.hpp"

#include <algorithm>

#include "storage/assessment_records.hpp"
#include "storage/campaign_records.hpp"

namespace parix::workflow {

desk_file desk_service::describe(const auth::actor& a, assessment_view v) {
  desk_file f;
  const auto unit_id = v.assessment.unit_id;
  db_.read([&](storage::connection& c) {
    f.evidence = storage::evidence_counts(c, v.assessment.id);
    if (a.role == auth::role::appraiser)
      for (const auto& s : storage::assignments(c, v.campaign.id))
        if (s.user_id == a.user_id && (!s.unit_id || *s.unit_id == unit_id))
          f.assigned_fields.push_back(s.field_code.value_or("*"));
  });
  // std::unique, not std::ranges::unique: clang-14 (the fuzz build) cannot take the
  // subrange that libstdc++ 12's ranges::unique returns apart.
  std::ranges::sort(f.assigned_fields);
  f.assigned_fields.erase(std::unique(f.assigned_fields.begin(), f.assigned_fields.end()),
                          f.assigned_fields.end());
  const bool whole = f.assigned_fields.empty() || std::ranges::count(f.assigned_fields, "*") > 0;
  auto in_scope = [&](const leaf_view& l) {
    return whole || std::ranges::count(f.assigned_fields, l.node.field()) > 0;
  };
  for (const auto& l : v.leaves) {
    if (!in_scope(l)) continue;
    const auto& val = l.value;
    if (not_evaluated_now(val)) {  // decided, or claimed by the agency and not rejected
      ++f.counts.not_evaluated;
      continue;
    }
    if (l.node.method.value_or(scoring_method::self) != scoring_method::self) continue;
    ++f.counts.leaves;
    f.counts.self_scored += val.self_score.has_value();
    auto ev = f.evidence.find(l.node.code);
    f.counts.with_evidence += ev != f.evidence.end() && ev->second.drafts + ev->second.sealed > 0;
    f.counts.round1_scored += val.round1_score.has_value();
    if (val.needs_explanation) {
      ++f.counts.flagged;
      f.counts.answered +=
          val.explanation_response.has_value() && !val.explanation_response->empty();
      f.counts.round2_scored += val.round2_score.has_value();
    }
  }
  for (const auto& e : v.events)
    if (const auto on = parse_event(e.event);
        on == event::auto_submit || (on == event::submit && e.late))
      f.late = true;
  const auto current = parse_stage(v.assessment.state);
  if (current) {
    for (const auto& t : transitions())
      if (t.from == *current && !t.system && (t.roles >> static_cast<int>(a.role)) & 1) {
        const std::string name{to_string(t.on)};
        if (std::ranges::count(f.events, name) == 0) f.events.push_back(name);
      }
    for (int i = 0; i <= static_cast<int>(leaf_field::evidence); ++i) {
      const auto field = static_cast<leaf_field>(i);
      if (may_edit(field, *current, a.role)) f.editable.emplace_back(to_string(field));
    }
  }
  f.view = std::move(v);
  return f;
}

std::vector<desk_file> desk_service::files(const auth::actor& a) {
  std::vector<std::int64_t> ids;
  db_.read([&](storage::connection& c) {
    auto campaigns = storage::list_campaigns(c);
    std::ranges::sort(campaigns, [](const auto& x, const auto& y) { return x.year > y.year; });
    for (const auto& campaign : campaigns)
      for (const auto& file : storage::campaign_assessments(c, campaign.id))
        // Agency users see their own unit's files only; reading others would be refused.
        if (!auth::needs_unit(a.role) || file.unit_id == a.unit_id) ids.push_back(file.id);
  });
  std::vector<desk_file> out;
  for (auto id : ids)
    if (auto v = assessments_.get(a, id)) out.push_back(describe(a, std::move(*v)));
  return out;
}

result<desk_file> desk_service::file(const auth::actor& a, std::int64_t id) {
  auto v = assessments_.get(a, id);
  if (!v) return v.error();
  return describe(a, std::move(*v));
}

std::optional<std::string> desk_service::language(const auth::actor& a) {
  return db_.read_result(
      [&](storage::connection& c) { return storage::user_language(c, a.user_id); });
}

void desk_service::set_language(const auth::actor& a, std::string_view language, time_point now) {
  db_.write([&](storage::connection& c) {
    const auto before = storage::user_language(c, a.user_id);
    if (before == language) return;
    const auto at = storage::to_millis(now);
    storage::set_user_language(c, a.user_id, language, at);
    auto e = auth::audit_by(a, "user.language_changed", "user/" + a.username);
    e.old_value = before;
    e.new_value = std::string{language};
    storage::append_audit(c, e, at);
  });
}

}  // namespace parix::workflow
