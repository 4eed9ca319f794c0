// The agency's decision on each of last year's sealed files a successor campaign offered to a
// leaf (workflow/carry_over.hpp): a file is reused only when a person confirms it, and then as
// a draft of the new file that the normal sealing seals again.
#include "evidence/evidence_audit.hpp"
#include "evidence/evidence_service.hpp"
#include "storage/audit_log.hpp"

namespace parix::evidence {

result<carried_offer> evidence_service::decide_carried(const auth::actor& a,
                                                       std::int64_t assessment_id,
                                                       std::string_view code, std::int64_t offer_id,
                                                       bool confirm,
                                                       workflow::refusal_detail* why) {
  workflow::refusal_detail scratch;
  workflow::refusal_detail& detail = why ? *why : scratch;
  detail.values["carried"] = std::to_string(offer_id);
  auto settle = assessments_.settler(a, assessment_id);  // archives built outside
  return db_.write_result_after(settle, [&](storage::connection& c) -> result<carried_offer> {
    auto permit = assessments_.permit_evidence_change(c, a, assessment_id, code, detail);
    if (!permit) return permit.error();
    // The window is for answering this year's remarks, not for taking last year's files.
    if (permit->file.current != workflow::stage::self_assessment)
      return workflow::errc::wrong_stage;
    auto offer = storage::find_carried_evidence(c, offer_id);
    if (!offer || offer->assessment_id != assessment_id || offer->criterion_code != code)
      return errc::carried_evidence_not_found;
    if (offer->state != storage::offer_state::offered) {
      detail.values["state"] = std::string{storage::to_string(offer->state)};
      return errc::carried_evidence_decided;
    }
    auto source = *storage::find_evidence_file(c, offer->source_file_id);
    const auto now = storage::to_millis(permit->now);
    const auto entity = leaf_entity(assessment_id, code) + "/carried/" + std::to_string(offer_id);
    auto e =
        evidence_audit(a, permit->file, code,
                       confirm ? "evidence.carried.confirm" : "evidence.carried.discard", entity);
    e.old_value = source.file_name + " (sha256 " + source.blob_sha256 + ", evidence file " +
                  std::to_string(source.id) + " of assessment/" +
                  std::to_string(source.assessment_id) + ")";
    if (confirm) {
      const auto used = storage::leaf_evidence_bytes(c, assessment_id, code);
      detail.values["used"] = std::to_string(used);
      detail.values["size"] = std::to_string(source.size);
      detail.values["limit"] = std::to_string(cfg_.max_leaf_total);
      if (static_cast<std::uint64_t>(used + source.size) > cfg_.max_leaf_total)
        return errc::leaf_evidence_limit;
      // The same stored bytes (the blob store is content-addressed) and the same document
      // metadata; a new draft of this year's file, attached now by this user.
      storage::evidence_file_record draft = source;
      draft.assessment_id = assessment_id;
      draft.criterion_code = std::string{code};
      draft.stage = std::string{workflow::to_string(permit->file.current)};
      draft.attached_at = now;
      draft.attached_by = a.username;
      draft.late = permit->late;
      draft.state = storage::evidence_file_state::draft;
      draft.version_id.reset();
      draft.id = storage::insert_evidence_file(c, draft);
      offer->state = storage::offer_state::confirmed;
      offer->draft_id = draft.id;
      e.new_value = "draft evidence file " + std::to_string(draft.id);
      if (draft.late) e.reason = "late: in the grace period";
    } else {
      offer->state = storage::offer_state::discarded;
      e.new_value = "discarded";
    }
    offer->decided_at = now;
    offer->decided_by = a.username;
    if (!storage::decide_carried_evidence(c, *offer)) return errc::carried_evidence_decided;
    storage::append_audit(c, e, now);
    return carried_offer{*offer, std::move(source)};
  });
}

}  // namespace parix::evidence
