// One unit's file: read it, edit a leaf, fire an event (submit, windows, votes,
// adjustments, publication), and read a leaf's history.
#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"
#include "server/routes/workflow_json.hpp"

namespace parix::server {
namespace {

using auth::permission;

message_args args_of(const workflow::refusal_detail& d) {
  message_args out(d.values.begin(), d.values.end());
  return out;
}

response get_assessment(request_context& ctx) {
  auto r = ctx.app.assessments.get(ctx.who(), ctx.id_param("id"));
  if (!r) throw error_from(r.error());
  return json_response(ctx, assessment_json(*r), http::status::ok, r->assessment.version);
}

// A score field: a string "0.25", or null to clear; numbers are refused so that no
// binary floating point ever carries a score.
std::optional<std::optional<std::string>> score_field(const boost::json::object& o,
                                                      std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_null()) return std::optional<std::string>{};
  if (!it->value().is_string())
    throw api_error{
        http::status::bad_request,
        "invalid_field",
        {{"field", std::string{key}}, {"expected", "a decimal string such as \"0.25\", or null"}},
        {{"field", key}}};
  return std::optional<std::string>{std::string{it->value().as_string()}};
}

// The fields of one leaf's edit, in the single-leaf body or in an item of a bulk edit.
workflow::leaf_edit leaf_edit_of(const boost::json::object& body) {
  workflow::leaf_edit e;
  e.self_score = score_field(body, "self_score");
  e.self_explanation = optional_string(body, "self_explanation");
  e.not_evaluated = optional_bool(body, "not_evaluated");
  e.not_evaluated_reason = optional_string(body, "not_evaluated_reason");
  e.claim_not_evaluated = optional_bool(body, "claim_not_evaluated");
  e.claim_reason = optional_string(body, "claim_reason");
  if (auto decision = optional_string(body, "claim_decision")) {
    if (*decision == "confirm")
      e.claim_decision = workflow::claim_ruling::confirm;
    else if (*decision == "reject")
      e.claim_decision = workflow::claim_ruling::reject;
    else
      throw api_error{http::status::bad_request,
                      "invalid_field",
                      {{"field", "claim_decision"}, {"expected", "\"confirm\" or \"reject\""}},
                      {{"field", "claim_decision"}}};
  }
  e.round1_score = score_field(body, "round1_score");
  e.round1_remark = optional_string(body, "round1_remark");
  e.needs_explanation = optional_bool(body, "needs_explanation");
  e.explanation_response = optional_string(body, "explanation_response");
  e.round2_score = score_field(body, "round2_score");
  e.round2_remark = optional_string(body, "round2_remark");
  e.reason = optional_string(body, "reason");
  return e;
}

// The members a leaf edit may have; with_code: an item of a bulk edit.
void only_leaf_edit_fields(const boost::json::object& body, bool with_code) {
  auto rest = body;
  if (with_code) rest.erase("code");
  only_fields(rest, {"self_score", "self_explanation", "not_evaluated", "not_evaluated_reason",
                     "claim_not_evaluated", "claim_reason", "claim_decision", "round1_score",
                     "round1_remark", "needs_explanation", "explanation_response", "round2_score",
                     "round2_remark", "reason"});
}

response edit_leaf(request_context& ctx) {
  const auto id = ctx.id_param("id");
  const std::string code{ctx.param("code")};
  const auto version = ctx.if_match_version();
  auto body = ctx.json();
  only_leaf_edit_fields(body, false);
  const auto e = leaf_edit_of(body);
  workflow::refusal_detail why;
  auto r = ctx.app.assessments.edit_leaf(ctx.who(), id, code, e, version, &why);
  if (!r) {
    auto err = error_from(r.error(), args_of(why));
    if (r.error() == workflow::errc::stale_version) {
      // 412 with the current state: nothing is overwritten silently.
      err.args.emplace_back("etag", etag_of(std::stoll(why.values["version"])));
      if (auto current = ctx.app.assessments.get(ctx.who(), id))
        for (const auto& l : current->leaves)
          if (l.node.code == code) err.extensions["current"] = leaf_json(l);
    }
    for (const auto& [k, v] : why.values)
      if (k == "closes_at" || k == "deadline" || k == "max" || k == "stage") err.extensions[k] = v;
    if (r.error() == workflow::errc::reason_required) err.extensions["field"] = why.values["field"];
    throw err;
  }
  return json_response(ctx, leaf_json(*r), http::status::ok, r->value.version);
}

response bulk_answer(request_context& ctx, const workflow::result<workflow::bulk_edit_result>& r,
                     const std::vector<workflow::leaf_edit_problem>& problems,
                     workflow::refusal_detail& why, bool preview);

// Many leaves of one file at once: all or nothing, one If-Match for the file.
response edit_leaves(request_context& ctx) {
  const auto id = ctx.id_param("id");
  const auto version = ctx.if_match_version();
  auto body = ctx.json();
  only_fields(body, {"leaves", "reason"});
  const auto reason = optional_string(body, "reason");
  auto list = body.find("leaves");
  if (list == body.end())
    throw api_error{
        http::status::bad_request, "missing_field", {{"field", "leaves"}}, {{"field", "leaves"}}};
  if (!list->value().is_array()) throw invalid_field("leaves", "a list of leaf edits");
  std::vector<workflow::leaf_edit_item> items;
  for (const auto& v : list->value().as_array()) {
    if (!v.is_object()) throw invalid_field("leaves", "a list of objects with a code");
    const auto& o = v.as_object();
    only_leaf_edit_fields(o, true);
    workflow::leaf_edit_item item{required_string(o, "code"), leaf_edit_of(o)};
    if (!item.edit.reason) item.edit.reason = reason;
    items.push_back(std::move(item));
  }
  std::vector<workflow::leaf_edit_problem> problems;
  workflow::refusal_detail why;
  auto r = ctx.app.assessments.edit_leaves(ctx.who(), id, items, version, &problems, &why);
  return bulk_answer(ctx, r, problems, why, false);
}

// An appraiser's CSV of code,score,remark[,needs_explanation] for one file; with
// ?preview=true only what would change.
response import_leaf_csv(request_context& ctx) {
  only_query_parameters(ctx, {"preview"});
  const auto id = ctx.id_param("id");
  const auto version = ctx.if_match_version();
  require_csv(ctx);
  const auto preview = ctx.query("preview");
  if (preview && *preview != "true" && *preview != "false")
    throw invalid_field("preview", "true or false");
  const bool only_preview = preview == "true";
  std::vector<storage::import_problem> csv_problems;
  std::vector<workflow::leaf_edit_problem> problems;
  workflow::refusal_detail why;
  auto r = ctx.app.assessments.import_leaf_csv(
      ctx.who(), id, ctx.req.body(), version,
      only_preview ? workflow::bulk_mode::preview : workflow::bulk_mode::apply, &csv_problems,
      &problems, &why);
  if (!r && r.error() == workflow::errc::invalid_score_import)
    throw import_refusal(r.error(), csv_problems);
  return bulk_answer(ctx, r, problems, why, only_preview);
}

response bulk_answer(request_context& ctx, const workflow::result<workflow::bulk_edit_result>& r,
                     const std::vector<workflow::leaf_edit_problem>& problems,
                     workflow::refusal_detail& why, bool preview) {
  if (!r) {
    auto err = error_from(r.error(), args_of(why));
    if (r.error() == workflow::errc::stale_version) {
      err.args.emplace_back("etag", etag_of(std::stoll(why.values["version"])));
      err.with_header(http::field::etag, etag_of(std::stoll(why.values["version"])));
    }
    if (r.error() == workflow::errc::invalid_bulk_edit) {
      // Each refused leaf with the code and text the single-leaf route would give.
      boost::json::array list_out;
      for (const auto& p : problems) {
        auto one = error_from(p.error, args_of(p.detail));
        list_out.push_back({{"index", p.index},
                            {"line", p.line},
                            {"code", p.code},
                            {"problem", one.code},
                            {"detail", message_for(one.code, ctx.lang, one.args).detail}});
      }
      err.extensions["problems"] = std::move(list_out);
    }
    throw err;
  }
  boost::json::array leaves;
  for (std::size_t i = 0; i < r->leaves.size(); ++i) {
    auto after = leaf_json(r->leaves[i]);
    // What changed, old and new, so that a preview can be checked before it is sent.
    boost::json::object changed;
    const auto& b = r->before[i];
    const auto& n = r->leaves[i].value;
    auto pts = [](const std::optional<std::int64_t>& u) {
      return u ? boost::json::value(workflow::points::from_units(*u).to_string())
               : boost::json::value(nullptr);
    };
    auto text = [](const std::optional<std::string>& s) {
      return s ? boost::json::value(*s) : boost::json::value(nullptr);
    };
    auto field = [&](std::string_view name, boost::json::value before, boost::json::value now) {
      if (before != now) changed[name] = {{"before", before}, {"after", now}};
    };
    field("round1_score", pts(b.round1_score), pts(n.round1_score));
    field("round1_remark", text(b.round1_remark), text(n.round1_remark));
    field("needs_explanation", b.needs_explanation, n.needs_explanation);
    field("round2_score", pts(b.round2_score), pts(n.round2_score));
    field("round2_remark", text(b.round2_remark), text(n.round2_remark));
    field("self_score", pts(b.self_score), pts(n.self_score));
    field("self_explanation", text(b.self_explanation), text(n.self_explanation));
    after["changes"] = std::move(changed);
    leaves.push_back(std::move(after));
  }
  return json_response(
      ctx, {{"preview", preview}, {"version", r->file_version}, {"leaves", std::move(leaves)}},
      http::status::ok, r->file_version);
}

response fire_event(request_context& ctx) {
  const auto id = ctx.id_param("id");
  auto body = ctx.json();
  only_fields(body, {"event", "until", "reason", "decision_number", "decision_date", "points",
                     "confirm_missing_self_scores"});
  const auto name = required_string(body, "event");
  auto ev = workflow::parse_event(name);
  if (!ev || *ev == workflow::event::auto_submit || *ev == workflow::event::auto_close_window)
    throw api_error{
        http::status::bad_request,
        "invalid_field",
        {{"field", "event"}, {"expected", "one of the events in docs/workflow.md fired by people"}},
        {{"field", "event"}}};
  workflow::event_request r;
  r.what = *ev;
  if (auto until = optional_string(body, "until")) {
    r.until = workflow::parse_iso_time(*until);
    if (!r.until)
      throw api_error{http::status::bad_request,
                      "invalid_field",
                      {{"field", "until"}, {"expected", "an ISO 8601 time with offset"}},
                      {{"field", "until"}}};
  }
  r.reason = optional_string(body, "reason");
  r.decision_number = optional_string(body, "decision_number");
  r.decision_date = optional_string(body, "decision_date");
  r.confirm_missing_self_scores =
      optional_bool(body, "confirm_missing_self_scores").value_or(false);
  if (r.what == workflow::event::adjust && !body.contains("points"))
    throw api_error{
        http::status::bad_request, "missing_field", {{"field", "points"}}, {{"field", "points"}}};
  if (auto p = optional_string(body, "points")) {
    r.adjustment = workflow::points::parse(*p, nullptr, true);
    if (!r.adjustment)
      throw api_error{
          http::status::bad_request,
          "invalid_field",
          {{"field", "points"}, {"expected", "a signed decimal string such as \"-8.9\""}},
          {{"field", "points"}}};
  }
  workflow::refusal_detail why;
  auto v = ctx.app.assessments.fire(ctx.who(), id, r, &why);
  if (!v) {
    auto err = error_from(v.error(), args_of(why));
    for (const auto& [k, val] : why.values)
      if (k == "closes_at" || k == "deadline" || k == "stage") err.extensions[k] = val;
    if (v.error() == workflow::errc::self_scores_missing) {
      boost::json::array codes;
      std::string_view list = why.values["codes"];
      while (!list.empty()) {
        auto comma = list.find(", ");
        codes.push_back(boost::json::string{list.substr(0, comma)});
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 2);
      }
      err.extensions["unscored"] = std::move(codes);
    }
    throw err;
  }
  return json_response(ctx, assessment_json(*v), http::status::ok, v->assessment.version);
}

