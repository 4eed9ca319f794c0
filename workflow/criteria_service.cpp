// Criteria sets between the CSV importer and storage.
#include "workflow/criteria_service.hpp"

#include "storage/audit_log.hpp"

namespace parix::workflow {

criteria_set load_criteria_set(storage::connection& c, const storage::criteria_set_record& r) {
  std::vector<criterion_node> nodes;
  for (const auto& n : storage::criteria_nodes(c, r.id)) {
    criterion_node node;
    node.code = n.code;
    node.title = n.title;
    node.max = points::from_units(n.max_points);
    if (n.method) node.method = parse_method(*n.method);
    node.bonus = n.bonus;
    node.line = n.line;
    node.responsible = n.responsible.value_or("");
    nodes.push_back(std::move(node));
  }
  return assemble_criteria_set(r.key, r.name, std::move(nodes));
}

result<imported_set> criteria_service::import(const auth::actor& by, std::string_view csv,
                                              std::vector<criteria_problem>* problems) {
  auto parsed = parse_criteria_csv(csv);
  if (!parsed.set) {
    if (problems) *problems = std::move(parsed.problems);
    return errc::invalid_criteria;
  }
  const auto now = storage::to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<imported_set> {
    if (storage::find_criteria_set_by_key(c, parsed.set->key)) return errc::criteria_set_exists;
    std::vector<storage::criteria_node_record> nodes;
    int position = 0;
    for (const auto& n : parsed.set->nodes) {
      storage::criteria_node_record r;
      r.code = n.code;
      if (n.parent) r.parent_code = parsed.set->nodes[*n.parent].code;
      r.depth = n.depth();
      r.position = position++;
      r.title = n.title;
      r.max_points = n.max.units();
      if (n.method) r.method = std::string{to_string(*n.method)};
      r.bonus = n.bonus;
      r.line = n.line;
      if (!n.responsible.empty()) r.responsible = n.responsible;
      nodes.push_back(std::move(r));
    }
    storage::criteria_set_record set{0,   parsed.set->key, parsed.set->name, std::string{csv},
                                     now, by.username};
    imported_set out{storage::insert_criteria_set(c, set, nodes), *parsed.set,
                     parsed.set->summary()};
    auto e = auth::audit_by(by, "criteria.imported", "criteria_set/" + set.key);
    e.new_value =
        std::to_string(out.summary.fields) + " fields, " + std::to_string(out.summary.criteria) +
        " criteria, " + std::to_string(out.summary.sub_criteria) + " sub-criteria, total " +
        out.summary.total.to_string() + ", survey " + out.summary.survey_total.to_string();
    storage::append_audit(c, e, now);
    return out;
  });
}

std::vector<storage::criteria_set_record> criteria_service::list() {
  return db_.read_result([](storage::connection& c) { return storage::list_criteria_sets(c); });
}

result<imported_set> criteria_service::get(std::int64_t id) {
  return db_.read_result([&](storage::connection& c) -> result<imported_set> {
    auto r = storage::find_criteria_set(c, id);
    if (!r) return errc::criteria_set_not_found;
    auto set = load_criteria_set(c, *r);
    auto summary = set.summary();
    return imported_set{id, std::move(set), summary};
  });
}

}  // namespace parix::workflow
