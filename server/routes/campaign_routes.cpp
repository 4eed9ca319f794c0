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

workflow::campaign_spec spec_of(const boost::json::object& body) {
  only_fields(body, {"year", "name", "time_zone", "schedule", "bands", "approval", "groups",
                     "not_evaluated", "not_evaluated_claimable", "assignments", "council",
                     "historical", "confirm_duplicate"});
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
  s.time_zone = optional_string(body, "time_zone").value_or("Asia/Ho_Chi_Minh");
  const auto& schedule = required_object(body, "schedule");
  only_fields(schedule, {"self_deadline", "round1_end", "round2_end", "council_date",
                         "window_length_hours", "grace_minutes"});
  s.self_deadline = required_time(schedule, "self_deadline");
  s.round1_end = required_time(schedule, "round1_end");
  s.round2_end = required_time(schedule, "round2_end");
  s.council_date = required_time(schedule, "council_date");
  s.window_length =
      std::chrono::hours{optional_integer(schedule, "window_length_hours").value_or(48)};
  s.grace = std::chrono::minutes{optional_integer(schedule, "grace_minutes").value_or(0)};
  if (s.window_length.count() <= 0)
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "schedule.window_length_hours"}, {"expected", "a positive number"}},
                    {{"field", "schedule.window_length_hours"}}};
  if (s.grace.count() < 0)
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "schedule.grace_minutes"}, {"expected", "0 or more"}},
                    {{"field", "schedule.grace_minutes"}}};
  if (body.contains("bands")) {
    s.bands.clear();
    for (const auto& v : array_or_empty(body, "bands")) {
      const auto& b = as_object(v, "bands");
      auto min = workflow::points::parse(required_string(b, "min"));
      if (!min)
        throw api_error{http::status::bad_request,
                        "invalid_field",
                        {{"field", "bands.min"}, {"expected", "a percentage like \"85\""}},
                        {{"field", "bands.min"}}};
      s.bands.push_back({*min, required_string(b, "label")});
    }
  }
  if (body.contains("approval")) {
    const auto& a = required_object(body, "approval");
    const auto rule = required_string(a, "rule");
    s.rule.unanimity = rule == "unanimity";
    if (rule != "unanimity" && rule != "fraction")
      throw api_error{http::status::bad_request,
                      "invalid_field",
                      {{"field", "approval.rule"}, {"expected", "\"unanimity\" or \"fraction\""}},
                      {{"field", "approval.rule"}}};
    s.rule.num = optional_integer(a, "num").value_or(1);
    s.rule.den = optional_integer(a, "den").value_or(1);
    s.rule.quorum = optional_integer(a, "quorum").value_or(1);
  }
  for (const auto& v : array_or_empty(body, "groups")) {
    const auto& g = as_object(v, "groups");
    workflow::campaign_spec::group group{required_string(g, "key"),
                                         required_string(g, "name"),
                                         required_string(g, "criteria_set"),
                                         {}};
    for (const auto& u : array_or_empty(g, "units")) {
      if (!u.is_string())
        throw api_error{http::status::bad_request,
                        "invalid_field",
                        {{"field", "groups.units"}, {"expected", "unit codes"}},
                        {{"field", "groups.units"}}};
      group.unit_codes.emplace_back(u.as_string());
    }
    s.groups.push_back(std::move(group));
  }
  for (const auto& v : array_or_empty(body, "not_evaluated")) {
    const auto& n = as_object(v, "not_evaluated");
    s.not_evaluated_leaves.push_back({required_string(n, "unit"), required_string(n, "criterion"),
                                      required_string(n, "reason")});
  }
  for (const auto& v : array_or_empty(body, "not_evaluated_claimable")) {
    const auto& n = as_object(v, "not_evaluated_claimable");
    only_fields(n, {"unit", "group", "criterion"});
    s.claimable_leaves.push_back(
        {optional_string(n, "unit"), optional_string(n, "group"), required_string(n, "criterion")});
  }
  for (const auto& v : array_or_empty(body, "assignments")) {
    const auto& a = as_object(v, "assignments");
    s.assignments.push_back(
        {required_string(a, "username"), optional_string(a, "field"), optional_string(a, "unit")});
  }
  for (const auto& v : array_or_empty(body, "council")) {
    if (!v.is_string())
      throw api_error{http::status::bad_request,
                      "invalid_field",
                      {{"field", "council"}, {"expected", "usernames"}},
                      {{"field", "council"}}};
    s.council.emplace_back(v.as_string());
  }
  return s;
}

response create_campaign(request_context& ctx) {
  auto spec = spec_of(ctx.json());
  workflow::spec_problem problem;
  auto r = ctx.app.campaigns.create(ctx.who(), spec, &problem);
  if (!r) {
    // The value fills whichever placeholder the refusal's text has: a unit, a leaf code,
    // a username, the existing campaign's id.
    auto e = error_from(r.error(), {{"field", problem.field},
                                    {"value", problem.value},
                                    {"unit", problem.value},
                                    {"code", problem.value},
                                    {"username", problem.value},
                                    {"id", problem.value},
                                    {"method", problem.method}});
    e.extensions["field"] = problem.field;
    e.extensions["value"] = problem.value;
    throw e;
  }
  auto out = campaign_json(*r);
  boost::json::array warnings;
  for (const auto& w : r->warnings) warnings.push_back(boost::json::string{w});
  out["warnings"] = std::move(warnings);
  auto res = json_response(ctx, out, http::status::created);
  res.set(http::field::location, "/api/v1/campaigns/" + std::to_string(r->campaign.id));
  return res;
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
  return json_response(ctx, campaign_json(*r));
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
  r.add({http::verb::get, "/api/v1/campaigns/{id}/ranking", permission::read_assessments, ranking});
  r.add({http::verb::post, "/api/v1/campaigns/{id}/scores", permission::import_scores,
         import_scores});
  r.add(
      {http::verb::post, "/api/v1/campaigns/{id}/publish", permission::publish, publish_campaign});
}

}  // namespace parix::server
