// SQL for carried evidence offers and carried explanations.
#include "storage/carry_over_records.hpp"

#include <array>

#include "storage/stored_names.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view insert_offer_sql =
    "INSERT INTO carried_evidence(assessment_id, criterion_code, source_file_id) VALUES (?, ?, ?)";
constexpr std::string_view select_offer =
    "SELECT id, assessment_id, criterion_code, source_file_id, state, draft_id, decided_at, "
    "decided_by FROM carried_evidence WHERE id = ?";
constexpr std::string_view select_leaf_offers =
    "SELECT id, assessment_id, criterion_code, source_file_id, state, draft_id, decided_at, "
    "decided_by FROM carried_evidence WHERE assessment_id = ? AND criterion_code = ? ORDER BY id";
constexpr std::string_view decide_offer_sql =
    "UPDATE carried_evidence SET state = ?, draft_id = ?, decided_at = ?, decided_by = ? "
    "WHERE id = ? AND state = 'offered'";
constexpr std::string_view confirm_text_sql =
    "UPDATE leaf_values SET carried_over = 0, version = version + 1, updated_at = ? "
    "WHERE assessment_id = ? AND code = ? AND carried_over = 1";

constexpr std::array<std::string_view, 3> offer_state_names{"offered", "confirmed", "discarded"};

carried_evidence_record to_offer(const row& r) {
  return {r.integer(0),
          r.integer(1),
          r.text(2),
          r.integer(3),
          stored<offer_state>(offer_state_names, r.text(4), "carried evidence state"),
          r.optional_integer(5),
          r.optional_integer(6),
          r.optional_text(7)};
}

}  // namespace

std::string_view to_string(offer_state s) noexcept {
  return name_in(offer_state_names, s);
}

std::int64_t insert_carried_evidence(connection& c, const carried_evidence_record& r) {
  c.execute(insert_offer_sql, {r.assessment_id, r.criterion_code, r.source_file_id});
  return c.last_insert_id();
}

std::optional<carried_evidence_record> find_carried_evidence(connection& c, std::int64_t id) {
  return c.query_one(select_offer, {id}, to_offer);
}

std::vector<carried_evidence_record> leaf_carried_evidence(connection& c,
                                                           std::int64_t assessment_id,
                                                           std::string_view code) {
  std::vector<carried_evidence_record> out;
  c.query(select_leaf_offers, {assessment_id, code},
          [&](const row& r) { out.push_back(to_offer(r)); });
  return out;
}

bool decide_carried_evidence(connection& c, const carried_evidence_record& r) {
  return c.execute(decide_offer_sql, {to_string(r.state), nullable(r.draft_id),
                                      nullable(r.decided_at), nullable(r.decided_by), r.id}) == 1;
}

bool confirm_carried_text(connection& c, std::int64_t assessment_id, std::string_view code,
                          millis at) {
  return c.execute(confirm_text_sql, {at, assessment_id, code}) == 1;
}

}  // namespace parix::storage