// The agency keeps the explanation a successor carried over from last year (editing it
// instead also clears the mark).
response confirm_carried_explanation(request_context& ctx) {
  const std::string code{ctx.param("code")};
  workflow::refusal_detail why;
  auto r = ctx.app.assessments.confirm_carried_text(ctx.who(), ctx.id_param("id"), code, &why);
  if (!r) {
    why.values.try_emplace("code", code);
    auto err = error_from(r.error(), args_of(why));
    for (const auto& [k, v] : why.values)
      if (k == "deadline" || k == "stage") err.extensions[k] = v;
    throw err;
  }
  return json_response(ctx, leaf_json(*r), http::status::ok, r->value.version);
}

response leaf_history(request_context& ctx) {
  const std::string code{ctx.param("code")};
  auto r = ctx.app.assessments.leaf_history(ctx.who(), ctx.id_param("id"), code);
  if (!r) throw error_from(r.error(), {{"code", code}});
  boost::json::array out;
  for (const auto& e : *r)
    out.push_back(
        {{"id", e.id},
         {"at", iso_utc(e.at)},
         {"actor", e.event.actor},
         {"role", e.event.actor_role},
         {"client_address", e.event.client_address},
         {"action", e.event.action},
         {"old_value", e.event.old_value ? boost::json::value(*e.event.old_value) : nullptr},
         {"new_value", e.event.new_value ? boost::json::value(*e.event.new_value) : nullptr},
         {"reason", e.event.reason ? boost::json::value(*e.event.reason) : nullptr},
         {"hash", e.hash}});
  return json_response(ctx, {{"code", code}, {"history", out}});
}

}  // namespace

