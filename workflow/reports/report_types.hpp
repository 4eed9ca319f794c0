// The reports of one campaign as plain data (docs/reports.md): the ranking annex, the
// component (per-field) indices, the criteria below maximum and one unit's detailed
// result. Built by workflow/reports/report_service.hpp; rendered to JSON, CSV and XLSX
// by report_json, report_tables + csv_writer, report_tables + xlsx_writer. No I/O here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/assessment_records.hpp"
#include "storage/report_records.hpp"
#include "workflow/criteria.hpp"
#include "workflow/field_indices.hpp"
#include "workflow/points.hpp"
#include "workflow/scoring.hpp"

namespace parix::workflow {

// What every report says about where it comes from.
struct report_heading {
  std::int64_t campaign_id = 0;
  std::int64_t year = 0;
  std::string campaign_name;
  std::string time_zone;
};

// A unit group as the reports show it: its set and whether (and by which decision) it
// is published.
struct report_group {
  std::string key, name, set_key, set_name;
  bool published = false;
  std::optional<storage::publication_record> decision;  // the latest publication
};

// The exact mean of n point values (a sum of ten-thousandths over n).
struct points_mean {
  std::int64_t sum = 0;  // ten-thousandths
  int n = 0;
  void add(points p) {
    sum += p.units();
    ++n;
  }
  // Rounded half up, "85.31"; "" when n is 0.
  std::string to_string(int decimals = 2) const;
};

// ---- 1. Ranking annex ----------------------------------------------------------------

struct ranking_line {
  std::string unit_code, unit_name, state;
  assessment_score score;
  int rank = 0;
  // The columns of the annex, from the score.
  points self_assessed() const { return score.self_assessed; }
  points appraised() const { return score.achieved_before_adjustments - score.survey_achieved; }
  points survey() const { return score.survey_achieved - score.external_achieved; }
  points external() const { return score.external_achieved; }
};

struct ranking_means {
  points_mean self_assessed, appraised, survey, external, adjustments, total, applicable_max;
  mean_index index;  // the mean of the units' indices
};

struct ranking_group {
  report_group group;
  // Which optional columns the annex prints: the set has survey (ĐTXHH) or external
  // (SIPAS) leaves; some unit has a whole-file adjustment.
  bool has_survey = false, has_external = false, has_adjustments = false;
  std::vector<ranking_line> lines;  // best first
  ranking_means means;
};

struct ranking_report {
  report_heading heading;
  std::vector<ranking_group> groups;
};

// ---- 4. Component indices ----------------------------------------------------------

struct component_extreme {
  percentage index{points{}, points{}};
  std::vector<std::string> units;  // unit codes sharing that index
};

struct component_field {
  std::string code, title;
  points max;       // the set's maximum of the field
  mean_index mean;  // over the units with a defined index
  std::optional<component_extreme> best, worst;
};

struct component_line {
  std::string unit_code, unit_name;
  int rank = 0;                          // the unit's overall rank in the group
  percentage index{points{}, points{}};  // overall
  std::vector<node_score> fields;        // aligned with components_group::fields
  std::vector<int> field_ranks;          // rank within each field; 0 when not evaluated at all
};

struct components_group {
  report_group group;
  std::vector<component_field> fields;
  std::vector<component_line> lines;  // in the order of the ranking
};

struct components_report {
  report_heading heading;
  std::vector<components_group> groups;
};

// ---- 3. Criteria below maximum -----------------------------------------------------

struct report_unit {
  std::string code, name, group;
};

struct shortfall {
  std::size_t unit = 0;  // index into below_maximum_report::units
  std::optional<points> self_score;
  std::optional<points> final_score;  // none: never scored (counts as 0)
  points lost;                        // the leaf's maximum − final (0 when none)
  std::string remark;                 // the appraiser's remark on the final score
};

struct leaf_shortfalls {
  std::string code, title, responsible;
  scoring_method method = scoring_method::self;
  points max;
  points lost;                   // over every unit listed
  std::vector<shortfall> units;  // most points lost first, then by unit code
};

struct below_maximum_group {
  report_group group;
  std::vector<leaf_shortfalls> leaves;  // criteria order, or most points lost first
};

enum class shortfall_order { criteria, points_lost };

struct below_maximum_report {
  report_heading heading;
  shortfall_order order = shortfall_order::criteria;
  std::vector<report_unit> units;
  std::vector<below_maximum_group> groups;
};

// ---- 2. One unit's detailed result -------------------------------------------------

struct sealed_version {
  std::int64_t version = 0;
  std::string stage, archive_sha256, sealed_by;
  std::int64_t archive_size = 0;
  storage::millis sealed_at = 0;
  struct file {
    std::string name, sha256;
    std::int64_t size = 0;
    std::optional<std::string> doc_number, doc_date;
  };
  std::vector<file> files;
};

struct unit_node {
  const criterion_node* node = nullptr;  // into unit_report::set
  std::string responsible;               // its own or inherited
  points applicable_max;                 // not-evaluated leaves removed
  points achieved;                       // final score, or the subtotal of a parent
  points self_total;                     // the self score, or the subtotal of a parent
  storage::leaf_value_record value;      // leaves only (version 0: never written)
  std::optional<points> final_score;     // leaves only
  std::vector<sealed_version> evidence;  // leaves only
};

struct unit_report {
  report_heading heading;
  report_group group;
  std::string unit_code, unit_name, state;
  std::shared_ptr<const criteria_set> set;
  std::vector<unit_node> nodes;  // every node, in document order
  std::vector<storage::adjustment_record> adjustments;
  assessment_score score;
  std::optional<storage::publication_record> publication;
};

// ---- 5. Year over year -------------------------------------------------------------

// A unit's figures in one campaign.
struct year_figures {
  std::string unit_code, unit_name, group;
  percentage index{points{}, points{}};
  std::string classification;
  int rank = 0;                    // within its group
  std::vector<node_score> fields;  // its set's fields in order
};

enum class year_link {
  same_code,    // the unit had a file last year under the same code
  formed_from,  // a new code: the units it was formed from had files last year
  new_unit,     // nothing last year to compare with
  gone,         // last year's unit with no file this year and no successor naming it
};

struct year_line {
  year_link link = year_link::same_code;
  std::optional<year_figures> current;   // none only for gone
  std::optional<year_figures> previous;  // same_code (and gone)
  std::vector<year_figures> origins;     // formed_from: last year's figures of each
  // Changes (this year − last year) of the indices as published, in hundredths of a
  // percentage point ("+1.25"), and the rank's gain (last − this: up is positive).
  std::optional<std::int64_t> index_change;
  std::optional<int> rank_change;
  // Per field of this year's set, by position: the change of the field's index, where
  // last year's set has a field with the same code and both indices are defined.
  std::vector<std::optional<std::int64_t>> field_changes;
};

struct year_field {
  std::string code, title;
};

struct year_group {
  report_group group;
  std::vector<year_field> fields;  // this year's set's fields
  std::vector<year_line> lines;    // this year's ranking order
};

struct year_over_year_report {
  report_heading heading, previous;
  std::vector<year_group> groups;
  std::vector<year_line> gone;  // last year's units with no successor this year
};

// An index rounded half up to hundredths, as an integer (86.00 → 8600): year-over-year
// changes are differences of the published (rounded) indices, so that a reader of the
// two annexes gets the same figure by subtracting.
std::int64_t hundredths(const percentage& p);
// "+1.25", "-0.50", "0.00".
std::string signed_hundredths(std::int64_t h);

// ---- The public list of published campaigns ----------------------------------------

struct published_group {
  std::string key, name;
  std::optional<std::string> decision_number, decision_date;
};

struct published_campaign {
  std::int64_t id = 0, year = 0;
  std::string name;
  std::vector<published_group> groups;                        // the published groups only
  std::optional<std::string> decision_number, decision_date;  // the latest decision
};

}  // namespace parix::workflow
