// The criteria CSV reader and validator.
#include "workflow/criteria.hpp"

#include <algorithm>

namespace parix::workflow {
namespace {

// RFC 4180 fields of one record. No CSV library is packaged in Debian for C++ that
// reports line numbers the way the importer must, so this small reader does it;
// a record may not span lines (titles have no line breaks).
std::optional<std::vector<std::string>> split_record(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  for (;;) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return std::nullopt;  // unbalanced quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') return std::nullopt;  // text after a closing quote
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') return std::nullopt;
        field.push_back(line[i++]);
      }
    }
    fields.push_back(field);
    if (i >= line.size()) return fields;
    ++i;  // the comma
  }
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string{s};
}

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
  bool header_seen = false;
  std::size_t columns = 5;  // 6 when the optional `responsible` column is there
  std::vector<criterion_node> nodes;
  std::map<std::string, std::size_t, std::less<>> seen;
  std::vector<std::string>
      method_text;  // per node, for the leaf/parent checks after the tree is known

  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (line_no == 1 && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);  // UTF-8 BOM
    if (trim(raw).empty()) {
      if (end == text.size()) break;
      continue;
    }
    if (raw.front() == '#') {
      if (raw.starts_with("#set-key:")) key = trim(raw.substr(9));
      if (raw.starts_with("#set-name:")) name = trim(raw.substr(10));
      continue;
    }
    auto fields = split_record(raw);
    if (!fields) {
      problem(line_no, "", "bad_csv", "unbalanced or misplaced quotes");
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      std::vector<std::string> expected{"code", "title", "max", "method", "bonus"};
      std::vector<std::string> got;
      for (auto& f : *fields) got.push_back(trim(f));
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
    n.code = trim((*fields)[0]);
    n.title = trim((*fields)[1]);
    const auto max_text = trim((*fields)[2]);
    const auto method = trim((*fields)[3]);
    const auto bonus = trim((*fields)[4]);
    if (columns == 6) n.responsible = trim((*fields)[5]);
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
    if (end == text.size()) break;
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
  std::sort(result.problems.begin(), result.problems.end(),
            [](const auto& a, const auto& b) { return a.line < b.line; });
  if (result.problems.empty()) result.set = std::move(set);
  return result;
}

}  // namespace parix::workflow
