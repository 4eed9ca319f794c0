// Reports (docs/reports.md): the ranking annex, component indices, criteria below
// maximum and a unit's detailed result, as JSON, CSV or XLSX; and the public face of
// published results. Thin: the format is chosen here, everything else is
// workflow/reports/.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "server/application.hpp"
#include "server/problem.hpp"
#include "workflow/reports/report_formats.hpp"
#include "workflow/reports/report_json.hpp"

namespace parix::server {
namespace {

using auth::permission;
using workflow::report_format;

// ?format= wins; else the best of Accept (RFC 9110 section 12.5.1: media ranges with
// q-values, wildcards); JSON when neither says. 406 when Accept allows none of the three.
report_format format_of(const request_context& ctx) {
  if (auto f = ctx.query("format")) {
    auto parsed = workflow::parse_report_format(*f);
    if (!parsed) throw invalid_field("format", "json, csv or xlsx");
    return *parsed;
  }
  const std::string_view accept = ctx.req[http::field::accept];
  if (accept.empty()) return report_format::json;
  std::optional<report_format> best;
  double best_q = 0;
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    auto end = accept.find(',', pos);
    if (end == std::string_view::npos) end = accept.size();
    auto range = accept.substr(pos, end - pos);
    pos = end + 1;
    double q = 1;
    if (auto semi = range.find(';'); semi != std::string_view::npos) {
      auto params = range.substr(semi);
      range = range.substr(0, semi);
      if (auto qp = params.find("q="); qp != std::string_view::npos) {
        const std::string value{params.substr(qp + 2, params.find(';', qp) - qp - 2)};
        char* stop = nullptr;
        q = std::strtod(value.c_str(), &stop);
        if (stop == value.c_str()) q = 0;
      }
    }
    std::string type;  // media types compare without case
    for (char c : range)
      if (c != ' ' && c != '\t')
        type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::optional<report_format> f;
    if (type == "application/json" || type == "*/*" || type == "application/*")
      f = report_format::json;
    else if (type == "text/csv" || type == "text/*")
      f = report_format::csv;
    else if (type == workflow::media_type(report_format::xlsx))
      f = report_format::xlsx;
    if (f && q > best_q) {
      best = f;
      best_q = q;
    }
  }
  if (!best)
    throw api_error{http::status::not_acceptable,
                    "not_acceptable",
                    {{"accept", std::string{accept}},
                     {"available", "application/json, text/csv, " +
                                       std::string{workflow::media_type(report_format::xlsx)}}}};
  return *best;
}

workflow::report_filter filter_of(const request_context& ctx) {
  workflow::report_filter f;
  f.group = ctx.query("group");
  f.unit = ctx.query("unit");
  if (auto sort = ctx.query("sort")) {
    if (*sort == "points_lost")
      f.order = workflow::shortfall_order::points_lost;
    else if (*sort != "criteria")
      throw invalid_field("sort", "criteria or points_lost");
  }
  return f;
}

// The error a report's result carries, with what its message names.
api_error report_error(const boost::system::error_code& ec, const workflow::report_filter& f) {
  return error_from(ec, {{"group", f.group.value_or("")}, {"unit", f.unit.value_or("")}});
}

template <class Report>
response answer(request_context& ctx, const workflow::result<Report>& r,
                const workflow::report_filter& f, report_format format) {
  if (!r) throw report_error(r.error(), f);
  auto out = workflow::render_report(*r, format);
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::content_type, workflow::media_type(format));
  if (format != report_format::json)
    res.set(http::field::content_disposition, "attachment; filename=\"" + out.file_name + "\"");
  res.set(http::field::vary, "Accept");
  res.body() = std::move(out.bytes);
  res.prepare_payload();
  return res;
}

response ranking(request_context& ctx) {
  only_query_parameters(ctx, {"format", "group"});
  const auto format = format_of(ctx);
  const auto f = filter_of(ctx);
  return answer(ctx, ctx.app.reports.ranking(&ctx.who(), ctx.id_param("id"), f), f, format);
}

response components(request_context& ctx) {
  only_query_parameters(ctx, {"format", "group"});
  const auto format = format_of(ctx);
  const auto f = filter_of(ctx);
  return answer(ctx, ctx.app.reports.components(&ctx.who(), ctx.id_param("id"), f), f, format);
}

response below_maximum(request_context& ctx) {
  only_query_parameters(ctx, {"format", "group", "unit", "sort"});
  const auto format = format_of(ctx);
  const auto f = filter_of(ctx);
  return answer(ctx, ctx.app.reports.below_maximum(ctx.who(), ctx.id_param("id"), f), f, format);
}

response unit(request_context& ctx) {
  only_query_parameters(ctx, {"format"});
  const auto format = format_of(ctx);
  workflow::report_filter f;
  f.unit = std::string{ctx.param("unit_code")};
  return answer(ctx, ctx.app.reports.unit(ctx.who(), ctx.id_param("id"), *f.unit), f, format);
}

response year_over_year(request_context& ctx) {
  only_query_parameters(ctx, {"format", "group"});
  const auto format = format_of(ctx);
  const auto f = filter_of(ctx);
  return answer(ctx, ctx.app.reports.year_over_year(ctx.who(), ctx.id_param("id"), f), f, format);
}

// Without sign-in: only what is published, and 404 before.
response public_ranking(request_context& ctx) {
  only_query_parameters(ctx, {"format", "group"});
  const auto format = format_of(ctx);
  const auto f = filter_of(ctx);
  return answer(ctx, ctx.app.reports.ranking(nullptr, ctx.id_param("id"), f), f, format);
}

response public_components(request_context& ctx) {
  only_query_parameters(ctx, {"format", "group"});
  const auto format = format_of(ctx);
  const auto f = filter_of(ctx);
  return answer(ctx, ctx.app.reports.components(nullptr, ctx.id_param("id"), f), f, format);
}

response public_campaigns(request_context& ctx) {
  only_query_parameters(ctx, {});
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = workflow::to_json(ctx.app.reports.published_campaigns());
  res.prepare_payload();
  return res;
}

}  // namespace

void add_report_routes(router& r) {
  const std::string base = "/api/v1/campaigns/{id}/reports/";
  r.add({http::verb::get, base + "ranking", permission::read_reports, ranking});
  r.add({http::verb::get, base + "components", permission::read_reports, components});
  r.add({http::verb::get, base + "below-maximum", permission::read_reports, below_maximum});
  r.add({http::verb::get, base + "units/{unit_code}", permission::read_reports, unit});
  r.add({http::verb::get, base + "year-over-year", permission::read_reports, year_over_year});
  r.add({http::verb::get, "/api/v1/public/campaigns", permission::public_access, public_campaigns});
  r.add({http::verb::get, "/api/v1/public/campaigns/{id}/reports/ranking",
         permission::public_access, public_ranking});
  r.add({http::verb::get, "/api/v1/public/campaigns/{id}/reports/components",
         permission::public_access, public_components});
}

}  // namespace parix::server
