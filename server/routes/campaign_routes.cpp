// Campaigns: set-up, reading, rankings, survey/external score imports, publication.
#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"
#include "server/routes/workflow_json.hpp"

namespace parix::server {
namespace {

using auth::permission;

workflow::time_point required_time(const boost::json::object& o, std::string_view key) {
  auto text = required_string(o, key);
  auto t = workflow::parse_iso_time(text);
  if (!t)
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", std::string{key}},
                     {"expected", "an ISO 8601 time with offset, e.g. 2025-01-31T17:00:00+07:00"}},
                    {{"field", key}}};
  return *t;
}

const boost::json::object& required_object(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_object())
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", std::string{key}}, {"expected", "object"}},
                    {{"field", key}}};
  return it->value().as_object();
}

const boost::json::array& array_or_empty(const boost::json::object& o, std::string_view key) {
  static const boost::json::array empty;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return empty;
  if (!it->value().is_array())
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", std::string{key}}, {"expected", "array"}},
                    {{"field", key}}};
  return it->value().as_array();
}

const boost::json::object& as_object(const boost::json::value& v, std::string_view key) {
  if (!v.is_object())
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", std::string{key}}, {"expected", "array of objects"}},
                    {{"field", key}}};
  return v.as_object();
}

std::optional<std::chrono::seconds> window_length_of(const boost::json::object& schedule) {
  auto hours = optional_integer(schedule, "window_length_hours");
  if (!hours) return std::nullopt;
  if (*hours <= 0) throw invalid_field("schedule.window_length_hours", "a positive number");
  return std::chrono::hours{*hours};
}

std::optional<std::chrono::seconds> grace_of(const boost::json::object& schedule) {
  auto minutes = optional_integer(schedule, "grace_minutes");
  if (!minutes) return std::nullopt;
  if (*minutes < 0) throw invalid_field("schedule.grace_minutes", "0 or more");
  return std::chrono::minutes{*minutes};
}

std::vector<workflow::band> bands_of(const boost::json::object& body) {
  std::vector<workflow::band> bands;
  for (const auto& v : array_or_empty(body, "bands")) {
    const auto& b = as_object(v, "bands");
    auto min = workflow::points::parse(required_string(b, "min"));
    if (!min) throw invalid_field("bands.min", "a percentage like \"85\"");
    bands.push_back({*min, required_string(b, "label")});
  }
  return bands;
}

workflow::approval_rule rule_of(const boost::json::object& body) {
  const auto& a = required_object(body, "approval");
  const auto rule = required_string(a, "rule");
  if (rule != "unanimity" && rule != "fraction")
    throw invalid_field("approval.rule", "\"unanimity\" or \"fraction\"");
  return {rule == "unanimity", optional_integer(a, "num").value_or(1),
          optional_integer(a, "den").value_or(1), optional_integer(a, "quorum").value_or(1)};
}

std::vector<std::string> strings_of(const boost::json::object& o, std::string_view key,
                                    std::string_view what) {
  std::vector<std::string> out;
  for (const auto& v : array_or_empty(o, key)) {
    if (!v.is_string()) throw invalid_field(key, what);
    out.emplace_back(v.as_string());
  }
  return out;
}

std::vector<workflow::campaign_spec::group> groups_of(const boost::json::object& body,
                                                      std::string_view key) {
  std::vector<workflow::campaign_spec::group> groups;
  for (const auto& v : array_or_empty(body, key)) {
    const auto& g = as_object(v, key);
    groups.push_back({required_string(g, "key"), required_string(g, "name"),
                      required_string(g, "criteria_set"), strings_of(g, "units", "unit codes")});
  }
  return groups;
}

std::vector<workflow::campaign_spec::not_evaluated> not_evaluated_of(
    const boost::json::object& body) {
  std::vector<workflow::campaign_spec::not_evaluated> out;
  for (const auto& v : array_or_empty(body, "not_evaluated")) {
    const auto& n = as_object(v, "not_evaluated");
    out.push_back({required_string(n, "unit"), required_string(n, "criterion"),
                   required_string(n, "reason")});
  }
  return out;
}

