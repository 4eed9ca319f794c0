// The one table from domain error codes to HTTP, and problem+json rendering.
#include "server/problem.hpp"

#include <boost/json/serialize.hpp>

#include "auth/errc.hpp"
#include "evidence/errc.hpp"
#include "workflow/errc.hpp"

namespace parix::server {
namespace {

struct mapping {
  const boost::system::error_category* category;
  int value;
  http::status status;
  std::string_view code;
};

const mapping& lookup(const boost::system::error_code& ec) {
  using auth::errc;
  using s = http::status;
  static const boost::system::error_category& a = auth::auth_category();
  static const mapping table[] = {
      {&a, int(errc::bad_credentials), s::unauthorized, "bad_credentials"},
      {&a, int(errc::login_throttled), s::too_many_requests, "login_throttled"},
      {&a, int(errc::account_disabled), s::forbidden, "account_disabled"},
      {&a, int(errc::unauthenticated), s::unauthorized, "unauthenticated"},
      {&a, int(errc::forbidden), s::forbidden, "forbidden"},
      {&a, int(errc::weak_password), s::unprocessable_entity, "weak_password"},
      {&a, int(errc::wrong_password), s::forbidden, "wrong_password"},
      {&a, int(errc::username_taken), s::conflict, "username_taken"},
      {&a, int(errc::invalid_username), s::unprocessable_entity, "invalid_username"},
      {&a, int(errc::invalid_role), s::unprocessable_entity, "invalid_role"},
      {&a, int(errc::unit_required), s::unprocessable_entity, "unit_required"},
      {&a, int(errc::unit_not_allowed), s::unprocessable_entity, "unit_not_allowed"},
      {&a, int(errc::unknown_unit), s::unprocessable_entity, "unknown_unit"},
      {&a, int(errc::user_not_found), s::not_found, "user_not_found"},
      {&a, int(errc::token_not_found), s::not_found, "token_not_found"},
      {&a, int(errc::stale_version), s::precondition_failed, "stale_version"},
      {&a, int(errc::busy), s::service_unavailable, "busy"},
      {&a, int(errc::role_not_grantable), s::forbidden, "role_not_grantable"},
      {&a, int(errc::invalid_unit_code), s::unprocessable_entity, "invalid_unit_code"},
      {&a, int(errc::invalid_unit_name), s::unprocessable_entity, "invalid_unit_name"},
      {&a, int(errc::invalid_unit_kind), s::unprocessable_entity, "invalid_unit_kind"},
      {&a, int(errc::unit_exists), s::conflict, "unit_exists"},
      {&a, int(errc::unknown_parent_unit), s::unprocessable_entity, "unknown_parent_unit"},
      {&a, int(errc::unit_parent_cycle), s::unprocessable_entity, "unit_parent_cycle"},
      {&a, int(errc::unknown_origin_unit), s::unprocessable_entity, "unknown_origin_unit"},
      {&a, int(errc::unit_origin_self), s::unprocessable_entity, "unit_origin_self"},
      {&a, int(errc::unit_not_found), s::not_found, "unit_not_found"},
      {&a, int(errc::unit_disabled), s::unprocessable_entity, "unit_disabled"},
      {&a, int(errc::invalid_import), s::unprocessable_entity, "invalid_import"},
      {&a, int(errc::password_change_required), s::forbidden, "password_change_required"},
      {&a, int(errc::login_in_progress), s::service_unavailable, "login_in_progress"},
  };
  using w = workflow::errc;
  static const boost::system::error_category& f = workflow::workflow_category();
  static const mapping workflow_table[] = {
      {&f, int(w::invalid_criteria), s::unprocessable_entity, "invalid_criteria"},
      {&f, int(w::criteria_set_exists), s::conflict, "criteria_set_exists"},
      {&f, int(w::criteria_set_not_found), s::not_found, "criteria_set_not_found"},
      {&f, int(w::campaign_not_found), s::not_found, "campaign_not_found"},
      {&f, int(w::assessment_not_found), s::not_found, "assessment_not_found"},
      {&f, int(w::unknown_criterion), s::not_found, "unknown_criterion"},
      {&f, int(w::not_a_leaf), s::unprocessable_entity, "not_a_leaf"},
      {&f, int(w::wrong_stage), s::conflict, "wrong_stage"},
      {&f, int(w::wrong_role), s::forbidden, "wrong_role"},
      {&f, int(w::wrong_unit), s::forbidden, "wrong_unit"},
      {&f, int(w::not_assigned), s::forbidden, "not_assigned"},
      {&f, int(w::deadline_passed), s::conflict, "deadline_passed"},
      {&f, int(w::window_closed), s::conflict, "window_closed"},
      {&f, int(w::leaf_not_flagged), s::conflict, "leaf_not_flagged"},
      {&f, int(w::not_self_scored), s::unprocessable_entity, "not_self_scored"},
      {&f, int(w::score_above_max), s::unprocessable_entity, "score_above_max"},
      {&f, int(w::too_many_decimals), s::unprocessable_entity, "too_many_decimals"},
      {&f, int(w::negative_score), s::unprocessable_entity, "negative_score"},
      {&f, int(w::invalid_score), s::unprocessable_entity, "invalid_score"},
      {&f, int(w::round1_incomplete), s::conflict, "round1_incomplete"},
      {&f, int(w::no_flagged_leaves), s::conflict, "no_flagged_leaves"},
      {&f, int(w::flagged_leaves), s::conflict, "flagged_leaves"},
      {&f, int(w::invalid_time), s::unprocessable_entity, "invalid_time"},
      {&f, int(w::reason_required), s::unprocessable_entity, "reason_required"},
      {&f, int(w::already_voted), s::conflict, "already_voted"},
      {&f, int(w::not_council_member), s::forbidden, "not_council_member"},
      {&f, int(w::stale_version), s::precondition_failed, "stale_version"},
      {&f, int(w::self_scores_missing), s::conflict, "self_scores_missing"},
      {&f, int(w::historical_incomplete), s::conflict, "historical_incomplete"},
      {&f, int(w::leaf_not_evaluated), s::conflict, "leaf_not_evaluated"},
      {&f, int(w::not_claimable), s::unprocessable_entity, "not_claimable"},
      {&f, int(w::no_claim), s::conflict, "no_claim"},
      {&f, int(w::leaf_has_score), s::conflict, "leaf_has_score"},
      {&f, int(w::empty_edit), s::unprocessable_entity, "empty_edit"},
      {&f, int(w::invalid_decision_date), s::unprocessable_entity, "invalid_decision_date"},
      {&f, int(w::decision_required), s::unprocessable_entity, "decision_required"},
      {&f, int(w::nothing_to_publish), s::conflict, "nothing_to_publish"},
      {&f, int(w::ranking_not_published), s::forbidden, "ranking_not_published"},
      {&f, int(w::invalid_campaign_name), s::unprocessable_entity, "invalid_campaign_name"},
      {&f, int(w::invalid_time_zone), s::unprocessable_entity, "invalid_time_zone"},
      {&f, int(w::schedule_out_of_order), s::unprocessable_entity, "schedule_out_of_order"},
      {&f, int(w::schedule_in_past), s::unprocessable_entity, "schedule_in_past"},
      {&f, int(w::invalid_bands), s::unprocessable_entity, "invalid_bands"},
      {&f, int(w::invalid_approval_rule), s::unprocessable_entity, "invalid_approval_rule"},
      {&f, int(w::no_groups), s::unprocessable_entity, "no_groups"},
      {&f, int(w::unknown_criteria_set), s::unprocessable_entity, "unknown_criteria_set"},
      {&f, int(w::unknown_unit), s::unprocessable_entity, "unknown_unit"},
      {&f, int(w::unit_disabled), s::unprocessable_entity, "unit_disabled"},
      {&f, int(w::unit_in_two_groups), s::unprocessable_entity, "unit_in_two_groups"},
      {&f, int(w::unit_not_in_campaign), s::unprocessable_entity, "unit_not_in_campaign"},
      {&f, int(w::unknown_user), s::unprocessable_entity, "unknown_user"},
      {&f, int(w::user_not_appraiser), s::unprocessable_entity, "user_not_appraiser"},
      {&f, int(w::user_not_council_member), s::unprocessable_entity, "user_not_council_member"},
      {&f, int(w::assignment_scope_required), s::unprocessable_entity, "assignment_scope_required"},
      {&f, int(w::campaign_exists), s::conflict, "campaign_exists"},
      {&f, int(w::invalid_score_import), s::unprocessable_entity, "invalid_score_import"},
      {&f, int(w::invalid_group_key), s::unprocessable_entity, "invalid_group_key"},
      {&f, int(w::duplicate_entry), s::unprocessable_entity, "duplicate_entry"},
      {&f, int(w::claimable_scope_required), s::unprocessable_entity, "claimable_scope_required"},
      {&f, int(w::unknown_group), s::unprocessable_entity, "unknown_group"},
      {&f, int(w::not_assigned_to_unit), s::forbidden, "not_assigned_to_unit"},
      {&f, int(w::not_published), s::not_found, "not_published"},
      {&f, int(w::group_not_found), s::not_found, "group_not_found"},
      {&f, int(w::unit_has_no_file), s::not_found, "unit_has_no_file"},
      {&f, int(w::invalid_predecessor), s::unprocessable_entity, "invalid_predecessor"},
      {&f, int(w::no_predecessor), s::not_found, "no_predecessor"},
      {&f, int(w::invalid_bulk_edit), s::unprocessable_entity, "invalid_bulk_edit"},
      {&f, int(w::no_campaign_change), s::unprocessable_entity, "no_campaign_change"},
      {&f, int(w::campaign_published), s::conflict, "campaign_published"},
      {&f, int(w::self_assessment_over), s::conflict, "self_assessment_over"},
      {&f, int(w::past_date_reason_required), s::unprocessable_entity, "past_date_reason_required"},
      {&f, int(w::window_length_locked), s::conflict, "window_length_locked"},
      {&f, int(w::bands_locked), s::conflict, "bands_locked"},
      {&f, int(w::approval_rule_locked), s::conflict, "approval_rule_locked"},
      {&f, int(w::council_locked), s::conflict, "council_locked"},
      {&f, int(w::assignments_locked), s::conflict, "assignments_locked"},
      {&f, int(w::unit_add_too_late), s::conflict, "unit_add_too_late"},
      {&f, int(w::unit_already_in_campaign), s::conflict, "unit_already_in_campaign"},
      {&f, int(w::file_touched), s::conflict, "file_touched"},
      {&f, int(w::not_evaluated_locked), s::conflict, "not_evaluated_locked"},
      {&f, int(w::criteria_set_required), s::unprocessable_entity, "criteria_set_required"},
      {&f, int(w::not_carried_over), s::conflict, "not_carried_over"},
  };
  for (const mapping& m : workflow_table)
    if (*m.category == ec.category() && m.value == ec.value()) return m;
  using ev = evidence::errc;
  static const boost::system::error_category& e = evidence::evidence_category();
  static const mapping evidence_table[] = {
      {&e, int(ev::upload_not_found), s::not_found, "upload_not_found"},
      {&e, int(ev::upload_gone), s::gone, "upload_gone"},
      {&e, int(ev::offset_mismatch), s::conflict, "offset_mismatch"},
      {&e, int(ev::upload_busy), s::locked, "upload_busy"},
      {&e, int(ev::checksum_mismatch), static_cast<s>(460), "checksum_mismatch"},
      {&e, int(ev::checksum_unsupported), s::bad_request, "checksum_unsupported"},
      {&e, int(ev::file_checksum_mismatch), s::unprocessable_entity, "file_checksum_mismatch"},
      {&e, int(ev::file_too_large), s::payload_too_large, "file_too_large"},
      {&e, int(ev::leaf_evidence_limit), s::payload_too_large, "leaf_evidence_limit"},
      {&e, int(ev::type_not_allowed), s::unsupported_media_type, "type_not_allowed"},
      {&e, int(ev::extension_mismatch), s::unprocessable_entity, "extension_mismatch"},
      {&e, int(ev::unsafe_archive), s::unprocessable_entity, "unsafe_archive"},
      {&e, int(ev::invalid_file_name), s::unprocessable_entity, "invalid_file_name"},
      {&e, int(ev::upload_incomplete), s::conflict, "upload_incomplete"},
      {&e, int(ev::upload_attached), s::conflict, "upload_attached"},
      {&e, int(ev::evidence_not_found), s::not_found, "evidence_not_found"},
      {&e, int(ev::evidence_sealed), s::conflict, "evidence_sealed"},
      {&e, int(ev::invalid_document_date), s::unprocessable_entity, "invalid_document_date"},
      {&e, int(ev::blob_missing), s::internal_server_error, "blob_missing"},
      {&e, int(ev::range_not_satisfiable), s::range_not_satisfiable, "range_not_satisfiable"},
      {&e, int(ev::carried_evidence_not_found), s::not_found, "carried_evidence_not_found"},
      {&e, int(ev::carried_evidence_decided), s::conflict, "carried_evidence_decided"},
  };
  for (const mapping& m : evidence_table)
    if (*m.category == ec.category() && m.value == ec.value()) return m;
  static const mapping unmapped{nullptr, 0, s::internal_server_error, "internal_error"};
  for (const mapping& m : table)
    if (*m.category == ec.category() && m.value == ec.value()) return m;
  return unmapped;
}

// A byte string as valid UTF-8: each byte that does not begin a well-formed sequence
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) becomes U+FFFD.
// Paths are percent-decoded, so a client can put any byte into them (issue 11, item 7);
// a problem+json body says charset=utf-8 and must be valid JSON.
std::string valid_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (c < 0x80)
      len = 1;
    else if (c >= 0xc2 && c <= 0xdf)
      len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    }
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = k == 1 ? p[i + 1] >= lo && p[i + 1] <= hi : p[i + k] >= 0x80 && p[i + k] <= 0xbf;
    if (ok) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