void add_assessment_routes(router& r) {
  r.add(
      {http::verb::get, "/api/v1/assessments/{id}", permission::read_assessments, get_assessment});
  // Score edits are the hottest writes and answer with what they wrote, nothing more:
  // their thread is free while the commit syncs, and they run on the write workers, so
  // that commits carry more of them.
  route leaves{http::verb::patch, "/api/v1/assessments/{id}/leaves", permission::edit_leaves,
               edit_leaves};
  leaves.commits = commit_wait::by_connection;
  leaves.where = runs_on::write_workers;
  r.add(std::move(leaves));
  r.add({http::verb::post, "/api/v1/assessments/{id}/score-import", permission::edit_leaves,
         import_leaf_csv});
  route leaf{http::verb::patch, "/api/v1/assessments/{id}/leaves/{code}", permission::edit_leaves,
             edit_leaf};
  leaf.commits = commit_wait::by_connection;
  leaf.where = runs_on::write_workers;
  r.add(std::move(leaf));
  r.add({http::verb::post, "/api/v1/assessments/{id}/events", permission::fire_events, fire_event});
  r.add({http::verb::get, "/api/v1/assessments/{id}/leaves/{code}/history",
         permission::read_assessments, leaf_history});
  r.add({http::verb::post, "/api/v1/assessments/{id}/leaves/{code}/explanation/confirm",
         permission::edit_leaves, confirm_carried_explanation});
}

}  // namespace parix::server
