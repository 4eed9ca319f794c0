// The reports of a campaign (docs/reports.md), each read in one read transaction, and
// who may read them: the secretariat and auditors every campaign, council members the
// campaigns they sit on, the public (no actor) only published groups' ranking and
// component indices. The route checks the role's permission; this checks the object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "storage/database.hpp"
#include "workflow/errc.hpp"
#include "workflow/reports/report_types.hpp"

namespace parix::workflow {

class criteria_cache;

struct report_filter {
  std::optional<std::string> group;  // one unit group's key
  std::optional<std::string> unit;   // one unit's code (below maximum)
  shortfall_order order = shortfall_order::criteria;
};

class report_service {
 public:
  explicit report_service(storage::database& db);
  ~report_service();

  // reader null: the public, who see only published groups (errc::not_published when
  // none, or when the group asked for is not). errc::campaign_not_found,
  // group_not_found, not_council_member, wrong_role. Thread-safe.
  result<ranking_report> ranking(const auth::actor* reader, std::int64_t campaign_id,
                                 const report_filter& filter = {});
  result<components_report> components(const auth::actor* reader, std::int64_t campaign_id,
                                       const report_filter& filter = {});
  // Signed-in readers only. Also errc::unit_has_no_file for filter.unit.
  result<below_maximum_report> below_maximum(const auth::actor& reader, std::int64_t campaign_id,
                                             const report_filter& filter = {});
  // One file, read on its own. errc::unit_has_no_file.
  result<unit_report> unit(const auth::actor& reader, std::int64_t campaign_id,
                           std::string_view unit_code);

  // This year beside the predecessor campaign's figures. Signed-in readers only.
  // errc::no_predecessor when the campaign names none; group_not_found.
  result<year_over_year_report> year_over_year(const auth::actor& reader, std::int64_t campaign_id,
                                               const report_filter& filter = {});

  // Every campaign with at least one published group, newest year first. Public.
  std::vector<published_campaign> published_campaigns();

 private:
  storage::database& db_;
  std::unique_ptr<criteria_cache> sets_;
};

}  // namespace parix::workflow
