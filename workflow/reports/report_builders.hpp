// Building each report from a campaign read (campaign_scores.hpp) or from one file's
// stored values. Pure functions over data already read; report_service.cpp reads.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/campaign_records.hpp"
#include "workflow/reports/campaign_scores.hpp"
#include "workflow/reports/report_types.hpp"

namespace parix::workflow {

report_heading heading_of(const storage::campaign_record& c);
report_group group_of(const campaign_group& g);

// The annex of each of the given groups (indexes into s.groups).
ranking_report make_ranking_report(const campaign_scores& s, std::span<const std::size_t> groups);

// Per unit and field: achieved, applicable maximum, index; per field the group mean,
// the best and the worst units.
components_report make_components_report(const campaign_scores& s,
                                         std::span<const std::size_t> groups);

// Collects the leaves below their maximum file by file, as read_campaign_scores hands
// the files over (campaign_read_options::each_file, with remarks).
class below_maximum_builder {
 public:
  // Keeps only the files of the group with this key, and only this unit's file, if set.
  below_maximum_builder(std::optional<std::string> group, std::optional<std::string> unit);

  void add(const scored_file& f, const campaign_group& g, std::span<const leaf_facts> facts,
           std::span<const leaf_remarks> remarks);
  // The report over the given groups (indexes into s.groups).
  below_maximum_report finish(const campaign_scores& s, std::span<const std::size_t> groups,
                              shortfall_order order) &&;

 private:
  std::optional<std::string> group_, unit_;
  std::vector<report_unit> units_;
  // [group index][node index]: the shortfalls of that leaf, in file order.
  std::vector<std::vector<std::vector<shortfall>>> by_leaf_;
};

// This year's units (the given groups of now) beside last year's: matched by unit id
// (codes never change), else by the units each was formed from (origins: unit id →
// origin unit id). with_gone: also last year's units that nothing this year accounts for.
year_over_year_report make_year_over_year_report(
    const campaign_scores& now, const campaign_scores& before, std::span<const std::size_t> groups,
    const std::multimap<std::int64_t, std::int64_t>& origins, bool with_gone);

// What one file's detailed result is made of, read in one transaction.
struct unit_report_input {
  report_heading heading;
  report_group group;
  storage::unit_record unit;
  storage::assessment_record file;
  std::shared_ptr<const criteria_set> set;
  std::vector<storage::leaf_value_record> values;
  std::vector<storage::adjustment_record> adjustments;
  std::vector<storage::sealed_evidence_row> evidence;
  std::optional<storage::publication_record> publication;
  std::vector<band> bands;
};
unit_report make_unit_report(unit_report_input in);

}  // namespace parix::workflow
