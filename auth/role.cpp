// Role names and the role → permission table.
#include "auth/role.hpp"

#include <cstdint>
#include <initializer_list>

namespace parix::auth {
namespace {

struct role_name {
  role r;
  std::string_view name;
};
constexpr role_name role_names[] = {
    {role::admin, "admin"},
    {role::secretariat, "secretariat"},
    {role::agency_editor, "agency_editor"},
    {role::agency_head, "agency_head"},
    {role::appraiser, "appraiser"},
    {role::council_member, "council_member"},
    {role::auditor, "auditor"},
};

struct grant {
  role r;
  std::uint64_t permissions;  // bit (1 << permission)
};

constexpr std::uint64_t bits(std::initializer_list<permission> ps) {
  std::uint64_t mask = 0;
  for (permission p : ps) mask |= std::uint64_t{1} << static_cast<int>(p);
  return mask;
}

// Who may do what. Object-level rules (which unit, which field) are checked by
// the workflow on top of these.
using enum permission;
constexpr grant grants[] = {
    {role::admin, bits({manage_users, create_users, manage_units, read_users, read_units,
                        read_criteria, read_audit})},
    // The secretariat sets up the year: units, users (no administrators), campaigns; it
    // edits leaves only where the edit table lets it (the not-evaluated decisions).
    {role::secretariat,
     bits({create_users, manage_units, read_users, read_units, manage_campaigns, read_criteria,
           import_criteria, manage_windows, publish, fire_events, import_scores, adjust_scores,
           read_assessments, read_audit, edit_leaves, read_reports})},
    {role::agency_editor, bits({read_units, read_criteria, edit_self_assessment, read_assessments,
                                edit_leaves, upload_evidence})},
    {role::agency_head, bits({read_units, read_criteria, edit_self_assessment, submit_assessment,
                              read_assessments, edit_leaves, fire_events, upload_evidence})},
    {role::appraiser, bits({read_units, read_criteria, appraise, manage_windows, read_assessments,
                            edit_leaves, fire_events})},
    {role::council_member,
     bits({read_units, read_criteria, vote, read_assessments, fire_events, read_reports})},
    {role::auditor,
     bits({read_users, read_units, read_criteria, read_assessments, read_audit, read_reports})},
};

}  // namespace

std::string_view to_string(role r) noexcept {
  for (const auto& n : role_names)
    if (n.r == r) return n.name;
  return "unknown";
}

std::optional<role> parse_role(std::string_view s) noexcept {
  for (const auto& n : role_names)
    if (n.name == s) return n.r;
  return std::nullopt;
}

std::string_view to_string(permission p) noexcept {
  switch (p) {
    case public_access:
      return "public";
    case authenticated:
      return "authenticated";
    case manage_users:
      return "manage_users";
    case create_users:
      return "create_users";
    case manage_units:
      return "manage_units";
    case read_users:
      return "read_users";
    case read_units:
      return "read_units";
    case manage_campaigns:
      return "manage_campaigns";
    case read_criteria:
      return "read_criteria";
    case import_criteria:
      return "import_criteria";
    case edit_self_assessment:
      return "edit_self_assessment";
    case submit_assessment:
      return "submit_assessment";
    case appraise:
      return "appraise";
    case manage_windows:
      return "manage_windows";
    case vote:
      return "vote";
    case publish:
      return "publish";
    case import_scores:
      return "import_scores";
    case adjust_scores:
      return "adjust_scores";
    case read_assessments:
      return "read_assessments";
    case read_audit:
      return "read_audit";
    case edit_leaves:
      return "edit_leaves";
    case fire_events:
      return "fire_events";
    case upload_evidence:
      return "upload_evidence";
    case read_reports:
      return "read_reports";
  }
  return "unknown";
}

bool has_permission(role r, permission p) noexcept {
  if (p == public_access || p == authenticated) return true;
  for (const auto& g : grants)
    if (g.r == r) return (g.permissions >> static_cast<int>(p)) & 1;
  return false;
}

}  // namespace parix::auth
