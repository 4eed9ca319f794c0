// The criteria CSV reader and validator.
#include "workflow/criteria.hpp"

#include <algorithm>

#include "storage/csv.hpp"

namespace parix::workflow {
namespace {

bool valid_code(std::string_view code) {
  if (code.empty() || code.front() == '.' || code.back() == '.') return false;
  int parts = 1;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] == '.') {
      if (code[i - 1] == '.') return false;
      ++parts;
    } else if (code[i] < '0' || code[i] > '9') {
      return false;
    }
  }
  return parts <= 3;
}

std::string parent_of(std::string_view code) {
  auto dot = code.rfind('.');
  return dot == std::string_view::npos ? std::string{} : std::string{code.substr(0, dot)};
}

}  // namespace

std::string_view to_string(scoring_method m) noexcept {
  switch (m) {
    case scoring_method::self:
      return "self";
    case scoring_method::survey:
      return "survey";
    case scoring_method::external:
      return "external";
  }
  return "self";
}

std::optional<scoring_method> parse_method(std::string_view s) noexcept {
  if (s == "self") return scoring_method::self;
  if (s == "survey") return scoring_method::survey;
  if (s == "external") return scoring_method::external;
  return std::nullopt;
}

int criterion_node::depth() const noexcept {
  return 1 + static_cast<int>(std::count(code.begin(), code.end(), '.'));
}

std::string criterion_node::field() const {
  return code.substr(0, code.find('.'));
}

const criterion_node* criteria_set::find(std::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &nodes[it->second];
}

const std::string& criteria_set::responsible(std::size_t index) const {
  static const std::string none;
  for (std::optional<std::size_t> i = index; i; i = nodes[*i].parent)
    if (!nodes[*i].responsible.empty()) return nodes[*i].responsible;
  return none;
}

criteria_summary criteria_set::summary() const {
  criteria_summary s;
  for (const auto& n : nodes) {
    switch (n.depth()) {
      case 1:
        ++s.fields;
        s.total += n.max;
        break;
      case 2:
        ++s.criteria;
        break;
      default:
        ++s.sub_criteria;
        break;
    }
    if (n.bonus) s.bonus_total += n.max;
    if (!n.leaf()) continue;
    ++s.leaves;
    switch (n.method.value_or(scoring_method::self)) {
      case scoring_method::self:
        s.self_total += n.max;
        break;
      case scoring_method::survey:
        s.survey_total += n.max;
        break;
      case scoring_method::external:
        s.external_total += n.max;
        break;
    }
  }
  return s;
}

criteria_set assemble_criteria_set(std::string key, std::string name,
                                   std::vector<criterion_node> nodes) {
  criteria_set s;
  s.key = std::move(key);
  s.name = std::move(name);
  s.nodes = std::move(nodes);
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    auto& n = s.nodes[i];
    n.children.clear();
    n.parent.reset();
    s.by_code_[n.code] = i;
    const auto parent = parent_of(n.code);
    if (auto it = s.by_code_.find(parent); !parent.empty() && it != s.by_code_.end()) {
      n.parent = it->second;
      s.nodes[it->second].children.push_back(i);
    } else if (parent.empty()) {
      s.roots.push_back(i);
    }
  }
  return s;
}