void make_valid(boost::json::value& v) {
  if (auto* str = v.if_string()) {
    *str = valid_utf8(*str);
  } else if (auto* arr = v.if_array()) {
    for (auto& item : *arr) make_valid(item);
  } else if (auto* obj = v.if_object()) {
    for (auto& item : *obj) make_valid(item.value());
  }
}

}  // namespace

api_error error_from(const boost::system::error_code& ec, message_args args) {
  const mapping& m = lookup(ec);
  return api_error{m.status, std::string{m.code}, std::move(args)};
}

response to_problem(const api_error& e, language l, unsigned version, bool keep_alive,
                    std::string_view instance, std::string_view request_id) {
  message_args args = e.args;
  for (auto& arg : args) arg.second = valid_utf8(arg.second);
  args.emplace_back("request_id", valid_utf8(request_id));
  const localized text = message_for(e.code, l, args);
  boost::json::object body;
  body["type"] = "urn:parix:problem:" + e.code;
  body["title"] = text.title;
  body["status"] = static_cast<int>(e.status);
  body["detail"] = text.detail;
  body["code"] = e.code;
  body["instance"] = valid_utf8(instance);
  body["request_id"] = valid_utf8(request_id);
  for (const auto& [k, v] : e.extensions) {
    boost::json::value copy = v;
    make_valid(copy);
    body[valid_utf8(k)] = std::move(copy);
  }

  response res{e.status, version};
  res.set(http::field::content_type, "application/problem+json; charset=utf-8");
  res.set(http::field::content_language, tag(l));
  for (const auto& [f, v] : e.headers) res.set(f, v);
  if (e.status == static_cast<http::status>(460)) res.reason("Checksum Mismatch");  // tus 1.0
  res.keep_alive(keep_alive);
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

}  // namespace parix::server
