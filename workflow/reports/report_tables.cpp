// The tables of each report, as a province prints them (docs/reports.md).
#include "workflow/reports/report_tables.hpp"

#include <algorithm>
#include <map>

#include "storage/database.hpp"
#include "workflow/time_text.hpp"

namespace parix::workflow {
namespace {

table_cell text(std::string s) {
  return {cell_kind::text, std::move(s), 0};
}
table_cell integer(std::int64_t n) {
  return {cell_kind::integer, std::to_string(n), n};
}
table_cell pts(points p) {
  return {cell_kind::points, p.to_string(), 0};
}
table_cell opt_pts(const std::optional<points>& p) {
  return p ? pts(*p) : table_cell{};
}
table_cell opt_units(const std::optional<std::int64_t>& u) {
  return u ? pts(points::from_units(*u)) : table_cell{};
}
table_cell pct(const percentage& p) {
  return p.defined() ? table_cell{cell_kind::percent, p.to_string(), 0} : table_cell{};
}
table_cell pct(const mean_index& m) {
  return m.defined() ? table_cell{cell_kind::percent, m.to_string(), 0} : table_cell{};
}
table_cell mean(const points_mean& m) {
  return m.n > 0 ? table_cell{cell_kind::mean, m.to_string(), 0} : table_cell{};
}

// "Xếp hạng - A": the XLSX writer shortens a name to Excel's 31 characters.
std::string sheet_name(std::string_view prefix, std::string_view key) {
  return std::string{prefix} + " - " + std::string{key};
}

// Letters, digits and dashes only: a file name any client and file system takes.
std::string ascii_stem(std::string_view s) {
  std::string out;
  for (char c : s)
    out += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
               ? c
               : '_';
  return out;
}

// A report's tables, titled "… năm 2024", with the campaign under the title and a file
// name "stem-<campaign id>".
report_tables titled(const report_heading& h, std::string_view title, std::string_view stem) {
  report_tables t;
  t.title = std::string{title} + " năm " + std::to_string(h.year);
  t.campaign = h.campaign_name + " (năm " + std::to_string(h.year) + ")";
  t.file_stem = std::string{stem} + "-" + std::to_string(h.campaign_id);
  return t;
}

// "Nhóm Sở, ngành — kèm theo Quyết định số 123/QĐ-UBND ngày 2025-04-15".
std::string group_line(const report_group& g) {
  std::string out = "Nhóm " + g.name + " (" + g.key + ")";
  if (g.published && g.decision)
    out += " — công bố theo Quyết định số " + g.decision->decision_number + " ngày " +
           g.decision->decision_date;
  return out;
}

std::vector<table_column> columns(std::initializer_list<std::string_view> headers) {
  std::vector<table_column> out;
  for (auto h : headers) out.push_back({std::string{h}, false});
  return out;
}

std::string_view method_text(scoring_method m) {
  switch (m) {
    case scoring_method::self:
      return "Tự đánh giá";
    case scoring_method::survey:
      return "ĐTXHH";
    case scoring_method::external:
      return "Bên ngoài (SIPAS)";
  }
  return "";
}

// ---- Ranking ----

// The annex's columns for one group; with_group: the CSV's leading group column.
std::vector<table_column> ranking_columns(const ranking_group* g) {
  std::vector<table_column> c;
  if (!g) c.push_back({"Nhóm", false});
  for (auto h : {"STT", "Mã đơn vị", "Tên đơn vị", "Điểm tự đánh giá", "Điểm thẩm định"})
    c.push_back({h, false});
  if (!g || g->has_survey) c.push_back({"Điểm ĐTXHH", false});
  if (!g || g->has_external) c.push_back({"Điểm SIPAS", false});
  if (!g || g->has_adjustments) c.push_back({"Điểm điều chỉnh", false});
  for (auto h : {"Tổng điểm", "Điểm tối đa", "Chỉ số CCHC (%)", "Xếp loại", "Xếp hạng"})
    c.push_back({h, false});
  return c;
}

table_row ranking_row(const ranking_group& g, const ranking_line& l, int stt, bool all) {
  table_row r;
  auto& c = r.cells;
  if (all) c.push_back(text(g.group.key));
  c.push_back(integer(stt));
  c.push_back(text(l.unit_code));
  c.push_back(text(l.unit_name));
  c.push_back(pts(l.self_assessed()));
  c.push_back(pts(l.appraised()));
  if (all || g.has_survey) c.push_back(pts(l.survey()));
  if (all || g.has_external) c.push_back(pts(l.external()));
  if (all || g.has_adjustments) c.push_back(pts(l.score.adjustments));
  c.push_back(pts(l.score.achieved));
  c.push_back(pts(l.score.applicable_max));
  c.push_back(pct(l.score.index()));
  c.push_back(text(l.score.classification));
  c.push_back(integer(l.rank));
  return r;
}

table_row ranking_foot(const ranking_group& g) {
  const auto& m = g.means;
  table_row r;
  r.emphasis = true;
  auto& c = r.cells;
  c.push_back({});
  c.push_back({});
  c.push_back(text("Bình quân nhóm (" + std::to_string(m.total.n) + " đơn vị)"));
  c.push_back(mean(m.self_assessed));
  c.push_back(mean(m.appraised));
  if (g.has_survey) c.push_back(mean(m.survey));
  if (g.has_external) c.push_back(mean(m.external));
  if (g.has_adjustments) c.push_back(mean(m.adjustments));
  c.push_back(mean(m.total));
  c.push_back(mean(m.applicable_max));
  c.push_back(pct(m.index));
  return r;
}

// ---- Components ----

std::string field_label(const component_field& f) {
  return "LV " + f.code;
}

}  // namespace

report_tables tables_of(const ranking_report& r) {
  auto t = titled(r.heading, "Kết quả xếp hạng Chỉ số cải cách hành chính", "xep-hang");
  for (const auto& g : r.groups) {
    table s{sheet_name("Xếp hạng", g.group.key), t.title, group_line(g.group), ranking_columns(&g),
            nullptr};
    s.rows = [&g](const row_sink& sink) {
      int stt = 0;
      for (const auto& l : g.lines) sink(ranking_row(g, l, ++stt, false));
      sink(ranking_foot(g));
    };
    t.sheets.push_back(std::move(s));
  }
  t.csv = {"", t.title, t.campaign, ranking_columns(nullptr), [&r](const row_sink& sink) {
             for (const auto& g : r.groups) {
               int stt = 0;
               for (const auto& l : g.lines) sink(ranking_row(g, l, ++stt, true));
             }
           }};
  return t;
}

report_tables tables_of(const components_report& r) {
  auto t = titled(r.heading, "Chỉ số thành phần theo lĩnh vực", "chi-so-thanh-phan");
  for (const auto& g : r.groups) {
    // Units × fields: each field's points and index, then the overall index and rank.
    auto cols = columns({"STT", "Mã đơn vị", "Tên đơn vị"});
    for (const auto& f : g.fields) {
      cols.push_back({field_label(f) + ": điểm", false});
      cols.push_back({field_label(f) + " (%)", false});
    }
    for (auto h : {"Chỉ số CCHC (%)", "Xếp hạng"}) cols.push_back({std::string{h}, false});
    table units{sheet_name("Thành phần", g.group.key), t.title, group_line(g.group),
                std::move(cols), nullptr};
    units.rows = [&g](const row_sink& sink) {
      int stt = 0;
      for (const auto& l : g.lines) {
        table_row row;
        row.cells = {integer(++stt), text(l.unit_code), text(l.unit_name)};
        for (const auto& f : l.fields) {
          row.cells.push_back(pts(f.achieved));
          row.cells.push_back(pct(f.index()));
        }
        row.cells.push_back(pct(l.index));
        row.cells.push_back(integer(l.rank));
        sink(row);
      }
      // The foot: the group's mean, best and worst index in each field.
      for (const auto& [label, which] :
           {std::pair{"Bình quân nhóm", 0}, {"Cao nhất", 1}, {"Thấp nhất", 2}}) {
        table_row row;
        row.emphasis = true;
        row.cells = {{}, {}, text(label)};
        for (const auto& f : g.fields) {
          row.cells.push_back({});
          const auto& e = which == 1 ? f.best : f.worst;
          row.cells.push_back(which == 0 ? pct(f.mean) : e ? pct(e->index) : table_cell{});
        }
        sink(row);
      }
    };
    t.sheets.push_back(std::move(units));

    auto field_cols =
        columns({"Mã lĩnh vực", "Tên lĩnh vực", "Điểm tối đa", "Số đơn vị", "Bình quân nhóm (%)",
                 "Cao nhất (%)", "Đơn vị cao nhất", "Thấp nhất (%)", "Đơn vị thấp nhất"});
    field_cols[1].wrap = true;
    table fields{sheet_name("Lĩnh vực", g.group.key), t.title, group_line(g.group),
                 std::move(field_cols), nullptr};
    fields.rows = [&g](const row_sink& sink) {
      auto names = [](const std::optional<component_extreme>& e) {
        std::string out;
        for (const auto& u : e ? e->units : std::vector<std::string>{})
          out += (out.empty() ? "" : ", ") + u;
        return out;
      };
      for (const auto& f : g.fields) {
        table_row row;
        row.cells = {text(f.code),        text(f.title),
                     pts(f.max),          integer(f.mean.units()),
                     pct(f.mean),         f.best ? pct(f.best->index) : table_cell{},
                     text(names(f.best)), f.worst ? pct(f.worst->index) : table_cell{},
                     text(names(f.worst))};
        sink(row);
      }
    };
    t.sheets.push_back(std::move(fields));
  }
  // The CSV is long: one row per unit and field, ready for a pivot table.
  t.csv = {"", t.title, t.campaign,
           columns({"Nhóm", "Mã đơn vị", "Tên đơn vị", "Mã lĩnh vực", "Tên lĩnh vực", "Điểm đạt",
                    "Điểm tối đa áp dụng", "Chỉ số (%)", "Thứ hạng trong lĩnh vực",
                    "Bình quân nhóm (%)"}),
           [&r](const row_sink& sink) {
             for (const auto& g : r.groups)
               for (const auto& l : g.lines)
                 for (std::size_t k = 0; k < l.fields.size() && k < g.fields.size(); ++k) {
                   const auto& f = l.fields[k];
                   table_row row;
                   row.cells = {text(g.group.key),
                                text(l.unit_code),
                                text(l.unit_name),
                                text(g.fields[k].code),
                                text(g.fields[k].title),
                                pts(f.achieved),
                                pts(f.applicable_max),
                                pct(f.index()),
                                l.field_ranks[k] > 0 ? integer(l.field_ranks[k]) : table_cell{},
                                pct(g.fields[k].mean)};
                   sink(row);
                 }
           }};
  return t;
}

report_tables tables_of(const below_maximum_report& r) {
  auto t = titled(r.heading, "Các tiêu chí chưa đạt điểm tối đa", "tieu-chi-chua-dat");
  auto detail_columns = [](bool with_group) {
    auto c = columns({"Mã tiêu chí", "Tên tiêu chí", "Cơ quan phụ trách", "Điểm tối đa",
                      "Mã đơn vị", "Tên đơn vị", "Điểm tự đánh giá", "Điểm đạt", "Điểm bị mất",
                      "Nhận xét của tổ thẩm định"});
    c[1].wrap = true;
    c[9].wrap = true;
    if (with_group) c.insert(c.begin(), {"Nhóm", false});
    return c;
  };
  // One row per unit and leaf, a million of them on a large campaign: the row's cells are
  // filled in place, reusing their strings, rather than built anew for each.
  struct detail_rows {
    const below_maximum_report& r;
    bool with_group;
    table_row row;
    void set_text(std::size_t i, std::string_view s) {
      auto& c = row.cells[i];
      c.kind = cell_kind::text;
      c.text.assign(s);
    }
    void set_points(std::size_t i, std::optional<points> p) {
      auto& c = row.cells[i];
      c.kind = p ? cell_kind::points : cell_kind::empty;
      if (p)
        c.text = p->to_string();
      else
        c.text.clear();
    }
    const table_row& operator()(const below_maximum_group& g, const leaf_shortfalls& leaf,
                                const shortfall& s) {
      const auto& unit = r.units[s.unit];
      row.cells.resize(with_group ? 11 : 10);
      std::size_t i = 0;
      if (with_group) set_text(i++, g.group.key);
      set_text(i++, leaf.code);
      set_text(i++, leaf.title);
      set_text(i++, leaf.responsible);
      set_points(i++, leaf.max);
      set_text(i++, unit.code);
      set_text(i++, unit.name);
      set_points(i++, s.self_score);
      set_points(i++, s.final_score.value_or(points{}));
      set_points(i++, s.lost);
      set_text(i++, s.remark);
      return row;
    }
  };
  for (const auto& g : r.groups) {
    auto summary_cols = columns({"Mã tiêu chí", "Tên tiêu chí", "Cơ quan phụ trách", "Phương pháp",
                                 "Điểm tối đa", "Số đơn vị chưa đạt", "Tổng điểm bị mất"});
    summary_cols[1].wrap = true;
    table summary{
        sheet_name("Tổng hợp", g.group.key), t.title, group_line(g.group), std::move(summary_cols),
        [&g](const row_sink& sink) {
          for (const auto& leaf : g.leaves) {
            table_row row;
            row.cells = {
                text(leaf.code),        text(leaf.title),
                text(leaf.responsible), text(std::string{method_text(leaf.method)}),
                pts(leaf.max),          integer(static_cast<std::int64_t>(leaf.units.size())),
                pts(leaf.lost)};
            sink(row);
          }
        }};
    t.sheets.push_back(std::move(summary));
    table detail{sheet_name("Chi tiết", g.group.key), t.title, group_line(g.group),
                 detail_columns(false), [&r, &g](const row_sink& sink) {
                   detail_rows rows{r, false, {}};
                   for (const auto& leaf : g.leaves)
                     for (const auto& s : leaf.units) sink(rows(g, leaf, s));
                 }};
    t.sheets.push_back(std::move(detail));
  }
  t.csv = {"", t.title, t.campaign, detail_columns(true), [&r](const row_sink& sink) {
             detail_rows rows{r, true, {}};
             for (const auto& g : r.groups)
               for (const auto& leaf : g.leaves)
                 for (const auto& s : leaf.units) sink(rows(g, leaf, s));
           }};
  return t;
}

report_tables tables_of(const unit_report& r) {
  auto t = titled(r.heading, "Kết quả chi tiết Chỉ số CCHC", "ket-qua-chi-tiet");
  t.title += ": " + r.unit_name + " (" + r.unit_code + ")";
  t.file_stem += "-" + ascii_stem(r.unit_code);
  const auto& tz = r.heading.time_zone;
  auto node_columns = [](bool evidence) {
    auto c = columns({"Mã", "Tiêu chí", "Điểm tối đa", "Không đánh giá", "Điểm tự chấm",
                      "Giải trình của đơn vị", "Điểm thẩm định vòng 1", "Nhận xét vòng 1",
                      "Yêu cầu giải trình", "Trả lời giải trình", "Điểm thẩm định vòng 2",
                      "Nhận xét vòng 2", "Điểm ĐTXHH/SIPAS", "Điểm đạt"});
    for (auto i : {1, 5, 7, 9, 11}) c[static_cast<std::size_t>(i)].wrap = true;
    if (evidence) c.push_back({"Tài liệu kiểm chứng đã niêm phong (SHA-256)", true});
    return c;
  };
  auto node_row = [](const unit_node& n, bool evidence) {
    const auto& c = *n.node;
    const auto& v = n.value;
    table_row row;
    row.emphasis = c.depth() == 1;
    if (!c.leaf()) {
      row.cells = {text(c.code),
                   text(c.title),
                   pts(n.applicable_max),
                   {},
                   pts(n.self_total),
                   {},
                   {},
                   {},
                   {},
                   {},
                   {},
                   {},
                   {},
                   pts(n.achieved)};
    } else {
      const bool self = c.method.value_or(scoring_method::self) == scoring_method::self;
      row.cells = {
          text(c.code),
          text(c.title),
          pts(c.max),
          text(v.not_evaluated ? "Không đánh giá: " + v.not_evaluated_reason.value_or("") : ""),
          opt_units(v.self_score),
          text(v.self_explanation.value_or("")),
          opt_units(v.round1_score),
          text(v.round1_remark.value_or("")),
          text(v.needs_explanation ? "Có" : ""),
          text(v.explanation_response.value_or("")),
          opt_units(v.round2_score),
          text(v.round2_remark.value_or("")),
          self ? table_cell{} : opt_units(v.imported_score),
          v.not_evaluated ? table_cell{} : opt_pts(n.final_score)};
    }
    if (evidence) {
      std::string list;
      for (const auto& e : n.evidence)
        list +=
            (list.empty() ? "" : "; ") + ("v" + std::to_string(e.version) + " ") + e.archive_sha256;
      row.cells.push_back(text(list));
    }
    return row;
  };
  table nodes{"Kết quả chi tiết", t.title, group_line(r.group), node_columns(false),
              [&r, node_row](const row_sink& sink) {
                for (const auto& n : r.nodes) sink(node_row(n, false));
                const auto& s = r.score;
                for (const auto& [label, cell] : {std::pair{"Điểm điều chỉnh", pts(s.adjustments)},
                                                  {"Tổng điểm đạt", pts(s.achieved)},
                                                  {"Điểm tối đa áp dụng", pts(s.applicable_max)},
                                                  {"Chỉ số CCHC (%)", pct(s.index())},
                                                  {"Xếp loại", text(s.classification)}}) {
                  table_row row;
                  row.emphasis = true;
                  row.cells.resize(14);
                  row.cells[1] = text(label);
                  row.cells[13] = cell;
                  sink(row);
                }
              }};
  t.sheets.push_back(std::move(nodes));
  auto adjustment_cols = columns({"Điểm điều chỉnh", "Lý do", "Thời điểm", "Người thực hiện"});
  adjustment_cols[1].wrap = true;
  t.sheets.push_back({"Điều chỉnh", t.title, group_line(r.group), std::move(adjustment_cols),
                      [&r, tz](const row_sink& sink) {
                        for (const auto& a : r.adjustments) {
                          table_row row;
                          row.cells = {pts(points::from_units(a.points)), text(a.reason),
                                       text(format_time(storage::from_millis(a.at), tz)),
                                       text(a.actor)};
                          sink(row);
                        }
                      }});
  t.sheets.push_back({"Tài liệu kiểm chứng", t.title, group_line(r.group),
                      columns({"Mã tiêu chí", "Phiên bản", "Giai đoạn", "Niêm phong lúc",
                               "Người niêm phong", "SHA-256 của gói", "Tên tệp", "SHA-256 của tệp",
                               "Dung lượng (byte)", "Số văn bản", "Ngày văn bản"}),
                      [&r, tz](const row_sink& sink) {
                        for (const auto& n : r.nodes)
                          for (const auto& e : n.evidence)
                            for (const auto& f : e.files) {
                              table_row row;
                              row.cells = {text(n.node->code),
                                           integer(e.version),
                                           text(e.stage),
                                           text(format_time(storage::from_millis(e.sealed_at), tz)),
                                           text(e.sealed_by),
                                           text(e.archive_sha256),
                                           text(f.name),
                                           text(f.sha256),
                                           integer(f.size),
                                           text(f.doc_number.value_or("")),
                                           text(f.doc_date.value_or(""))};
                              sink(row);
                            }
                      }});
  t.csv = {"", t.title, t.campaign, node_columns(true), [&r, node_row](const row_sink& sink) {
             for (const auto& n : r.nodes) sink(node_row(n, true));
           }};
  return t;
}

namespace {

// A change of an index in percentage points, a number (no "+": spreadsheets read "-1.25"
// but not "+1.25").
table_cell change_cell(const std::optional<std::int64_t>& c) {
  if (!c) return {};
  auto t = signed_hundredths(*c);
  if (t.front() == '+') t.erase(0, 1);
  return {cell_kind::percent, std::move(t), 0};
}

std::string_view link_text(year_link l) {
  switch (l) {
    case year_link::same_code:
      return "Cùng mã";
    case year_link::formed_from:
      return "Hình thành từ đơn vị cũ";
    case year_link::new_unit:
      return "Đơn vị mới";
    case year_link::gone:
      return "Không còn trong đợt năm nay";
  }
  return "";
}

// The columns: the unit, last year's figures, this year's, the changes, then one
// change per field (fields: this year's set's; the CSV's: the union over groups).
std::vector<table_column> year_columns(const year_over_year_report& r,
                                       const std::vector<year_field>& fields, bool with_group) {
  const auto before = std::to_string(r.previous.year), now = std::to_string(r.heading.year);
  std::vector<table_column> c;
  if (with_group) c.push_back({"Nhóm", false});
  for (const std::string& h :
       {std::string{"STT"}, std::string{"Mã đơn vị"}, std::string{"Tên đơn vị"},
        std::string{"So sánh"}, "Chỉ số " + before + " (%)", "Xếp loại " + before,
        "Xếp hạng " + before, "Chỉ số " + now + " (%)", "Xếp loại " + now, "Xếp hạng " + now,
        std::string{"Tăng/giảm chỉ số (điểm %)"}, std::string{"Tăng/giảm thứ hạng"}})
    c.push_back({h, h == "Tên đơn vị"});
  for (const auto& f : fields) c.push_back({"LV " + f.code + ": tăng/giảm (điểm %)", false});
  return c;
}

void figure_cells(std::vector<table_cell>& c, const std::optional<year_figures>& f) {
  if (!f) {
    c.insert(c.end(), 3, table_cell{});
    return;
  }
  c.push_back(pct(f->index));
  c.push_back(text(f->classification));
  c.push_back(integer(f->rank));
}

// A unit's row, then (formed from other units) one row per origin with last year's
// figures, so the new unit's predecessors stand beside it.
void year_rows(const row_sink& sink, const std::string* group, const year_line& l, int stt,
               const std::vector<year_field>& fields) {
  table_row r;
  auto& c = r.cells;
  const auto& who = l.current ? *l.current : *l.previous;
  if (group) c.push_back(text(l.link == year_link::gone ? who.group : *group));
  c.push_back(stt > 0 ? integer(stt) : table_cell{});
  c.push_back(text(who.unit_code));
  c.push_back(text(who.unit_name));
  c.push_back(text(std::string{link_text(l.link)}));
  figure_cells(c, l.previous);
  figure_cells(c, l.current);
  c.push_back(change_cell(l.index_change));
  c.push_back(l.rank_change ? integer(*l.rank_change) : table_cell{});
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::optional<std::int64_t> fc;
    if (l.current)
      for (std::size_t k = 0; k < l.current->fields.size() && k < l.field_changes.size(); ++k)
        if (l.current->fields[k].code == fields[i].code) fc = l.field_changes[k];
    c.push_back(change_cell(fc));
  }
  sink(r);
  for (const auto& o : l.origins) {
    table_row orow;
    auto& oc = orow.cells;
    if (group) oc.push_back(text(o.group));
    oc.push_back({});
    oc.push_back(text(o.unit_code));
    oc.push_back(text(o.unit_name));
    oc.push_back(text("Đơn vị cũ, hình thành nên " + who.unit_code));
    figure_cells(oc, o);
    sink(orow);
  }
}

}  // namespace