criteria_parse_result parse_criteria_csv(std::string_view text) {
  criteria_parse_result result;
  auto problem = [&](int line, std::string code, std::string what, std::string detail) {
    result.problems.push_back({line, std::move(code), std::move(what), std::move(detail)});
  };
  std::string key, name;
  std::optional<points> declared_total;
  int total_line = 1;
  bool header_seen = false;
  std::size_t columns = 5;  // 6 when the optional `responsible` column is there
  std::vector<criterion_node> nodes;
  std::map<std::string, std::size_t, std::less<>> seen;
  std::vector<std::string>
      method_text;  // per node, for the leaf/parent checks after the tree is known

  const auto doc = storage::read_csv(text);
  for (const auto& p : doc.problems) problem(p.line, "", "bad_csv", p.detail);
  for (const auto& c : doc.comments) {
    std::string_view raw = c.fields[0];
    if (raw.starts_with("#set-key:")) key = storage::trimmed(raw.substr(9));
    if (raw.starts_with("#set-name:")) name = storage::trimmed(raw.substr(10));
    if (raw.starts_with("#total:")) {
      total_line = c.line;
      const auto value = storage::decimal_text(raw.substr(7), doc.separator);
      declared_total = points::parse(value);
      if (!declared_total)
        problem(c.line, "", "bad_number", "#total: \"" + value + "\" is not a number");
    }
  }
  for (const auto& record : doc.records) {
    const int line_no = record.line;
    const auto* fields = &record.fields;
    if (!header_seen) {
      header_seen = true;
      std::vector<std::string> expected{"code", "title", "max", "method", "bonus"};
      std::vector<std::string> got;
      for (auto& f : *fields) got.push_back(storage::trimmed(f));
      if (got.size() == 6 && got.back() == "responsible") {
        columns = 6;
        got.pop_back();
      }
      if (got != expected)
        problem(line_no, "", "bad_header",
                "the header must be: code,title,max,method,bonus[,responsible]");
      continue;
    }
    if (fields->size() != columns) {
      problem(line_no, "", "bad_csv",
              "expected " + std::to_string(columns) + " fields, found " +
                  std::to_string(fields->size()));
      continue;
    }
    criterion_node n;
    n.line = line_no;
    n.code = storage::trimmed((*fields)[0]);
    n.title = storage::trimmed((*fields)[1]);
    const auto max_text = storage::decimal_text((*fields)[2], doc.separator);
    const auto method = storage::trimmed((*fields)[3]);
    const auto bonus = storage::trimmed((*fields)[4]);
    if (columns == 6) n.responsible = storage::trimmed((*fields)[5]);
    if (!valid_code(n.code)) {
      problem(line_no, n.code, "bad_code", "a code is 1 to 3 dot-separated numbers, like 1.3.2");
      continue;
    }
    if (n.title.empty()) problem(line_no, n.code, "empty_title", "the title is empty");
    points::parse_error why{};
    if (auto p = points::parse(max_text, &why)) {
      n.max = *p;
    } else {
      switch (why) {
        case points::parse_error::negative:
          problem(line_no, n.code, "negative_max", "the maximum " + max_text + " is negative");
          break;
        case points::parse_error::too_many_decimals:
          problem(line_no, n.code, "too_many_decimals",
                  "the maximum " + max_text + " has more than 4 decimals");
          break;
        default:
          problem(line_no, n.code, "bad_number",
                  "the maximum \"" + max_text + "\" is not a number (use a point: 0.25)");
      }
    }
    if (!method.empty() && !parse_method(method))
      problem(line_no, n.code, "bad_method",
              "method must be self, survey or external, not " + method);
    if (bonus == "yes")
      n.bonus = true;
    else if (!bonus.empty())
      problem(line_no, n.code, "bad_bonus", "bonus must be \"yes\" or empty, not " + bonus);
    if (auto it = seen.find(n.code); it != seen.end()) {
      problem(
          line_no, n.code, "duplicate_code",
          "code " + n.code + " is already used on line " + std::to_string(nodes[it->second].line));
      continue;
    }
    const auto parent = parent_of(n.code);
    if (!parent.empty() && !seen.contains(parent)) {
      problem(line_no, n.code, "missing_parent",
              "the parent " + parent + " does not appear before " + n.code);
      continue;
    }
    if (!method.empty() && parse_method(method)) n.method = parse_method(method);
    seen[n.code] = nodes.size();
    nodes.push_back(std::move(n));
    method_text.push_back(method);
  }
  if (!header_seen)
    problem(0, "", "bad_header", "no header line code,title,max,method,bonus[,responsible]");
  if (key.empty()) problem(1, "", "missing_directive", "no #set-key: line");
  if (name.empty()) problem(1, "", "missing_directive", "no #set-name: line");

  criteria_set set = assemble_criteria_set(key, name, std::move(nodes));
  if (set.nodes.empty() && header_seen) problem(0, "", "empty_set", "the set has no criteria");
  for (std::size_t i = 0; i < set.nodes.size(); ++i) {
    const auto& n = set.nodes[i];
    if (n.leaf() && !n.method && method_text[i].empty())
      problem(n.line, n.code, "missing_method", "the leaf " + n.code + " has no method");
    if (!n.leaf() && !method_text[i].empty())
      problem(n.line, n.code, "method_on_parent",
              n.code + " has sub-criteria, so it is not scored itself and takes no method");
    if (!n.leaf()) {
      points sum;
      for (auto c : n.children) sum += set.nodes[c].max;
      if (sum != n.max)
        problem(n.line, n.code, "parent_sum_mismatch",
                "the maximum of " + n.code + " is " + n.max.to_string() +
                    " but its children add up to " + sum.to_string());
    }
  }
  // The schemes total 100 points; a set that does not is refused unless it says so, so
  // that a mistyped maximum cannot pass as a different scheme.
  if (!set.nodes.empty()) {
    const auto total = set.summary().total;
    if (!declared_total && total != points::whole(100))
      problem(total_line, "", "total_not_100",
              "the fields add up to " + total.to_string() +
                  ", not 100; if that is meant, add the line \"#total: " + total.to_string() +
                  "\"");
    else if (declared_total && *declared_total != total)
      problem(total_line, "", "total_mismatch",
              "#total: says " + declared_total->to_string() + " but the fields add up to " +
                  total.to_string());
  }
  std::stable_sort(result.problems.begin(), result.problems.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  if (result.problems.empty()) result.set = std::move(set);
  return result;
}

}  // namespace parix::workflow
