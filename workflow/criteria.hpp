// Criteria sets: the tree field → criterion → sub-criterion, read from the CSV
// format of docs/criteria-format.md and validated completely (every problem is
// reported with its line, not just the first).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/points.hpp"

namespace parix::workflow {

enum class scoring_method { self, survey, external };
std::string_view to_string(scoring_method m) noexcept;
std::optional<scoring_method> parse_method(std::string_view s) noexcept;

struct criterion_node {
  std::string code;  // "1.3.2"
  std::string title;
  points max;
  std::optional<scoring_method> method;  // leaves only
  bool bonus = false;                    // "Điểm thưởng sự hiệu quả"
  std::string responsible;               // the body leading this area; "": the parent's
  int line = 0;
  std::vector<std::size_t> children;  // indexes into criteria_set::nodes
  std::optional<std::size_t> parent;

  bool leaf() const noexcept { return children.empty(); }
  int depth() const noexcept;  // 1 field, 2 criterion, 3 sub-criterion
  // The field code: "1" for "1.3.2".
  std::string field() const;
};

struct criteria_summary {
  int fields = 0, criteria = 0, sub_criteria = 0, leaves = 0;
  points total, self_total, survey_total, external_total, bonus_total;
};

struct criteria_set {
  std::string key;
  std::string name;
  std::vector<criterion_node> nodes;  // document order
  std::vector<std::size_t> roots;

  const criterion_node* find(std::string_view code) const;
  // The body responsible for nodes[index]: its own, else its nearest ancestor's; "" if none.
  const std::string& responsible(std::size_t index) const;
  criteria_summary summary() const;

 private:
  std::map<std::string, std::size_t, std::less<>> by_code_;
  friend criteria_set assemble_criteria_set(std::string, std::string, std::vector<criterion_node>);
};

struct criteria_problem {
  int line = 0;
  std::string code;     // the criterion code, when the line has one
  std::string problem;  // duplicate_code, missing_parent, parent_sum_mismatch, negative_max,
                        // too_many_decimals, bad_number, empty_title, bad_method,
                        // method_on_parent, missing_method, bad_bonus, bad_header, bad_csv,
                        // bad_code, missing_directive, empty_set, total_not_100,
                        // total_mismatch
  std::string detail;   // English, for logs and the CLI
};

struct criteria_parse_result {
  std::optional<criteria_set> set;  // set only when problems is empty
  std::vector<criteria_problem> problems;
};

// Parses and validates a criteria CSV. Thread-safe, no I/O.
criteria_parse_result parse_criteria_csv(std::string_view text);

// Rebuilds a set from stored nodes (already validated at import): links parents and
// children by code. Nodes must be in document order.
criteria_set assemble_criteria_set(std::string key, std::string name,
                                   std::vector<criterion_node> nodes);

}  // namespace parix::workflow
