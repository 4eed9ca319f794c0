// SQL for the reports.
#include "storage/report_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view campaign_publications_sql =
    "SELECT p.assessment_id, p.decision_number, p.decision_date, p.at, p.actor "
    "FROM publications p JOIN assessments a ON a.id = p.assessment_id WHERE a.campaign_id = ? "
    "ORDER BY p.assessment_id";

constexpr std::string_view find_campaign_assessment_sql =
    "SELECT a.id, a.campaign_id, a.unit_id, a.group_id, a.state, a.council_round, a.version "
    "FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.campaign_id = ? AND u.code = ?";

constexpr std::string_view sealed_evidence_sql =
    "SELECT v.id, v.criterion_code, v.version, v.stage, v.archive_sha256, v.archive_size, "
    "v.sealed_at, v.sealed_by, f.file_name, f.blob_sha256, f.size, f.doc_number, f.doc_date "
    "FROM evidence_versions v JOIN evidence_files f ON f.version_id = v.id "
    "WHERE v.assessment_id = ? ORDER BY v.criterion_code, v.version, f.id";

// The latest publication of a group decides the decision shown for it (a group is
// normally published by one decision; a late file may be published by a later one).
constexpr std::string_view group_publications_sql =
    "WITH latest AS (SELECT a.group_id, p.decision_number, p.decision_date, p.at, "
    "  row_number() OVER (PARTITION BY a.group_id ORDER BY p.at DESC, p.assessment_id DESC) "
    "  AS n FROM publications p JOIN assessments a ON a.id = p.assessment_id), "
    "counts AS (SELECT group_id, count(*) AS files, sum(state = 'published') AS published "
    "  FROM assessments GROUP BY group_id) "
    "SELECT g.campaign_id, g.id, g.key, g.name, coalesce(c.files, 0), coalesce(c.published, 0), "
    "l.decision_number, l.decision_date, l.at FROM unit_groups g "
    "LEFT JOIN counts c ON c.group_id = g.id LEFT JOIN latest l ON l.group_id = g.id AND l.n = 1 "
    "ORDER BY g.campaign_id, g.id";

}  // namespace

std::vector<publication_record> campaign_publications(connection& c, std::int64_t campaign_id) {
  std::vector<publication_record> out;
  c.query(campaign_publications_sql, {campaign_id}, [&](const row& r) {
    out.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3), r.text(4)});
  });
  return out;
}

std::optional<assessment_record> find_campaign_assessment(connection& c, std::int64_t campaign_id,
                                                          std::string_view unit_code) {
  return c.query_one(find_campaign_assessment_sql, {campaign_id, unit_code}, [](const row& r) {
    return assessment_record{r.integer(0), r.integer(1), r.integer(2), r.integer(3),
                             r.text(4),    r.integer(5), r.integer(6)};
  });
}

std::vector<sealed_evidence_row> assessment_sealed_evidence(connection& c,
                                                            std::int64_t assessment_id) {
  std::vector<sealed_evidence_row> out;
  c.query(sealed_evidence_sql, {assessment_id}, [&](const row& r) {
    sealed_evidence_row e;
    e.version_id = r.integer(0);
    e.criterion_code = r.text(1);
    e.version = r.integer(2);
    e.stage = r.text(3);
    e.archive_sha256 = r.text(4);
    e.archive_size = r.integer(5);
    e.sealed_at = r.integer(6);
    e.sealed_by = r.text(7);
    e.file_name = r.text(8);
    e.file_sha256 = r.text(9);
    e.file_size = r.integer(10);
    e.doc_number = r.optional_text(11);
    e.doc_date = r.optional_text(12);
    out.push_back(std::move(e));
  });
  return out;
}

std::vector<group_publication_row> group_publications(connection& c) {
  std::vector<group_publication_row> out;
  c.query(group_publications_sql, {}, [&](const row& r) {
    out.push_back({r.integer(0), r.integer(1), r.text(2), r.text(3), r.integer(4), r.integer(5),
                   r.optional_text(6), r.optional_text(7), r.optional_integer(8)});
  });
  return out;
}

}  // namespace parix::storage
