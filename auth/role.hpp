// Roles and the permissions each one holds. A route declares the permission it
// needs; this table is the only place that says which role has it.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace parix::auth {

enum class role {
  admin,
  secretariat,
  agency_editor,
  agency_head,
  appraiser,
  council_member,
  auditor,
};

inline constexpr std::array all_roles{role::admin,       role::secretariat, role::agency_editor,
                                      role::agency_head, role::appraiser,   role::council_member,
                                      role::auditor};

enum class permission {
  public_access,  // anyone, signed in or not (health probes, login, public keys)
  authenticated,  // any signed-in user (their own profile, logout, password)
  manage_users,   // change and disable users, set passwords; manage API tokens
  create_users,   // create users, one by one or from CSV (the role decides which roles)
  manage_units,   // create, rename, re-parent and disable units, one by one or from CSV
  read_users,     // list users
  read_units,     // list and read units (every role: names are what files and rankings show)
  manage_campaigns,
  read_criteria,
  import_criteria,
  edit_self_assessment,
  submit_assessment,
  appraise,
  manage_windows,
  vote,
  publish,
  import_scores,
  adjust_scores,
  read_assessments,
  read_audit,
  edit_leaves,      // write leaf values; the edit table decides which fields in which stage
  fire_events,      // move an assessment; the transition table decides which events
  upload_evidence,  // upload files and attach or remove draft evidence on the own unit's file
  read_reports,     // campaign-wide reports before publication (docs/reports.md)
};

std::string_view to_string(role r) noexcept;
std::optional<role> parse_role(std::string_view s) noexcept;
std::string_view to_string(permission p) noexcept;

// Agency roles belong to exactly one unit; every other role to none.
constexpr bool needs_unit(role r) noexcept {
  return r == role::agency_editor || r == role::agency_head;
}

// Whether a role holds a permission. public_access and authenticated hold for all.
bool has_permission(role r, permission p) noexcept;

}  // namespace parix::auth
