// Liveness, readiness and metrics: public, for load balancers and Prometheus.
#include "server/application.hpp"
#include "server/problem.hpp"

namespace parix::server {
namespace {

response text(const request_context& ctx, std::string body, std::string_view type) {
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::content_type, type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

void add_health_routes(router& r) {
  using auth::permission;
  r.add({http::verb::get, "/healthz", permission::public_access,
         [](request_context& ctx) {
           return json_response(ctx, {{"status", "ok"}});
         },
         0, runs_on::network});
  r.add({http::verb::get, "/readyz", permission::public_access, [](request_context& ctx) {
           if (!ctx.app.db.ready()) throw api_error{http::status::service_unavailable, "not_ready"};
           return json_response(ctx, {{"status", "ready"}});
         }});
  r.add({http::verb::get, "/metrics", permission::public_access, [](request_context& ctx) {
           return text(ctx, ctx.app.metrics.render(ctx.app.db.stats()),
                       "text/plain; version=0.0.4; charset=utf-8");
         }});
}

}  // namespace parix::server