std::vector<workflow::campaign_spec::assignment> assignments_of(const boost::json::object& body) {
  std::vector<workflow::campaign_spec::assignment> out;
  for (const auto& v : array_or_empty(body, "assignments")) {
    const auto& a = as_object(v, "assignments");
    out.push_back(
        {required_string(a, "username"), optional_string(a, "field"), optional_string(a, "unit")});
  }
  return out;
}

workflow::campaign_spec spec_of(const boost::json::object& body) {
  only_fields(body, {"year", "name", "time_zone", "schedule", "bands", "approval", "groups",
                     "not_evaluated", "not_evaluated_claimable", "assignments", "council",
                     "historical", "confirm_duplicate", "predecessor"});
  workflow::campaign_spec s;
  auto year = optional_integer(body, "year");
  if (!year)
    throw api_error{
        http::status::bad_request, "missing_field", {{"field", "year"}}, {{"field", "year"}}};
  if (*year < 1990 || *year > 2100)
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "year"}, {"expected", "the campaign's year, e.g. 2024"}},
                    {{"field", "year"}}};
  s.year = *year;
  s.name = required_string(body, "name");
  s.historical = optional_bool(body, "historical").value_or(false);
  s.confirm_duplicate = optional_bool(body, "confirm_duplicate").value_or(false);
  s.predecessor = optional_integer(body, "predecessor");
  s.time_zone = optional_string(body, "time_zone").value_or("Asia/Ho_Chi_Minh");
  const auto& schedule = required_object(body, "schedule");
  only_fields(schedule, {"self_deadline", "round1_end", "round2_end", "council_date",
                         "window_length_hours", "grace_minutes"});
  s.self_deadline = required_time(schedule, "self_deadline");
  s.round1_end = required_time(schedule, "round1_end");
  s.round2_end = required_time(schedule, "round2_end");
  s.council_date = required_time(schedule, "council_date");
  s.window_length = window_length_of(schedule).value_or(std::chrono::hours{48});
  s.grace = grace_of(schedule).value_or(std::chrono::seconds{0});
  if (body.contains("bands")) s.bands = bands_of(body);
  if (body.contains("approval")) s.rule = rule_of(body);
  s.groups = groups_of(body, "groups");
  s.not_evaluated_leaves = not_evaluated_of(body);
  for (const auto& v : array_or_empty(body, "not_evaluated_claimable")) {
    const auto& n = as_object(v, "not_evaluated_claimable");
    only_fields(n, {"unit", "group", "criterion"});
    s.claimable_leaves.push_back(
        {optional_string(n, "unit"), optional_string(n, "group"), required_string(n, "criterion")});
  }
  s.assignments = assignments_of(body);
  s.council = strings_of(body, "council", "usernames");
  return s;
}

// A refusal of a campaign's set-up or change: the value fills whichever placeholder the
// refusal's text has (a unit, a leaf code, a username, the existing campaign's id).
api_error spec_refusal(const boost::system::error_code& ec, const workflow::spec_problem& problem) {
  auto e = error_from(ec, {{"field", problem.field},
                           {"value", problem.value},
                           {"unit", problem.value},
                           {"code", problem.value},
                           {"username", problem.value},
                           {"id", problem.value},
                           {"method", problem.method}});
  if (!problem.field.empty()) {
    e.extensions["field"] = problem.field;
    e.extensions["value"] = problem.value;
  }
  return e;
}

// 201 with the new campaign, its warnings and its ETag.
response created_campaign(request_context& ctx, const workflow::campaign_view& v) {
  auto out = campaign_json(v);
  boost::json::array warnings;
  for (const auto& w : v.warnings) warnings.push_back(boost::json::string{w});
  out["warnings"] = std::move(warnings);
  auto res = json_response(ctx, out, http::status::created, v.campaign.version);
  res.set(http::field::location, "/api/v1/campaigns/" + std::to_string(v.campaign.id));
  return res;
}

