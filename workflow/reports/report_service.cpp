// Reading the reports: who may, which groups, one read transaction each.
#include "workflow/reports/report_service.hpp"

#include <algorithm>
#include <map>

#include "storage/campaign_records.hpp"
#include "storage/report_records.hpp"
#include "storage/unit_records.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_cache.hpp"
#include "workflow/reports/report_builders.hpp"
#include "workflow/state_machine.hpp"

namespace parix::workflow {
namespace {

// Whether a signed-in reader may read this campaign's reports before publication. The
// role's permission (read_reports) is the route's; a council member only reads the
// campaigns whose council they sit on. The command line acts as admin.
result<void> may_read(storage::connection& c, const auth::actor& a, std::int64_t campaign_id) {
  switch (a.role) {
    case auth::role::secretariat:
    case auth::role::auditor:
    case auth::role::admin:
      return {};
    case auth::role::council_member: {
      const auto members = storage::council_members(c, campaign_id);
      if (std::ranges::find(members, a.user_id) == members.end()) return errc::not_council_member;
      return {};
    }
    default:
      return errc::wrong_role;
  }
}

// The campaign exists and the reader (null: the public) may open its reports.
result<void> may_open(storage::connection& c, const auth::actor* reader, std::int64_t campaign_id) {
  if (!storage::find_campaign(c, campaign_id)) return errc::campaign_not_found;
  if (reader) return may_read(c, *reader, campaign_id);
  return {};
}

// The groups (indexes into s.groups) a report covers: the one asked for, or all; the
// public sees only published ones.
result<std::vector<std::size_t>> groups_for(const campaign_scores& s, const auth::actor* reader,
                                            const report_filter& filter) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const auto& g = s.groups[i];
    if (filter.group && g.record.key != *filter.group) continue;
    if (!reader && !g.published) continue;
    out.push_back(i);
  }
  if (filter.group && !s.find_group(*filter.group)) return errc::group_not_found;
  if (!reader && out.empty()) return errc::not_published;
  return out;
}

}  // namespace

report_service::report_service(storage::database& db)
    : db_(db), sets_(std::make_unique<criteria_cache>()) {}

report_service::~report_service() = default;

result<ranking_report> report_service::ranking(const auth::actor* reader, std::int64_t campaign_id,
                                               const report_filter& filter) {
  return db_.read_result([&](storage::connection& c) -> result<ranking_report> {
    if (auto ok = may_open(c, reader, campaign_id); !ok) return ok.error();
    auto s = read_campaign_scores(c, *sets_, campaign_id);
    if (!s) return s.error();
    auto groups = groups_for(*s, reader, filter);
    if (!groups) return groups.error();
    return make_ranking_report(*s, *groups);
  });
}

result<components_report> report_service::components(const auth::actor* reader,
                                                     std::int64_t campaign_id,
                                                     const report_filter& filter) {
  return db_.read_result([&](storage::connection& c) -> result<components_report> {
    if (auto ok = may_open(c, reader, campaign_id); !ok) return ok.error();
    auto s = read_campaign_scores(c, *sets_, campaign_id);
    if (!s) return s.error();
    auto groups = groups_for(*s, reader, filter);
    if (!groups) return groups.error();
    return make_components_report(*s, *groups);
  });
}

result<below_maximum_report> report_service::below_maximum(const auth::actor& reader,
                                                           std::int64_t campaign_id,
                                                           const report_filter& filter) {
  return db_.read_result([&](storage::connection& c) -> result<below_maximum_report> {
    if (auto ok = may_open(c, &reader, campaign_id); !ok) return ok.error();
    if (filter.unit && !storage::find_campaign_assessment(c, campaign_id, *filter.unit))
      return errc::unit_has_no_file;
    below_maximum_builder builder{filter.group, filter.unit};
    campaign_read_options options;
    options.remarks = true;
    options.each_file =
        [&](const scored_file& f, const campaign_group& g, std::span<const leaf_facts> facts,
            std::span<const leaf_remarks> remarks) { builder.add(f, g, facts, remarks); };
    auto s = read_campaign_scores(c, *sets_, campaign_id, options);
    if (!s) return s.error();
    auto groups = groups_for(*s, &reader, filter);
    if (!groups) return groups.error();
    return std::move(builder).finish(*s, *groups, filter.order);
  });
}

result<unit_report> report_service::unit(const auth::actor& reader, std::int64_t campaign_id,
                                         std::string_view unit_code) {
  return db_.read_result([&](storage::connection& c) -> result<unit_report> {
    auto campaign = storage::find_campaign(c, campaign_id);
    if (!campaign) return errc::campaign_not_found;
    if (auto ok = may_read(c, reader, campaign_id); !ok) return ok.error();
    auto file = storage::find_campaign_assessment(c, campaign_id, unit_code);
    if (!file) return errc::unit_has_no_file;
    auto group = *storage::find_unit_group(c, file->group_id);
    auto set = sets_->get(c, group.criteria_set_id);
    const auto published = storage::find_publication(c, file->id);
    unit_report_input in;
    in.heading = heading_of(*campaign);
    in.group = {
        group.key, group.name, set->key, set->name, parse_stage(file->state) == stage::published,
        published};
    in.unit = *storage::find_unit_by_id(c, file->unit_id);
    in.set = std::move(set);
    in.values = storage::leaf_values(c, file->id);
    in.adjustments = storage::adjustments(c, file->id);
    in.evidence = storage::assessment_sealed_evidence(c, file->id);
    in.publication = published;
    in.bands = bands_from_json(campaign->bands_json);
    in.file = std::move(*file);
    return make_unit_report(std::move(in));
  });
}

result<year_over_year_report> report_service::year_over_year(const auth::actor& reader,
                                                             std::int64_t campaign_id,
                                                             const report_filter& filter) {
  return db_.read_result([&](storage::connection& c) -> result<year_over_year_report> {
    if (auto ok = may_open(c, &reader, campaign_id); !ok) return ok.error();
    auto now = read_campaign_scores(c, *sets_, campaign_id);
    if (!now) return now.error();
    if (!now->campaign.predecessor_id) return errc::no_predecessor;
    auto groups = groups_for(*now, &reader, filter);
    if (!groups) return groups.error();
    auto before = read_campaign_scores(c, *sets_, *now->campaign.predecessor_id);
    if (!before) return before.error();
    return make_year_over_year_report(*now, *before, *groups, storage::all_unit_origins(c),
                                      !filter.group);
  });
}

std::vector<published_campaign> report_service::published_campaigns() {
  return db_.read_result([&](storage::connection& c) {
    std::map<std::int64_t, published_campaign> by_id;
    std::map<std::int64_t, storage::millis> latest;
    for (const auto& g : storage::group_publications(c)) {
      if (g.files == 0 || g.published != g.files) continue;
      auto& p = by_id[g.campaign_id];
      p.groups.push_back({g.key, g.name, g.decision_number, g.decision_date});
      if (g.decision_at &&
          (!latest.contains(g.campaign_id) || *g.decision_at > latest[g.campaign_id])) {
        latest[g.campaign_id] = *g.decision_at;
        p.decision_number = g.decision_number;
        p.decision_date = g.decision_date;
      }
    }
    std::vector<published_campaign> out;
    for (const auto& campaign : storage::list_campaigns(c)) {
      auto it = by_id.find(campaign.id);
      if (it == by_id.end()) continue;
      it->second.id = campaign.id;
      it->second.year = campaign.year;
      it->second.name = campaign.name;
      out.push_back(std::move(it->second));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.year > b.year; });
    return out;
  });
}

}  // namespace parix::workflow
