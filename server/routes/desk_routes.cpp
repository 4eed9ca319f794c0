// The web UI's desk: the files the signed-in person may see with work-queue counts,
// one file with its criteria tree, evidence counts and what the person's role may do
// in its stage, and the person's language preference.
#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"
#include "server/routes/workflow_json.hpp"

namespace parix::server {
namespace {

using auth::permission;

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

boost::json::object counts_json(const workflow::desk_counts& c) {
  return {{"leaves", c.leaves},
          {"self_scored", c.self_scored},
          {"with_evidence", c.with_evidence},
          {"round1_scored", c.round1_scored},
          {"flagged", c.flagged},
          {"answered", c.answered},
          {"round2_scored", c.round2_scored},
          {"not_evaluated", c.not_evaluated}};
}

// What the work queue shows of a file.
boost::json::object summary_json(const workflow::desk_file& f) {
  const auto& v = f.view;
  const auto& tz = v.campaign.time_zone;
  const auto open_until = open_until_json(v);
  const auto index = v.score.index();
  return {{"id", v.assessment.id},
          {"campaign",
           {{"id", v.campaign.id},
            {"year", v.campaign.year},
            {"name", v.campaign.name},
            {"time_zone", tz},
            {"grace_minutes", v.campaign.grace_seconds / 60}}},
          {"unit", {{"code", v.unit_code}, {"name", v.unit_name}}},
          {"group", v.group_key},
          {"criteria_set", v.set.key},
          {"state", v.assessment.state},
          {"version", v.assessment.version},
          {"server_time", workflow::format_time(v.server_time, tz)},
          {"open_until", open_until},
          {"deadline", workflow::format_time(v.deadline, tz)},
          {"late", f.late},
          {"counts", counts_json(f.counts)},
          {"score",
           {{"achieved", v.score.achieved.to_string()},
            {"applicable_max", v.score.applicable_max.to_string()},
            {"index", index.to_string()},
            {"class", v.score.classification}}},
          {"assigned_fields", strings(f.assigned_fields)},
          {"events", strings(f.events)},
          {"editable", strings(f.editable)}};
}

response desk(request_context& ctx) {
  boost::json::array files;
  for (const auto& f : ctx.app.desk.files(ctx.who())) files.push_back(summary_json(f));
  return json_response(
      ctx, {{"server_time", iso_utc(storage::to_millis(ctx.app.clock.now()))}, {"files", files}});
}

response desk_file(request_context& ctx) {
  auto f = ctx.app.desk.file(ctx.who(), ctx.id_param("id"));
  if (!f) throw error_from(f.error());
  boost::json::array nodes;
  for (const auto& n : f->view.set.nodes) {
    boost::json::object o{{"code", n.code},
                          {"title", n.title},
                          {"max", n.max.to_string()},
                          {"depth", n.depth()},
                          {"leaf", n.leaf()}};
    if (n.bonus) o["bonus"] = true;
    nodes.push_back(std::move(o));
  }
  boost::json::object evidence;
  for (const auto& [code, c] : f->evidence)
    evidence[code] = {{"drafts", c.drafts}, {"sealed", c.sealed}};
  auto out = summary_json(*f);
  out["assessment"] = assessment_json(f->view);
  out["nodes"] = std::move(nodes);
  out["evidence"] = std::move(evidence);
  return json_response(ctx, out, http::status::ok, f->view.assessment.version);
}

response preferences(request_context& ctx) {
  auto lang = ctx.app.desk.language(ctx.who());
  return json_response(
      ctx, {{"language", lang ? boost::json::value(*lang) : boost::json::value(nullptr)}});
}

response set_preferences(request_context& ctx) {
  auto body = ctx.json();
  only_fields(body, {"language"});
  const auto lang = required_string(body, "language");
  if (lang != "vi" && lang != "en")
    throw api_error{http::status::bad_request,
                    "invalid_field",
                    {{"field", "language"}, {"expected", "\"vi\" or \"en\""}},
                    {{"field", "language"}}};
  ctx.app.desk.set_language(ctx.who(), lang, ctx.app.clock.now());
  return json_response(ctx, {{"language", lang}});
}

}  // namespace

void add_desk_routes(router& r) {
  r.add({http::verb::get, "/api/v1/desk", permission::read_assessments, desk});
  r.add({http::verb::get, "/api/v1/desk/files/{id}", permission::read_assessments, desk_file});
  r.add({http::verb::get, "/api/v1/me/preferences", permission::authenticated, preferences});
  r.add({http::verb::put, "/api/v1/me/preferences", permission::authenticated, set_preferences});
}

}  // namespace parix::server
