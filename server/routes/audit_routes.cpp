// The audit log: filtered queries (JSON and CSV), checkpoints, chain verification,
// and the public keys that verify signatures.
#include <charconv>

#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"
#include "workflow/audit_service.hpp"
#include "workflow/time_text.hpp"

namespace parix::server {
namespace {

using auth::permission;

std::optional<std::int64_t> integer_param(const request_context& ctx, std::string_view name) {
  auto v = ctx.query(name);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size() || out < 0)
    throw invalid_field(name, "a whole number");
  return out;
}

std::optional<storage::millis> time_param(const request_context& ctx, std::string_view name) {
  auto v = ctx.query(name);
  if (!v) return std::nullopt;
  auto t = workflow::parse_iso_time(*v);
  if (!t) throw invalid_field(name, "an ISO 8601 time with offset");
  return storage::to_millis(*t);
}

storage::audit_filter filter_of(const request_context& ctx) {
  only_query_parameters(ctx, {"campaign", "unit", "assessment", "criterion", "actor", "action",
                              "from", "to", "after_id", "limit"});
  storage::audit_filter f;
  f.campaign_id = integer_param(ctx, "campaign");
  f.assessment_id = integer_param(ctx, "assessment");
  f.criterion_code = ctx.query("criterion");
  f.actor = ctx.query("actor");
  f.action = ctx.query("action");
  f.from = time_param(ctx, "from");
  f.to = time_param(ctx, "to");
  f.after_id = integer_param(ctx, "after_id").value_or(0);
  f.limit = integer_param(ctx, "limit").value_or(100);
  if (f.limit < 1 || f.limit > 1000) throw invalid_field("limit", "1 to 1000");
  return f;
}

boost::json::value opt(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : nullptr;
}
boost::json::value opt(const std::optional<std::int64_t>& i) {
  return i ? boost::json::value(*i) : nullptr;
}

response query_audit(request_context& ctx) {
  auto f = filter_of(ctx);
  auto entries = ctx.app.audit.query(f, ctx.query("unit"));
  boost::json::array out;
  for (const auto& e : entries)
    out.push_back({{"id", e.id},
                   {"at", iso_utc(e.at)},
                   {"actor", e.event.actor},
                   {"role", e.event.actor_role},
                   {"client_address", e.event.client_address},
                   {"action", e.event.action},
                   {"entity", e.event.entity},
                   {"campaign_id", opt(e.event.campaign_id)},
                   {"unit_id", opt(e.event.unit_id)},
                   {"assessment_id", opt(e.event.assessment_id)},
                   {"criterion_code", opt(e.event.criterion_code)},
                   {"old_value", opt(e.event.old_value)},
                   {"new_value", opt(e.event.new_value)},
                   {"reason", opt(e.event.reason)},
                   {"prev_hash", e.prev_hash},
                   {"hash", e.hash}});
  boost::json::value next = nullptr;
  if (static_cast<std::int64_t>(entries.size()) == f.limit) next = entries.back().id;
  return json_response(ctx, {{"entries", out}, {"next_after_id", next}});
}

// RFC 4180: quote every field, double the quotes inside.
std::string csv_field(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

response audit_csv(request_context& ctx) {
  auto f = filter_of(ctx);
  if (!ctx.query("limit")) f.limit = 1000;
  auto entries = ctx.app.audit.query(f, ctx.query("unit"));
  std::string body =
      "id,at,actor,role,client_address,action,entity,campaign_id,unit_id,assessment_id,criterion_"
      "code,"
      "old_value,new_value,reason,hash\r\n";
  auto n = [](const std::optional<std::int64_t>& i) {
    return i ? std::to_string(*i) : std::string{};
  };
  for (const auto& e : entries) {
    const auto& v = e.event;
    body += std::to_string(e.id) + "," + iso_utc(e.at) + "," + csv_field(v.actor) + "," +
            csv_field(v.actor_role) + "," + csv_field(v.client_address) + "," +
            csv_field(v.action) + "," + csv_field(v.entity) + "," + n(v.campaign_id) + "," +
            n(v.unit_id) + "," + n(v.assessment_id) + "," +
            csv_field(v.criterion_code.value_or("")) + "," + csv_field(v.old_value.value_or("")) +
            "," + csv_field(v.new_value.value_or("")) + "," + csv_field(v.reason.value_or("")) +
            "," + e.hash + "\r\n";
  }
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::content_type, "text/csv; charset=utf-8");
  res.set(http::field::content_disposition, "attachment; filename=\"audit.csv\"");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response checkpoints(request_context& ctx) {
  auto list = ctx.app.audit.checkpoints();
  boost::json::array out;
  for (const auto& cp : list)
    out.push_back({{"id", cp.id},
                   {"at", iso_utc(cp.at)},
                   {"size", cp.size},
                   {"head_hash", cp.head_hash},
                   {"key_id", cp.key_id},
                   {"note", cp.note}});
  return json_response(ctx, {{"checkpoints", out}});
}

response verify(request_context& ctx) {
  auto v = ctx.app.audit.verify();
  boost::json::array failures;
  for (const auto& f : v.checkpoints.failures) failures.push_back(boost::json::string(f));
  return json_response(
      ctx, {{"ok", v.ok()},
            {"entries", v.entries},
            {"head", v.head},
            {"first_broken", v.first_broken ? boost::json::value(*v.first_broken) : nullptr},
            {"checkpoints_checked", v.checkpoints.checked},
            {"checkpoint_failures", failures}});
}

response keys(request_context& ctx) {
  // Every key that has signed, the current one marked: after a rotation, statements and
  // checkpoints signed by an older key still verify against its listed public key.
  auto all = ctx.app.audit.keys();
  boost::json::array out;
  for (const auto& k : all)
    out.push_back({{"key_id", k.key_id},
                   {"algorithm", k.algorithm},
                   {"public_key_pem", k.public_key_pem},
                   {"current", k.key_id == ctx.app.key.key_id()},
                   {"first_seen_at", iso_utc(k.first_seen_at)}});
  return json_response(ctx, {{"keys", out}});
}

}  // namespace

void add_audit_routes(router& r) {
  r.add({http::verb::get, "/api/v1/audit", permission::read_audit, query_audit});
  r.add({http::verb::get, "/api/v1/audit.csv", permission::read_audit, audit_csv});
  r.add({http::verb::get, "/api/v1/audit/checkpoints", permission::read_audit, checkpoints});
  r.add({http::verb::get, "/api/v1/audit/verify", permission::read_audit, verify});
  r.add({http::verb::get, "/api/v1/keys", permission::public_access, keys});
}

}  // namespace parix::server
