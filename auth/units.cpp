// Unit administration and the unit CSV import.
#include "auth/units.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "storage/audit_log.hpp"

namespace parix::auth {
namespace {

using storage::to_millis;

constexpr std::size_t max_name_bytes = 200;

std::string entity_of(std::string_view code) {
  return "unit/" + std::string{code};
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_bytes) return false;
  return std::ranges::none_of(name, [](char ch) { return ch >= 0 && ch < 0x20; });
}

// "" means none, as an empty CSV column or an empty JSON string does.
std::optional<std::string> none_if_empty(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  auto t = storage::trimmed(*s);
  return t.empty() ? std::nullopt : std::optional{t};
}

// How a unit reads in the audit log: "HTG «UBND huyện Tuần Giáo», district, under DBN".
std::string describe(const storage::unit_record& u, const std::optional<std::string>& parent) {
  return u.code + " «" + u.name + "»" + (u.kind ? ", " + *u.kind : "") +
         (parent ? ", under " + *parent : "");
}

std::optional<std::string> code_of(storage::connection& c, std::optional<std::int64_t> id) {
  if (!id) return std::nullopt;
  auto u = storage::find_unit_by_id(c, *id);
  return u ? std::optional{u->code} : std::nullopt;
}

unit_view view_of(storage::connection& c, storage::unit_record u) {
  auto parent = code_of(c, u.parent_id);
  auto origins = storage::unit_origin_codes(c, u.id);
  return {std::move(u), std::move(parent), std::move(origins)};
}

// The ids of the units named in formed_from (each once, sorted by code), or the first
// code that names no unit or the unit itself.
result<std::vector<std::int64_t>> origin_ids(storage::connection& c, std::string_view self,
                                             const std::vector<std::string>& codes,
                                             std::string* bad_origin) {
  std::set<std::string> wanted;
  for (const auto& code : codes) wanted.insert(storage::trimmed(code));
  std::vector<std::int64_t> out;
  for (const auto& code : wanted) {
    if (bad_origin) *bad_origin = code;
    if (code == self) return errc::unit_origin_self;
    auto u = storage::find_unit_by_code(c, code);
    if (!u) return errc::unknown_origin_unit;
    out.push_back(u->id);
  }
  if (bad_origin) bad_origin->clear();
  return out;
}

std::string joined(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) out += (out.empty() ? "" : ", ") + code;
  return out;
}

storage::audit_event unit_audit(const actor& by, std::string action, std::string_view code) {
  return audit_by(by, std::move(action), entity_of(code));
}

}  // namespace

bool valid_unit_code(std::string_view s) noexcept {
  if (s.empty() || s.size() > 32) return false;
  auto alnum = [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); };
  if (!alnum(s.front())) return false;
  return std::ranges::all_of(
      s, [&](char ch) { return alnum(ch) || ch == '.' || ch == '_' || ch == '-'; });
}

bool valid_unit_kind(std::string_view kind) noexcept {
  return std::ranges::find(unit_kinds, kind) != unit_kinds.end();
}

result<unit_view> unit_service::create(const actor& by, const new_unit& u,
                                       std::string* bad_origin) {
  if (!valid_unit_code(u.code)) return errc::invalid_unit_code;
  const auto name = storage::trimmed(u.name);
  if (!valid_name(name)) return errc::invalid_unit_name;
  const auto kind = none_if_empty(u.kind);
  if (kind && !valid_unit_kind(*kind)) return errc::invalid_unit_kind;
  const auto parent = none_if_empty(u.parent);
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<unit_view> {
    if (storage::find_unit_by_code(c, u.code)) return errc::unit_exists;
    storage::unit_record r{0, u.code, name, now, std::nullopt, kind, false, 1, now};
    if (parent) {
      auto p = storage::find_unit_by_code(c, *parent);
      if (!p) return errc::unknown_parent_unit;
      r.parent_id = p->id;
    }
    auto origins = origin_ids(c, u.code, u.formed_from, bad_origin);
    if (!origins) return origins.error();
    r.id = storage::insert_unit(c, r);
    storage::replace_unit_origins(c, r.id, *origins);
    auto e = unit_audit(by, "unit.created", r.code);
    e.unit_id = r.id;
    e.new_value = describe(r, parent);
    storage::append_audit(c, e, now);
    auto view = view_of(c, r);
    if (!view.formed_from.empty()) {
      auto f = unit_audit(by, "unit.formed_from_changed", r.code);
      f.unit_id = r.id;
      f.new_value = joined(view.formed_from);
      storage::append_audit(c, f, now);
    }
    return view;
  });
}

