// Criteria sets: list, read as a tree, import from CSV.
#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"
#include "workflow/criteria_service.hpp"

namespace parix::server {
namespace {

using auth::permission;

boost::json::object summary_json(const workflow::criteria_summary& s) {
  return {{"fields", s.fields},
          {"criteria", s.criteria},
          {"sub_criteria", s.sub_criteria},
          {"leaves", s.leaves},
          {"total", s.total.to_string()},
          {"self_total", s.self_total.to_string()},
          {"survey_total", s.survey_total.to_string()},
          {"external_total", s.external_total.to_string()},
          {"bonus_total", s.bonus_total.to_string()}};
}

boost::json::object node_json(const workflow::criteria_set& set,
                              const workflow::criterion_node& n) {
  boost::json::object o{{"code", n.code}, {"title", n.title}, {"max", n.max.to_string()}};
  if (n.leaf())
    o["method"] = workflow::to_string(n.method.value_or(workflow::scoring_method::self));
  if (n.bonus) o["bonus"] = true;
  if (!n.responsible.empty()) o["responsible"] = n.responsible;
  boost::json::array children;
  for (auto c : n.children) children.push_back(node_json(set, set.nodes[c]));
  o["children"] = std::move(children);
  return o;
}

boost::json::object set_json(std::int64_t id, const workflow::criteria_set& set,
                             const workflow::criteria_summary& summary) {
  boost::json::array roots;
  for (auto r : set.roots) roots.push_back(node_json(set, set.nodes[r]));
  return {{"id", id},
          {"key", set.key},
          {"name", set.name},
          {"summary", summary_json(summary)},
          {"children", std::move(roots)}};
}

response list_sets(request_context& ctx) {
  boost::json::array out;
  for (const auto& s : ctx.app.criteria.list())
    out.push_back({{"id", s.id},
                   {"key", s.key},
                   {"name", s.name},
                   {"created_at", iso_utc(s.created_at)},
                   {"created_by", s.created_by}});
  return json_response(ctx, {{"criteria_sets", out}});
}

response get_set(request_context& ctx) {
  auto r = ctx.app.criteria.get(ctx.id_param("id"));
  if (!r) throw error_from(r.error());
  return json_response(ctx, set_json(r->id, r->set, r->summary));
}

response import_set(request_context& ctx) {
  require_csv(ctx);
  std::vector<workflow::criteria_problem> problems;
  auto r = ctx.app.criteria.import(ctx.who(), ctx.req.body(), &problems);
  if (!r) {
    auto e = error_from(r.error(), {{"count", std::to_string(problems.size())}});
    boost::json::array list;
    for (const auto& p : problems)
      list.push_back(
          {{"line", p.line}, {"code", p.code}, {"problem", p.problem}, {"detail", p.detail}});
    e.extensions["problems"] = std::move(list);
    throw e;
  }
  auto res = json_response(ctx, set_json(r->id, r->set, r->summary), http::status::created);
  res.set(http::field::location, "/api/v1/criteria-sets/" + std::to_string(r->id));
  return res;
}

}  // namespace

void add_criteria_routes(router& r) {
  r.add({http::verb::get, "/api/v1/criteria-sets", permission::read_criteria, list_sets});
  r.add({http::verb::get, "/api/v1/criteria-sets/{id}", permission::read_criteria, get_set});
  r.add({http::verb::post, "/api/v1/criteria-sets", permission::import_criteria, import_set});
}

}  // namespace parix::server
