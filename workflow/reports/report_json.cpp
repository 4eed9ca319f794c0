// Writing each report as JSON.
#include "workflow/reports/report_json.hpp"

#include "storage/database.hpp"
#include "workflow/reports/json_writer.hpp"
#include "workflow/time_text.hpp"

namespace parix::workflow {
namespace {

void campaign(json_writer& w, const report_heading& h, std::string_view name = "campaign") {
  w.key(name).begin_object();
  w.key("id").num(h.campaign_id);
  w.key("year").num(h.year);
  w.key("name").str(h.campaign_name);
  w.end_object();
}

void decision(json_writer& w, const std::optional<storage::publication_record>& p) {
  w.key("decision");
  if (!p) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("number").str(p->decision_number);
  w.key("date").str(p->decision_date);
  w.end_object();
}

// The members describing a group, inside its object.
void group_members(json_writer& w, const report_group& g) {
  w.key("key").str(g.key);
  w.key("name").str(g.name);
  w.key("criteria_set").begin_object();
  w.key("key").str(g.set_key);
  w.key("name").str(g.set_name);
  w.end_object();
  w.key("published").boolean(g.published);
  decision(w, g.decision);
}

void index(json_writer& w, const percentage& p) {
  w.key("index");
  if (p.defined())
    w.str(p.to_string());
  else
    w.null();
  w.key("index_exact").str(std::to_string(p.numerator()) + "/" + std::to_string(p.denominator()));
}

void opt_points(json_writer& w, const std::optional<points>& p) {
  if (p)
    w.str(p->to_string());
  else
    w.null();
}

void opt_units(json_writer& w, const std::optional<std::int64_t>& u) {
  opt_points(w, u ? std::optional{points::from_units(*u)} : std::nullopt);
}

void mean(json_writer& w, std::string_view name, const points_mean& m) {
  w.key(name).str(m.to_string());
}

std::string time_text(storage::millis at, const std::string& zone) {
  return format_time(storage::from_millis(at), zone);
}

}  // namespace

std::string to_json(const ranking_report& r) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  campaign(w, r.heading);
  w.key("groups").begin_array();
  for (const auto& g : r.groups) {
    w.begin_object();
    group_members(w, g.group);
    w.key("columns").begin_object();
    w.key("survey").boolean(g.has_survey);
    w.key("external").boolean(g.has_external);
    w.key("adjustments").boolean(g.has_adjustments);
    w.end_object();
    w.key("rows").begin_array();
    int stt = 0;
    for (const auto& l : g.lines) {
      w.begin_object();
      w.key("stt").num(++stt);
      w.key("unit").str(l.unit_code);
      w.key("unit_name").str(l.unit_name);
      w.key("state").str(l.state);
      w.key("self_assessed").str(l.self_assessed().to_string());
      w.key("appraised").str(l.appraised().to_string());
      w.key("survey").str(l.survey().to_string());
      w.key("external").str(l.external().to_string());
      w.key("adjustments").str(l.score.adjustments.to_string());
      w.key("total").str(l.score.achieved.to_string());
      w.key("applicable_max").str(l.score.applicable_max.to_string());
      index(w, l.score.index());
      w.key("class").str(l.score.classification);
      w.key("rank").num(l.rank);
      w.end_object();
    }
    w.end_array();
    const auto& m = g.means;
    w.key("averages").begin_object();
    w.key("units").num(m.total.n);
    mean(w, "self_assessed", m.self_assessed);
    mean(w, "appraised", m.appraised);
    mean(w, "survey", m.survey);
    mean(w, "external", m.external);
    mean(w, "adjustments", m.adjustments);
    mean(w, "total", m.total);
    mean(w, "applicable_max", m.applicable_max);
    w.key("index").str(m.index.to_string());
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string to_json(const components_report& r) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  campaign(w, r.heading);
  w.key("groups").begin_array();
  for (const auto& g : r.groups) {
    w.begin_object();
    group_members(w, g.group);
    w.key("fields").begin_array();
    for (const auto& f : g.fields) {
      w.begin_object();
      w.key("code").str(f.code);
      w.key("title").str(f.title);
      w.key("max").str(f.max.to_string());
      w.key("mean").str(f.mean.to_string());
      w.key("units").num(f.mean.units());
      for (const auto& [name, e] : {std::pair{"best", &f.best}, {"worst", &f.worst}}) {
        w.key(name);
        if (!*e) {
          w.null();
          continue;
        }
        w.begin_object();
        w.key("index").str((*e)->index.to_string());
        w.key("units").begin_array();
        for (const auto& u : (*e)->units) w.str(u);
        w.end_array();
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
    w.key("rows").begin_array();
    for (const auto& l : g.lines) {
      w.begin_object();
      w.key("unit").str(l.unit_code);
      w.key("unit_name").str(l.unit_name);
      w.key("rank").num(l.rank);
      index(w, l.index);
      w.key("fields").begin_array();
      for (std::size_t k = 0; k < l.fields.size(); ++k) {
        const auto& f = l.fields[k];
        w.begin_object();
        w.key("code").str(f.code);
        w.key("achieved").str(f.achieved.to_string());
        w.key("max").str(f.applicable_max.to_string());
        index(w, f.index());
        w.key("rank").num(k < l.field_ranks.size() ? l.field_ranks[k] : 0);
        w.end_object();
      }
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string to_json(const below_maximum_report& r) {
  // A million entries make a text of a hundred megabytes or more: sized once rather than
  // copied on every doubling.
  std::size_t size = 4096 + r.units.size() * 96;
  for (const auto& g : r.groups)
    for (const auto& leaf : g.leaves) {
      size += 512 + leaf.title.size();
      for (const auto& s : leaf.units) size += 112 + s.remark.size();
    }
  std::string out;
  out.reserve(size);
  json_writer w{out};
  w.begin_object();
  campaign(w, r.heading);
  w.key("order").str(r.order == shortfall_order::points_lost ? "points_lost" : "criteria");
  // Units once, by code; each criterion's list names them by code only (a campaign of
  // 12,000 files would otherwise repeat every name a hundred times).
  w.key("units").begin_object();
  for (const auto& u : r.units) {
    w.key(u.code).begin_object();
    w.key("name").str(u.name);
    w.key("group").str(u.group);
    w.end_object();
  }
  w.end_object();
  w.key("groups").begin_array();
  for (const auto& g : r.groups) {
    w.begin_object();
    group_members(w, g.group);
    w.key("criteria").begin_array();
    for (const auto& leaf : g.leaves) {
      w.begin_object();
      w.key("code").str(leaf.code);
      w.key("title").str(leaf.title);
      w.key("responsible").str(leaf.responsible);
      w.key("method").str(to_string(leaf.method));
      w.key("max").str(leaf.max.to_string());
      w.key("points_lost").str(leaf.lost.to_string());
      w.key("units").begin_array();
      for (const auto& s : leaf.units) {
        w.begin_object();
        w.key("unit").str(r.units[s.unit].code);
        w.key("self_score");
        opt_points(w, s.self_score);
        w.key("final_score");
        opt_points(w, s.final_score);
        w.key("points_lost").str(s.lost.to_string());
        w.key("remark").str(s.remark);
        w.end_object();
      }
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string to_json(const unit_report& r) {
  const auto& tz = r.heading.time_zone;
  std::string out;
  json_writer w{out};
  w.begin_object();
  campaign(w, r.heading);
  w.key("group").begin_object();
  group_members(w, r.group);
  w.end_object();
  w.key("unit").str(r.unit_code);
  w.key("unit_name").str(r.unit_name);
  w.key("state").str(r.state);
  const auto& s = r.score;
  w.key("score").begin_object();
  w.key("self_assessed").str(s.self_assessed.to_string());
  w.key("achieved_before_adjustments").str(s.achieved_before_adjustments.to_string());
  w.key("adjustments").str(s.adjustments.to_string());
  w.key("achieved").str(s.achieved.to_string());
  w.key("applicable_max").str(s.applicable_max.to_string());
  index(w, s.index());
  w.key("class").str(s.classification);
  w.end_object();
  w.key("fields").begin_array();
  for (const auto& n : r.nodes) {
    if (n.node->depth() != 1) continue;
    w.begin_object();
    w.key("code").str(n.node->code);
    w.key("title").str(n.node->title);
    w.key("max").str(n.node->max.to_string());
    w.key("applicable_max").str(n.applicable_max.to_string());
    w.key("self_total").str(n.self_total.to_string());
    w.key("achieved").str(n.achieved.to_string());
    index(w, percentage{n.achieved, n.applicable_max});
    w.end_object();
  }
  w.end_array();
  w.key("adjustments").begin_array();
  for (const auto& a : r.adjustments) {
    w.begin_object();
    w.key("points").str(points::from_units(a.points).to_string());
    w.key("reason").str(a.reason);
    w.key("at").str(time_text(a.at, tz));
    w.key("by").str(a.actor);
    w.end_object();
  }
  w.end_array();
  w.key("nodes").begin_array();
  for (const auto& n : r.nodes) {
    const auto& c = *n.node;
    w.begin_object();
    w.key("code").str(c.code);
    w.key("title").str(c.title);
    w.key("depth").num(c.depth());
    w.key("max").str(c.max.to_string());
    w.key("applicable_max").str(n.applicable_max.to_string());
    w.key("self_total").str(n.self_total.to_string());
    w.key("achieved").str(n.achieved.to_string());
    w.key("responsible").str(n.responsible);
    w.key("bonus").boolean(c.bonus);
    if (c.leaf()) {
      const auto& v = n.value;
      w.key("method").str(to_string(c.method.value_or(scoring_method::self)));
      w.key("not_evaluated").boolean(v.not_evaluated);
      w.key("not_evaluated_reason").opt(v.not_evaluated_reason);
      w.key("self_score");
      opt_units(w, v.self_score);
      w.key("self_explanation").opt(v.self_explanation);
      w.key("round1_score");
      opt_units(w, v.round1_score);
      w.key("round1_remark").opt(v.round1_remark);
      w.key("needs_explanation").boolean(v.needs_explanation);
      w.key("explanation_response").opt(v.explanation_response);
      w.key("round2_score");
      opt_units(w, v.round2_score);
      w.key("round2_remark").opt(v.round2_remark);
      w.key("imported_score");
      opt_units(w, v.imported_score);
      w.key("final_score");
      opt_points(w, n.final_score);
      w.key("late").boolean(v.late);
      w.key("evidence").begin_array();
      for (const auto& e : n.evidence) {
        w.begin_object();
        w.key("version").num(e.version);
        w.key("stage").str(e.stage);
        w.key("archive_sha256").str(e.archive_sha256);
        w.key("archive_size").num(e.archive_size);
        w.key("sealed_at").str(time_text(e.sealed_at, tz));
        w.key("sealed_by").str(e.sealed_by);
        w.key("files").begin_array();
        for (const auto& f : e.files) {
          w.begin_object();
          w.key("name").str(f.name);
          w.key("sha256").str(f.sha256);
          w.key("size").num(f.size);
          w.key("doc_number").opt(f.doc_number);
          w.key("doc_date").opt(f.doc_date);
          w.end_object();
        }
        w.end_array();
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string to_json(const std::vector<published_campaign>& campaigns) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  w.key("campaigns").begin_array();
  for (const auto& c : campaigns) {
    w.begin_object();
    w.key("id").num(c.id);
    w.key("year").num(c.year);
    w.key("name").str(c.name);
    w.key("decision_number").opt(c.decision_number);
    w.key("decision_date").opt(c.decision_date);
    w.key("groups").begin_array();
    for (const auto& g : c.groups) {
      w.begin_object();
      w.key("key").str(g.key);
      w.key("name").str(g.name);
      w.key("decision_number").opt(g.decision_number);
      w.key("decision_date").opt(g.decision_date);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

namespace {

std::string_view link_name(year_link l) {
  switch (l) {
    case year_link::same_code:
      return "same_code";
    case year_link::formed_from:
      return "formed_from";
    case year_link::new_unit:
      return "new_unit";
    case year_link::gone:
      return "gone";
  }
  return "";
}

void figures(json_writer& w, const year_figures& f) {
  w.begin_object();
  w.key("unit").str(f.unit_code);
  w.key("unit_name").str(f.unit_name);
  w.key("group").str(f.group);
  index(w, f.index);
  w.key("class").str(f.classification);
  w.key("rank").num(f.rank);
  w.key("fields").begin_array();
  for (const auto& n : f.fields) {
    w.begin_object();
    w.key("code").str(n.code);
    w.key("achieved").str(n.achieved.to_string());
    w.key("max").str(n.applicable_max.to_string());
    index(w, n.index());
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void opt_figures(json_writer& w, std::string_view name, const std::optional<year_figures>& f) {
  w.key(name);
  if (f)
    figures(w, *f);
  else
    w.null();
}

void change(json_writer& w, const std::optional<std::int64_t>& c) {
  if (c)
    w.str(signed_hundredths(*c));
  else
    w.null();
}

void year_line_json(json_writer& w, const year_line& l, const std::vector<year_field>& fields) {
  w.begin_object();
  const auto& who = l.current ? *l.current : *l.previous;
  w.key("unit").str(who.unit_code);
  w.key("unit_name").str(who.unit_name);
  w.key("link").str(link_name(l.link));
  opt_figures(w, "current", l.current);
  opt_figures(w, "previous", l.previous);
  w.key("origins").begin_array();
  for (const auto& o : l.origins) figures(w, o);
  w.end_array();
  w.key("index_change");
  change(w, l.index_change);
  w.key("rank_change");
  if (l.rank_change)
    w.num(*l.rank_change);
  else
    w.null();
  w.key("field_changes").begin_array();
  for (std::size_t i = 0; i < l.field_changes.size() && i < fields.size(); ++i) {
    w.begin_object();
    w.key("code").str(fields[i].code);
    w.key("change");
    change(w, l.field_changes[i]);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string to_json(const year_over_year_report& r) {
  std::string out;
  json_writer w{out};
  w.begin_object();
  campaign(w, r.heading);
  campaign(w, r.previous, "previous_campaign");
  w.key("groups").begin_array();
  for (const auto& g : r.groups) {
    w.begin_object();
    group_members(w, g.group);
    w.key("fields").begin_array();
    for (const auto& f : g.fields) {
      w.begin_object();
      w.key("code").str(f.code);
      w.key("title").str(f.title);
      w.end_object();
    }
    w.end_array();
    w.key("rows").begin_array();
    for (const auto& l : g.lines) year_line_json(w, l, g.fields);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("gone").begin_array();
  for (const auto& l : r.gone) year_line_json(w, l, {});
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace parix::workflow
