// JSON shapes of campaigns, assessments, leaves and scores.
#include "server/routes/workflow_json.hpp"

#include "server/routes/json_views.hpp"

namespace parix::server {
namespace {

boost::json::value opt_points(const std::optional<std::int64_t>& u) {
  return u ? boost::json::value(workflow::points::from_units(*u).to_string()) : nullptr;
}
boost::json::value opt_text(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : nullptr;
}

// An index is null, not "", where nothing is applicable (every leaf not evaluated).
boost::json::value index_json(const workflow::percentage& p) {
  return p.defined() ? boost::json::value(p.to_string()) : boost::json::value(nullptr);
}

boost::json::object node_score_json(const workflow::node_score& n) {
  return {{"code", n.code},
          {"achieved", n.achieved.to_string()},
          {"max", n.applicable_max.to_string()},
          {"index", index_json(n.index())}};
}

}  // namespace

boost::json::value open_until_json(const workflow::assessment_view& v) {
  const auto& tz = v.campaign.time_zone;
  if (v.window_closes_at) return boost::json::value(workflow::format_time(*v.window_closes_at, tz));
  if (workflow::parse_stage(v.assessment.state) == workflow::stage::self_assessment)
    return boost::json::value(workflow::format_time(v.deadline, tz));
  return nullptr;
}

boost::json::object score_json(const workflow::assessment_score& s) {
  boost::json::array fields;
  for (const auto& f : s.fields) fields.push_back(node_score_json(f));
  const auto index = s.index();
  return {
      {"achieved", s.achieved.to_string()},
      {"achieved_before_adjustments", s.achieved_before_adjustments.to_string()},
      {"adjustments", s.adjustments.to_string()},
      {"survey_achieved", s.survey_achieved.to_string()},
      {"applicable_max", s.applicable_max.to_string()},
      {"index", index_json(index)},
      // The exact index: achieved / max in ten-thousandths of a point.
      {"index_exact", index.defined() ? boost::json::value(std::to_string(index.numerator()) + "/" +
                                                           std::to_string(index.denominator()))
                                      : boost::json::value(nullptr)},
      {"class",
       index.defined() ? boost::json::value(s.classification) : boost::json::value(nullptr)},
      {"fields", fields}};
}

boost::json::object campaign_json(const workflow::campaign_view& v) {
  const auto& c = v.campaign;
  const auto& tz = c.time_zone;
  boost::json::array bands;
  for (const auto& b : v.bands)
    bands.push_back({{"min", b.min_percent.to_string()}, {"label", b.label}});
  boost::json::array groups;
  for (const auto& g : v.groups) {
    boost::json::array files;
    for (const auto& f : v.files)
      if (f.group_id == g.id)
        files.push_back(
            {{"assessment", f.assessment_id}, {"unit", f.unit_code}, {"state", f.state}});
    groups.push_back({{"key", g.key},
                      {"name", g.name},
                      {"criteria_set_id", g.criteria_set_id},
                      {"assessments", files}});
  }
  boost::json::array assignments;
  for (const auto& a : v.assignments)
    assignments.push_back({{"username", a.username},
                           {"field", opt_text(a.field_code)},
                           {"unit", opt_text(a.unit_code)}});
  boost::json::array council;
  for (const auto& name : v.council) council.push_back(boost::json::string{name});
  // Decided by the secretariat, and claimed by agencies (with the appraiser's verdict).
  boost::json::array not_evaluated;
  for (const auto& n : v.not_evaluated)
    not_evaluated.push_back(
        {{"unit", n.unit_code},
         {"criterion", n.code},
         {"not_evaluated", n.decided},
         {"reason", opt_text(n.reason)},
         {"claim", n.claim ? boost::json::value(storage::to_string(*n.claim)) : nullptr},
         {"claim_reason", opt_text(n.claim_reason)}});
  boost::json::array claimable;
  for (const auto& [unit, code] : v.claimable)
    claimable.push_back({{"unit", unit}, {"criterion", code}});
  return {{"id", c.id},
          {"year", c.year},
          {"name", c.name},
          {"historical", c.historical},
          {"version", c.version},
          {"predecessor",
           c.predecessor_id ? boost::json::value(*c.predecessor_id) : boost::json::value(nullptr)},
          {"time_zone", tz},
          {"schedule",
           {{"self_deadline", workflow::format_time(storage::from_millis(c.self_deadline), tz)},
            {"round1_end", workflow::format_time(storage::from_millis(c.round1_end), tz)},
            {"round2_end", workflow::format_time(storage::from_millis(c.round2_end), tz)},
            {"council_date", workflow::format_time(storage::from_millis(c.council_date), tz)},
            {"window_length_hours", c.window_length_seconds / 3600},
            {"grace_minutes", c.grace_seconds / 60}}},
          {"bands", bands},
          {"approval",
           {{"rule", c.approval_rule},
            {"num", c.approval_num},
            {"den", c.approval_den},
            {"quorum", c.quorum}}},
          {"groups", groups},
          {"assignments", assignments},
          {"council", council},
          {"not_evaluated", not_evaluated},
          {"not_evaluated_claimable", claimable}};
}

boost::json::object leaf_json(const workflow::leaf_view& l) {
  const auto& n = l.node;
  const auto& v = l.value;
  // A leaf out of the maximum shows no final score: it does not count.
  const bool out_of_maximum = workflow::not_evaluated_now(v);
  workflow::leaf_facts facts{
      out_of_maximum,
      v.self_score ? std::optional{workflow::points::from_units(*v.self_score)} : std::nullopt,
      v.round1_score ? std::optional{workflow::points::from_units(*v.round1_score)} : std::nullopt,
      v.round2_score ? std::optional{workflow::points::from_units(*v.round2_score)} : std::nullopt,
      v.imported_score ? std::optional{workflow::points::from_units(*v.imported_score)}
                       : std::nullopt};
  auto final_score = out_of_maximum ? std::nullopt : workflow::final_score(n, facts);
  return {{"code", n.code},
          {"title", n.title},
          {"max", n.max.to_string()},
          {"method", workflow::to_string(n.method.value_or(workflow::scoring_method::self))},
          {"bonus", n.bonus},
          {"field", n.field()},
          {"self_score", opt_points(v.self_score)},
          {"self_explanation", opt_text(v.self_explanation)},
          {"carried_over", v.carried_over},
          {"not_evaluated", v.not_evaluated},
          {"not_evaluated_reason", opt_text(v.not_evaluated_reason)},
          {"claimable", l.claimable},
          {"claim", v.ne_claim ? boost::json::value(storage::to_string(*v.ne_claim)) : nullptr},
          {"claim_reason", opt_text(v.ne_claim_reason)},
          {"round1_score", opt_points(v.round1_score)},
          {"round1_remark", opt_text(v.round1_remark)},
          {"needs_explanation", v.needs_explanation},
          {"explanation_response", opt_text(v.explanation_response)},
          {"round2_score", opt_points(v.round2_score)},
          {"round2_remark", opt_text(v.round2_remark)},
          {"imported_score", opt_points(v.imported_score)},
          {"final_score", final_score ? boost::json::value(final_score->to_string()) : nullptr},
          {"late", v.late},
          {"version", v.version}};
}

boost::json::object assessment_json(const workflow::assessment_view& v) {
  const auto& tz = v.campaign.time_zone;
  boost::json::array leaves;
  for (const auto& l : v.leaves) leaves.push_back(leaf_json(l));
  boost::json::array events;
  for (const auto& e : v.events)
    events.push_back({{"event", e.event},
                      {"from", e.from_state},
                      {"to", e.to_state},
                      {"at", workflow::format_time(storage::from_millis(e.at), tz)},
                      {"actor", e.actor},
                      {"role", e.actor_role},
                      {"reason", opt_text(e.reason)},
                      {"until", e.until ? boost::json::value(workflow::format_time(
                                              storage::from_millis(*e.until), tz))
                                        : nullptr}});
  const auto open_until = open_until_json(v);
  return {
      {"id", v.assessment.id},
      {"campaign", {{"id", v.campaign.id}, {"year", v.campaign.year}, {"name", v.campaign.name}}},
      {"unit", {{"code", v.unit_code}, {"name", v.unit_name}}},
      {"group", v.group_key},
      {"criteria_set", v.set.key},
      {"state", v.assessment.state},
      {"council_round", v.assessment.council_round},
      {"version", v.assessment.version},
      // For an honest countdown: the server's clock and the close time of what is open.
      {"server_time", workflow::format_time(v.server_time, tz)},
      {"open_until", open_until},
      {"deadline", workflow::format_time(v.deadline, tz)},
      {"window_closes_at", v.window_closes_at
                               ? boost::json::value(workflow::format_time(*v.window_closes_at, tz))
                               : nullptr},
      {"flagged", v.flagged},
      {"missing_round1", v.missing_round1},
      {"score", score_json(v.score)},
      {"leaves", leaves},
      {"events", events}};
}

}  // namespace parix::server
