// Units (agencies and the bodies above them) as a resource the secretariat manages: a
// code that never changes, a name, an optional parent unit and kind, and a disabled
// flag. Units are never deleted, so that past campaigns keep naming them. Every change
// is audited. Later work (reports, year-over-year) builds on this: a unit may come to
// name the units it succeeds.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "auth/errc.hpp"
#include "storage/csv.hpp"
#include "storage/database.hpp"
#include "storage/unit_records.hpp"

namespace parix::auth {

// The kinds of unit a province has: itself, its departments (sở, ban, ngành), its
// districts (huyện, thị xã, thành phố) and communes (xã, phường, thị trấn), and others.
inline constexpr std::array<std::string_view, 5> unit_kinds{"province", "department", "district",
                                                            "commune", "other"};

// A unit as shown to clients: the stored record and the code of its parent.
struct unit_view {
  storage::unit_record unit;
  std::optional<std::string> parent_code;
  // The units this one was formed from (a merger), by code: the year-over-year report
  // shows their figures beside it (docs/reports.md).
  std::vector<std::string> formed_from;
};

struct new_unit {
  std::string code;
  std::string name;
  std::optional<std::string> parent;  // a unit code
  std::optional<std::string> kind;
  std::vector<std::string> formed_from;  // unit codes
};

// Only the fields that are set change; the code never does.
struct unit_changes {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> parent;  // set to nullopt to clear
  std::optional<std::optional<std::string>> kind;    // set to nullopt to clear
  std::optional<bool> disabled;
  std::optional<std::vector<std::string>> formed_from;  // replaces the list
};

struct unit_import {
  std::vector<unit_view> created;
  int unchanged = 0;  // rows equal to a unit that exists: a file may be imported twice
};

class unit_service {
 public:
  unit_service(storage::database& db, const clock& clock) : db_(db), clock_(clock) {}

  // errc::invalid_unit_code, invalid_unit_name, invalid_unit_kind, unit_exists,
  // unknown_parent_unit, unknown_origin_unit (*bad_origin names it). Thread-safe.
  result<unit_view> create(const actor& by, const new_unit& u, std::string* bad_origin = nullptr);
  // Applies changes when the stored version is expected_version, else stale_version.
  // errc::unit_not_found, invalid_unit_name, invalid_unit_kind, unknown_parent_unit,
  // unit_parent_cycle, unknown_origin_unit (*bad_origin names it), unit_origin_self.
  // Thread-safe.
  result<unit_view> update(const actor& by, std::string_view code, std::int64_t expected_version,
                           const unit_changes& changes, std::string* bad_origin = nullptr);
  result<unit_view> get(std::string_view code);
  std::vector<unit_view> list();
  // Creates many units from CSV (header code,name[,parent][,kind]; docs/operations.md),
  // all or nothing: on errc::invalid_import nothing is stored and *problems lists every
  // bad row with its line. A row equal to an existing unit is counted as unchanged; a
  // parent may be another row of the same file. Thread-safe.
  result<unit_import> import_csv(const actor& by, std::string_view csv,
                                 std::vector<storage::import_problem>* problems);

 private:
  storage::database& db_;
  const clock& clock_;
};

// Unit codes: 1 to 32 of A-Z, 0-9, '.', '_', '-', starting with a letter or digit
// ("SNV", "STTTT", "UBND-HTG"). Upper case only, so that "snv" and "SNV" can never be
// two units.
bool valid_unit_code(std::string_view code) noexcept;
bool valid_unit_kind(std::string_view kind) noexcept;

}  // namespace parix::auth
