// The audit entries of evidence changes on a leaf, shared by the evidence service's files.
#pragma once

#include <string>
#include <string_view>

#include "auth/actor.hpp"
#include "workflow/assessment_service.hpp"

namespace parix::evidence {

inline std::string leaf_entity(std::int64_t id, std::string_view code) {
  return "assessment/" + std::to_string(id) + "/leaf/" + std::string{code};
}

inline storage::audit_event evidence_audit(const auth::actor& a, const workflow::file_facts& f,
                                           std::string_view code, std::string action,
                                           std::string entity) {
  auto e = auth::audit_by(a, std::move(action), std::move(entity));
  e.campaign_id = f.campaign_id;
  e.unit_id = f.unit_id;
  e.assessment_id = f.assessment_id;
  e.criterion_code = std::string{code};
  return e;
}

}  // namespace parix::evidence