result<unit_view> unit_service::update(const actor& by, std::string_view code,
                                       std::int64_t expected_version, const unit_changes& changes,
                                       std::string* bad_origin) {
  std::optional<std::string> name;
  if (changes.name) {
    name = storage::trimmed(*changes.name);
    if (!valid_name(*name)) return errc::invalid_unit_name;
  }
  std::optional<std::optional<std::string>> kind;
  if (changes.kind) {
    kind = none_if_empty(*changes.kind);
    if (*kind && !valid_unit_kind(**kind)) return errc::invalid_unit_kind;
  }
  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<unit_view> {
    auto current = storage::find_unit_by_code(c, code);
    if (!current) return errc::unit_not_found;
    if (current->version != expected_version) return errc::stale_version;
    const unit_view before = view_of(c, *current);
    storage::unit_record next = *current;
    if (name) next.name = *name;
    if (kind) next.kind = *kind;
    if (changes.disabled) next.disabled = *changes.disabled;
    std::optional<std::string> parent = before.parent_code;
    if (changes.parent) {
      parent = none_if_empty(*changes.parent);
      next.parent_id.reset();
      if (parent) {
        auto p = storage::find_unit_by_code(c, *parent);
        if (!p) return errc::unknown_parent_unit;
        // The new parent may not be the unit itself or any unit below it.
        for (std::optional<storage::unit_record> up = p; up;
             up = up->parent_id ? storage::find_unit_by_id(c, *up->parent_id) : std::nullopt)
          if (up->id == current->id) return errc::unit_parent_cycle;
        next.parent_id = p->id;
      }
    }
    if (changes.formed_from) {
      auto origins = origin_ids(c, code, *changes.formed_from, bad_origin);
      if (!origins) return origins.error();
      storage::replace_unit_origins(c, current->id, *origins);
    }
    next.updated_at = now;
    if (!storage::update_unit(c, next)) return errc::stale_version;
    next.version += 1;

    auto audit = [&](std::string action, std::string old_value, std::string new_value) {
      if (old_value == new_value) return;
      auto e = unit_audit(by, std::move(action), next.code);
      e.unit_id = next.id;
      e.old_value = std::move(old_value);
      e.new_value = std::move(new_value);
      storage::append_audit(c, e, now);
    };
    audit("unit.renamed", before.unit.name, next.name);
    audit("unit.kind_changed", before.unit.kind.value_or(""), next.kind.value_or(""));
    audit("unit.parent_changed", before.parent_code.value_or(""), parent.value_or(""));
    if (before.unit.disabled != next.disabled)
      audit(next.disabled ? "unit.disabled" : "unit.enabled", before.unit.disabled ? "1" : "0",
            next.disabled ? "1" : "0");
    auto after = view_of(c, next);
    audit("unit.formed_from_changed", joined(before.formed_from), joined(after.formed_from));
    return after;
  });
}

result<unit_view> unit_service::get(std::string_view code) {
  return db_.read_result([&](storage::connection& c) -> result<unit_view> {
    auto u = storage::find_unit_by_code(c, code);
    if (!u) return errc::unit_not_found;
    return view_of(c, *u);
  });
}

std::vector<unit_view> unit_service::list() {
  return db_.read_result([](storage::connection& c) {
    auto units = storage::list_units(c);
    std::map<std::int64_t, std::string> codes;
    for (const auto& u : units) codes[u.id] = u.code;
    std::multimap<std::int64_t, std::string> origins;
    for (const auto& [unit, origin] : storage::all_unit_origins(c))
      origins.emplace(unit, codes.at(origin));
    std::vector<unit_view> out;
    for (auto& u : units) {
      std::optional<std::string> parent;
      if (u.parent_id) parent = codes.at(*u.parent_id);
      std::vector<std::string> formed_from;
      for (auto [it, end] = origins.equal_range(u.id); it != end; ++it)
        formed_from.push_back(it->second);
      std::ranges::sort(formed_from);
      out.push_back({std::move(u), std::move(parent), std::move(formed_from)});
    }
    return out;
  });
}

