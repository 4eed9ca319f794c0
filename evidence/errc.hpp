// The evidence module's error codes; server/problem.cpp maps each to HTTP. The evidence
// services also pass on the workflow's codes (the edit table's refusals of a leaf).
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace parix::evidence {

enum class errc {
  upload_not_found = 1,
  upload_gone,
  offset_mismatch,
  upload_busy,
  checksum_mismatch,
  checksum_unsupported,
  file_checksum_mismatch,
  file_too_large,
  leaf_evidence_limit,
  type_not_allowed,
  extension_mismatch,
  unsafe_archive,
  invalid_file_name,
  upload_incomplete,
  upload_attached,
  evidence_not_found,
  evidence_sealed,
  invalid_document_date,
  blob_missing,
  range_not_satisfiable,
  carried_evidence_not_found,  // no such carried-over offer on this leaf
  carried_evidence_decided,    // the offer was confirmed or discarded already
  last = carried_evidence_decided,
};

const boost::system::error_category& evidence_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), evidence_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace parix::evidence

template <>
struct boost::system::is_error_code_enum<parix::evidence::errc> : std::true_type {};