report_tables tables_of(const year_over_year_report& r) {
  auto t = titled(r.heading, "So sánh Chỉ số cải cách hành chính với năm trước", "so-sanh");
  t.campaign +=
      " — so với " + r.previous.campaign_name + " (năm " + std::to_string(r.previous.year) + ")";
  std::vector<year_field> all_fields;  // the CSV's field columns: every group's, by code
  for (const auto& g : r.groups) {
    for (const auto& f : g.fields)
      if (std::ranges::none_of(all_fields, [&](const auto& a) { return a.code == f.code; }))
        all_fields.push_back(f);
    table s{sheet_name("Qua các năm", g.group.key), t.title, group_line(g.group),
            year_columns(r, g.fields, false), nullptr};
    s.rows = [&g](const row_sink& sink) {
      int stt = 0;
      for (const auto& l : g.lines) year_rows(sink, nullptr, l, ++stt, g.fields);
    };
    t.sheets.push_back(std::move(s));
  }
  if (!r.gone.empty()) {
    table s{"Không còn", t.title,
            "Đơn vị có hồ sơ năm trước, năm nay không có và không hợp nhất vào đơn vị nào",
            year_columns(r, {}, false), nullptr};
    s.rows = [&r](const row_sink& sink) {
      int stt = 0;
      for (const auto& l : r.gone) year_rows(sink, nullptr, l, ++stt, {});
    };
    t.sheets.push_back(std::move(s));
  }
  t.csv = {"", t.title, t.campaign, year_columns(r, all_fields, true),
           [&r, all_fields](const row_sink& sink) {
             for (const auto& g : r.groups) {
               int stt = 0;
               for (const auto& l : g.lines) year_rows(sink, &g.group.key, l, ++stt, all_fields);
             }
             const std::string none;
             int stt = 0;
             for (const auto& l : r.gone) year_rows(sink, &none, l, ++stt, all_fields);
           }};
  return t;
}

}  // namespace parix::workflow