response create_campaign(request_context& ctx) {
  auto spec = spec_of(ctx.json());
  workflow::spec_problem problem;
  auto r = ctx.app.campaigns.create(ctx.who(), spec, &problem);
  if (!r) throw spec_refusal(r.error(), problem);
  return created_campaign(ctx, *r);
}

// Changes a campaign (docs/campaigns.md): only the fields sent change, all or none.
response update_campaign(request_context& ctx) {
  const auto id = ctx.id_param("id");
  const auto version = ctx.if_match_version();
  auto body = ctx.json();
  only_fields(body, {"name", "schedule", "reason", "bands", "approval", "council", "assignments",
                     "add_groups", "remove_groups", "add_units", "remove_units", "not_evaluated",
                     "clear_not_evaluated"});
  workflow::campaign_changes ch;
  ch.name = optional_string(body, "name");
  ch.reason = optional_string(body, "reason");
  if (body.contains("schedule")) {
    const auto& schedule = required_object(body, "schedule");
    only_fields(schedule, {"self_deadline", "round1_end", "round2_end", "council_date",
                           "window_length_hours", "grace_minutes"});
    auto time = [&](std::string_view key) -> std::optional<workflow::time_point> {
      if (!schedule.contains(key)) return std::nullopt;
      return required_time(schedule, key);
    };
    ch.self_deadline = time("self_deadline");
    ch.round1_end = time("round1_end");
    ch.round2_end = time("round2_end");
    ch.council_date = time("council_date");
    ch.window_length = window_length_of(schedule);
    ch.grace = grace_of(schedule);
  }
  if (body.contains("bands")) ch.bands = bands_of(body);
  if (body.contains("approval")) ch.rule = rule_of(body);
  if (body.contains("council")) ch.council = strings_of(body, "council", "usernames");
  if (body.contains("assignments")) ch.assignments = assignments_of(body);
  ch.add_groups = groups_of(body, "add_groups");
  ch.remove_groups = strings_of(body, "remove_groups", "group keys");
  for (const auto& v : array_or_empty(body, "add_units")) {
    const auto& a = as_object(v, "add_units");
    only_fields(a, {"unit", "group"});
    ch.add_units.push_back({required_string(a, "unit"), required_string(a, "group")});
  }
  ch.remove_units = strings_of(body, "remove_units", "unit codes");
  ch.set_not_evaluated = not_evaluated_of(body);
  for (const auto& v : array_or_empty(body, "clear_not_evaluated")) {
    const auto& n = as_object(v, "clear_not_evaluated");
    only_fields(n, {"unit", "criterion"});
    ch.clear_not_evaluated.push_back({required_string(n, "unit"), required_string(n, "criterion")});
  }
  workflow::spec_problem problem;
  auto r = ctx.app.campaigns.update(ctx.who(), id, version, ch, &problem);
  if (!r && r.error() == workflow::errc::stale_version) {
    // 412 with the current state, so the client can show what changed.
    auto current = ctx.app.campaigns.get(id);
    if (!current) throw error_from(current.error());
    api_error e{http::status::precondition_failed,
                "stale_version",
                {{"etag", etag_of(current->campaign.version)}},
                {{"current", campaign_json(*current)}}};
    e.with_header(http::field::etag, etag_of(current->campaign.version));
    throw e;
  }
  if (!r) throw spec_refusal(r.error(), problem);
  return json_response(ctx, campaign_json(*r), http::status::ok, r->campaign.version);
}