result<unit_import> unit_service::import_csv(const actor& by, std::string_view csv,
                                             std::vector<storage::import_problem>* problems) {
  std::vector<storage::import_problem> found;
  auto problem = [&](int line, std::string what, std::string detail) {
    found.push_back({line, std::move(what), std::move(detail)});
  };
  const auto table = storage::read_csv_table(csv, {"code", "name"}, {"parent", "kind"}, found);

  struct row {
    int line;
    new_unit unit;
  };
  std::vector<row> rows;
  std::map<std::string, int> first_line;
  for (const auto& rec : table.rows) {
    auto field = [&](const char* name) { return none_if_empty(table.field(rec, name)); };
    new_unit u{
        field("code").value_or(""), field("name").value_or(""), field("parent"), field("kind"), {}};
    bool ok = true;
    if (!valid_unit_code(u.code)) {
      problem(rec.line, "invalid_code",
              "\"" + u.code + "\" is not a unit code (A-Z, 0-9, '.', '_', '-'; up to 32)");
      ok = false;
    }
    if (!valid_name(u.name)) {
      problem(rec.line, "invalid_name", "the name is empty or longer than 200 bytes");
      ok = false;
    }
    if (u.kind && !valid_unit_kind(*u.kind)) {
      problem(rec.line, "invalid_kind",
              "\"" + *u.kind + "\" is not a kind (province, department, district, commune, other)");
      ok = false;
    }
    if (auto it = first_line.find(u.code); ok && it != first_line.end()) {
      problem(rec.line, "duplicate_row",
              "unit " + u.code + " is already on line " + std::to_string(it->second));
      ok = false;
    }
    if (!ok) continue;
    first_line[u.code] = rec.line;
    rows.push_back({rec.line, std::move(u)});
  }
  if (rows.empty() && found.empty()) problem(1, "empty_file", "the file has no units");

  const auto now = to_millis(clock_.now());
  return db_.write_result([&](storage::connection& c) -> result<unit_import> {
    unit_import out;
    std::map<std::string, const row*> fresh;  // code → row, for the units to create
    for (const auto& r : rows) {
      auto existing = storage::find_unit_by_code(c, r.unit.code);
      if (!existing) {
        fresh[r.unit.code] = &r;
        continue;
      }
      const auto have = view_of(c, *existing);
      if (have.unit.name == r.unit.name && have.unit.kind == r.unit.kind &&
          have.parent_code == r.unit.parent) {
        ++out.unchanged;
      } else {
        problem(r.line, "unit_exists",
                "unit " + r.unit.code +
                    " exists with other values; change it with PATCH "
                    "/api/v1/units/" +
                    r.unit.code);
      }
    }
    for (const auto& [code, r] : fresh) {
      if (!r->unit.parent) continue;
      if (!fresh.contains(*r->unit.parent) && !storage::find_unit_by_code(c, *r->unit.parent)) {
        problem(r->line, "unknown_parent",
                "the parent " + *r->unit.parent + " is neither a unit nor a row of this file");
        continue;
      }
      // A chain of parents inside the file must end outside it.
      std::set<std::string> seen{code};
      for (auto up = fresh.find(*r->unit.parent); up != fresh.end();
           up = up->second->unit.parent ? fresh.find(*up->second->unit.parent) : fresh.end()) {
        if (!seen.insert(up->first).second) {
          problem(r->line, "parent_cycle", "the parents of " + code + " lead back to it");
          break;
        }
      }
    }
    if (!found.empty()) {
      std::ranges::stable_sort(found, {}, &storage::import_problem::line);
      if (problems) *problems = std::move(found);
      return errc::invalid_import;
    }
    // Parents before their children.
    std::map<std::string, std::int64_t> ids;
    while (ids.size() < fresh.size()) {
      for (const auto& [code, r] : fresh) {
        if (ids.contains(code)) continue;
        std::optional<std::int64_t> parent_id;
        if (r->unit.parent) {
          if (fresh.contains(*r->unit.parent)) {
            auto it = ids.find(*r->unit.parent);
            if (it == ids.end()) continue;  // after its parent
            parent_id = it->second;
          } else {
            parent_id = storage::find_unit_by_code(c, *r->unit.parent)->id;
          }
        }
        storage::unit_record u{0, code, r->unit.name, now, parent_id, r->unit.kind, false, 1, now};
        u.id = storage::insert_unit(c, u);
        ids[code] = u.id;
        auto e = unit_audit(by, "unit.created", code);
        e.unit_id = u.id;
        e.new_value = describe(u, r->unit.parent);
        e.reason = "CSV import, line " + std::to_string(r->line);
        storage::append_audit(c, e, now);
        out.created.push_back({u, r->unit.parent, {}});
      }
    }
    std::ranges::sort(out.created, {}, [](const unit_view& v) { return v.unit.code; });
    return out;
  });
}

}  // namespace parix::auth
