// Setting up a year's campaign: unit groups bound to criteria sets, the schedule,
// classification bands, the council's rule, appraiser assignments and council
// members. Creating a campaign opens one assessment per unit. Audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "storage/campaign_records.hpp"
#include "workflow/errc.hpp"
#include "workflow/scoring.hpp"
#include "workflow/time_text.hpp"

namespace parix::workflow {

struct campaign_spec {
  std::int64_t year = 0;
  std::string name;
  std::string time_zone = "Asia/Ho_Chi_Minh";
  time_point self_deadline, round1_end, round2_end, council_date;
  std::chrono::seconds window_length{2 * 24 * 3600};
  std::chrono::seconds grace{0};
  std::vector<band> bands = default_bands();
  approval_rule rule;

  struct group {
    std::string key, name;
    std::string criteria_set_key;
    std::vector<std::string> unit_codes;
  };
  std::vector<group> groups;

  struct not_evaluated {
    std::string unit_code, criterion_code, reason;
  };
  std::vector<not_evaluated> not_evaluated_leaves;

  struct assignment {
    std::string username;
    std::optional<std::string> field_code;  // e.g. "2": Justice appraises field 2 everywhere
    std::optional<std::string> unit_code;
  };
  std::vector<assignment> assignments;
  std::vector<std::string> council;  // usernames
};

// A refusal that names what is wrong in the spec (for the problem detail).
struct spec_problem {
  std::string field, detail;
};

struct campaign_view {
  storage::campaign_record campaign;
  std::vector<storage::unit_group_record> groups;
  std::vector<band> bands;
  approval_rule rule;
};

class campaign_service {
 public:
  campaign_service(storage::database& db, const auth::clock& clock) : db_(db), clock_(clock) {}

  // errc::invalid_time / unknown_criterion / criteria_set_not_found / invalid_score with
  // *problem saying which part of the spec. Thread-safe.
  result<campaign_view> create(const auth::actor& by, const campaign_spec& spec,
                               spec_problem* problem = nullptr);
  result<campaign_view> get(std::int64_t id);
  std::vector<storage::campaign_record> list();

 private:
  storage::database& db_;
  const auth::clock& clock_;
};

// Bands and rule as stored in campaigns.bands_json / approval_*.
std::string bands_to_json(const std::vector<band>& bands);
std::vector<band> bands_from_json(const std::string& json);
approval_rule rule_of(const storage::campaign_record& c);

}  // namespace parix::workflow