// Next year's campaign from this one.
response create_successor(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"name", "criteria_sets", "confirm_duplicate", "carry_over"});
  workflow::successor_spec spec;
  spec.name = optional_string(body, "name");
  spec.confirm_duplicate = optional_bool(body, "confirm_duplicate").value_or(false);
  spec.carry_over = optional_bool(body, "carry_over").value_or(false);
  for (const auto& kv : required_object(body, "criteria_sets")) {
    if (!kv.value().is_string())
      throw invalid_field("criteria_sets." + std::string{kv.key()}, "a criteria set key");
    spec.criteria_sets[std::string{kv.key()}] = std::string{kv.value().as_string()};
  }
  workflow::spec_problem problem;
  auto r = ctx.app.campaigns.successor(ctx.who(), ctx.id_param("id"), spec, &problem);
  if (!r) throw spec_refusal(r.error(), problem);
  return created_campaign(ctx, *r);
}

response list_campaigns(request_context& ctx) {
  boost::json::array out;
  for (const auto& c : ctx.app.campaigns.list())
    out.push_back({{"id", c.id}, {"year", c.year}, {"name", c.name}, {"historical", c.historical}});
  return json_response(ctx, {{"campaigns", out}});
}

response get_campaign(request_context& ctx) {
  auto r = ctx.app.campaigns.get(ctx.id_param("id"));
  if (!r) throw error_from(r.error());
  return json_response(ctx, campaign_json(*r), http::status::ok, r->campaign.version);
}

response ranking(request_context& ctx) {
  auto r = ctx.app.assessments.ranking(ctx.who(), ctx.id_param("id"));
  if (!r) throw error_from(r.error());
  boost::json::object groups, field_indices;
  for (const auto& [key, g] : *r) {
    boost::json::array list;
    for (const auto& row : g.rows)
      list.push_back({{"rank", row.rank},
                      {"unit", row.unit_code},
                      {"unit_name", row.unit_name},
                      {"state", row.state},
                      {"score", score_json(row.score)}});
    groups[key] = std::move(list);
    boost::json::array fields;
    for (const auto& f : g.fields)
      fields.push_back({{"code", f.code},
                        {"index", f.index.defined() ? boost::json::value(f.index.to_string())
                                                    : boost::json::value(nullptr)},
                        {"units", f.index.units()}});
    field_indices[key] = std::move(fields);
  }
  return json_response(ctx, {{"groups", groups}, {"field_indices", field_indices}});
}

response import_scores(request_context& ctx) {
  require_csv(ctx);
  std::vector<workflow::import_row_problem> problems;
  auto r =
      ctx.app.assessments.import_scores(ctx.who(), ctx.id_param("id"), ctx.req.body(), &problems);
  if (!r && r.error() == workflow::errc::invalid_score_import)
    throw import_refusal(r.error(), problems);
  if (!r) throw error_from(r.error());
  return json_response(ctx, {{"imported", *r}});
}

response publish_campaign(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"decision_number", "decision_date"});
  workflow::refusal_detail why;
  auto r = ctx.app.assessments.publish_campaign(ctx.who(), ctx.id_param("id"),
                                                required_string(body, "decision_number"),
                                                required_string(body, "decision_date"), &why);
  if (!r) throw error_from(r.error(), message_args(why.values.begin(), why.values.end()));
  return json_response(ctx, {{"published", *r}});
}

}  // namespace

void add_campaign_routes(router& r) {
  r.add({http::verb::get, "/api/v1/campaigns", permission::read_criteria, list_campaigns});
  r.add({http::verb::post, "/api/v1/campaigns", permission::manage_campaigns, create_campaign});
  r.add({http::verb::get, "/api/v1/campaigns/{id}", permission::read_criteria, get_campaign});
  r.add(
      {http::verb::patch, "/api/v1/campaigns/{id}", permission::manage_campaigns, update_campaign});
  r.add({http::verb::post, "/api/v1/campaigns/{id}/successor", permission::manage_campaigns,
         create_successor});
  r.add({http::verb::get, "/api/v1/campaigns/{id}/ranking", permission::read_assessments, ranking});
  r.add({http::verb::post, "/api/v1/campaigns/{id}/scores", permission::import_scores,
         import_scores});
  r.add(
      {http::verb::post, "/api/v1/campaigns/{id}/publish", permission::publish, publish_campaign});
}

}  // namespace parix::server
