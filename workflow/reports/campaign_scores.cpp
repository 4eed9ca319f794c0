// Reading and scoring a whole campaign in a few queries.
#include "workflow/reports/campaign_scores.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "storage/report_records.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_cache.hpp"
#include "workflow/state_machine.hpp"

namespace parix::workflow {
namespace {

// A set's nodes by code. A file's leaf rows arrive in code order (the primary key's), so
// each is looked for first where the previous one was found: a comparison per row where a
// hash lookup per row was a tenth of a campaign read.
class node_codes {
 public:
  explicit node_codes(const criteria_set& set) {
    for (std::size_t i = 0; i < set.nodes.size(); ++i) sorted_.emplace_back(set.nodes[i].code, i);
    std::ranges::sort(sorted_);
  }
  // The node with this code; cursor: where to look first, moved past the match.
  std::optional<std::size_t> find(std::string_view code, std::size_t& cursor) const {
    if (cursor < sorted_.size() && sorted_[cursor].first == code) return sorted_[cursor++].second;
    const auto it = std::ranges::lower_bound(
        sorted_, code, {}, [](const auto& e) { return std::string_view{e.first}; });
    if (it == sorted_.end() || it->first != code) return std::nullopt;
    cursor = static_cast<std::size_t>(it - sorted_.begin()) + 1;
    return it->second;
  }

 private:
  std::vector<std::pair<std::string, std::size_t>> sorted_;
};

std::optional<points> pts(const std::optional<std::int64_t>& u) {
  return u ? std::optional{points::from_units(*u)} : std::nullopt;
}

// Best first by index, equal indices keep their order; ties share a rank (1, 2, 2, 4).
void rank_group(campaign_group& g, std::vector<scored_file>& files) {
  std::stable_sort(g.files.begin(), g.files.end(), [&](std::size_t x, std::size_t y) {
    return files[x].score.index() > files[y].score.index();
  });
  for (std::size_t i = 0; i < g.files.size(); ++i) {
    auto& f = files[g.files[i]];
    const auto* previous = i > 0 ? &files[g.files[i - 1]] : nullptr;
    f.rank = previous && f.score.index() == previous->score.index() ? previous->rank
                                                                    : static_cast<int>(i) + 1;
  }
  std::vector<assessment_score> scores;
  scores.reserve(g.files.size());
  for (auto i : g.files) scores.push_back(files[i].score);
  g.fields = field_indices(scores);
}

}  // namespace

const campaign_group* campaign_scores::find_group(std::string_view key) const {
  for (const auto& g : groups)
    if (g.record.key == key) return &g;
  return nullptr;
}

result<campaign_scores> read_campaign_scores(storage::connection& c, criteria_cache& sets,
                                             std::int64_t campaign_id,
                                             const campaign_read_options& options) {
  auto campaign = storage::find_campaign(c, campaign_id);
  if (!campaign) return errc::campaign_not_found;
  campaign_scores out;
  out.campaign = std::move(*campaign);
  out.bands = bands_from_json(out.campaign.bands_json);

  // Groups and their sets once; each set's nodes in code order, so that a leaf row finds
  // its place without a lookup per file.
  auto groups = storage::unit_groups(c, campaign_id);
  std::ranges::sort(groups, {}, &storage::unit_group_record::key);
  std::unordered_map<std::int64_t, std::size_t> group_index;
  std::vector<node_codes> node_index;
  for (auto& g : groups) {
    group_index[g.id] = out.groups.size();
    auto set = sets.get(c, g.criteria_set_id);
    node_index.emplace_back(*set);
    out.groups.push_back({std::move(g), std::move(set), {}, {}, false, std::nullopt});
  }

  std::unordered_map<std::int64_t, storage::unit_record> units;
  for (auto& u : storage::list_units(c)) units.emplace(u.id, std::move(u));
  std::unordered_map<std::int64_t, std::size_t> file_index;
  for (auto& a : storage::campaign_assessments(c, campaign_id)) {
    if (options.published_only && parse_stage(a.state) != stage::published) continue;
    file_index[a.id] = out.files.size();
    scored_file f;
    f.group = group_index.at(a.group_id);
    f.unit = units.at(a.unit_id);
    f.record = std::move(a);
    out.files.push_back(std::move(f));
  }
  for (auto& p : storage::campaign_publications(c, campaign_id))
    if (auto i = file_index.find(p.assessment_id); i != file_index.end())
      out.files[i->second].publication = std::move(p);
  const auto adjustments = storage::campaign_adjustment_totals(c, campaign_id);

  // One file at a time: its facts (and remarks) indexed like its set's nodes, scored
  // when the next file's rows begin.
  std::vector<leaf_facts> facts;
  std::vector<leaf_remarks> remarks;
  std::vector<bool> scored(out.files.size(), false);
  std::optional<std::size_t> current;
  std::size_t next_code = 0;  // where the file's next row is expected in node_codes
  auto start = [&](std::size_t i) {
    if (scored[i]) throw std::logic_error("a file's leaf rows did not arrive together");
    current = i;
    next_code = 0;
    const auto nodes = out.groups[out.files[i].group].set->nodes.size();
    facts.assign(nodes, leaf_facts{});
    if (options.remarks) remarks.assign(nodes, leaf_remarks{});
  };
  auto finish = [&](std::size_t i) {
    auto& f = out.files[i];
    const auto adj = adjustments.find(f.record.id);
    f.score =
        score_assessment(*out.groups[f.group].set, facts,
                         points::from_units(adj == adjustments.end() ? 0 : adj->second), out.bands);
    scored[i] = true;
    if (options.each_file) options.each_file(f, out.groups[f.group], facts, remarks);
  };
  storage::campaign_leaf_scores(
      c, campaign_id,
      [&](const storage::leaf_score_row& r) {
        const auto file = file_index.find(r.assessment_id);
        if (file == file_index.end()) return;
        if (current != file->second) {
          if (current) finish(*current);
          start(file->second);
        }
        const auto node = node_index[out.files[file->second].group].find(r.code, next_code);
        if (!node) return;
        facts[*node] = {r.not_evaluated, pts(r.self_score), pts(r.round1_score),
                        pts(r.round2_score), pts(r.imported_score)};
        if (options.remarks) remarks[*node] = {r.round1_remark, r.round2_remark};
      },
      options.remarks ? storage::leaf_columns::with_remarks : storage::leaf_columns::scores);
  if (current) finish(*current);
  // Files without a single stored value (nothing typed yet) score zero.
  for (std::size_t i = 0; i < out.files.size(); ++i)
    if (!scored[i]) {
      start(i);
      finish(i);
    }

  for (std::size_t i = 0; i < out.files.size(); ++i)
    out.groups[out.files[i].group].files.push_back(i);
  for (auto& g : out.groups) {
    rank_group(g, out.files);
    g.published = !g.files.empty();
    for (auto i : g.files) {
      const auto& f = out.files[i];
      g.published = g.published && parse_stage(f.record.state) == stage::published;
      // The latest, as storage::group_publications picks it.
      if (f.publication &&
          (!g.decision || std::pair{f.publication->at, f.publication->assessment_id} >
                              std::pair{g.decision->at, g.decision->assessment_id}))
        g.decision = f.publication;
    }
  }
  return out;
}

}  // namespace parix::workflow
